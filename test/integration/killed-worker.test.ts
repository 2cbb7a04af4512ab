import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { expect, it } from 'vitest';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { REPO, SERVER_URL } from '../support/run-sim.ts';

// Its own snapshot: no other test clones it on the local server, so its clones can be counted.
const SNAPSHOT = 'snapshots/payment-outage-30d';
const clonePrefix = `sim_t_${readSnapshot(SNAPSHOT)
  .manifest.files['dump.sql']!.replace(/^sha256:/, '')
  .slice(0, 16)}_`;

// Ctrl-C on vitest ends a worker without its afterAll, and SIGKILL ends anything: the clones it
// had (the test's own, the ones kept ready, the transaction mode's) must not pile up on the
// server. One the test kept on purpose (close({ keep: true })) stays.
it('a killed test process leaves none of its clones on the server, except one it kept on purpose', async () => {
  const script =
    `
    const { snapshotDatabase } = await import('facade-sim/testing');
    const kept = await snapshotDatabase({ snapshot: '${SNAPSHOT}', backend: 'postgres', url: '${SERVER_URL}' });
    await kept.close({ keep: true });
    await snapshotDatabase({ snapshot: '${SNAPSHOT}', backend: 'postgres', url: '${SERVER_URL}' });
    await snapshotDatabase({ snapshot: '${SNAPSHOT}', backend: 'postgres', url: '${SERVER_URL}', ` +
    `isolation: 'transaction' });
    console.log(JSON.stringify({ kept: new URL(kept.url).pathname.slice(1) }));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const { kept } = await new Promise<{ kept: string }>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d))));
    child.once('exit', (code) => reject(new Error(`the test process exited with ${code}: ${stderr}`)));
  });
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const clones = async () =>
    (
      await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1`,
        [clonePrefix],
      )
    ).rows.map((r) => r.datname);
  try {
    expect(
      (await clones()).length,
      'the test, two kept ready, the transaction mode, the kept one',
    ).toBeGreaterThanOrEqual(4);
    child.kill('SIGKILL');
    for (let i = 0; i < 40 && (await clones()).length > 1; i++) await sleep(250);
    expect(await clones()).toEqual([kept]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(kept)} WITH (FORCE)`);
    await admin.end();
  }
}, 60_000);
