import { hashLabel } from '../rng/hash-label.ts';

/** Which part of the tenants one simulation process runs: `index` of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Whether a shard simulates the tenant with this label. A tenant's shard depends on its label
 * alone, so it never moves when other tenants are added; every tenant is in exactly one shard.
 */
export function ownsTenant(shard: Shard, label: string): boolean {
  if (shard.count === 1) return true;
  return Number.parseInt(hashLabel('tenant-shard', [label]).slice(0, 8), 16) % shard.count === shard.index;
}
