import type { SchemaListing } from './catalog.ts';
import type { ColumnKind } from './column-kinds.ts';
import type { LedgerQuery } from './query-ledger.ts';

export const PROFILE_FORMAT = 'facade-sim/learned-profile';
export const PROFILE_VERSION = 1;

/** A trimmed quantile sketch: p from 0.005 to 0.995, v rounded (numbers) or truncated to the hour (times, ISO text). */
export interface Quantiles {
  p: number[];
  v: number[];
}
export interface TimeQuantiles {
  p: number[];
  v: string[];
}

/** One histogram bin [lo, hi): exact bins have hi = lo + 1; `mean` is the mean value inside the bin. */
export interface Bin {
  lo: number;
  hi: number;
  share: number;
  mean?: number;
}

export interface ColumnProfile {
  kind: ColumnKind;
  /** null: suppressed (the null or the non-null side holds fewer than k tenants). */
  nullFraction: number | null;
  distinctRatio?: number | null;
  quantiles?: Quantiles | TimeQuantiles | null;
  /** Text and json: the length in characters. */
  length?: Quantiles | null;
  categories?: Record<string, number> | null;
  scripts?: Record<string, number> | null;
}

export interface FanoutProfile {
  parent: string;
  parentColumn: string;
  parents: number | null;
  meanChildren: number | null;
  bins: Bin[] | null;
}

export interface TableProfile {
  rows: number | null;
  /** tenant: cells count distinct tenants; row: a table no tenant owns (a catalogue), each row is a unit. */
  unit: 'tenant' | 'row';
  tenantPath: string[];
  columns: Record<string, ColumnProfile>;
  /** Children per parent, keyed by the child's foreign-key column. */
  foreignKeys: Record<string, FanoutProfile>;
}

export interface CategoryCell {
  n: number;
  shares: Record<string, number>;
}
export interface CountsCell {
  n: number;
  mean: number | null;
  bins: Bin[];
}
export interface QuantilesCell {
  n: number;
  quantiles: Quantiles | TimeQuantiles;
}
export interface RateCell {
  n: number;
  rate: number;
}
export type MetricCell = CategoryCell | CountsCell | QuantilesCell | RateCell;

/** Ungrouped metrics have the single group ALL_GROUPS; merged ordinal groups are named 'a..b'. */
export const ALL_GROUPS = '*';

export interface MetricProfile {
  kind: 'category' | 'counts' | 'quantiles' | 'rate';
  title: string;
  unit?: string;
  time?: boolean;
  groups: Record<string, MetricCell>;
}

export interface EpsilonLedger {
  total: number;
  mechanism: 'laplace';
  /** How one tenant's influence on each statistic is bounded (the sensitivity the noise is scaled to). */
  contribution: string;
  split: { statistic: string; epsilon: number }[];
  /** Statistics not released under --epsilon, with the reason. */
  withheld: string[];
}

export interface PrivacyLedger {
  unit: { table: string; key: string };
  k: number;
  userK: number;
  rounding: { counts: string; shares: string; quantiles: string };
  quantileTrim: [number, number];
  epsilon: EpsilonLedger | null;
  cellsSuppressed: number;
  suppressed: { statistic: string; cells: number }[];
  /** Tables no tenant owns: their cells count rows. */
  tablesWithoutTenant: string[];
  /** Declared categorical domains whose values appear in the profile. */
  valuesReleased: string[];
  queries: LedgerQuery[];
}

export interface Profile {
  format: typeof PROFILE_FORMAT;
  version: typeof PROFILE_VERSION;
  app: string;
  source: { learnedAt: string; schemaHash: string; schema: SchemaListing };
  privacy: PrivacyLedger;
  tables: Record<string, TableProfile>;
  metrics: Record<string, MetricProfile>;
}
