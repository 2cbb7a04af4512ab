import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanPgEnv, dropOwnedDatabase } from '../../engine/safety/index.ts';
import { hostToolRunner, schemaDump } from '../../engine/db/server-database.ts';
import { buildCanonicalDump, copyTextRows, type SequenceValue } from '../../engine/snapshot/canonical-dump.ts';
import { parseDumpTables } from '../../engine/snapshot/parse-dump.ts';
import { restoreToServer } from '../../engine/snapshot/restore-server.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { REPO, SERVER_URL } from '../support/run-sim.ts';

// `.sim/` holds a generate's locks and journal, not a snapshot.
const SNAPSHOTS = readdirSync(join(REPO, 'snapshots'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
  .map((d) => d.name)
  .sort();

const created: string[] = [];
afterAll(async () => {
  for (const name of created) await dropOwnedDatabase(SERVER_URL, name, { project: 'facade-sim' }).catch(() => {});
});

/** The restored database dumped back the way `sim generate` builds a snapshot's dump. */
async function canonicalDumpOf(url: string, committed: string): Promise<string> {
  const schema = await schemaDump(hostToolRunner({ ...cleanPgEnv(process.env), PGTZ: 'UTC' }), url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = [];
    for (const [name, t] of parseDumpTables(committed)) {
      const stream = client.query(copyTo(`COPY public.${name} (${t.columns.join(', ')}) TO STDOUT`));
      const parts: Buffer[] = [];
      for await (const chunk of stream) parts.push(chunk as Buffer);
      const rows = copyTextRows(Buffer.concat(parts).toString('utf8'));
      tables.push({ qualifiedName: `public.${name}`, schema: 'public', name, columns: t.columns, rows });
    }
    const sequences: SequenceValue[] = [];
    for (const m of committed.matchAll(/^SELECT pg_catalog\.setval\('([^']+)', /gm)) {
      const r = await client.query(`SELECT last_value::text AS v, is_called FROM ${m[1]}`);
      sequences.push({ qualifiedName: m[1]!, value: r.rows[0].v, isCalled: r.rows[0].is_called });
    }
    return buildCanonicalDump(schema, tables, sequences);
  } finally {
    await client.end();
  }
}

describe.each(SNAPSHOTS)('committed snapshot %s restored without psql', (name) => {
  it('dumps back to the committed bytes, leaving no restore role behind', async () => {
    const dir = join(REPO, 'snapshots', name);
    const snap = readSnapshot(dir);
    const r = await restoreToServer(dir, SERVER_URL);
    created.push(r.name);
    expect(await canonicalDumpOf(r.url, snap.dumpText)).toBe(snap.dumpText);
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    try {
      expect((await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [r.name])).rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  }, 180_000);
});
