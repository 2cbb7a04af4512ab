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

/** One tenant and a binding's estimate of its work, in any unit shared by all tenants. */
export interface TenantWeight {
  label: string;
  weight: number;
}

/**
 * The labels of the tenants a shard simulates, dealt by weight so that shards finish together:
 * the heaviest first, each to the shard with the least weight so far (ties: by label, then the
 * lowest shard). Hashing labels instead leaves one whale and its share of the rest in the same
 * shard, which then runs alone long after the others are done. Every shard deals the same list
 * the same way, and a tenant's rows never depend on its shard, so the bytes do not depend on it.
 */
export function dealTenants(shard: Shard, tenants: readonly TenantWeight[]): Set<string> {
  const owned = new Set<string>();
  if (shard.count === 1) {
    for (const t of tenants) owned.add(t.label);
    return owned;
  }
  const heaviestFirst = [...tenants].sort(
    (a, b) => b.weight - a.weight || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
  const loads = new Array<number>(shard.count).fill(0);
  for (const t of heaviestFirst) {
    let least = 0;
    for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[least]!) least = i;
    loads[least]! += t.weight;
    if (least === shard.index) owned.add(t.label);
  }
  return owned;
}
