// facade-sim/testing: a fresh, production-shaped database per test, restored from a committed snapshot.
export {
  snapshotDatabase,
  closeSnapshotDatabases,
  DEFAULT_TEST_SERVER_URL,
  type SnapshotDatabaseOptions,
  type TestDatabase,
  type Via,
  type Isolation,
} from './snapshot-database.ts';
export { ensureTemplate } from './server-template.ts';
