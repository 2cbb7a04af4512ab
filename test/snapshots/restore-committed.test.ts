import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPglite } from '../../engine/db/pglite-boot.ts';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { restoreIntoPglite } from '../../engine/snapshot/restore-pglite.ts';
import { dropOwnedDatabase } from '../../engine/safety/index.ts';
import { INVARIANTS } from '../../domain/invariants.ts';
import { REPO, SERVER_URL, runSim } from '../support/run-sim.ts';

// `.sim/` holds a generate's locks and journal, not a snapshot.
const SNAPSHOTS = readdirSync(join(REPO, 'snapshots'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
  .map((d) => d.name)
  .sort();

/** Every foreign key of the public schema, checked for orphans generically from the catalog. */
const FK_SQL = `SELECT c.conrelid::regclass::text AS child, a.attname AS col,
       c.confrelid::regclass::text AS parent, pa.attname AS pcol
  FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
  JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
 WHERE c.contype = 'f' ORDER BY 1, 2`;

async function orphanCounts(query: (sql: string) => Promise<any[]>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const fk of await query(FK_SQL)) {
    const [row] = await query(
      `SELECT count(*)::int AS n FROM ${fk.child} x WHERE x.${fk.col} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ${fk.parent} p WHERE p.${fk.pcol} = x.${fk.col})`,
    );
    out[`${fk.child}.${fk.col}`] = row.n;
  }
  return out;
}

const created: string[] = [];
afterAll(async () => {
  for (const name of created) await dropOwnedDatabase(SERVER_URL, name, { project: 'facade-sim' }).catch(() => {});
});

describe.each(SNAPSHOTS)('committed snapshot %s', (name) => {
  const dir = join(REPO, 'snapshots', name);

  it('restores through the driver into the local server (sim restore): no orphans, every invariant holds', async () => {
    const run = await runSim(['restore', dir, '--database-url', SERVER_URL]);
    expect(run.code, run.stderr).toBe(0);
    const url = run.stdout.trim().split('\n').pop()!;
    expect(url).toMatch(/^postgres:\/\/.*\/sim_restore_[0-9a-f]{10}_[0-9a-f]{8}$/);
    created.push(new URL(url).pathname.slice(1));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const q = async (sql: string) => (await client.query(sql)).rows;
      const manifest = readSnapshot(dir).manifest;
      for (const [table, count] of Object.entries(manifest.rowCounts)) {
        expect((await q(`SELECT count(*)::int AS n FROM public.${table}`))[0].n, table).toBe(count);
      }
      expect(Object.values(await orphanCounts(q)).every((n) => n === 0)).toBe(true);
      for (const [invariant, sql] of Object.entries(INVARIANTS)) expect((await q(sql)).length, invariant).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('restores into PGlite (PostgreSQL 18) with the same row counts', async () => {
    const snap = readSnapshot(dir);
    const pgl = await createPglite();
    try {
      await restoreIntoPglite(pgl, snap.dumpText);
      const q = async (sql: string) => (await pgl.query<any>(sql)).rows;
      for (const [table, count] of Object.entries(snap.manifest.rowCounts)) {
        expect((await q(`SELECT count(*)::int AS n FROM public.${table}`))[0].n, table).toBe(count);
      }
      expect(Object.values(await orphanCounts(q)).every((n) => n === 0)).toBe(true);
    } finally {
      await pgl.close();
    }
  });

  it('has a manifest that says what the data is', () => {
    const m = readSnapshot(dir).manifest;
    expect(m.provenance).toMatchObject({ synthetic: true, containsProductionData: false });
    expect(String(m.provenance.statement)).toMatch(/Synthetic data.*No production row is in it/);
    expect(m.files['dump.sql']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(m.invariants?.every((i) => i.violations === 0)).toBe(true);
  });
});

it('the baseline holds 300+ organisations and 100,000+ rows', () => {
  const m = readSnapshot(join(REPO, 'snapshots', 'baseline-45d')).manifest;
  expect(m.rowCounts.organizations).toBeGreaterThanOrEqual(300);
  expect(m.totalRows).toBeGreaterThanOrEqual(100_000);
});
