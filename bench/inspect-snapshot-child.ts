// Restores a generated snapshot into an embedded database and reports its consistency checks and
// how many tenants were alive at the window's start (the no-history run starts with that many).
// Arguments: the snapshot directory, the window's start (ISO).
import { closeSnapshotDatabases, snapshotDatabase } from '../engine/testing/index.ts';
import { runConsistencyChecks } from './consistency-checks.ts';

const [dir, windowStart] = process.argv.slice(2);
const t = await snapshotDatabase({ snapshot: dir!, via: 'pglite' });
const query = async (sql: string) => ((await t.db.execute(sql)) as { rows: unknown[] }).rows;
const checks = await runConsistencyChecks(query);
const [alive] = (await query(
  `SELECT count(DISTINCT organization_id)::int AS n FROM subscriptions
    WHERE created_at < '${windowStart}' AND (canceled_at IS NULL OR canceled_at >= '${windowStart}')`,
)) as { n: number }[];
await t.close();
await closeSnapshotDatabases();
process.stdout.write(JSON.stringify({ checks, tenantsAtStart: alive!.n }) + '\n');
