// Cells as the database returns them, and how they become released statistics: exact recounts of
// merged cells, quantile knots kept only between intervals that hold k tenants, noisy shares.
import {
  hourOf,
  QUANTILE_POINTS,
  releasable,
  roundShare,
  roundValue,
  settleOrdinal,
  type Cell,
  type EpsilonBudget,
  type Thresholds,
} from './privacy.ts';
import type { Bin, Quantiles, TimeQuantiles } from './profile-types.ts';
import type { SqlSource } from './sql-source.ts';

/** A released quantile sketch must span at least this much probability, else it is withheld. */
export const MIN_SKETCH_SPAN = 0.5;

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** What every part of one learn run shares: the source, the thresholds, the budget, the tallies for the ledger. */
export interface Ctx {
  source: SqlSource;
  k: number;
  userK: number;
  budget: EpsilonBudget | null;
  suppressed: Map<string, number>;
  valuesReleased: Set<string>;
  domains: Record<string, readonly string[]>;
}

export const suppress = (ctx: Ctx, statistic: string, cells: number) => {
  if (cells > 0) ctx.suppressed.set(statistic, (ctx.suppressed.get(statistic) ?? 0) + cells);
};

/** An ordered cell: its position on the axis (a bucket index or an ordinal value). */
export interface OrderedCell extends Cell {
  at: number | string;
  [extra: string]: unknown;
}

/**
 * Recounts merged groups with fewer edges: group j's lower bound is the lower edge of its first
 * cell; a first group that starts at the bottom needs no edge.
 */
export async function recountByEdges<C extends OrderedCell>(
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

export const cellOf = (r: Record<string, unknown>, at: number | string): OrderedCell => ({
  at,
  n: num(r.n),
  tenants: num(r.t),
  users: num(r.us),
  weight: num(r.w),
  // The values inside the cell added up: children (children per parent) or x (a counts metric).
  sum: num(r.children ?? r.s),
});

/** Quantile knots whose value is a retained edge, rounded for release. */
export function knots(q: number[], retained: Set<number>, time: boolean): Quantiles | TimeQuantiles | null {
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
export async function settleQuantiles(
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

export function binsFrom(
  edges: readonly number[],
  cells: OrderedCell[],
  groups: number[][],
  exact: OrderedCell[],
): Bin[] {
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

/**
 * Under --epsilon: noisy weights replace counts, and shares are taken over the noisy total.
 * `sensitivity` is how many released histograms the same weights feed (a column's null split and
 * its categories both carry each tenant's weight of 1).
 */
export function noisyShares(ctx: Ctx, statistic: string, weights: number[], sensitivity = 1): number[] {
  const noisy = weights.map((w) => Math.max(0, w + ctx.budget!.noise(statistic, sensitivity)));
  const total = noisy.reduce((a, b) => a + b, 0);
  return noisy.map((w) => (total > 0 ? roundShare(w / total) : 0));
}
