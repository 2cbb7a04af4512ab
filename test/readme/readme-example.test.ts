/* eslint-disable @typescript-eslint/ban-ts-comment, @typescript-eslint/await-thenable --
   until the testing API's `backend` rename and `await using` handle land (issue 16); then remove. */
// @ts-nocheck -- remove with the line above, so the README's example is type-checked again.
// The region below is the README's example, verbatim (test/readme/readme-examples.test.ts checks it).
// #region readme-example
import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { closeSnapshotDatabases, snapshotDatabase } from 'facade-sim/testing';

afterAll(closeSnapshotDatabases);

it('has whales of more than a hundred seats', async () => {
  // Restored from the committed snapshot; rolled back when `t` goes out of scope.
  await using t = await snapshotDatabase({
    snapshot: 'snapshots/baseline-45d',
    backend: 'pglite', // or 'url' (a server you own), or 'docker' (a container per test run)
    isolation: 'transaction', // or 'clone': a database of its own, for code that commits
  });
  const { rows } = await t.db.execute(sql`select max(seats) as m from subscriptions`);
  expect(Number(rows[0].m)).toBeGreaterThan(100);
});
// #endregion readme-example
