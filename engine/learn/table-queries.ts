import type { CatalogForeignKey, CatalogTable } from './catalog.ts';
import { columnKind, hasQuantiles, type ColumnKind } from './column-kinds.ts';
import { DP_ROW_CLIP, OTHER, QUANTILE_POINTS } from './privacy.ts';
import { ident, type TenantPath } from './tenant-paths.ts';

export interface ColumnPlan {
  name: string;
  kind: ColumnKind;
  notNull: boolean;
  /** Declared domain of a category column. */
  domain?: readonly string[];
}

export interface TablePlan {
  table: CatalogTable;
  path: TenantPath;
  columns: ColumnPlan[];
}

/** Scripts a text value is written in, first match wins (kana before han: Japanese names use both). */
export const SCRIPTS = [
  ['kana', '[\\u3040-\\u30ff]'],
  ['han', '[\\u4e00-\\u9fff]'],
  ['hangul', '[\\uac00-\\ud7af]'],
  ['arabic', '[\\u0600-\\u06ff]'],
  ['hebrew', '[\\u0590-\\u05ff]'],
  ['cyrillic', '[\\u0400-\\u04ff]'],
  ['greek', '[\\u0370-\\u03ff]'],
  ['latin', '[A-Za-z\\u00c0-\\u024f]'],
] as const;
export const SCRIPT_NAMES = [...SCRIPTS.map(([name]) => name), 'none'] as const;

/** Bin edges for whole-number histograms: exact 0-15, then log2 bins [16, 32), [32, 64), … */
export const COUNT_EDGES = [
  ...Array.from({ length: 15 }, (_, i) => i + 1),
  ...Array.from({ length: 37 }, (_, i) => 2 ** (i + 4)),
];

/** Literals the learner's own SQL contains (the validator checks a ledger's SQL holds no others). */
export const LEARNER_LITERALS = new Set<string>([OTHER, 'none', 'YYYY-MM', 'month', 'UTC', ...SCRIPTS.flat()]);

const quantilesArray = `ARRAY[${QUANTILE_POINTS.join(', ')}]::float8[]`;

export function planTable(
  table: CatalogTable,
  path: TenantPath,
  categoricals: Record<string, readonly string[]>,
): TablePlan {
  return {
    table,
    path,
    columns: table.columns.map((c) => {
      const kind = columnKind(table, c, categoricals);
      const plan: ColumnPlan = { name: c.name, kind, notNull: c.notNull };
      if (kind === 'category') plan.domain = categoricals[`${table.name}.${c.name}`];
      return plan;
    }),
  };
}

const col = (c: ColumnPlan) => `t.${ident(c.name)}`;

/** The number whose quantiles describe a column: the value, the instant in epoch ms, or the length. */
function measure(c: ColumnPlan): string {
  switch (c.kind) {
    case 'numeric':
      return `${col(c)}::float8`;
    case 'time':
      return `(extract(epoch FROM ${col(c)}) * 1000)::float8`;
    case 'text':
      return `char_length(${col(c)})::float8`;
    case 'json':
      return `length(${col(c)}::text)::float8`;
    default:
      throw new Error(`no measure for a ${c.kind} column`);
  }
}

function scriptOf(expr: string): string {
  const arms = SCRIPTS.map(([name, re]) => `WHEN ${expr} ~ '${re}' THEN '${name}'`).join(' ');
  return `CASE WHEN ${expr} IS NULL THEN NULL ${arms} ELSE 'none' END`;
}

/** Columns whose exact distinct count is asked for (equality must exist and be cheap). */
const wantsDistinct = (c: ColumnPlan) => c.kind !== 'json' && c.kind !== 'opaque';

/**
 * Q1: rows, distinct tenants, and per column the nulls (with distinct tenants on each side) and
 * distinct values. Under --epsilon, weighted sums (each tenant's rows weigh 1 in total) replace the
 * distinct counts, and the row count is clipped per tenant.
 */
export function countsSql(plan: TablePlan, dp: boolean): string {
  const base = [`${plan.path.unit} AS u`];
  if (dp) base.push(`count(*) OVER (PARTITION BY ${plan.path.unit}) AS nt`);
  const agg = ['count(*) AS n', 'count(DISTINCT u) AS t'];
  if (dp) agg.push('sum(1.0 / nt) AS w', `sum(least(nt, ${DP_ROW_CLIP})::float8 / nt) AS clipped`);
  plan.columns.forEach((c, i) => {
    const before = agg.length;
    if (!c.notNull) {
      agg.push(`count(v${i}) AS nn${i}`);
      agg.push(`count(DISTINCT u) FILTER (WHERE v${i} IS NULL) AS tnull${i}`);
      agg.push(`count(DISTINCT u) FILTER (WHERE v${i} IS NOT NULL) AS tnn${i}`);
      if (dp) agg.push(`sum(1.0 / nt) FILTER (WHERE v${i} IS NULL) AS wnull${i}`);
    }
    if (!dp && wantsDistinct(c) && !isUnique(plan, c)) agg.push(`count(DISTINCT v${i}) AS nd${i}`);
    if (agg.length > before) base.push(`${col(c)} AS v${i}`);
  });
  return `SELECT ${agg.join(', ')}\n  FROM (SELECT ${base.join(', ')} FROM ${plan.path.from}) base`;
}

/** A primary key or single-column unique constraint: every value is distinct, no need to count. */
export const isUnique = (plan: TablePlan, c: ColumnPlan) =>
  plan.table.primaryKey === c.name || plan.table.unique.includes(c.name);

/** Q2: the trimmed quantile sketch of every number, time and length in one pass (no tenant join needed). */
export function quantilesSql(plan: TablePlan): string | null {
  const parts = plan.columns.flatMap((c, i) =>
    hasQuantiles(c.kind) ? [`percentile_disc(${quantilesArray}) WITHIN GROUP (ORDER BY ${measure(c)}) AS q${i}`] : [],
  );
  if (!parts.length) return null;
  return `SELECT ${parts.join(',\n       ')}\n  FROM public.${ident(plan.table.name)} t`;
}

/** Which cell sets Q3 computes, in order, and the parameter each takes. */
export interface CellSet {
  column: number;
  what: 'bins' | 'categories' | 'scripts';
  /** $n of the edges (bins) or the domain (categories). */
  param?: number;
}

export function cellSets(plan: TablePlan, dp: boolean): CellSet[] {
  const sets: CellSet[] = [];
  let param = 0;
  plan.columns.forEach((c, i) => {
    if (!dp && hasQuantiles(c.kind)) sets.push({ column: i, what: 'bins', param: ++param });
    if (c.kind === 'category') sets.push({ column: i, what: 'categories', param: ++param });
    if (c.kind === 'boolean') sets.push({ column: i, what: 'categories' });
    if (c.kind === 'text') sets.push({ column: i, what: 'scripts' });
  });
  return sets;
}

/**
 * Q3: the cells behind every released distribution of the table, each with its distinct tenants:
 * the intervals between quantile knots (edges as parameters, so merged intervals are recounted
 * with the same text), category labels (values outside the declared domain become __other__ in the
 * database), booleans, scripts.
 */
export function cellsSql(plan: TablePlan, dp: boolean): string | null {
  const sets = cellSets(plan, dp);
  if (!sets.length) return null;
  const base = [`${plan.path.unit} AS u`];
  if (dp) base.push(`1.0 / count(*) OVER (PARTITION BY ${plan.path.unit}) AS w`);
  const used = new Set(sets.map((s) => s.column));
  plan.columns.forEach((c, i) => {
    if (!used.has(i)) return;
    if (hasQuantiles(c.kind)) base.push(`${measure(c)} AS m${i}`);
    if (c.kind === 'category' || c.kind === 'boolean') base.push(`${col(c)}::text AS v${i}`);
    if (c.kind === 'text') base.push(`${scriptOf(col(c))} AS s${i}`);
  });
  const weight = dp ? ', sum(w) AS w' : '';
  const selects = sets.map((s, j) => {
    const label =
      s.what === 'bins'
        ? `width_bucket(m${s.column}, $${s.param}::float8[])::text`
        : s.what === 'scripts'
          ? `s${s.column}`
          : s.param
            ? `CASE WHEN v${s.column} IS NULL THEN NULL WHEN v${s.column} = ANY($${s.param}::text[]) THEN ` +
              `v${s.column} ELSE '${OTHER}' END`
            : `v${s.column}`;
    return `SELECT ${j} AS s, ${label} AS b, count(*) AS n, count(DISTINCT u) AS t${weight} FROM base GROUP BY 2`;
  });
  return (
    `WITH base AS MATERIALIZED (SELECT ${base.join(', ')} FROM ${plan.path.from})\n` + selects.join('\nUNION ALL ')
  );
}

/**
 * Q4: children per parent for one foreign key, binned by COUNT_EDGES (passed as a parameter so
 * merged bins are recounted with the same text), with distinct tenants of the parents per bin.
 */
export function fanoutSql(child: CatalogTable, fk: CatalogForeignKey, parentPath: TenantPath, dp: boolean): string {
  const inner = [`${parentPath.unit} AS u`, 'coalesce(c.k, 0) AS k'];
  if (dp) inner.push(`1.0 / count(*) OVER (PARTITION BY ${parentPath.unit}) AS w`);
  const children =
    `SELECT x.${ident(fk.column)} AS ref, count(*) AS k FROM public.${ident(child.name)} x ` +
    `WHERE x.${ident(fk.column)} IS NOT NULL GROUP BY 1`;
  return (
    `SELECT width_bucket(f.k, $1::bigint[]) AS b, count(*) AS n, sum(f.k) AS children, ` +
    `count(DISTINCT f.u) AS t${dp ? ', sum(f.w) AS w' : ''}\n` +
    `  FROM (SELECT ${inner.join(', ')} FROM ${parentPath.from} ` +
    `LEFT JOIN (${children}) c ON c.ref = t.${ident(fk.parentColumn)}) f\n` +
    ` GROUP BY 1`
  );
}

/**
 * The cells of one column alone, run only when some cells fell below k: quantile intervals with
 * fewer edges, or categories with the short labels folded into __other__ (an exact recount of the
 * merged cell, never a sum of distinct counts).
 */
export function columnRecountSql(plan: TablePlan, column: number, what: 'bins' | 'categories', dp: boolean): string {
  const c = plan.columns[column]!;
  const value = what === 'bins' ? measure(c) : `${col(c)}::text`;
  const label =
    what === 'bins'
      ? `width_bucket(v, $1::float8[])::text`
      : `CASE WHEN v IS NULL THEN NULL WHEN v = ANY($1::text[]) THEN v ELSE '${OTHER}' END`;
  const weight = dp ? `, 1.0 / count(*) OVER (PARTITION BY ${plan.path.unit}) AS w` : '';
  return (
    `WITH base AS MATERIALIZED (SELECT ${plan.path.unit} AS u, ${value} AS v${weight} FROM ${plan.path.from})\n` +
    `SELECT ${label} AS b, count(*) AS n, count(DISTINCT u) AS t${dp ? ', sum(w) AS w' : ''} FROM base GROUP BY 1`
  );
}
