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
  | { kind: 'empirical'; values: number[]; weights: number[]; note?: string };

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
  }
}

export function sampleInt(dist: Distribution, rng: RandomStream, min = 0): number {
  return Math.max(min, Math.round(sample(dist, rng)));
}
