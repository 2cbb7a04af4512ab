import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { warmPgliteSnapshots } from 'facade-sim/testing';
import { runScript } from '../support/run-script.ts';

// vitest's default hook timeout is 10 s; the first pglite test of a process used to restore the
// whole dump in it. Warm once (what a globalSetup does), then a fresh process loads the image.
beforeAll(
  () => warmPgliteSnapshots([fileURLToPath(new URL('../../snapshots/baseline-45d', import.meta.url))]),
  600_000,
);

it('a fresh process gets its first pglite handle within the default hook timeout', { timeout: 120_000 }, async () => {
  const script = `
    const { snapshotDatabase } = await import('facade-sim/testing');
    const started = performance.now();
    const t = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite' });
    const bootMs = performance.now() - started;
    await t.driver.query('SELECT count(*) FROM organizations');
    await t.close();
    console.log(JSON.stringify({ bootMs }));`;
  const run = await runScript(script, { timeoutMs: 110_000 });
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout).bootMs).toBeLessThan(10_000);
});
