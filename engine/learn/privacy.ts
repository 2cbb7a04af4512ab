import { randomBytes } from 'node:crypto';

/** Trimmed quantile sketch: never a minimum or a maximum, only p0.5 to p99.5. */
export const QUANTILE_POINTS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9,
  0.95, 0.975, 0.99, 0.995,
] as const;

export const DEFAULT_K = 10;
/**
 * Below 5 distinct tenants a cell singles out too few to be called aggregate (Diffix's floor is 2-3,
 * statistical agencies use 10-11).
 */
export const MIN_K = 5;
export const OTHER = '__other__';
/** Under --epsilon a tenant adds at most this many rows to a table's row count (the count's sensitivity). */
export const DP_ROW_CLIP = 1000;

/** How --epsilon bounds one tenant's influence, as the ledger states it. */
export const DP_CONTRIBUTION =
  `each tenant's rows weigh 1/(its rows in the table or metric), so one tenant moves any histogram by at most 1 ` +
  `(L1; 2 for a column whose nulls and categories are both released); ` +
  `row counts count at most ${DP_ROW_CLIP} rows per tenant`;

export const ROUNDING = {
  counts: '2 significant figures',
  shares: '4 decimals',
  quantiles: '3 significant figures; times truncated to the hour',
} as const;

/**
 * Counts to 2 significant figures, always whole (noisy weights are fractional): 18347 -> 18000,
 * 153 -> 150, 1.83 -> 2.
 */
export function roundCount(n: number): number {
  const whole = Math.round(n);
  if (!(whole > 0)) return 0;
  return Number(whole.toPrecision(2));
}

export function roundShare(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 10_000) / 10_000;
}

/** Quantile values to 3 significant figures (monotone, so a sketch stays sorted). */
export function roundValue(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  return Number(x.toPrecision(3));
}

const HOUR_MS = 3_600_000;
/** An instant truncated to the hour, as ISO text: '2025-03-01T14:00:00Z'. */
export function hourOf(ms: number): string {
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().replace('.000Z', 'Z');
}

/** Laplace noise from the operating system's randomness: never seeded, so it cannot be replayed. */
export function laplace(scale: number): number {
  const u = randomBytes(6).readUIntBE(0, 6) / 2 ** 48 - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** One aggregate cell as the database returns it: rows, distinct tenants, distinct users, DP weight. */
export interface Cell {
  n: number;
  tenants: number;
  users?: number;
  /** Under --epsilon: the cell's rows weighted so each tenant contributes at most 1 to the statistic. */
  weight?: number;
}

export interface Thresholds {
  k: number;
  userK: number;
  perUser: boolean;
}

export const releasable = (c: Cell, t: Thresholds) => c.tenants >= t.k && (!t.perUser || (c.users ?? 0) >= t.userK);

/**
 * Merges neighbouring ordered cells until every group is releasable. Groups are planned by adding
 * counts (an upper bound on distinct tenants), then recounted exactly in the database; a group that
 * is still short joins its smaller neighbour and everything is recounted, until all hold or nothing
 * is left to merge. Returns the groups of original indexes and their exact cells.
 */
export async function settleOrdinal<C extends Cell>(
  cells: C[],
  ok: (c: C) => boolean,
  recount: (groups: number[][]) => Promise<C[]>,
): Promise<{ groups: number[][]; cells: C[]; suppressed: number }> {
  const suppressed = cells.filter((c) => !ok(c)).length;
  if (cells.length === 0) return { groups: [], cells: [], suppressed: 0 };
  if (suppressed === 0) return { groups: cells.map((_, i) => [i]), cells, suppressed };
  // Planning adds every count of the merged cells: an upper bound on distinct tenants and users.
  const add = (a: C | undefined, b: C): C => {
    if (!a) return { ...b };
    const out = { ...a } as Record<string, unknown>;
    for (const [key, v] of Object.entries(b)) if (typeof v === 'number') out[key] = ((out[key] as number) ?? 0) + v;
    return out as C;
  };
  let groups: number[][] = [];
  let acc: number[] = [];
  let sum: C | undefined;
  for (let i = 0; i < cells.length; i++) {
    acc.push(i);
    sum = add(sum, cells[i]!);
    if (ok(sum)) {
      groups.push(acc);
      acc = [];
      sum = undefined;
    }
  }
  if (acc.length) {
    if (groups.length) groups[groups.length - 1]!.push(...acc);
    else groups.push(acc);
  }
  for (;;) {
    const exact = await recount(groups);
    const bad = exact.findIndex((c) => !ok(c));
    if (bad < 0) return { groups, cells: exact, suppressed };
    if (groups.length === 1) return { groups: [], cells: [], suppressed: cells.length };
    const left = bad - 1;
    const right = bad + 1;
    const into = left < 0 ? right : right >= groups.length ? left : exact[left]!.n <= exact[right]!.n ? left : right;
    const [a, b] = [Math.min(bad, into), Math.max(bad, into)];
    groups = [...groups.slice(0, a), [...groups[a]!, ...groups[b]!], ...groups.slice(b + 1)];
  }
}

/**
 * How --epsilon is spent: a tenth on the tables' row counts, the rest on every released histogram
 * (one statistic each: a column's null/category cells, a foreign key's children-per-parent bins, a
 * metric), split evenly. The split is written into the privacy ledger as it is.
 */
export class EpsilonBudget {
  readonly split: { statistic: string; epsilon: number }[] = [];
  readonly #byName = new Map<string, number>();

  constructor(
    readonly total: number,
    rowCounts: string[],
    histograms: string[],
  ) {
    const rows = rowCounts.length ? (histograms.length ? 0.1 : 1) * total : 0;
    const hist = total - rows;
    for (const s of rowCounts) this.#add(s, rows / rowCounts.length);
    for (const s of histograms) this.#add(s, hist / histograms.length);
  }

  #add(statistic: string, epsilon: number) {
    this.split.push({ statistic, epsilon: Number(epsilon.toPrecision(4)) });
    this.#byName.set(statistic, epsilon);
  }

  /** Laplace noise for one cell of `statistic` with the given L1 sensitivity. */
  noise(statistic: string, sensitivity = 1): number {
    const e = this.#byName.get(statistic);
    if (e === undefined) throw new Error(`no epsilon was budgeted for ${statistic}`);
    return laplace(sensitivity / e);
  }
}
