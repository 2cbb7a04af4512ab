import { missingFromSource, readCatalog, schemaHashOf, schemaListing } from './catalog.ts';
import { hasQuantiles } from './column-kinds.ts';
import type { Ctx } from './learn-cells.ts';
import { LearnError } from './learn-errors.ts';
import { learnMetric } from './learn-metric.ts';
import type { LearnSpec } from './learn-spec.ts';
import { learnTable } from './learn-table.ts';
import { learnPlan } from './query-plan.ts';
import { DEFAULT_K, DP_CONTRIBUTION, EpsilonBudget, MIN_K, QUANTILE_POINTS, ROUNDING } from './privacy.ts';
import {
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type MetricProfile,
  type PrivacyLedger,
  type Profile,
  type TableProfile,
} from './profile-types.ts';
import type { QueryLedger } from './query-ledger.ts';
import type { SqlSource } from './sql-source.ts';

export interface LearnOptions {
  /** Distinct tenants every released cell must hold (default 10, at least 5). */
  k?: number;
  /** Distinct users every per-user cell must hold (default: k). */
  userK?: number;
  /** Differential privacy: the total budget, split as the ledger records. */
  epsilon?: number;
  now?: Date;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export function checkLearnOptions(o: LearnOptions): { k: number; userK: number; epsilon: number | undefined } {
  const k = o.k ?? DEFAULT_K;
  const userK = o.userK ?? k;
  for (const [name, v] of [
    ['--k', k],
    ['--user-k', userK],
  ] as const) {
    if (!Number.isInteger(v) || v < MIN_K) {
      throw new LearnError(
        `learn: ${name} must be a whole number of at least ${MIN_K} (got ${v}): smaller cells single out ` +
          `individual tenants`,
      );
    }
  }
  if (o.epsilon !== undefined && !(Number.isFinite(o.epsilon) && o.epsilon > 0 && o.epsilon <= 100)) {
    throw new LearnError(`learn: --epsilon must be a number above 0 and at most 100 (got ${o.epsilon})`);
  }
  return { k, userK, epsilon: o.epsilon };
}

/**
 * Learns a profile through an open read-only session: the catalog first (is this the app's
 * schema?), then per table its counts, quantiles and cells, children per parent for every foreign
 * key, and the binding's metrics. Every released cell holds at least k distinct tenants.
 */
export async function learnProfile(
  session: { source: SqlSource; ledger: QueryLedger },
  spec: LearnSpec,
  options: LearnOptions = {},
): Promise<Profile> {
  const { k, userK, epsilon } = checkLearnOptions(options);
  const log = options.log ?? (() => {});
  const dp = epsilon !== undefined;
  const catalog = await readCatalog(session.source);
  const missing = missingFromSource(spec.schema, catalog);
  if (missing.length) {
    throw new LearnError(
      `learn: this database is not the ${spec.app} schema: ` +
        `it lacks ${missing.length} of what the app needs: ${missing.join(', ')}. ` +
        `Point --database-url at the app's own database (or a replica of it); nothing was written`,
    );
  }
  const rls = catalog.tables.filter((t) => t.rowSecurityActive).map((t) => t.name);
  if (rls.length) {
    throw new LearnError(
      `learn: row-level security hides rows of ${rls.join(', ')} from this role, ` +
        `so every aggregate would describe a subset. ` +
        `Learn as a role with BYPASSRLS (SELECT only is enough otherwise); nothing was written`,
    );
  }
  const plan = learnPlan(catalog, spec, dp);
  const withheld: string[] = [];
  let budget: EpsilonBudget | null = null;
  if (dp) {
    const rowStats = plan.tables.map((t) => `rows ${t.plan.table.name}`);
    const histograms: string[] = [];
    for (const t of plan.tables) {
      for (const c of t.plan.columns) {
        if (!c.notNull || c.kind === 'category' || c.kind === 'boolean' || c.kind === 'text') {
          histograms.push(`column ${t.plan.table.name}.${c.name}`);
        }
        if (hasQuantiles(c.kind)) withheld.push(`quantiles of ${t.plan.table.name}.${c.name}`);
      }
      for (const f of t.fanouts) histograms.push(`children-per-parent ${t.plan.table.name}.${f.fk.column}`);
    }
    for (const m of spec.metrics) {
      if (m.kind === 'quantiles') withheld.push(`metric ${m.name} (a quantile sketch)`);
      else histograms.push(`metric ${m.name}`);
    }
    withheld.push('distinct ratios', 'mean children inside log2 bins');
    budget = new EpsilonBudget(epsilon, rowStats, histograms);
  }
  const ctx: Ctx = {
    source: session.source,
    k,
    userK,
    budget,
    suppressed: new Map(),
    valuesReleased: new Set(),
    domains: spec.categoricals,
  };
  const tables: Record<string, TableProfile> = {};
  for (const t of plan.tables) {
    const began = performance.now();
    tables[t.plan.table.name] = await learnTable(ctx, t);
    log(`learned ${t.plan.table.name} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  }
  const metrics: Record<string, MetricProfile> = {};
  for (const m of plan.metrics) {
    const began = performance.now();
    metrics[m.spec.name] = await learnMetric(ctx, m.spec, m.queries);
    log(`learned metric ${m.spec.name} in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  }
  const listing = schemaListing(catalog);
  const suppressed = [...ctx.suppressed].map(([statistic, cells]) => ({ statistic, cells }));
  const privacy: PrivacyLedger = {
    unit: { ...spec.tenant },
    k,
    userK,
    rounding: { ...ROUNDING },
    quantileTrim: [QUANTILE_POINTS[0], QUANTILE_POINTS[QUANTILE_POINTS.length - 1]!],
    epsilon: budget
      ? {
          total: epsilon!,
          mechanism: 'laplace',
          contribution: DP_CONTRIBUTION,
          split: budget.split,
          withheld,
        }
      : null,
    cellsSuppressed: suppressed.reduce((a, s) => a + s.cells, 0),
    suppressed,
    tablesWithoutTenant: plan.tables.filter((t) => t.plan.path.kind === 'row').map((t) => t.plan.table.name),
    valuesReleased: [...ctx.valuesReleased].sort(),
    queries: session.ledger.queries.map((q) => ({ ...q })),
  };
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    app: spec.app,
    source: {
      learnedAt: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      schemaHash: schemaHashOf(listing),
      schema: listing,
    },
    privacy,
    tables,
    metrics,
  };
}
