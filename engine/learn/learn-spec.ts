import type { Catalog } from './catalog.ts';

/**
 * How the labels of a metric are formed. A label never comes from the source unless it belongs to a
 * domain the app declares: anything else is folded into `__other__` inside the database.
 */
export type LabelRule =
  /** A declared categorical column, 'table.column': its values are the allowed labels. */
  | { domain: string }
  /** Labels the metric computes itself (weekday numbers, hours). */
  | { values: readonly string[] }
  /**
   * Ordered labels: whole numbers (tenure month) or calendar months ('2025-03'); small cells merge
   * with a neighbour.
   */
  | { ordinal: 'integer' | 'month' };

/**
 * One application metric, declared by a binding as SQL that selects one row per item. The learner
 * never returns those rows: it wraps the SQL in an aggregate, checks every cell against k, rounds
 * and (with --epsilon) noises it.
 *
 * Item columns: `tenant` (the privacy unit's key), `x` (the value: a number, a timestamp for `time`,
 * or a label) or `event` (a boolean, for `rate`), and optionally `usr` (per-user cells) and `grp`.
 */
export interface MetricSpec {
  name: string;
  title: string;
  /**
   * category: shares of labels (TVComplement); counts: a whole-number histogram with exact bins
   * 0-15 and log2 bins above (KSComplement); quantiles: a trimmed quantile sketch (KSComplement);
   * rate: the share of items with `event` (1 - |difference|).
   */
  kind: 'category' | 'counts' | 'quantiles' | 'rate';
  items: string;
  labels?: LabelRule;
  groups?: LabelRule;
  /** `x` is a timestamp (quantiles only). */
  time?: boolean;
  /** Cells must also hold k distinct users (`usr`). */
  perUser?: boolean;
  /** What x measures, for the report ('seats', 'cents', 'days'). */
  unit?: string;
}

/** What the learner needs to know about an app; an AppBinding exposes it as its optional `learn` member. */
export interface LearnSpec {
  /** Application name, as the binding calls it. */
  app: string;
  /** The privacy unit: every released cell is backed by at least k distinct values of this key. */
  tenant: { table: string; key: string };
  /**
   * Categorical domains the app declares ('table.column' -> allowed values): the only source strings
   * a profile may hold.
   */
  categoricals: Record<string, readonly string[]>;
  metrics: readonly MetricSpec[];
  /** The tables and columns the app needs (a source missing any is another app's database). */
  schema: Catalog;
}
