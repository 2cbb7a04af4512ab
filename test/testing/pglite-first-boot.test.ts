import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { warmPgliteSnapshots } from 'facade-sim/testing';
import { runScript } from '../support/run-script.ts';

// The first pglite test of a process used to restore the whole dump in it. Warm once (what a
// globalSetup does), then a fresh process loads the cached image. How long that takes is measured
// by the provisioning bench (npm run bench provisioning), not asserted here.
beforeAll(
  () => warmPgliteSnapshots([fileURLToPath(new URL('../../snapshots/baseline-45d', import.meta.url))]),
  600_000,
);

it('a fresh process gets a working pglite handle from the warmed image', { timeout: 120_000 }, async () => {
  const script = `
    const { snapshotDatabase } = await import('facade-sim/testing');
    const t = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite' });
    const { rows } = await t.driver.query('SELECT count(*)::int AS n FROM organizations');
    await t.close();
    console.log(JSON.stringify({ organizations: rows[0].n }));`;
  const run = await runScript(script, { timeoutMs: 110_000 });
  expect(run.code, run.stderr).toBe(0);
  const manifest = JSON.parse(
    readFileSync(new URL('../../snapshots/baseline-45d/manifest.json', import.meta.url), 'utf8'),
  );
  expect(JSON.parse(run.stdout).organizations).toBe(manifest.rowCounts.organizations);
});
