// The region below is the README's example, verbatim (test/readme/readme-examples.test.ts checks it).
// #region readme-example
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { snapshotDatabase } from 'facade-sim/testing';

it('has whales of more than a hundred seats', async () => {
  // Restored from the committed snapshot; rolled back when `t` goes out of scope.
  await using t = await snapshotDatabase({
    snapshot: 'baseline-45d', // found through sim.config.ts
    backend: 'pglite', // or 'postgres' (a server you own), or 'docker' (a container per test run)
    isolation: 'transaction', // or 'clone': a database of its own, for code that commits
  });
  const { rows } = await t.db.execute(sql`select max(seats) as m from subscriptions`);
  expect(Number(rows[0]?.m)).toBeGreaterThan(100);
});
// #endregion readme-example
