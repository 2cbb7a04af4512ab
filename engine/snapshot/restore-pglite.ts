import { PGlite } from '@electric-sql/pglite';
import { planDump } from './plan-dump.ts';

/**
 * Replays a canonical dump into PGlite, which has no psql: the same parser-checked plan as a server
 * restore (plan-dump.ts), each admitted statement run alone, and each COPY block fed as a blob
 * (PGlite's COPY FROM '/dev/blob'). A dump outside the allow-list is refused before anything runs.
 */
export async function restoreIntoPglite(pg: PGlite, dumpText: string, file = 'dump.sql'): Promise<void> {
  const steps = planDump(dumpText, file);
  await pg.exec('BEGIN');
  try {
    for (const step of steps) {
      if (step.kind === 'sql') {
        await pg.exec(step.sql);
        continue;
      }
      if (step.dataEnd === step.dataStart) continue;
      // The plan admits only `COPY <table> (<columns>) FROM stdin`, so its tail is exactly that.
      const sql = step.sql.replace(/\s+FROM\s+stdin\s*$/i, ` FROM '/dev/blob'`);
      await pg.query(sql, [], { blob: new Blob([dumpText.slice(step.dataStart, step.dataEnd)]) });
    }
    await pg.exec('COMMIT');
  } catch (e) {
    await pg.exec('ROLLBACK').catch(() => {});
    throw e;
  }
  // pg_dump's first statements empty the search_path for this session; give callers the usual one.
  await pg.exec(`SELECT pg_catalog.set_config('search_path', '"$user", public', false)`);
}
