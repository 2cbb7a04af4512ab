import seedrandom from 'seedrandom';
import { hashLabel } from './hash-label.ts';

/**
 * The only source of randomness in a run. Wraps seedrandom's alea (fast, 32-bit state,
 * identical on every platform) so the rest of the engine never touches Math.random and so a
 * future PRNG change is one versioned edit here rather than silent drift everywhere.
 */
export class RandomStream {
  readonly #next: () => number;
  constructor(
    readonly seed: string | number,
    readonly labels: readonly (string | number)[] = [],
  ) {
    this.#next = seedrandom.alea(hashLabel(seed, labels));
  }

  /** A child stream whose values depend only on (seed, labels…, more labels). */
  fork(...labels: (string | number)[]): RandomStream {
    return new RandomStream(this.seed, [...this.labels, ...labels]);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.#next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('RandomStream.pick: empty list');
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  /**
   * Picks a key of `weights` with probability proportional to its weight; keys in sorted order so object key order
   * never matters.
   */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = (Object.keys(weights) as K[]).sort();
    const total = keys.reduce((sum, k) => sum + weights[k], 0);
    if (!(total > 0)) throw new Error('RandomStream.weighted: weights must sum to more than 0');
    let r = this.#next() * total;
    for (const k of keys) {
      r -= weights[k];
      if (r < 0) return k;
    }
    return keys[keys.length - 1] as K;
  }

  /** Standard normal via Box-Muller (two draws, deterministic order). */
  normal(): number {
    const u = 1 - this.#next();
    const v = this.#next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  exponential(ratePerUnit: number): number {
    return -Math.log(1 - this.#next()) / ratePerUnit;
  }

  poisson(mean: number): number {
    // Knuth for small means; normal approximation beyond, where the difference is invisible.
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.#next();
    } while (p > limit);
    return k - 1;
  }

  /** 32 random bytes' worth of hex, for ids. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      out += Math.floor(this.#next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    }
    return out.slice(0, length);
  }

  bytes(target: Uint8Array): Uint8Array {
    for (let i = 0; i < target.length; i++) target[i] = Math.floor(this.#next() * 256);
    return target;
  }

  uuid(): string {
    const b = this.bytes(new Uint8Array(16));
    b[6] = ((b[6] as number) & 0x0f) | 0x40;
    b[8] = ((b[8] as number) & 0x3f) | 0x80;
    const h = Buffer.from(b).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
