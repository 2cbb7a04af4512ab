import type { Bin, Quantiles, TimeQuantiles } from './profile-types.ts';

/** A CDF as a monotone polyline; equal x's form a jump. */
export type Polyline = [x: number, y: number][];

export const toNumber = (v: number | string) => (typeof v === 'number' ? v : Date.parse(v));

/** Quantile knots as a CDF: 0 below the first knot, 1 above the last, linear between knots. */
export function quantilesCdf(q: Quantiles | TimeQuantiles): Polyline {
  const xs = (q.v as (number | string)[]).map(toNumber);
  if (!xs.length) return [];
  const line: Polyline = [[xs[0]!, 0]];
  xs.forEach((x, i) => line.push([x, q.p[i]!]));
  line.push([xs[xs.length - 1]!, 1]);
  return line;
}

/** Histogram bins [lo, hi) as a CDF, shares normalised (suppressed cells leave shares summing below 1). */
export function binsCdf(bins: Bin[]): Polyline {
  const sorted = [...bins].sort((a, b) => a.lo - b.lo);
  const total = sorted.reduce((a, b) => a + b.share, 0);
  if (!sorted.length || total <= 0) return [];
  const line: Polyline = [[sorted[0]!.lo, 0]];
  let cum = 0;
  for (const b of sorted) {
    if (line[line.length - 1]![0] !== b.lo) line.push([b.lo, cum]);
    cum += b.share / total;
    line.push([b.hi, Math.min(1, cum)]);
  }
  return line;
}

/** The lowest and highest value of the CDF at x (left and right limits). */
function valuesAt(line: Polyline, x: number): [number, number] {
  if (x < line[0]![0]) return [0, 0];
  if (x > line[line.length - 1]![0]) return [1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < line.length; i++) {
    const [px, py] = line[i]!;
    if (px === x) {
      lo = Math.min(lo, py);
      hi = Math.max(hi, py);
    } else if (i > 0 && line[i - 1]![0] < x && x < px) {
      const [ax, ay] = line[i - 1]!;
      const y = ay + ((py - ay) * (x - ax)) / (px - ax);
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
  }
  return lo === Infinity ? [0, 0] : [lo, hi];
}

/** Kolmogorov-Smirnov distance between two piecewise-linear CDFs: the largest gap, at a vertex of either. */
export function ksDistance(a: Polyline, b: Polyline): number {
  if (!a.length || !b.length) return 1;
  let d = 0;
  for (const x of new Set([...a.map((p) => p[0]), ...b.map((p) => p[0])])) {
    const [alo, ahi] = valuesAt(a, x);
    const [blo, bhi] = valuesAt(b, x);
    d = Math.max(d, Math.abs(alo - blo), Math.abs(ahi - bhi));
  }
  return Math.min(1, d);
}

/** SDMetrics' KSComplement: 1 - KS. */
export const ksComplement = (a: Polyline, b: Polyline) => 1 - ksDistance(a, b);

/** SDMetrics' TVComplement over the union of labels, each side normalised to 1. */
export function tvComplement(a: Record<string, number>, b: Record<string, number>): number {
  const sa = Object.values(a).reduce((x, y) => x + y, 0);
  const sb = Object.values(b).reduce((x, y) => x + y, 0);
  if (sa <= 0 || sb <= 0) return 0;
  let tv = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) tv += Math.abs((a[k] ?? 0) / sa - (b[k] ?? 0) / sb);
  return 1 - tv / 2;
}

/**
 * Ordinal labels merged differently on each side ('3..5' here, '3', '4', '5' there) are spread
 * evenly over the values they cover, so both sides are compared value by value.
 */
export function expandOrdinal(shares: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, share] of Object.entries(shares)) {
    const members = ordinalMembers(label);
    for (const m of members) out[m] = (out[m] ?? 0) + share / members.length;
  }
  return out;
}

/** Rates of merged ordinal groups: every value the group covers has the group's rate. */
export function spreadOrdinalRates(rates: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, rate] of Object.entries(rates)) for (const m of ordinalMembers(label)) out[m] = rate;
  return out;
}

export function ordinalMembers(label: string): string[] {
  const [a, b] = label.split('..');
  if (b === undefined) return [label];
  if (/^\d+$/.test(a!)) {
    const out: string[] = [];
    for (let i = Number(a); i <= Number(b) && out.length < 10_000; i++) out.push(String(i));
    return out;
  }
  const out: string[] = [];
  let [y, m] = a!.split('-').map(Number) as [number, number];
  const [by, bm] = b.split('-').map(Number) as [number, number];
  while ((y < by || (y === by && m <= bm)) && out.length < 10_000) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}
