import type { Catalog, CatalogForeignKey, CatalogTable } from './catalog.ts';
import { CATALOG_QUERIES } from './catalog.ts';
import type { LearnSpec, MetricSpec } from './learn-spec.ts';
import { metricQueries, type MetricQueries } from './metric-queries.ts';
import { sessionStatements, type SessionLimits } from './read-only-session.ts';
import {
  cellSets,
  cellsSql,
  columnRecountSql,
  countsSql,
  fanoutSql,
  planTable,
  quantilesSql,
  type CellSet,
  type TablePlan,
} from './table-queries.ts';
import { tenantPaths, type TenantPath } from './tenant-paths.ts';
import { hasQuantiles } from './column-kinds.ts';

export interface TableQueries {
  plan: TablePlan;
  counts: string;
  quantiles: string | null;
  cells: string | null;
  sets: CellSet[];
  /** Per column index: the recount texts for its bins and categories. */
  recounts: Map<number, { bins?: string; categories?: string }>;
  fanouts: { fk: CatalogForeignKey; parent: TenantPath; sql: string }[];
}

export interface LearnPlan {
  tables: TableQueries[];
  metrics: { spec: MetricSpec; queries: MetricQueries }[];
}

/**
 * Every SQL text the learner can send for this catalog, built before any data is read: the texts
 * depend only on the schema and the binding's declarations, so `--explain` prints exactly what a
 * run sends, and the ledger's hashes can be checked against it.
 */
export function learnPlan(catalog: Catalog, spec: LearnSpec, dp: boolean): LearnPlan {
  const paths = tenantPaths(catalog, spec.tenant);
  const tables = catalog.tables.map((source: CatalogTable): TableQueries => {
    const table = inDeclaredOrder(source, spec.schema);
    const plan = planTable(table, paths.get(table.name)!, spec.categoricals);
    const recounts = new Map<number, { bins?: string; categories?: string }>();
    plan.columns.forEach((c, i) => {
      const r: { bins?: string; categories?: string } = {};
      if (!dp && hasQuantiles(c.kind)) r.bins = columnRecountSql(plan, i, 'bins', dp);
      if (c.kind === 'category') r.categories = columnRecountSql(plan, i, 'categories', dp);
      if (r.bins || r.categories) recounts.set(i, r);
    });
    return {
      plan,
      counts: countsSql(plan, dp),
      quantiles: dp ? null : quantilesSql(plan),
      cells: cellsSql(plan, dp),
      sets: cellSets(plan, dp),
      recounts,
      fanouts: table.foreignKeys.map((fk) => ({
        fk,
        parent: paths.get(fk.parent)!,
        sql: fanoutSql(table, fk, paths.get(fk.parent)!, dp),
      })),
    };
  });
  return { tables, metrics: spec.metrics.map((m) => ({ spec: m, queries: metricQueries(m, dp) })) };
}

/**
 * A table's columns in the order the app declares them, then any others in the source's order. A
 * database's attribute order is its migration history (a column added later comes last, wherever
 * the app's schema lists it), so planning in the declared order is what keeps the texts a run sends
 * equal to those `--explain` prints from the declarations alone.
 */
function inDeclaredOrder(table: CatalogTable, declared: Catalog): CatalogTable {
  const names = declared.tables.find((t) => t.name === table.name)?.columns.map((c) => c.name);
  if (!names) return table;
  const rank = (name: string, i: number) => {
    const r = names.indexOf(name);
    return r >= 0 ? r : names.length + i;
  };
  const columns = table.columns
    .map((c, i) => ({ c, r: rank(c.name, i) }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.c);
  return { ...table, columns };
}

/** The queries a learn run would send, in order, for a person to review: `sim learn --explain`. */
export function explainQueries(
  spec: LearnSpec,
  options: SessionLimits & { epsilon?: number; k?: number } = {},
): string {
  const dp = options.epsilon !== undefined;
  const plan = learnPlan(spec.schema, spec, dp);
  const out: string[] = [];
  let n = 0;
  const show = (purpose: string, sql: string, note = '') =>
    out.push(`-- [${++n}] ${purpose}${note ? ` (${note})` : ''}\n${sql.trim()};\n`);
  out.push(
    `-- sim learn: the statements a run sends, in order, for the ${spec.app} schema (${spec.schema.tables.length} ` +
      `tables).\n` +
      `-- Connects nowhere. Tables the source has beyond these get the same per-table queries.\n` +
      `-- Every cell is released only if it holds at least k = ${options.k ?? 10} distinct tenants ` +
      `(${spec.tenant.table}.${spec.tenant.key});` +
      `${dp ? ` --epsilon ${options.epsilon}: Laplace noise on every released count.` : ''}\n`,
  );
  for (const s of sessionStatements(options)) show('session: read-only transaction', s);
  show('catalog: tables and columns of the public schema', CATALOG_QUERIES.columns);
  show('catalog: single-column keys and foreign keys', CATALOG_QUERIES.constraints);
  for (const t of plan.tables) {
    const name = t.plan.table.name;
    show(`table ${name}: rows, nulls, distinct values`, t.counts);
    if (t.quantiles) show(`table ${name}: trimmed quantiles`, t.quantiles);
    if (t.cells) {
      show(
        `table ${name}: cells behind each distribution, with distinct tenants`,
        t.cells,
        'parameters: quantile edges from the previous query, declared domains',
      );
    }
    for (const [i, r] of t.recounts) {
      const column = t.plan.columns[i]!.name;
      if (r.bins) {
        show(`table ${name}: recount ${column} intervals`, r.bins, 'only when an interval holds fewer than k tenants');
      }
      if (r.categories) {
        show(
          `table ${name}: recount ${column} categories`,
          r.categories,
          'only when a category holds fewer than k tenants',
        );
      }
    }
    for (const f of t.fanouts) {
      show(`children per parent: ${name}.${f.fk.column} -> ${f.fk.parent}`, f.sql, 'parameter: bin edges');
    }
  }
  for (const m of plan.metrics) {
    show(`metric ${m.spec.name}: ${m.spec.title}`, m.queries.cells);
    if (m.queries.bins) show(`metric ${m.spec.name}: intervals between knots`, m.queries.bins);
    if (m.queries.recount) {
      show(
        `metric ${m.spec.name}: recount merged cells`,
        m.queries.recount,
        'only when cells hold fewer than k tenants',
      );
    }
  }
  return out.join('\n');
}
