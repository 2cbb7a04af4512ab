import { sql } from 'drizzle-orm';
import type { PgliteQueryResultHKT } from 'drizzle-orm/pglite';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { expect, expectTypeOf, it } from 'vitest';
import { snapshotDatabase, type PgliteDriver, type TestDatabase } from 'facade-sim/testing';
import { schema } from '../../domain/index.ts';

it(
  'types db by the caller schema and the backend, and closes itself with await using',
  { timeout: 300_000 },
  async () => {
    let seen: TestDatabase<typeof schema, 'pglite'> | undefined;
    {
      await using t = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite', schema });
      expectTypeOf(t.db).toEqualTypeOf<PgDatabase<PgliteQueryResultHKT, typeof schema>>();
      expectTypeOf(t.driver).toEqualTypeOf<PgliteDriver>();
      // The schema types relational queries: a column that does not exist would not compile.
      const org = await t.db.query.organizations.findFirst({ columns: { id: true } });
      expectTypeOf(org).toEqualTypeOf<{ id: number } | undefined>();
      expect(org?.id).toBeGreaterThan(0);
      seen = t;
    }
    // Disposed at the end of the block: the PGlite instance is closed.
    await expect(seen.db.execute(sql`SELECT 1`)).rejects.toThrow();
  },
);

it('types the server backends with node-postgres', () => {
  type Server = TestDatabase<typeof schema, 'postgres'>;
  expectTypeOf<Server['driver']>().toEqualTypeOf<pg.Client>();
  expectTypeOf<Awaited<ReturnType<Server['db']['execute']>>>().toHaveProperty('rowCount');
});
