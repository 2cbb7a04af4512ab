import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SafetyError } from './safety-error.ts';
import { connectExplicit, parseServerUrl, serverUrl } from './server-target.ts';

/** The role a run's app connects as: its database's name with `_app` (so a reaper finds it). */
export const appRoleName = (database: string) => `${database}_app`;

const NAME = /^sim_[a-z0-9_]{1,55}$/;

/**
 * Creates the least-privilege role the app's connection uses and hands it the run's database:
 * NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS, owner of that database (so its
 * migrations can create what they need there) and of nothing else. Without superuser it cannot
 * create untrusted extensions (dblink, file_fdw), COPY to or from a program or a server file, or
 * call pg_read_file; PUBLIC is refused CONNECT to the run's database, so other roles stay out too.
 * Returns the URL the app connects with.
 */
export async function createAppRole(
  adminUrl: string,
  database: string,
  o: { allowRemoteHosts?: string[] } = {},
): Promise<string> {
  if (!NAME.test(database)) throw new SafetyError('name', `'${database}' is not a tool-owned name`);
  const target = parseServerUrl(adminUrl, { allowRemoteHosts: o.allowRemoteHosts });
  const role = pg.escapeIdentifier(appRoleName(database));
  const db = pg.escapeIdentifier(database);
  // A password, for servers that ask for one; trust-auth servers ignore it.
  const password = randomBytes(18).toString('hex');
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  try {
    await admin.query(
      `CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ` +
        `CONNECTION LIMIT 8 PASSWORD ${pg.escapeLiteral(password)}`,
    );
    await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await admin.query(`ALTER DATABASE ${db} OWNER TO ${role}`);
  } finally {
    await admin.end();
  }
  // The public schema needs nothing: from PostgreSQL 15 on pg_database_owner owns it, which the
  // role now is; before 15 PUBLIC may create in it. Changing its owner would also make pg_dump
  // write it into the snapshot, and a server's dump would differ from an embedded one.
  return serverUrl({ ...target, user: appRoleName(database), password }, database);
}

/** Drops a run's app role (after its database is gone; it owns nothing else). */
export async function dropAppRole(
  adminUrl: string,
  database: string,
  o: { allowRemoteHosts?: string[] } = {},
): Promise<void> {
  if (!NAME.test(database)) throw new SafetyError('name', `'${database}' is not a tool-owned name`);
  const target = parseServerUrl(adminUrl, { allowRemoteHosts: o.allowRemoteHosts });
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(appRoleName(database))}`);
  } finally {
    await admin.end();
  }
}
