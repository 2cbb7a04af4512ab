// Per-test provisioning on Docker, side by side on the same snapshot and image: testcontainers'
// own snapshot feature (restoreSnapshot() before each test) against our clone of a template.
import { fileURLToPath } from 'node:url';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { startDockerPostgres } from '../engine/db/docker-server.ts';
import { postgresImage } from '../engine/db/postgres-image.ts';
import { DUMP_FILE } from '../engine/snapshot/snapshot-files.ts';
import { closeSnapshotDatabases, snapshotDatabase } from '../engine/testing/index.ts';
import { fmtMs, percentile } from './stats.ts';

const SNAPSHOT = fileURLToPath(new URL('../snapshots/baseline-45d', import.meta.url));
// The settings startDockerPostgres gives its container, so only the provisioning differs.
const SERVER_SETTINGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/** Prints median and p95 per test for both; needs SIM_POSTGRES_IMAGE (or Docker Hub's postgres). */
export async function benchDockerProvisioning(log: (line: string) => void): Promise<void> {
  const n = Number(process.env.SIM_BENCH_TESTS ?? 20);
  log(`\n## Docker per-test provisioning of baseline-45d, side by side (${n} tests each)`);
  log('method                                median     p95');
  const connectAndQuery = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
  };

  // testcontainers: restore the dump into the container's database, snapshot() it, and restoreSnapshot() per test.
  const theirs = await new PostgreSqlContainer(postgresImage())
    .withDatabase('app')
    .withPassword('sim')
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withCommand(SERVER_SETTINGS)
    .withCopyFilesToContainer([{ source: `${SNAPSHOT}/${DUMP_FILE}`, target: '/tmp/dump.sql' }])
    .start();
  try {
    const load = await theirs.exec([
      'psql',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-U',
      'test',
      '-d',
      'app',
      '-f',
      '/tmp/dump.sql',
    ]);
    if (load.exitCode !== 0) throw new Error(`psql in the container: ${load.stderr || load.output}`);
    await theirs.snapshot();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await theirs.restoreSnapshot();
      await connectAndQuery(theirs.getConnectionUri());
      times.push(performance.now() - s);
    }
    log(
      `testcontainers restoreSnapshot()      ${fmtMs(percentile(times, 50)).padEnd(10)} ${fmtMs(percentile(times, 95))}`,
    );
  } finally {
    await theirs.stop();
  }

  // Ours: a template built once, a clone per test (with the clones kept ready, as in a test run).
  const ours = await startDockerPostgres();
  try {
    const options = { snapshot: SNAPSHOT, backend: 'docker', url: ours.adminUrl } as const;
    await (await snapshotDatabase(options)).close();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const t = await snapshotDatabase(options);
      await t.driver.query('SELECT 1');
      await t.close();
      times.push(performance.now() - s);
    }
    log(
      `facade-sim docker clone               ${fmtMs(percentile(times, 50)).padEnd(10)} ${fmtMs(percentile(times, 95))}`,
    );
  } finally {
    await closeSnapshotDatabases();
    await ours.stop();
  }
}
