import { toNumber } from './distribution-distance.ts';
import type { Bin, Quantiles, TimeQuantiles } from './profile-types.ts';

/** The `empirical` distribution kind of a scenario: values and their weights. */
export interface Empirical {
  values: number[];
  weights: number[];
}

/** Mean of a power law x^-(alpha+1) on the whole numbers of [lo, hi) (or on the reals, for wide bins). */
function powerLawMean(lo: number, hi: number, alpha: number): number {
  if (hi - lo <= 2048) {
    let s = 0;
    let w = 0;
    for (let x = lo; x < hi; x++) {
      const d = Math.pow(x, -alpha - 1);
      s += x * d;
      w += d;
    }
    return s / w;
  }
  const a = Math.abs(alpha) < 1e-9 ? 1e-9 : alpha;
  const b = Math.abs(a - 1) < 1e-9 ? 1 + 1e-9 : a;
  const mass = (Math.pow(lo, -b) - Math.pow(hi, -b)) / b;
  const first = (Math.pow(hi, 1 - b) - Math.pow(lo, 1 - b)) / (1 - b);
  return first / mass;
}

/** The exponent whose truncated power law on [lo, hi) has the given mean (bisection; the mean falls as alpha rises). */
export function paretoAlphaForMean(lo: number, hi: number, mean: number): number {
  let a = -10;
  let b = 20;
  if (mean >= powerLawMean(lo, hi, a)) return a;
  if (mean <= powerLawMean(lo, hi, b)) return b;
  for (let i = 0; i < 80; i++) {
    const mid = (a + b) / 2;
    if (powerLawMean(lo, hi, mid) > mean) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

/** Points standing for a power law on [lo, hi): every whole number of a narrow bin, else `k` quantile midpoints. */
function powerLawPoints(lo: number, hi: number, alpha: number, k: number): Empirical {
  if (hi - lo <= 32) {
    const values: number[] = [];
    const weights: number[] = [];
    for (let x = lo; x < hi; x++) {
      values.push(x);
      weights.push(Math.pow(x, -alpha - 1));
    }
    const total = weights.reduce((s, w) => s + w, 0);
    return { values, weights: weights.map((w) => w / total) };
  }
  const values: number[] = [];
  for (let j = 0; j < k; j++) {
    const u = (j + 0.5) / k;
    const x =
      Math.abs(alpha) < 1e-9
        ? lo * Math.pow(hi / lo, u)
        : Math.pow(Math.pow(lo, -alpha) - u * (Math.pow(lo, -alpha) - Math.pow(hi, -alpha)), -1 / alpha);
    values.push(Math.min(hi - 1, Math.max(lo, Math.round(x))));
  }
  return { values, weights: values.map(() => 1 / k) };
}

/**
 * Quantile midpoints understate a heavy tail's mean (the mass above the last midpoint is missed):
 * the largest point moves up, within the bin, until the points' mean is the bin's.
 */
function calibrateTop(pts: Empirical, mean: number, max: number): void {
  const last = pts.values.length - 1;
  const current = pts.values.reduce((a, v, i) => a + v * pts.weights[i]!, 0);
  const moved = pts.values[last]! + (mean - current) / pts.weights[last]!;
  pts.values[last] = Math.min(max, Math.max(pts.values[last - 1] ?? 0, Math.round(moved)));
}

/**
 * A whole-number histogram (exact bins 0-15, log2 bins above) as an empirical distribution: exact
 * bins keep their value; each wider bin becomes a truncated power law calibrated to the bin's own
 * mean, so the expected total (children per parent times parents) matches the source. Without bin
 * means (withheld under --epsilon) one exponent is calibrated to the overall mean, or 1 if that is
 * missing too.
 */
export function binsToEmpirical(
  bins: Bin[],
  o: { min?: number; overallMean?: number | null; pointsPerBin?: number } = {},
): Empirical {
  const min = o.min ?? 0;
  const k = o.pointsPerBin ?? 8;
  const kept = bins.filter((b) => b.hi > min && b.share > 0).map((b) => ({ ...b, lo: Math.max(b.lo, min) }));
  const total = kept.reduce((s, b) => s + b.share, 0);
  if (!kept.length || total <= 0) return { values: [Math.max(min, 1)], weights: [1] };
  const wide = kept.filter((b) => b.hi - b.lo > 1);
  let shared = 1;
  if (wide.some((b) => b.mean === undefined) && o.overallMean) {
    const exactMass = kept.filter((b) => b.hi - b.lo === 1).reduce((s, b) => s + (b.share / total) * b.lo, 0);
    const wideShare = wide.reduce((s, b) => s + b.share / total, 0);
    const target = (o.overallMean - exactMass) / Math.max(wideShare, 1e-9);
    let a = -10;
    let b = 20;
    const meanFor = (alpha: number) =>
      wide.reduce((s, bin) => s + bin.share * powerLawMean(bin.lo, bin.hi, alpha), 0) /
      wide.reduce((s, bin) => s + bin.share, 0);
    for (let i = 0; i < 80; i++) {
      const mid = (a + b) / 2;
      if (meanFor(mid) > target) a = mid;
      else b = mid;
    }
    shared = (a + b) / 2;
  }
  const byValue = new Map<number, number>();
  for (const bin of kept) {
    const share = bin.share / total;
    if (bin.hi - bin.lo === 1) {
      byValue.set(bin.lo, (byValue.get(bin.lo) ?? 0) + share);
      continue;
    }
    const alpha = bin.mean !== undefined ? paretoAlphaForMean(bin.lo, bin.hi, bin.mean) : shared;
    const pts = powerLawPoints(bin.lo, bin.hi, alpha, k);
    if (bin.mean !== undefined && bin.hi - bin.lo > 32) calibrateTop(pts, bin.mean, bin.hi - 1);
    pts.values.forEach((v, i) => byValue.set(v, (byValue.get(v) ?? 0) + share * pts.weights[i]!));
  }
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return { values, weights: values.map((v) => Number(byValue.get(v)!.toPrecision(6))) };
}

/**
 * A trimmed quantile sketch as an empirical distribution: the midpoint of each interval between
 * knots carries the probability between them; the trimmed tails sit on the outermost knots.
 */
export function quantilesToEmpirical(q: Quantiles | TimeQuantiles): Empirical {
  const v = (q.v as (number | string)[]).map(toNumber);
  const byValue = new Map<number, number>();
  const add = (x: number, w: number) => w > 0 && byValue.set(x, (byValue.get(x) ?? 0) + w);
  add(v[0]!, q.p[0]!);
  for (let i = 1; i < v.length; i++) add((v[i - 1]! + v[i]!) / 2, q.p[i]! - q.p[i - 1]!);
  add(v[v.length - 1]!, 1 - q.p[q.p.length - 1]!);
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return { values, weights: values.map((x) => Number(byValue.get(x)!.toPrecision(6))) };
}
