import type { RandomStream } from './random-stream.ts';

/**
 * Scenario parameters are distributions, not numbers, so that a learned profile can later
 * replace any of them with an empirical one without touching the actors.
 */
export type Distribution =
  | { kind: 'constant'; value: number; note?: string }
  | { kind: 'uniform'; min: number; max: number; note?: string }
  | { kind: 'lognormal'; median: number; sigma: number; note?: string }
  | { kind: 'pareto'; min: number; alpha: number; max?: number; note?: string }
  | { kind: 'poisson'; mean: number; note?: string }
  | { kind: 'empirical'; values: number[]; weights: number[]; note?: string }
  /**
   * Binned: a bin drawn by weight, then a value inside it, uniformly or log-uniformly; what a
   * learned profile's histograms (exact bins for small counts, log2 bins above) become.
   */
  | {
      kind: 'histogram';
      bins: { min: number; max: number; weight: number }[];
      scale?: 'linear' | 'log';
      integer?: boolean;
      note?: string;
    };

export function sample(dist: Distribution, rng: RandomStream): number {
  switch (dist.kind) {
    case 'constant':
      return dist.value;
    case 'uniform':
      return dist.min + rng.next() * (dist.max - dist.min);
    case 'lognormal':
      return dist.median * Math.exp(dist.sigma * rng.normal());
    case 'pareto': {
      const v = dist.min / Math.pow(1 - rng.next(), 1 / dist.alpha);
      return dist.max === undefined ? v : Math.min(v, dist.max);
    }
    case 'poisson':
      return rng.poisson(dist.mean);
    case 'empirical': {
      const total = dist.weights.reduce((a, b) => a + b, 0);
      let r = rng.next() * total;
      for (let i = 0; i < dist.values.length; i++) {
        r -= dist.weights[i] as number;
        if (r < 0) return dist.values[i] as number;
      }
      return dist.values[dist.values.length - 1] as number;
    }
    case 'histogram': {
      const total = dist.bins.reduce((a, b) => a + b.weight, 0);
      let r = rng.next() * total;
      let bin = dist.bins[dist.bins.length - 1]!;
      for (const b of dist.bins) {
        r -= b.weight;
        if (r < 0) {
          bin = b;
          break;
        }
      }
      if (dist.integer) {
        const lo = Math.ceil(bin.min);
        const hi = Math.floor(bin.max);
        if (dist.scale !== 'log') return rng.int(lo, hi);
        return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + rng.next() * (Math.log(hi + 1) - Math.log(lo)))));
      }
      const u = rng.next();
      return dist.scale === 'log'
        ? Math.exp(Math.log(bin.min) + u * (Math.log(bin.max) - Math.log(bin.min)))
        : bin.min + u * (bin.max - bin.min);
    }
  }
}

export function sampleInt(dist: Distribution, rng: RandomStream, min = 0): number {
  return Math.max(min, Math.round(sample(dist, rng)));
}

/**
 * The expected value of a distribution, for estimating a run's size before it starts. A lognormal
 * uses its median times exp(sigma^2 / 2) capped at `cap`; an uncapped Pareto with alpha <= 1 has
 * no mean and counts as `cap`: an estimate errs towards refusing.
 */
export function meanOf(dist: Distribution, cap = 1e9): number {
  const capped = (x: number) => (Number.isFinite(x) ? Math.min(x, cap) : cap);
  switch (dist.kind) {
    case 'constant':
      return dist.value;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'lognormal':
      return capped(dist.median * Math.exp((dist.sigma * dist.sigma) / 2));
    case 'pareto': {
      const unbounded = dist.alpha > 1 ? (dist.min * dist.alpha) / (dist.alpha - 1) : Infinity;
      return capped(dist.max === undefined ? unbounded : Math.min(unbounded, dist.max));
    }
    case 'poisson':
      return dist.mean;
    case 'empirical': {
      const total = dist.weights.reduce((a, b) => a + b, 0) || 1;
      return dist.values.reduce((sum, v, i) => sum + v * (dist.weights[i] ?? 0), 0) / total;
    }
    case 'histogram': {
      const total = dist.bins.reduce((a, b) => a + b.weight, 0) || 1;
      return dist.bins.reduce((sum, b) => sum + ((b.min + b.max) / 2) * b.weight, 0) / total;
    }
  }
}
