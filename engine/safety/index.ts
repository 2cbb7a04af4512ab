export { SafetyError, EgressError } from './safety-error.ts';
export {
  parseServerUrl,
  trustContainerHost,
  serverUrl,
  cleanPgEnv,
  connectExplicit,
  AMBIENT_PG_VARIABLES,
  type ServerTarget,
} from './server-target.ts';
export {
  createOwnedDatabase,
  assertOwnedDatabase,
  assertOwnedDatabaseName,
  createRestoreRole,
  dropRestoreRole,
  dropOwnedDatabase,
  SIM_PREFIX,
} from './owned-database.ts';
export { installEgressGuard, databaseEgress, type EgressGuard, type EgressAllow } from './egress-guard.ts';
export { assertFakeCredentials } from './live-keys.ts';
