import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SafetyError } from './safety-error.ts';
import { connectExplicit, parseServerUrl, serverUrl, type ServerTarget } from './server-target.ts';

export const SIM_PREFIX = 'sim_';

/** The process a database lives and dies with, recorded in its marker. */
export interface DatabaseOwner {
  pid: number;
  host: string;
}
const MAINTENANCE = new Set(['postgres', 'template0', 'template1']);
const NAME = /^sim_[a-z0-9_]{1,59}$/;

/**
 * Creates a database the tool owns: `sim_` name, UTF8 with C collation (bytewise, locale-proof),
 * UTC, and a marker table bound to this database's name and oid, so a copy elsewhere is detected.
 * The URL's own database is used only to run CREATE DATABASE.
 */
export async function createOwnedDatabase(
  adminUrl: string,
  o: {
    name: string;
    project: string;
    purpose: string;
    template?: string;
    tablespace?: string;
    allowRemoteHosts?: string[];
    /** A role of this tool's (createRestoreRole) to own the database instead of the admin. */
    ownerRole?: string;
    /**
     * The process whose lifetime bounds the database's (a run's own): `sim clean` drops it once
     * that process is gone. Omitted for databases kept on purpose (templates, restores).
     */
    owner?: DatabaseOwner;
  },
): Promise<string> {
  if (!NAME.test(o.name)) {
    throw new SafetyError('name', `'${o.name}' is not a tool-owned name (sim_[a-z0-9_]+, at most 63 characters)`);
  }
  const target = parseServerUrl(adminUrl, { allowRemoteHosts: o.allowRemoteHosts });
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  try {
    await assertNotReplica(admin);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [o.name]);
    if (exists.rowCount) {
      throw new SafetyError(
        'exists',
        `database ${o.name} already exists; refusing to reuse it (drop it with sim if it is ours)`,
      );
    }
    const template = o.template
      ? `TEMPLATE ${pg.escapeIdentifier(o.template)}`
      : `TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`;
    const tablespace = o.tablespace ? ` TABLESPACE ${pg.escapeIdentifier(o.tablespace)}` : '';
    const owner = o.ownerRole ? ` OWNER ${pg.escapeIdentifier(o.ownerRole)}` : '';
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(o.name)} ${template}${tablespace}${owner}`);
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(o.name)} SET timezone = 'UTC'`);
    // A second marker in the shared catalog, bound to the new oid: readable without connecting, so
    // a database whose files are gone (tmpfs tablespace) can still be told apart from a look-alike.
    const { rows } = await admin.query('SELECT oid::text AS oid FROM pg_database WHERE datname = $1', [o.name]);
    await admin.query(
      `COMMENT ON DATABASE ${pg.escapeIdentifier(o.name)} IS ${pg.escapeLiteral(databaseMark(o.project, rows[0].oid))}`,
    );
  } finally {
    await admin.end();
  }
  const db = connectExplicit(target, o.name);
  await db.connect();
  try {
    // The owner role creates the app's tables in public. It is NOINHERIT, so pg_database_owner's
    // rights do not reach it; a grant (revoked by DROP OWNED at hand-over) leaves public's owner as
    // the template had it, which pg_dump would otherwise print.
    if (o.ownerRole) await db.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${pg.escapeIdentifier(o.ownerRole)}`);
    await db.query(`CREATE SCHEMA IF NOT EXISTS sim_meta`);
    await db.query(`DROP TABLE IF EXISTS sim_meta.marker`);
    await db.query(
      `CREATE TABLE sim_meta.marker (tool text NOT NULL, project text NOT NULL, database_name text NOT NULL, ` +
        `database_oid oid NOT NULL, purpose text NOT NULL, created_at timestamptz NOT NULL, owner_pid integer, ` +
        `owner_host text)`,
    );
    await db.query(
      `INSERT INTO sim_meta.marker SELECT 'facade-sim', $1, current_database(), (SELECT oid FROM pg_database ` +
        `WHERE datname = current_database()), $2, $3, $4, $5`,
      [o.project, o.purpose, new Date(), o.owner?.pid ?? null, o.owner?.host ?? null],
    );
  } finally {
    await db.end();
  }
  return serverUrl(target, o.name);
}

async function assertNotReplica(client: pg.Client): Promise<void> {
  const r = await client.query('SELECT pg_is_in_recovery() AS r');
  if (r.rows[0].r) {
    throw new SafetyError(
      'replica',
      'the server is a read replica (pg_is_in_recovery); the tool never writes to replicas',
    );
  }
}

/**
 * The target guard: the connected database must be one this tool created for this project.
 * `confirmTarget` (the exact database name) bypasses only the prefix and marker checks.
 */
export async function assertOwnedDatabase(
  client: pg.Client,
  o: { project: string; confirmTarget?: string },
): Promise<void> {
  const { rows } = await client.query(`SELECT current_database() AS name,
      (SELECT oid FROM pg_database WHERE datname = current_database())::text AS oid,
      (SELECT datistemplate FROM pg_database WHERE datname = current_database()) AS is_template,
      to_regclass('sim_meta.marker') IS NOT NULL AS has_marker,
      (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r','p','v','m') AND n.nspname NOT IN ('pg_catalog','information_schema','sim_meta')
          AND n.nspname NOT LIKE 'pg\\_%')::int AS user_tables`);
  const db = rows[0] as { name: string; oid: string; is_template: boolean; has_marker: boolean; user_tables: number };
  if (MAINTENANCE.has(db.name)) {
    throw new SafetyError(
      'maintenance-database',
      `${db.name} is a maintenance or template database; the tool only writes to sim_ databases it created`,
    );
  }
  await assertNotReplica(client);
  const confirmed = o.confirmTarget !== undefined && o.confirmTarget === db.name;
  if (o.confirmTarget !== undefined && !confirmed) {
    throw new SafetyError(
      'confirm-target',
      `--confirm-target=${o.confirmTarget} does not name this database (${db.name}); a bypass must name the exact ` +
        `target`,
    );
  }
  if (db.is_template && !db.name.startsWith(SIM_PREFIX)) {
    throw new SafetyError('template', `${db.name} is a template database`);
  }
  if (!db.has_marker) {
    if (confirmed && db.user_tables === 0) return;
    if (db.user_tables > 0) {
      throw new SafetyError(
        'unmarked',
        `${db.name} holds ${db.user_tables} table(s) and no facade-sim marker: it is not ours. Use a server URL ` +
          `and let the tool create its own database, or pass --confirm-target=${db.name} for an empty one`,
      );
    }
    if (!db.name.startsWith(SIM_PREFIX)) {
      throw new SafetyError(
        'name',
        `${db.name} lacks the sim_ prefix and the marker; pass --confirm-target=${db.name} if you really mean ` +
          `this empty database`,
      );
    }
    throw new SafetyError('unmarked', `${db.name} has no facade-sim marker; it was not created by this tool`);
  }
  const m = (
    await client.query(
      'SELECT tool, project, database_name, database_oid::text AS database_oid FROM sim_meta.marker LIMIT 1',
    )
  ).rows[0];
  if (!m || m.tool !== 'facade-sim') {
    throw new SafetyError('marker', `${db.name}: marker table present but empty or foreign`);
  }
  if (m.project !== o.project) {
    throw new SafetyError('marker-project', `${db.name} belongs to project '${m.project}', not '${o.project}'`);
  }
  if (m.database_name !== db.name || m.database_oid !== db.oid) {
    throw new SafetyError(
      'marker-copied',
      `${db.name} carries a marker for ${m.database_name} (oid ${m.database_oid}): it is a copy of a tool ` +
        `database, not one the tool created`,
    );
  }
}

function databaseMark(project: string, oid: string): string {
  return `facade-sim:${project}:oid=${oid}`;
}

function roleMark(project: string, database: string): string {
  return `facade-sim:${project}:restore-role-of=${database}`;
}

/**
 * Proves by name, from the admin connection, that a database is one this tool created for this
 * project, before it is reused or dropped: the shared-catalog mark bound to its oid, or else the
 * marker table inside it. An unmarked look-alike (someone's `sim_tpl_…`) is refused, never dropped.
 */
export async function assertOwnedDatabaseName(
  admin: pg.Client | pg.Pool,
  target: ServerTarget,
  name: string,
  o: { project: string },
): Promise<void> {
  const { rows } = await admin.query(
    `SELECT oid::text AS oid, shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
    [name],
  );
  if (!rows[0]) return;
  if (rows[0].mark === databaseMark(o.project, rows[0].oid)) return;
  const refusal = new SafetyError(
    'unmarked',
    `database ${name} exists but carries no facade-sim marker of project '${o.project}': it is not ours, so it is ` +
      `neither reused nor dropped. Rename or drop it yourself if it is a leftover, or point the tool at another server`,
  );
  const db = connectExplicit(target, name);
  try {
    await db.connect();
    await assertOwnedDatabase(db, { project: o.project });
  } catch (e) {
    if (e instanceof SafetyError) throw new SafetyError(e.check, `${e.message}; ${refusal.message}`);
    throw refusal; // unreadable (files gone) and unmarked in the shared catalog: nothing proves it is ours
  } finally {
    await db.end().catch(() => {});
  }
}

/**
 * A fresh login role for one restore: no superuser, no CREATEDB/CREATEROLE/REPLICATION/BYPASSRLS,
 * member of nothing (so no pg_execute_server_program, pg_read_server_files, no COPY TO PROGRAM, no
 * untrusted extensions such as dblink or file_fdw). It is given the new database and nothing else.
 * Its random password is used where the server asks for one (a trust-auth local server does not).
 */
export async function createRestoreRole(
  admin: pg.Client,
  name: string,
  o: { project: string },
): Promise<{ role: string; password: string }> {
  if (!NAME.test(name)) throw new SafetyError('name', `'${name}' is not a tool-owned role name`);
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  if (exists.rowCount) {
    throw new SafetyError('exists', `role ${name} already exists; refusing to reuse a role for a restore`);
  }
  const password = randomBytes(24).toString('base64url');
  await admin.query(
    `CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ` +
      `NOINHERIT CONNECTION LIMIT 2 PASSWORD ${pg.escapeLiteral(password)}`,
  );
  await admin.query(`COMMENT ON ROLE ${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(roleMark(o.project, name))}`);
  return { role: name, password };
}

/** Drops a restore role, only if it carries this tool's mark for that database; absent is fine. */
export async function dropRestoreRole(admin: pg.Client, name: string, o: { project: string }): Promise<void> {
  const { rows } = await admin.query(
    `SELECT shobj_description(oid, 'pg_authid') AS mark FROM pg_roles WHERE rolname = $1`,
    [name],
  );
  if (!rows[0] || rows[0].mark !== roleMark(o.project, name)) return;
  await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(name)}`);
}

/** Drops a database after proving it is ours; other sessions are disconnected first. */
export async function dropOwnedDatabase(
  adminUrl: string,
  name: string,
  o: { project: string; allowRemoteHosts?: string[] },
): Promise<void> {
  const target: ServerTarget = parseServerUrl(adminUrl, { allowRemoteHosts: o.allowRemoteHosts });
  if (!NAME.test(name)) throw new SafetyError('name', `refusing to drop '${name}': not a tool-owned name`);
  const db = connectExplicit(target, name);
  await db.connect();
  try {
    await assertOwnedDatabase(db, { project: o.project });
  } finally {
    await db.end();
  }
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  try {
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
    // A restore interrupted before it handed the database over leaves its role: it goes with it.
    await dropRestoreRole(admin, name, { project: o.project });
  } finally {
    await admin.end();
  }
}
