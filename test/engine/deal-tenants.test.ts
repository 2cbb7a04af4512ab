import { describe, expect, it } from 'vitest';
import { dealTenants, ownsTenant } from '../../engine/run/shard.ts';

const tenants = [
  { label: 'whale', weight: 1000 },
  ...Array.from({ length: 60 }, (_, i) => ({ label: `t${i}`, weight: 10 + (i % 7) * 5 })),
];
const total = tenants.reduce((sum, t) => sum + t.weight, 0);
const loadOf = (owned: Set<string>) => tenants.filter((t) => owned.has(t.label)).reduce((s, t) => s + t.weight, 0);

describe('dealTenants: shards by weight', () => {
  it('gives every tenant to exactly one shard, whatever the count', () => {
    for (const count of [1, 2, 3, 8]) {
      const deals = Array.from({ length: count }, (_, index) => dealTenants({ index, count }, tenants));
      const dealt = deals.flatMap((owned) => [...owned]).sort();
      expect(dealt).toEqual(tenants.map((t) => t.label).sort());
    }
  });

  it('keeps shards within one tenant of each other; hashed labels leave the whale’s shard behind', () => {
    const heaviestOther = Math.max(...tenants.slice(1).map((t) => t.weight));
    const owned = [0, 1].map((index) => dealTenants({ index, count: 2 }, tenants));
    const [a, b] = owned.map(loadOf);
    // The rest outweighs the whale here, so the deal evens out to within one of the others.
    expect(total - 1000).toBeGreaterThan(1000);
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(heaviestOther);
    const hashed = [0, 1].map(
      (index) => new Set(tenants.filter((t) => ownsTenant({ index, count: 2 }, t.label)).map((t) => t.label)),
    );
    const [ha, hb] = hashed.map(loadOf);
    expect(Math.max(a!, b!)).toBeLessThanOrEqual(Math.max(ha!, hb!));
  });

  it('deals the same way in every shard and for any input order', () => {
    const reversed = [...tenants].reverse();
    for (const index of [0, 1, 2]) {
      expect([...dealTenants({ index, count: 3 }, reversed)].sort()).toEqual(
        [...dealTenants({ index, count: 3 }, tenants)].sort(),
      );
    }
  });
});
