// facade-sim/testing: a fresh, production-shaped database per test, restored from a committed snapshot.
export {
  snapshotDatabase,
  closeSnapshotDatabases,
  DEFAULT_TEST_SERVER_URL,
  type SnapshotDatabaseOptions,
  type TestDatabase,
  type SnapshotDb,
  type SnapshotDriver,
  type PgliteDriver,
  type AnyBackendQueryResultHKT,
  type RowsResult,
  type Backend,
  type BackendName,
  type Via,
  type Isolation,
} from './snapshot-database.ts';
export { resolveSnapshotDir, SnapshotNotFoundError, type SnapshotLocation } from './snapshot-path.ts';
export { warmPgliteSnapshots } from './pglite-snapshot-image.ts';
export { ensureTemplate } from './server-template.ts';
