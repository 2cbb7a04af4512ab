import pg from 'pg';
import { expect, it } from 'vitest';
import { runScript } from '../support/run-script.ts';
import { SERVER_URL } from '../support/run-sim.ts';

// A user's script (or a test runner that waits for its workers) must end once every handle is
// closed, without closeSnapshotDatabases(), and leave no database of its own on the server.
it('a process exits by itself within seconds of its last close(), on every backend and isolation', async () => {
  const script = `
    const { snapshotDatabase } = await import('facade-sim/testing');
    const names = [];
    for (const isolation of ['clone', 'transaction']) {
      const t = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'postgres', url: '${SERVER_URL}', isolation });
      await t.driver.query('SELECT 1');
      names.push(new URL(t.url).pathname.slice(1));
      await t.close();
      const p = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite', isolation });
      await p.driver.query('SELECT 1');
      await p.close();
    }
    console.log(JSON.stringify(names));`;
  const run = await runScript(script, { timeoutMs: 290_000 });
  expect(run.code, run.stderr).toBe(0);
  // The ready clones and the shared database are dropped on the way out; a few seconds covers a busy machine.
  expect(run.exitAfterOutputMs).toBeLessThan(5_000);
  const prefix = (JSON.parse(run.stdout) as string[])[0]!.replace(/_[0-9a-f]{10}$/, '_');
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname = ANY($2)`,
      [`${prefix}%`, JSON.parse(run.stdout)],
    );
    expect(rows).toEqual([]);
  } finally {
    await admin.end();
  }
}, 300_000);
