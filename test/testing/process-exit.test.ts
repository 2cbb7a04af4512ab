import pg from 'pg';
import { expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';
import { SERVER_URL } from '../support/run-sim.ts';

// A user's script (or a test runner that waits for its workers) must end once every handle is
// closed, without closeSnapshotDatabases(), and leave no database of its own on the server.
it('a process exits by itself within seconds of its last close(), whichever handle closes last', async () => {
  // The transaction handle closes first and the clone last: whichever is last lets go of both.
  const script = `
    const { snapshotDatabase } = await import('facade-sim/testing');
    const server = { snapshot: 'baseline-45d', backend: 'postgres', url: '${SERVER_URL}' };
    const clone = await snapshotDatabase({ ...server, isolation: 'clone' });
    const tx = await snapshotDatabase({ ...server, isolation: 'transaction' });
    const embedded = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite', isolation: 'transaction' });
    for (const t of [clone, tx, embedded]) await t.driver.query('SELECT 1');
    await embedded.close();
    await tx.close();
    await clone.close();
    console.log(JSON.stringify([clone.url, tx.url].map((u) => new URL(u).pathname.slice(1))));`;
  const run = await runScript(script, { timeoutMs: 290_000 });
  expect(run.code, run.stderr).toBe(0);
  // A hang is what this catches: the exit waits a second for the shared PGlite, then drops the
  // ready clones and the shared database; measured 1.2-3.4 s, and 8.9 s on a 2-core machine at
  // load average 30.
  expect(run.exitAfterOutputMs).toBeLessThan(15_000);
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
      JSON.parse(run.stdout),
    ]);
    expect(rows).toEqual([]);
  } finally {
    await admin.end();
  }
}, 300_000);
