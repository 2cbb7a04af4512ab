import { PGlite } from '@electric-sql/pglite';

/**
 * Replays a canonical dump into PGlite, which has no psql: SQL between COPY blocks goes through
 * exec(), and each COPY block is fed as a blob (PGlite's COPY FROM '/dev/blob'). The text must
 * already have passed validateDumpText.
 */
export async function restoreIntoPglite(pg: PGlite, dumpText: string): Promise<void> {
  const lines = dumpText.split('\n');
  let sqlBuf: string[] = [];
  const flush = async () => {
    const sql = sqlBuf.join('\n');
    sqlBuf = [];
    if (sql.trim()) await pg.exec(sql);
  };
  await pg.exec('BEGIN');
  try {
    for (let i = 0; i < lines.length; i++) {
      const m = /^COPY (.+) FROM stdin;$/.exec(lines[i]!);
      if (!m) {
        sqlBuf.push(lines[i]!);
        continue;
      }
      await flush();
      const start = i + 1;
      while (i < lines.length && lines[i] !== '\\.') i++;
      const rows = lines.slice(start, i);
      if (rows.length > 0) {
        await pg.query(`COPY ${m[1]} FROM '/dev/blob'`, [], { blob: new Blob([rows.join('\n') + '\n']) });
      }
    }
    await flush();
    await pg.exec('COMMIT');
  } catch (e) {
    await pg.exec('ROLLBACK').catch(() => {});
    throw e;
  }
  // pg_dump's first statements empty the search_path for this session; give callers the usual one.
  await pg.exec(`SELECT pg_catalog.set_config('search_path', '"$user", public', false)`);
}
