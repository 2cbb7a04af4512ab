import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { snapshotDatabase } from 'facade-sim/testing';

// PGlite runs one transaction at a time: a query on the instance would wait for the test's
// rollback, which never comes while the test waits for the query.
it('the raw pglite driver runs inside the test transaction instead of hanging', { timeout: 300_000 }, async () => {
  const t = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite', isolation: 'transaction' });
  try {
    await t.db.execute(sql`CREATE TABLE sim_driver_probe (n int)`);
    await t.db.execute(sql`INSERT INTO sim_driver_probe VALUES (7)`);
    // Sees what db wrote: the same transaction.
    const { rows } = await t.driver.query<{ n: number }>('SELECT n FROM sim_driver_probe');
    expect(rows).toEqual([{ n: 7 }]);
  } finally {
    await t.close();
  }
  // Rolled back with the rest of the test.
  const next = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite', isolation: 'transaction' });
  try {
    await expect(next.driver.query('SELECT n FROM sim_driver_probe')).rejects.toThrow(/does not exist/);
  } finally {
    await next.close();
  }
});
