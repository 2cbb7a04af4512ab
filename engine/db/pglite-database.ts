import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { DUMP_SESSION_SQL } from './introspect.ts';
import { sleepReal, type LatencyFn, type SimDatabase } from './sim-database.ts';

const PGDUMP_ARGS = ['--schema-only', '--no-owner', '--no-privileges', '--no-tablespaces', '--exclude-schema=sim_meta'];

/**
 * Embedded PostgreSQL (PGlite, Postgres 18 in WASM) in this process: no server, no Docker. Its
 * now() reads the faked Date, so database defaults follow simulated time too.
 */
export async function openPglite(options: { latencyMs?: LatencyFn; dataDir?: string } = {}): Promise<SimDatabase> {
  const pg = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  await pg.exec(`SET timezone = 'UTC'`);
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
    engine: 'pglite',
    url: undefined,
    driver: pg,
    async query<T>(sql: string, params?: unknown[]) {
      return (await pg.query(sql, params as any[])).rows as T[];
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async copyOut(select: string) {
      await pg.exec(DUMP_SESSION_SQL);
      const result = await pg.query(`COPY (${select}) TO '/dev/blob'`);
      await pg.exec(`RESET search_path`);
      return result.blob ? await result.blob.text() : '';
    },
    async dumpSchema() {
      // pglite-tools always appends --inserts; with --schema-only it emits no data, and data is
      // dumped separately (copyOut) so both engines produce the same COPY blocks.
      const file = await pgDump({ pg, args: PGDUMP_ARGS });
      return file.text();
    },
    async versions() {
      const row = (await pg.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0];
      return { postgres: `PGlite ${row?.v ?? '?'}`, pgDump: `@electric-sql/pglite-tools pg_dump ${row?.v ?? '?'}` };
    },
    async close() {
      await pg.close();
    },
  };
}
