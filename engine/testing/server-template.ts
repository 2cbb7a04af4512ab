import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PROJECT_ID } from '../db/open-backend.ts';
import { assertOwnedDatabaseName, connectExplicit, parseServerUrl, serverUrl } from '../safety/index.ts';
import { restoreToServer } from '../snapshot/restore-server.ts';
import { DUMP_FILE, readSnapshot } from '../snapshot/snapshot-files.ts';
import type { ToolRunner } from '../db/server-database.ts';
import type { Reaper } from '../reaper/reaper.ts';

export interface TemplateOptions {
  /** @deprecated Ignored: templates are restored through the driver, never with client tools. */
  tools?: ToolRunner;
  /**
   * Build the template, and so every clone of it, in this tablespace: one on tmpfs makes a clone a
   * copy in memory (README, "A RAM tablespace"). Its directory may vanish with a reboot; a template
   * found unreadable is rebuilt, and a tablespace that cannot take one is explained.
   */
  tablespace?: string;
}

/**
 * One template database per snapshot hash (and tablespace) on a server, built once even with many
 * parallel workers (a session advisory lock serialises builders; pgtestdb's way).
 * `datistemplate = true` is the completion flag: a template found without it is a crashed build
 * and is rebuilt.
 */
export async function ensureTemplate(
  adminUrl: string,
  snapshotDir: string,
  templateOptions: TemplateOptions | ToolRunner = {},
): Promise<string> {
  // The third argument used to be the tool runner alone; it is still taken as such.
  const options = typeof templateOptions === 'function' ? { tools: templateOptions } : templateOptions;
  const snap = readSnapshot(snapshotDir);
  const hash = snap.manifest.files[DUMP_FILE]!.replace(/^sha256:/, '').slice(0, 16);
  const { tablespace } = options;
  const name = tablespace
    ? `sim_tpl_${hash}_ts${createHash('sha256').update(tablespace).digest('hex').slice(0, 6)}`
    : `sim_tpl_${hash}`;
  const target = parseServerUrl(adminUrl);
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`facade-sim:template:${name}`]);
    const location = tablespace ? await tablespaceLocation(admin, tablespace) : undefined;
    const { rows } = await admin.query('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
    // Reused or dropped below only once it is proven ours: a look-alike someone else made is refused.
    if (rows.length) await assertOwnedDatabaseName(admin, target, name, { project: PROJECT_ID });
    if (rows[0]?.datistemplate && (!tablespace || (await readable(target, name)))) return name;
    if (rows.length) {
      // A crashed build, or a template whose files are gone with its tablespace's tmpfs.
      if (rows[0].datistemplate) await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} IS_TEMPLATE false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await admin.query(`DROP DATABASE ${pg.escapeIdentifier(name)}`);
    }
    try {
      await restoreToServer(snapshotDir, adminUrl, { name, purpose: 'template', tablespace });
    } catch (e) {
      if (tablespace && (e as { code?: string }).code === '58P01') {
        // PostgreSQL keeps a per-version directory (PG_<major>_<catalog>) inside the location.
        const versionDir = /pg_tblspc\/\d+\/(PG_[^/]+)\//.exec((e as Error).message)?.[1];
        const quote = (p: string) => (/^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);
        const dirs = [location, versionDir && `${location}/${versionDir}`]
          .filter((d): d is string => !!d)
          .map(quote)
          .join(' ');
        throw new Error(
          `tablespace ${tablespace} cannot hold the template: ${(e as Error).message}. Its directory is gone, as ` +
            `a tmpfs is after a reboot: re-create it on the server's host with \`sudo install -d -o postgres -g ` +
            `postgres -m 700 ${dirs}\`, or unset SIM_TEST_TABLESPACE`,
        );
      }
      throw e;
    }
    // Freeze statistics and visibility so clones start with a warm, fully-frozen copy.
    const tpl = connectExplicit(target, name);
    await tpl.connect();
    await tpl.query('VACUUM (FREEZE, ANALYZE)');
    await tpl.end();
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} IS_TEMPLATE true`);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock_all()').catch(() => {});
    await admin.end();
  }
}

async function tablespaceLocation(admin: pg.Client, tablespace: string): Promise<string> {
  const { rows } = await admin.query(
    'SELECT pg_tablespace_location(oid) AS location FROM pg_tablespace WHERE spcname = $1',
    [tablespace],
  );
  if (!rows[0]) {
    throw new Error(
      `tablespace ${tablespace} does not exist on this server; create it first (README, "A RAM tablespace") or ` +
        `unset SIM_TEST_TABLESPACE`,
    );
  }
  return rows[0].location;
}

/**
 * False when the database's files are gone (its tablespace lived on a tmpfs that did not survive a
 * reboot); any other failure (too many clients, a refused login) is thrown, never taken for that.
 */
async function readable(target: ReturnType<typeof parseServerUrl>, name: string): Promise<boolean> {
  const probe = connectExplicit(target, name);
  try {
    await probe.connect();
    await probe.query('SELECT count(*) FROM sim_meta.marker');
    return true;
  } catch (e) {
    // 3D000 for a database pg_database lists (under the builders' lock) means its directory is
    // missing; 58P01 is a missing file.
    const { code } = e as { code?: string };
    if (code === '3D000' || code === '58P01') return false;
    throw e;
  } finally {
    await probe.end().catch(() => {});
  }
}

export interface ServerClone {
  name: string;
  url: string;
  drop(): Promise<void>;
  /** Leaves the clone for the user: its reaper no longer drops it. */
  keep(): void;
}

/** Clones the template into a unique sim_ database (and re-binds the clone's marker to itself). */
export async function cloneTemplate(
  admin: pg.Client | pg.Pool,
  adminUrl: string,
  template: string,
  strategy: 'FILE_COPY' | 'WAL_LOG' | null,
  reaper?: Reaper,
): Promise<ServerClone> {
  const target = parseServerUrl(adminUrl);
  const name = `${template.replace(/^sim_tpl_/, 'sim_t_').slice(0, 40)}_${randomBytes(5).toString('hex')}`;
  reaper?.track(name);
  await admin.query(
    `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}` +
      (strategy ? ` STRATEGY ${strategy}` : ''),
  );
  const url = serverUrl(target, name);
  return {
    name,
    url,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      reaper?.untrack(name);
    },
    keep() {
      reaper?.untrack(name);
    },
  };
}

/** Re-binds the marker a clone inherited from its template, so the target guard recognises it as ours. */
export async function rebindMarker(client: pg.Client): Promise<void> {
  await client.query(
    `UPDATE sim_meta.marker SET database_name = current_database(), database_oid = (SELECT oid FROM pg_database ` +
      `WHERE datname = current_database()), purpose = 'test-clone'`,
  );
}

export { PROJECT_ID };
