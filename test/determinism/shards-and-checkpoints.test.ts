import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, runSim } from '../support/run-sim.ts';

/** Three months of history (two weeks of it in full detail), then 6 days, with checkpoints at days 0 and 3. */
const SCENARIO = join(REPO, 'test/fixtures/scenarios/tiny-history.yaml');

async function generate(extra: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'sim-shards-'));
  const run = await runSim(['generate', SCENARIO, '--out', out, '--quiet', ...extra]);
  expect(run.code, run.stderr).toBe(0);
  return out;
}

/** Several generations run at once: on a busy two-core machine each takes minutes, not seconds. */
const SLOW = { timeout: 600_000 };

const bytes = (out: string, dir: string, file = 'dump.sql') => readFileSync(join(out, dir, file), 'utf8');

describe('history, tenant shards and checkpoints: the same inputs give the same bytes', SLOW, () => {
  let one: string;
  beforeAll(async () => {
    one = await generate([]);
  }, SLOW.timeout);

  it('the dump and the side effects do not depend on the number of workers', async () => {
    const [two, three] = await Promise.all([generate(['--workers', '2']), generate(['--workers', '3'])]);
    for (const out of [two, three]) {
      for (const dir of ['tiny-history', 'tiny-history@d0', 'tiny-history@d3']) {
        expect(bytes(out, dir)).toBe(bytes(one, dir));
        expect(bytes(out, dir, 'side-effects.jsonl')).toBe(bytes(one, dir, 'side-effects.jsonl'));
      }
    }
  });

  it('a checkpoint holds what a run that stops at that day holds, and taking it changes nothing after', async () => {
    const [stopped, unbroken] = await Promise.all([generate(['--days', '3']), generate(['--checkpoints', 'none'])]);
    expect(bytes(one, 'tiny-history@d3')).toBe(bytes(stopped, 'tiny-history'));
    expect(bytes(one, 'tiny-history@d3', 'side-effects.jsonl')).toBe(
      bytes(stopped, 'tiny-history', 'side-effects.jsonl'),
    );
    expect(bytes(one, 'tiny-history')).toBe(bytes(unbroken, 'tiny-history'));
  });

  it('history fills the months before the window: tenure, old invoices, a retired plan still in use', () => {
    const dump = bytes(one, 'tiny-history');
    const manifest = JSON.parse(bytes(one, 'tiny-history', 'manifest.json'));
    expect(manifest.simulated).toMatchObject({
      historyStart: '2025-11-20T00:00:00.000Z',
      detailFrom: '2026-02-06T00:00:00.000Z',
      start: '2026-02-20T00:00:00.000Z',
    });
    expect(dump).toMatch(/\t2025-1[12]-\d\d \d\d:\d\d:\d\d[.\d]*\+00\t/); // rows dated in the history
    expect(JSON.parse(bytes(one, 'tiny-history@d0', 'manifest.json')).checkpoint).toBe(0);
    expect(dump).toMatch(/\tstarter\tStarter\tmonth\tUSD\t900\t1\tf\t1\t\\N\t2026-01-20/); // retired, still listed
  });
});
