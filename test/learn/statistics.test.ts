import { describe, expect, it } from 'vitest';
import { binsCdf, ksComplement, quantilesCdf, tvComplement } from '../../engine/learn/distribution-distance.ts';
import { binsToEmpirical, quantilesToEmpirical } from '../../engine/learn/profile-distributions.ts';
import { roundCount, settleOrdinal, type Cell } from '../../engine/learn/privacy.ts';

const P = [0.005, 0.25, 0.5, 0.75, 0.995];

describe('KSComplement and TVComplement on released aggregates', () => {
  it('score identical distributions 1, disjoint ones 0, and a half-width shift of a uniform 0.5', () => {
    const u = quantilesCdf({ p: P, v: [0, 25, 50, 75, 100] });
    expect(ksComplement(u, u)).toBe(1);
    expect(ksComplement(u, quantilesCdf({ p: P, v: [200, 225, 250, 275, 300] }))).toBe(0);
    expect(ksComplement(u, quantilesCdf({ p: P, v: [50, 75, 100, 125, 150] }))).toBeCloseTo(0.5, 2);
  });

  it('compare times as instants', () => {
    const a = quantilesCdf({
      p: P,
      v: [
        '2025-01-01T00:00:00Z',
        '2025-02-01T00:00:00Z',
        '2025-03-01T00:00:00Z',
        '2025-04-01T00:00:00Z',
        '2025-05-01T00:00:00Z',
      ],
    });
    expect(ksComplement(a, a)).toBe(1);
  });

  it('compare children-per-parent histograms merged differently on each side', () => {
    const fine = binsCdf([
      { lo: 0, hi: 1, share: 0.5 },
      { lo: 1, hi: 2, share: 0.25 },
      { lo: 2, hi: 3, share: 0.25 },
    ]);
    const merged = binsCdf([
      { lo: 0, hi: 1, share: 0.5 },
      { lo: 1, hi: 3, share: 0.5 },
    ]);
    expect(ksComplement(fine, merged)).toBe(1);
    expect(ksComplement(fine, binsCdf([{ lo: 0, hi: 1, share: 1 }]))).toBeCloseTo(0.5, 6);
  });

  it('TVComplement normalises each side and counts labels missing on one side', () => {
    expect(tvComplement({ a: 0.5, b: 0.5 }, { a: 1 })).toBe(0.5);
    expect(tvComplement({ a: 2, b: 2 }, { a: 0.5, b: 0.5 })).toBe(1);
  });
});

describe('profile distributions become the scenario’s empirical kind', () => {
  it('keep exact bins and calibrate each log2 bin’s power law to the bin’s own mean', () => {
    const bins = [
      { lo: 1, hi: 2, share: 0.6 },
      { lo: 2, hi: 3, share: 0.2 },
      { lo: 16, hi: 32, share: 0.15, mean: 19 },
      { lo: 64, hi: 8192, share: 0.05, mean: 900 },
    ];
    const e = binsToEmpirical(bins, { min: 1 });
    const total = e.weights.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 4);
    expect(e.weights[e.values.indexOf(1)]).toBeCloseTo(0.6, 4);
    const inBin = (lo: number, hi: number) => {
      const idx = e.values.map((v, i) => [v, i] as const).filter(([v]) => v >= lo && v < hi);
      const w = idx.reduce((a, [, i]) => a + e.weights[i]!, 0);
      return idx.reduce((a, [v, i]) => a + v * e.weights[i]!, 0) / w;
    };
    expect(inBin(16, 32)).toBeCloseTo(19, 0);
    expect(inBin(64, 8192) / 900).toBeCloseTo(1, 2);
  });

  it('turn a quantile sketch into midpoints carrying the probability between knots', () => {
    const e = quantilesToEmpirical({ p: P, v: [0, 10, 20, 30, 40] });
    expect(e.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(e.values).toEqual([0, 5, 15, 25, 35, 40]);
  });
});

describe('cells below k merge with a neighbour and are recounted exactly', () => {
  // Rows (bucket, tenant): buckets 1 and 2 share tenants, so adding their distinct counts overstates the merged cell.
  const rows: [number, number][] = [];
  for (let t = 1; t <= 12; t++) rows.push([0, t]);
  for (const t of [1, 2, 3, 4]) rows.push([1, t]);
  for (const t of [1, 2, 3, 5]) rows.push([2, t]);
  for (let t = 20; t < 28; t++) rows.push([3, t]);
  const cellsOf = (groups: number[][]): Cell[] =>
    groups.map((g) => {
      const mine = rows.filter(([b]) => g.includes(b));
      return { n: mine.length, tenants: new Set(mine.map(([, t]) => t)).size };
    });

  it('merges until every group holds k distinct tenants, judged on exact recounts', async () => {
    const k = 7;
    const recounts: number[][][] = [];
    const settled = await settleOrdinal(
      cellsOf([[0], [1], [2], [3]]),
      (c) => c.tenants >= k,
      async (groups) => {
        recounts.push(groups);
        return cellsOf(groups);
      },
    );
    // Planned [1, 2] (4 + 4 >= 7) holds 5 distinct tenants: it joins its smaller neighbour and is recounted.
    expect(recounts).toEqual([
      [[0], [1, 2], [3]],
      [[0], [1, 2, 3]],
    ]);
    expect(settled.groups).toEqual([[0], [1, 2, 3]]);
    expect(settled.cells.map((c) => c.tenants)).toEqual([12, 13]);
    expect(settled.suppressed).toBe(2);
  });

  it('releases nothing when even everything together is short', async () => {
    const settled = await settleOrdinal(
      cellsOf([[1], [2]]),
      (c) => c.tenants >= 50,
      async (g) => cellsOf(g.map((x) => x.map((i) => i + 1))),
    );
    expect(settled.groups).toEqual([]);
  });

  it('rounds counts to two significant figures, always to a whole number (noisy counts are fractional)', () => {
    expect([18347, 153, 7, 0, 1.83, 0.4, -3].map(roundCount)).toEqual([18000, 150, 7, 0, 2, 0, 0]);
  });
});
