import type { LabelRule, MetricSpec } from './learn-spec.ts';
import { OTHER, QUANTILE_POINTS } from './privacy.ts';

/** The SQL texts one metric runs, and which parameter carries what; texts never depend on the data. */
export interface MetricQueries {
  /** The first aggregate: exact cells per (group, label / bin). */
  cells: string;
  /** Recount of merged ordinal cells (lower bounds as a parameter), when the metric has an ordinal axis. */
  recount?: string;
  /** Quantiles only: the cells between knots for one group (edges and group as parameters). */
  bins?: string;
  /** $n of the label domain, the group domain, the bin edges or ordinal lower bounds. */
  params: { labels?: number; groups?: number; edges?: number; group?: number };
}

const isOrdinal = (r: LabelRule | undefined): r is { ordinal: 'integer' | 'month' } => !!r && 'ordinal' in r;

function labelExpr(rule: LabelRule, expr: string, param: number | undefined): string {
  if (isOrdinal(rule)) {
    return rule.ordinal === 'integer' ? `floor(${expr})::bigint` : `to_char(date_trunc('month', ${expr}), 'YYYY-MM')`;
  }
  return (
    `CASE WHEN ${expr} IS NULL THEN NULL WHEN ${expr}::text = ANY($${param}::text[]) THEN ${expr}::text ELSE ` +
    `'${OTHER}' END`
  );
}

const ordinalType = (r: { ordinal: 'integer' | 'month' }) => (r.ordinal === 'integer' ? 'bigint' : 'text');

/** Combinations the aggregates below do not support, refused when the binding is written rather than at learn time. */
function checkMetric(m: MetricSpec): void {
  const bad = (why: string) => {
    throw new Error(`metric ${m.name}: ${why}`);
  };
  if (!/^[a-z][a-z0-9_]*$/.test(m.name)) bad('a metric name is lowercase letters, digits and _');
  if (isOrdinal(m.groups) && m.kind !== 'rate') bad('ordinal groups are supported for rate metrics only');
  if (isOrdinal(m.labels) && (m.kind !== 'category' || m.groups)) {
    bad('ordinal labels need an ungrouped category metric');
  }
  if (m.kind === 'counts' && m.groups) {
    bad('counts metrics cannot be grouped (each group would need its own bin edges)');
  }
  if (m.kind === 'category' && !m.labels) bad('a category metric needs labels (a domain, values or an ordinal)');
  if (m.time && m.kind !== 'quantiles') bad('time applies to quantiles metrics');
}

export function metricQueries(m: MetricSpec, dp: boolean): MetricQueries {
  checkMetric(m);
  const params: MetricQueries['params'] = {};
  let next = 0;
  if (m.kind === 'category' && m.labels && !isOrdinal(m.labels)) params.labels = ++next;
  if (m.groups && !isOrdinal(m.groups)) params.groups = ++next;
  const cols = ['i.tenant AS u'];
  if (m.perUser) cols.push('i.usr AS usr');
  cols.push(m.groups ? `${labelExpr(m.groups, 'i.grp', params.groups)} AS g` : 'NULL::text AS g');
  if (m.kind === 'rate') cols.push('(i.event)::boolean AS e');
  else if (m.kind === 'category') cols.push(`${labelExpr(m.labels!, 'i.x', params.labels)} AS x`);
  else if (m.kind === 'counts') cols.push('floor(i.x)::bigint AS x');
  else cols.push(m.time ? '(extract(epoch FROM i.x) * 1000)::float8 AS x' : 'i.x::float8 AS x');
  if (dp) cols.push('1.0 / count(*) OVER (PARTITION BY i.tenant) AS w');
  const items = `WITH items AS MATERIALIZED (SELECT ${cols.join(', ')} FROM (${m.items.trim()}) i)\n`;
  const users = (filter = '') => (m.perUser ? `, count(DISTINCT usr)${filter} AS us` : '');
  const weight = dp ? ', sum(w) AS w' : '';
  const q = (sql: string) => items + sql;

  switch (m.kind) {
    case 'category': {
      const base = `count(*) AS n, count(DISTINCT u) AS t${users()}${weight}`;
      const out: MetricQueries = { cells: q(`SELECT g, x, ${base} FROM items GROUP BY 1, 2`), params };
      if (isOrdinal(m.labels)) {
        params.edges = ++next;
        out.recount = q(
          `SELECT g, width_bucket(x, $${params.edges}::${ordinalType(m.labels)}[]) AS x, ${base} FROM items GROUP ` +
            `BY 1, 2`,
        );
      }
      return out;
    }
    case 'counts': {
      params.edges = ++next;
      return {
        cells: q(
          `SELECT g, width_bucket(x, $${params.edges}::bigint[]) AS x, count(*) AS n, sum(x) AS s, ` +
            `count(DISTINCT u) AS t${users()}${weight} FROM items GROUP BY 1, 2`,
        ),
        params,
      };
    }
    case 'quantiles': {
      params.edges = ++next;
      params.group = ++next;
      return {
        cells: q(
          `SELECT g, count(*) AS n, count(DISTINCT u) AS t${users()}, ` +
            `percentile_disc(ARRAY[${QUANTILE_POINTS.join(', ')}]::float8[]) WITHIN GROUP (ORDER BY x) AS q ` +
            `FROM items WHERE x IS NOT NULL GROUP BY 1`,
        ),
        bins: q(
          `SELECT width_bucket(x, $${params.edges}::float8[]) AS x, count(*) AS n, count(DISTINCT u) AS t${users()} ` +
            `FROM items WHERE x IS NOT NULL AND g IS NOT DISTINCT FROM $${params.group}::text GROUP BY 1`,
        ),
        params,
      };
    }
    case 'rate': {
      const e = ' FILTER (WHERE e)';
      const ne = ' FILTER (WHERE NOT e)';
      const base =
        `count(*) AS n, count(*)${e} AS ne, ` +
        `count(DISTINCT u) AS t, count(DISTINCT u)${e} AS te, count(DISTINCT u)${ne} AS tne` +
        (m.perUser ? `${users()}${users(e).replace('AS us', 'AS use')}${users(ne).replace('AS us', 'AS usne')}` : '') +
        (dp ? `, sum(w) AS w, sum(w)${e} AS we` : '');
      const out: MetricQueries = { cells: q(`SELECT g, ${base} FROM items GROUP BY 1`), params };
      if (isOrdinal(m.groups)) {
        params.edges = ++next;
        out.recount = q(
          `SELECT width_bucket(g, $${params.edges}::${ordinalType(m.groups)}[]) AS g, ${base} FROM items GROUP BY 1`,
        );
      }
      return out;
    }
  }
}
