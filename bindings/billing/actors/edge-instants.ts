import { DAY_MS } from '../../../engine/index.ts';

/**
 * Instants where date arithmetic breaks: month ends (last millisecond), and the UTC instants of
 * US and EU daylight-saving switches. Actors pin some actions to them.
 */
export function edgeInstants(startMs: number, endMs: number): number[] {
  const out = new Set<number>();
  for (let t = startMs; t < endMs; t += DAY_MS) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    out.add(Date.UTC(y, m + 1, 1) - 1);
    const nthSunday = (month: number, n: number) => {
      const first = new Date(Date.UTC(y, month, 1)).getUTCDay();
      return 1 + ((7 - first) % 7) + 7 * (n - 1);
    };
    const lastSunday = (month: number) => {
      const last = new Date(Date.UTC(y, month + 1, 0));
      return last.getUTCDate() - last.getUTCDay();
    };
    out.add(Date.UTC(y, 2, nthSunday(2, 2), 7)); // US spring forward, 02:00 EST
    out.add(Date.UTC(y, 10, nthSunday(10, 1), 6)); // US fall back, 02:00 EDT
    out.add(Date.UTC(y, 2, lastSunday(2), 1)); // EU spring forward, 01:00 UTC
    out.add(Date.UTC(y, 9, lastSunday(9), 1)); // EU fall back, 01:00 UTC
  }
  return [...out].filter((t) => t >= startMs && t < endMs).sort((a, b) => a - b);
}
