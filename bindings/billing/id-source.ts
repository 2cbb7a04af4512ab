import type { RandomStream } from '../../engine/index.ts';

/**
 * ULID-like public ids: simulated time plus randomness drawn from a stream keyed on
 * (prefix, instant, n-th id of that prefix at that instant). Ids therefore depend on when
 * something happened, not on how many ids other tenants used before, which keeps one tenant's
 * change from renaming every other tenant's invoices.
 */
export function idSource(rng: RandomStream, nowMs: () => number) {
  let lastMs = -1;
  const counters = new Map<string, number>();
  return (prefix: string): string => {
    const now = nowMs();
    if (now !== lastMs) {
      counters.clear();
      lastMs = now;
    }
    const n = counters.get(prefix) ?? 0;
    counters.set(prefix, n + 1);
    return `${prefix}_${now.toString(36).padStart(9, '0')}${rng.fork(prefix, now, n).hex(12)}`;
  };
}
