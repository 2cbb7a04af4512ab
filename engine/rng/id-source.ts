import type { RandomStream } from './random-stream.ts';

/**
 * ULID-like public ids: simulated time plus randomness drawn from a stream keyed on the owning
 * customer (`scope`, a public id or slug the app passes), the instant and the n-th id of that
 * prefix for that customer at that instant. Ids therefore depend on the customer's own history
 * only: another customer acting at the same millisecond, or in another shard, changes nothing.
 */
export function idSource(rng: RandomStream, nowMs: () => number) {
  let lastMs = -1;
  const counters = new Map<string, number>();
  return (prefix: string, scope: string): string => {
    const now = nowMs();
    if (now !== lastMs) {
      counters.clear();
      lastMs = now;
    }
    const key = `${prefix}\u0000${scope}`;
    const n = counters.get(key) ?? 0;
    counters.set(key, n + 1);
    return `${prefix}_${now.toString(36).padStart(9, '0')}${rng.fork(prefix, scope, now, n).hex(12)}`;
  };
}
