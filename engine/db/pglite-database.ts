import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { DUMP_SESSION_SQL } from './introspect.ts';
import { createPglite } from './pglite-boot.ts';
import { useOneTripQueries } from './pglite-one-trip.ts';
import { alignParsersWithNodePostgres } from './pglite-parsers.ts';
import { sleepReal, type LatencyFn, type SimDatabase } from './sim-database.ts';

const PGDUMP_ARGS = ['--schema-only', '--no-owner', '--no-privileges', '--no-tablespaces', '--exclude-schema=sim_meta'];

/**
 * A run's database is disposable and lives in this process's memory, so WAL is kept to a minimum
 * (no replica-level WAL, no full-page images) and shared buffers small. PGlite is a single-user
 * backend: nothing checkpoints on its own, so WAL segments would pile up in memory for the whole
 * run; maintain(), called once per simulated day, checkpoints once a day's writes have added
 * WAL_CHECKPOINT_BYTES, so segments are recycled without a checkpoint for every quiet history day.
 */
const RUN_CONF = [
  'wal_level=minimal',
  'max_wal_senders=0',
  'full_page_writes=off',
  'min_wal_size=32MB',
  'max_wal_size=64MB',
  'shared_buffers=32MB',
  // Statements are kept by name (statement-cache.ts), and PostgreSQL may reuse a generic plan for
  // one after five executions, as it does for a server's prepared statements. Planning the app's
  // statements with data-modifying WITH parts each time cost a sixth of a history run
  // (docs/decisions/embedded-run-cost.md).
  'plan_cache_mode=auto',
];

/** WAL written since the last checkpoint that makes maintain() checkpoint (a quarter of max_wal_size). */
const WAL_CHECKPOINT_BYTES = 16 * 1024 * 1024;

/**
 * Embedded PostgreSQL (PGlite, Postgres 18 in WASM) in this process: no server, no Docker. Its
 * now() reads the faked Date, so database defaults follow simulated time too.
 */
export async function openPglite(options: { latencyMs?: LatencyFn; dataDir?: string } = {}): Promise<SimDatabase> {
  const pg = await createPglite({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), postgresqlconf: RUN_CONF });
  await pg.exec(`SET timezone = 'UTC'`);
  await alignParsersWithNodePostgres(pg);
  useOneTripQueries(pg);
  let checkpointLsn = '0/0';
  if (options.latencyMs) {
    const latency = options.latencyMs;
    for (const method of ['query', 'exec', 'transaction'] as const) {
      const original = (pg as any)[method].bind(pg);
      (pg as any)[method] = async (...args: unknown[]) => {
        await sleepReal(latency());
        return original(...args);
      };
    }
  }
  return {
    backend: 'pglite',
    url: undefined,
    driver: pg,
    async query<T>(sql: string, params?: unknown[]) {
      return (await pg.query(sql, params as any[])).rows as T[];
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async copyOut(selects: string[]) {
      await pg.exec(DUMP_SESSION_SQL);
      const texts: string[] = [];
      for (const select of selects) {
        const result = await pg.query(`COPY (${select}) TO '/dev/blob'`);
        texts.push(result.blob ? await result.blob.text() : '');
      }
      await pg.exec(`RESET search_path`);
      return texts;
    },
    async dumpSchema() {
      // pglite-tools always appends --inserts; with --schema-only it emits no data, and data is
      // dumped separately (copyOut) so both engines produce the same COPY blocks.
      const file = await pgDump({ pg, args: PGDUMP_ARGS });
      // pg_dump runs in this very session and leaves its read-only transaction and settings (an empty search_path
      // above all); a checkpoint's dump is followed by more simulation, so they are put back.
      await pg.exec(`ROLLBACK; RESET ALL; SET timezone = 'UTC'`);
      return file.text();
    },
    async versions() {
      const row = (await pg.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0];
      return { postgres: `PGlite ${row?.v ?? '?'}`, pgDump: `@electric-sql/pglite-tools pg_dump ${row?.v ?? '?'}` };
    },
    async maintain() {
      const { rows } = await pg.query<{ lsn: string; behind: string }>(
        `SELECT pg_current_wal_lsn()::text AS lsn, pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS behind`,
        [checkpointLsn],
      );
      if (Number(rows[0]!.behind) < WAL_CHECKPOINT_BYTES) return;
      await pg.exec('CHECKPOINT');
      checkpointLsn = rows[0]!.lsn;
    },
    async close() {
      await pg.close();
    },
  };
}
