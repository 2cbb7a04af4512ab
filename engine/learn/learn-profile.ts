import { missingFromSource, readCatalog, schemaHashOf, schemaListing } from './catalog.ts';
import { hasQuantiles } from './column-kinds.ts';
import { LearnError } from './learn-errors.ts';
import type { LearnSpec, MetricSpec } from './learn-spec.ts';
import { learnPlan, type TableQueries } from './query-plan.ts';
import type { MetricQueries } from './metric-queries.ts';
import {
  DEFAULT_K,
  DP_ROW_CLIP,
  EpsilonBudget,
  MIN_K,
  OTHER,
  QUANTILE_POINTS,
  ROUNDING,
  hourOf,
  releasable,
  roundCount,
  roundShare,
  roundValue,
  settleOrdinal,
  type Cell,
  type Thresholds,
} from './privacy.ts';
import {
  ALL_GROUPS,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  type Bin,
  type ColumnProfile,
  type FanoutProfile,
  type MetricCell,
  type MetricProfile,
  type PrivacyLedger,
  type Profile,
  type Quantiles,
  type TableProfile,
  type TimeQuantiles,
} from './profile-types.ts';
import type { QueryLedger } from './query-ledger.ts';
import type { SqlSource } from './sql-source.ts';
import { COUNT_EDGES, isUnique } from './table-queries.ts';

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
        `learn: ${name} must be a whole number of at least ${MIN_K} (got ${v}): smaller cells single out individual tenants`,
      );
    }
  }
  if (o.epsilon !== undefined && !(Number.isFinite(o.epsilon) && o.epsilon > 0 && o.epsilon <= 100)) {
    throw new LearnError(`learn: --epsilon must be a number above 0 and at most 100 (got ${o.epsilon})`);
  }
  return { k, userK, epsilon: o.epsilon };
}

/** A released quantile sketch must span at least this much probability, else it is withheld. */
const MIN_SKETCH_SPAN = 0.5;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

interface Ctx {
  source: SqlSource;
  k: number;
  userK: number;
  budget: EpsilonBudget | null;
  suppressed: Map<string, number>;
  valuesReleased: Set<string>;
  domains: Record<string, readonly string[]>;
}

const suppress = (ctx: Ctx, statistic: string, cells: number) => {
  if (cells > 0) ctx.suppressed.set(statistic, (ctx.suppressed.get(statistic) ?? 0) + cells);
};

/** An ordered cell: its position on the axis (a bucket index or an ordinal value). */
interface OrderedCell extends Cell {
  at: number | string;
  [extra: string]: unknown;
}

/**
 * Recounts merged groups with fewer edges: group j's lower bound is the lower edge of its first
 * cell; a first group that starts at the bottom needs no edge.
 */
async function recountByEdges<C extends OrderedCell>(
  groups: number[][],
  cells: C[],
  lowerOf: (cell: C, group: number) => number | string | null,
  run: (edges: (number | string)[]) => Promise<C[]>,
): Promise<C[]> {
  const lows = groups.map((g, j) => lowerOf(cells[g[0]!]!, j));
  const offset = lows[0] === null ? 0 : 1;
  const edges = lows.filter((x): x is number | string => x !== null);
  const got = new Map((await run(edges)).map((c) => [String(c.at), c]));
  return groups.map((_, j) => got.get(String(j + offset)) ?? ({ at: j, n: 0, tenants: 0, users: 0 } as unknown as C));
}

const cellOf = (r: Record<string, unknown>, at: number | string): OrderedCell => ({
  at,
  n: num(r.n),
  tenants: num(r.t),
  users: num(r.us),
  weight: num(r.w),
  // The values inside the cell added up: children (children per parent) or x (a counts metric).
  sum: num(r.children ?? r.s),
});

/** Quantile knots whose value is a retained edge, rounded for release. */
function knots(q: number[], retained: Set<number>, time: boolean): Quantiles | TimeQuantiles | null {
  const p: number[] = [];
  const v: (number | string)[] = [];
  q.forEach((value, i) => {
    if (!retained.has(value)) return;
    p.push(QUANTILE_POINTS[i]!);
    v.push(time ? hourOf(value) : roundValue(value));
  });
  if (!p.length) return null;
  return time ? { p, v: v as string[] } : { p, v: v as number[] };
}

/**
 * Releases a quantile sketch: the intervals between distinct knots (and the tails outside them)
 * must each hold k tenants; short ones merge with a neighbour, which drops the knot between them.
 */
async function settleQuantiles(
  ctx: Ctx,
  statistic: string,
  q: number[] | null,
  initial: OrderedCell[] | null,
  thresholds: Thresholds,
  time: boolean,
  recount: (edges: number[]) => Promise<OrderedCell[]>,
): Promise<Quantiles | TimeQuantiles | null> {
  const values = (q ?? []).filter((x) => x !== null && Number.isFinite(x));
  if (!values.length) return null;
  const edges = [...new Set(values)].sort((a, b) => a - b);
  const cells = (initial ?? (await recount(edges))).filter((c) => c.n > 0).sort((a, b) => num(a.at) - num(b.at));
  const ok = (c: Cell) => releasable(c, thresholds);
  const settled = await settleOrdinal(cells, ok, (groups) =>
    recountByEdges(
      groups,
      cells,
      (c) => (num(c.at) === 0 ? null : edges[num(c.at) - 1]!),
      (e) => recount(e as number[]),
    ),
  );
  suppress(ctx, statistic, settled.suppressed);
  const retained = new Set<number>();
  for (const g of settled.groups) {
    const b = num(cells[g[0]!]!.at);
    if (b > 0) retained.add(edges[b - 1]!);
  }
  const out = knots(q!, retained, time);
  // Knots left over a narrow band of p (the rest merged away) describe a point, not a distribution.
  if (!out || out.p[out.p.length - 1]! - out.p[0]! < MIN_SKETCH_SPAN) {
    suppress(ctx, statistic, 1);
    return null;
  }
  return out;
}

function binsFrom(edges: readonly number[], cells: OrderedCell[], groups: number[][], exact: OrderedCell[]): Bin[] {
  const total = exact.reduce((a, c) => a + c.n, 0);
  return groups.map((g, j) => {
    const first = num(cells[g[0]!]!.at);
    const last = num(cells[g[g.length - 1]!]!.at);
    const lo = first === 0 ? 0 : edges[first - 1]!;
    const hi = edges[last] ?? lo * 2;
    const c = exact[j]!;
    const bin: Bin = { lo, hi, share: roundShare(c.n / total) };
    if (hi - lo > 1 && c.n > 0) bin.mean = roundValue(num(c.sum) / c.n);
    return bin;
  });
}

/** Under --epsilon: noisy weights replace counts, and shares are taken over the noisy total. */
function noisyShares(ctx: Ctx, statistic: string, weights: number[]): number[] {
  const noisy = weights.map((w) => Math.max(0, w + ctx.budget!.noise(statistic)));
  const total = noisy.reduce((a, b) => a + b, 0);
  return noisy.map((w) => (total > 0 ? roundShare(w / total) : 0));
}

async function learnTable(ctx: Ctx, tq: TableQueries): Promise<TableProfile> {
  const { plan } = tq;
  const name = plan.table.name;
  const dp = ctx.budget !== null;
  const thresholds: Thresholds = { k: ctx.k, userK: ctx.userK, perUser: false };
  const [c] = await ctx.source.query<Record<string, unknown>>(
    tq.counts,
    [],
    `table ${name}: rows, nulls, distinct values`,
  );
  const n = num(c!.n);
  const enough = num(c!.t) >= ctx.k;
  const profile: TableProfile = {
    rows:
      n === 0
        ? 0
        : enough
          ? roundCount(dp ? num(c!.clipped) + ctx.budget!.noise(`rows ${name}`, DP_ROW_CLIP) : n)
          : null,
    unit: plan.path.kind,
    tenantPath: plan.path.steps,
    columns: {},
    foreignKeys: {},
  };
  if (!enough && n > 0) suppress(ctx, `table ${name}`, 1);
  const columns: ColumnProfile[] = plan.columns.map((col, i) => {
    const nn = col.notNull ? n : num(c![`nn${i}`]);
    const cp: ColumnProfile = { kind: col.kind, nullFraction: null };
    if (n === 0 || !enough) return cp;
    const nulls = n - nn;
    if (col.notNull || nulls === 0) cp.nullFraction = 0;
    else if (nn === 0) cp.nullFraction = 1;
    else if (num(c![`tnull${i}`]) >= ctx.k && num(c![`tnn${i}`]) >= ctx.k) {
      if (dp) {
        const w = num(c!.w);
        const wnull = num(c![`wnull${i}`]);
        cp.nullFraction = noisyShares(ctx, `column ${name}.${col.name}`, [wnull, w - wnull])[0]!;
      } else cp.nullFraction = roundShare(nulls / n);
    } else suppress(ctx, `column ${name}.${col.name} nulls`, 1);
    if (!dp && (c![`nd${i}`] !== undefined || isUnique(plan, col))) {
      const tnn = col.notNull ? num(c!.t) : num(c![`tnn${i}`]);
      const distinct = isUnique(plan, col) ? nn : num(c![`nd${i}`]);
      cp.distinctRatio = nn > 0 && tnn >= ctx.k ? roundShare(distinct / nn) : null;
    }
    return cp;
  });

  if (n > 0 && enough) {
    const q = tq.quantiles
      ? (
          await ctx.source.query<Record<string, number[] | null>>(tq.quantiles, [], `table ${name}: trimmed quantiles`)
        )[0]!
      : {};
    const edgesOf = (i: number) => {
      const values = (q[`q${i}`] ?? []).filter((x) => x !== null && Number.isFinite(x));
      return values.length ? [...new Set(values)].sort((a, b) => a - b) : [0];
    };
    const params: unknown[] = [];
    for (const s of tq.sets) {
      if (s.param === undefined) continue;
      params[s.param - 1] = s.what === 'bins' ? edgesOf(s.column) : [...plan.columns[s.column]!.domain!];
    }
    const rows = tq.cells
      ? await ctx.source.query<Record<string, unknown>>(
          tq.cells,
          params,
          `table ${name}: cells behind each distribution, with distinct tenants`,
        )
      : [];
    for (const [j, s] of tq.sets.entries()) {
      const col = plan.columns[s.column]!;
      const cp = columns[s.column]!;
      const statistic = `column ${name}.${col.name}`;
      const mine = rows.filter((r) => num(r.s) === j && r.b !== null);
      const nonNull = col.notNull ? n : num(c![`nn${s.column}`]);
      if (s.what === 'bins') {
        const recount = tq.recounts.get(s.column)!.bins!;
        const sketch = await settleQuantiles(
          ctx,
          statistic,
          q[`q${s.column}`] ?? null,
          mine.map((r) => cellOf(r, num(r.b))),
          thresholds,
          col.kind === 'time',
          async (edges) =>
            (
              await ctx.source.query<Record<string, unknown>>(
                recount,
                [edges],
                `table ${name}: recount ${col.name} intervals`,
              )
            ).map((r) => cellOf(r, num(r.b))),
        );
        if (col.kind === 'text' || col.kind === 'json') cp.length = sketch as Quantiles | null;
        else cp.quantiles = sketch;
      } else if (s.what === 'categories') {
        cp.categories = await settleCategories(ctx, statistic, mine, nonNull, col.domain, async (domain) =>
          ctx.source.query<Record<string, unknown>>(
            tq.recounts.get(s.column)!.categories!,
            [domain],
            `table ${name}: recount ${col.name} categories`,
          ),
        );
        if (col.domain && cp.categories && Object.keys(cp.categories).some((l) => l !== OTHER)) {
          ctx.valuesReleased.add(`${name}.${col.name}`);
        }
      } else {
        const ok = mine.filter((r) => num(r.t) >= ctx.k);
        suppress(ctx, `${statistic} scripts`, mine.length - ok.length);
        const shares = dp
          ? noisyShares(
              ctx,
              statistic,
              ok.map((r) => num(r.w)),
            )
          : ok.map((r) => roundShare(num(r.n) / nonNull));
        cp.scripts = ok.length ? Object.fromEntries(ok.map((r, x) => [String(r.b), shares[x]!]).sort()) : null;
      }
    }
    for (const [i, col] of plan.columns.entries()) {
      const cp = columns[i]!;
      if (hasQuantiles(col.kind) && !dp) {
        if (col.kind === 'text' || col.kind === 'json') cp.length ??= null;
        else cp.quantiles ??= null;
      }
    }
  }
  plan.columns.forEach((col, i) => (profile.columns[col.name] = columns[i]!));

  for (const f of tq.fanouts) {
    profile.foreignKeys[f.fk.column] = await learnFanout(ctx, name, f.fk.column, f.fk.parent, f.fk.parentColumn, f.sql);
  }
  return profile;
}

/** Declared categories: labels below k fold into __other__ (recounted exactly), which is dropped if still short. */
async function settleCategories(
  ctx: Ctx,
  statistic: string,
  rows: Record<string, unknown>[],
  nonNull: number,
  domain: readonly string[] | undefined,
  recount: (domain: string[]) => Promise<Record<string, unknown>[]>,
): Promise<Record<string, number> | null> {
  const ok = (r: Record<string, unknown>) => num(r.t) >= ctx.k;
  const failing = rows.filter((r) => !ok(r)).map((r) => String(r.b));
  let cells = rows;
  if (failing.length && domain) {
    const keep = domain.filter((v) => !failing.includes(v));
    cells = (await recount(keep)).filter((r) => r.b !== null);
  }
  const released = cells.filter(ok);
  suppress(ctx, statistic, failing.length);
  if (!released.length) return null;
  const shares = ctx.budget
    ? noisyShares(
        ctx,
        statistic,
        released.map((r) => num(r.w)),
      )
    : released.map((r) => roundShare(num(r.n) / nonNull));
  return Object.fromEntries(
    released.map((r, i) => [String(r.b), shares[i]!] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

async function learnFanout(
  ctx: Ctx,
  child: string,
  column: string,
  parent: string,
  parentColumn: string,
  sql: string,
): Promise<FanoutProfile> {
  const purpose = `children per parent: ${child}.${column} -> ${parent}`;
  const statistic = `children-per-parent ${child}.${column}`;
  const run = async (edges: readonly number[]) =>
    (await ctx.source.query<Record<string, unknown>>(sql, [edges], purpose)).map((r) => cellOf(r, num(r.b)));
  const cells = (await run(COUNT_EDGES)).filter((c) => c.n > 0).sort((a, b) => num(a.at) - num(b.at));
  const out: FanoutProfile = { parent, parentColumn, parents: null, meanChildren: null, bins: null };
  const settled = await settleOrdinal(
    cells,
    (c) => c.tenants >= ctx.k,
    (groups) =>
      recountByEdges(
        groups,
        cells,
        (c) => (num(c.at) === 0 ? null : COUNT_EDGES[num(c.at) - 1]!),
        (e) => run(e as number[]),
      ),
  );
  suppress(ctx, statistic, settled.suppressed);
  if (!settled.groups.length) return out;
  const parents = settled.cells.reduce((a, c) => a + c.n, 0);
  const children = settled.cells.reduce((a, c) => a + num(c.sum), 0);
  let bins = binsFrom(COUNT_EDGES, cells, settled.groups, settled.cells);
  if (ctx.budget) {
    const shares = noisyShares(
      ctx,
      statistic,
      settled.cells.map((c) => num(c.weight)),
    );
    bins = bins.map((b, i) => ({ lo: b.lo, hi: b.hi, share: shares[i]! }));
  }
  out.parents = roundCount(parents);
  out.meanChildren = ctx.budget ? null : roundValue(children / parents);
  out.bins = bins;
  return out;
}

const ordinalLabel = (values: (number | string)[]) =>
  values.length === 1 ? String(values[0]) : `${values[0]}..${values[values.length - 1]}`;

async function learnMetric(ctx: Ctx, m: MetricSpec, mq: MetricQueries): Promise<MetricProfile> {
  const statistic = `metric ${m.name}`;
  const purpose = `metric ${m.name}: ${m.title}`;
  const thresholds: Thresholds = { k: ctx.k, userK: ctx.userK, perUser: !!m.perUser };
  const params: unknown[] = [];
  const domainOf = (rule: MetricSpec['labels']) =>
    rule && 'domain' in rule ? [...(ctx.domains[rule.domain] ?? [])] : rule && 'values' in rule ? [...rule.values] : [];
  if (mq.params.labels) params[mq.params.labels - 1] = domainOf(m.labels);
  if (mq.params.groups) params[mq.params.groups - 1] = domainOf(m.groups);
  if (m.kind === 'counts') params[mq.params.edges! - 1] = COUNT_EDGES;
  const run = (sql: string, p: unknown[], what = purpose) => ctx.source.query<Record<string, unknown>>(sql, p, what);
  const rows = await run(mq.cells, params);
  const profile: MetricProfile = { kind: m.kind, title: m.title, groups: {} };
  if (m.unit) profile.unit = m.unit;
  if (m.time) profile.time = true;
  const groupKeyOf = (r: Record<string, unknown>) => (r.g === null || r.g === undefined ? ALL_GROUPS : String(r.g));
  const byGroup = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    if (m.groups && (r.g === null || r.g === undefined)) continue;
    const key = groupKeyOf(r);
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  const groups = [...byGroup.keys()].sort();
  const released: Record<string, MetricCell> = {};

  if (m.kind === 'rate') {
    const rateOk = (c: OrderedCell) =>
      releasable(c, thresholds) &&
      (num(c.te) === 0 || num(c.te) >= ctx.k) &&
      (num(c.tne) === 0 || num(c.tne) >= ctx.k) &&
      (!m.perUser ||
        ((num(c.use) === 0 || num(c.use) >= ctx.userK) && (num(c.usne) === 0 || num(c.usne) >= ctx.userK)));
    const rateCell = (r: Record<string, unknown>, at: number | string): OrderedCell => ({
      ...cellOf(r, at),
      ne: num(r.ne),
      te: num(r.te),
      tne: num(r.tne),
      use: num(r.use),
      usne: num(r.usne),
      we: num(r.we),
    });
    let cells: { label: string; cell: OrderedCell }[];
    if (m.groups && 'ordinal' in m.groups) {
      const sorted = rows
        .filter((r) => r.g !== null)
        .map((r) =>
          rateCell(r, m.groups && 'ordinal' in m.groups && m.groups.ordinal === 'integer' ? num(r.g) : String(r.g)),
        )
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const settled = await settleOrdinal(sorted, rateOk, (gs) =>
        recountByEdges(
          gs,
          sorted,
          (c, j) => (j === 0 ? null : (c.at as number | string)),
          async (edges) => (await run(mq.recount!, [edges], `${purpose} (merged)`)).map((r) => rateCell(r, num(r.g))),
        ),
      );
      suppress(ctx, statistic, settled.suppressed);
      cells = settled.groups.map((g, j) => ({
        label: ordinalLabel(g.map((i) => sorted[i]!.at)),
        cell: settled.cells[j]!,
      }));
    } else {
      cells = [];
      for (const g of groups) {
        const cell = rateCell(byGroup.get(g)![0]!, g);
        if (rateOk(cell)) cells.push({ label: g, cell });
        else suppress(ctx, statistic, 1);
      }
    }
    for (const { label, cell } of cells) {
      if (ctx.budget) {
        const [e, ne] = [cell.we as number, (cell.weight ?? 0) - (cell.we as number)].map((w) =>
          Math.max(0, w + ctx.budget!.noise(statistic)),
        );
        released[label] = { n: roundCount(e! + ne!), rate: e! + ne! > 0 ? roundShare(e! / (e! + ne!)) : 0 };
      } else released[label] = { n: roundCount(cell.n), rate: roundShare(num(cell.ne) / cell.n) };
    }
  } else if (m.kind === 'category') {
    if (m.labels && 'ordinal' in m.labels) {
      const integer = m.labels.ordinal === 'integer';
      const sorted = rows
        .filter((r) => r.x !== null)
        .map((r) => cellOf(r, integer ? num(r.x) : String(r.x)))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const settled = await settleOrdinal(
        sorted,
        (c) => releasable(c, thresholds),
        (gs) =>
          recountByEdges(
            gs,
            sorted,
            (c, j) => (j === 0 ? null : (c.at as number | string)),
            async (edges) =>
              (await run(mq.recount!, [...params, edges], `${purpose} (merged)`)).map((r) => cellOf(r, num(r.x))),
          ),
      );
      suppress(ctx, statistic, settled.suppressed);
      if (settled.groups.length) {
        const total = settled.cells.reduce((a, c) => a + c.n, 0);
        const labels = settled.groups.map((g) => ordinalLabel(g.map((i) => sorted[i]!.at)));
        const shares = ctx.budget
          ? noisyShares(
              ctx,
              statistic,
              settled.cells.map((c) => num(c.weight)),
            )
          : settled.cells.map((c) => roundShare(c.n / total));
        released[ALL_GROUPS] = {
          n: roundCount(total),
          shares: Object.fromEntries(labels.map((l, i) => [l, shares[i]!])),
        };
      }
    } else {
      for (const g of groups) {
        const mine = byGroup.get(g)!.filter((r) => r.x !== null);
        const total = mine.reduce((a, r) => a + num(r.n), 0);
        const ok = (r: Record<string, unknown>) => releasable(cellOf(r, 0), thresholds);
        let cells = mine;
        const failing = mine.filter((r) => !ok(r)).map((r) => String(r.x));
        if (failing.length && mq.params.labels) {
          const p = [...params];
          p[mq.params.labels - 1] = (p[mq.params.labels - 1] as string[]).filter((v) => !failing.includes(v));
          cells = (await run(mq.cells, p, `${purpose} (merged)`)).filter((r) => groupKeyOf(r) === g && r.x !== null);
        }
        suppress(ctx, statistic, failing.length);
        const kept = cells.filter(ok);
        if (!kept.length) continue;
        const shares = ctx.budget
          ? noisyShares(
              ctx,
              statistic,
              kept.map((r) => num(r.w)),
            )
          : kept.map((r) => roundShare(num(r.n) / total));
        released[g] = {
          n: roundCount(total),
          shares: Object.fromEntries(
            kept.map((r, i) => [String(r.x), shares[i]!] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
          ),
        };
        if (m.labels && 'domain' in m.labels) ctx.valuesReleased.add(m.labels.domain);
      }
    }
  } else if (m.kind === 'counts') {
    for (const g of groups) {
      const cells = byGroup
        .get(g)!
        .map((r) => cellOf(r, num(r.x)))
        .filter((c) => c.n > 0)
        .sort((a, b) => num(a.at) - num(b.at));
      const recountParams = (edges: (number | string)[]) => {
        const p = [...params];
        p[mq.params.edges! - 1] = edges;
        return p;
      };
      const settled = await settleOrdinal(
        cells,
        (c) => releasable(c, thresholds),
        (gs) =>
          recountByEdges(
            gs,
            cells,
            (c) => (num(c.at) === 0 ? null : COUNT_EDGES[num(c.at) - 1]!),
            async (edges) =>
              (await run(mq.cells, recountParams(edges), `${purpose} (merged)`))
                .filter((r) => groupKeyOf(r) === g)
                .map((r) => cellOf(r, num(r.x))),
          ),
      );
      suppress(ctx, statistic, settled.suppressed);
      if (!settled.groups.length) continue;
      const total = settled.cells.reduce((a, c) => a + c.n, 0);
      let bins = binsFrom(COUNT_EDGES, cells, settled.groups, settled.cells);
      if (ctx.budget) {
        const shares = noisyShares(
          ctx,
          statistic,
          settled.cells.map((c) => num(c.weight)),
        );
        bins = bins.map((b, i) => ({ lo: b.lo, hi: b.hi, share: shares[i]! }));
      }
      const sum = settled.cells.reduce((a, c) => a + num(c.sum), 0);
      released[g] = { n: roundCount(total), mean: ctx.budget ? null : roundValue(sum / total), bins };
    }
  } else {
    for (const g of groups) {
      const r = byGroup.get(g)![0]!;
      if (!releasable(cellOf(r, 0), thresholds)) {
        suppress(ctx, statistic, 1);
        continue;
      }
      const groupParam = g === ALL_GROUPS ? null : g;
      const sketch = await settleQuantiles(
        ctx,
        statistic,
        r.q as number[],
        null,
        thresholds,
        !!m.time,
        async (edges) => {
          const p: unknown[] = [];
          p[mq.params.edges! - 1] = edges;
          p[mq.params.group! - 1] = groupParam;
          if (mq.params.groups) p[mq.params.groups - 1] = params[mq.params.groups - 1];
          return (await run(mq.bins!, p, `metric ${m.name}: intervals between knots`)).map((x) => cellOf(x, num(x.x)));
        },
      );
      if (sketch) released[g] = { n: roundCount(num(r.n)), quantiles: sketch };
    }
  }
  profile.groups = released;
  return profile;
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
      `learn: this database is not the ${spec.app} schema: it lacks ${missing.length} of what the app needs: ${missing.join(', ')}. ` +
        `Point --database-url at the app's own database (or a replica of it); nothing was written`,
    );
  }
  const rls = catalog.tables.filter((t) => t.rowSecurityActive).map((t) => t.name);
  if (rls.length) {
    throw new LearnError(
      `learn: row-level security hides rows of ${rls.join(', ')} from this role, so every aggregate would describe a subset. ` +
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
          contribution: `each tenant's rows weigh 1/(its rows in the table or metric), so one tenant moves any histogram by at most 1 (L1); row counts count at most ${DP_ROW_CLIP} rows per tenant`,
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
