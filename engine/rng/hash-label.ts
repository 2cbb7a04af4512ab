import { hash } from 'node:crypto';

/**
 * Derives a stream seed from the root seed and a path of labels, the drizzle-seed way
 * (`seed + hash(label)`): adding a stream, tenant or column never shifts any other stream.
 * sha256 rather than a 32-bit hash so that 100k tenants do not collide. The one-shot
 * `crypto.hash` gives the same digest as an incremental Hash over the same bytes, without
 * building a Hash object per stream (a run forks well over 100k streams).
 */
export function hashLabel(seed: string | number, labels: readonly (string | number)[]): string {
  let input = String(seed);
  for (const label of labels) input += '\u0000' + String(label);
  return hash('sha256', input, 'hex').slice(0, 32);
}
