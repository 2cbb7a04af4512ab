import { createHash } from 'node:crypto';

/**
 * Derives a stream seed from the root seed and a path of labels, the drizzle-seed way
 * (`seed + hash(label)`): adding a stream, tenant or column never shifts any other stream.
 * sha256 rather than a 32-bit hash so that 100k tenants do not collide.
 */
export function hashLabel(seed: string | number, labels: readonly (string | number)[]): string {
  const h = createHash('sha256');
  h.update(String(seed));
  for (const label of labels) h.update('\u0000' + String(label));
  return h.digest('hex').slice(0, 32);
}
