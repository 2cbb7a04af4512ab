import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PROJECT_ID } from '../db/open-engine.ts';
import { connectExplicit, parseServerUrl, serverUrl } from '../safety/index.ts';
import { restoreToServer } from '../snapshot/restore-server.ts';
import { DUMP_FILE, readSnapshot } from '../snapshot/snapshot-files.ts';
import type { ToolRunner } from '../db/server-database.ts';

/**
 * One template database per snapshot hash on a server, built once even with many parallel
 * workers (a session advisory lock serialises builders; pgtestdb's way). `datistemplate = true`
 * is the completion flag: a template found without it is a crashed build and is rebuilt.
 */
export async function ensureTemplate(adminUrl: string, snapshotDir: string, tools?: ToolRunner): Promise<string> {
  const snap = readSnapshot(snapshotDir);
  const hash = snap.manifest.files[DUMP_FILE]!.replace(/^sha256:/, '').slice(0, 16);
  const name = `sim_tpl_${hash}`;
  const target = parseServerUrl(adminUrl);
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`facade-sim:template:${name}`]);
    const { rows } = await admin.query('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
    if (rows[0]?.datistemplate) return name;
    if (rows.length) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await admin.query(`DROP DATABASE ${pg.escapeIdentifier(name)}`);
    }
    await restoreToServer(snapshotDir, adminUrl, { name, purpose: 'template', tools });
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

export interface ServerClone {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Clones the template into a unique sim_ database (and re-binds the clone's marker to itself). */
export async function cloneTemplate(admin: pg.Client | pg.Pool, adminUrl: string, template: string, strategy: 'FILE_COPY' | 'WAL_LOG' | null): Promise<ServerClone> {
  const target = parseServerUrl(adminUrl);
  const name = `${template.replace(/^sim_tpl_/, 'sim_t_').slice(0, 40)}_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}${strategy ? ` STRATEGY ${strategy}` : ''}`);
  const url = serverUrl(target, name);
  return {
    name,
    url,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

/** Re-binds the marker a clone inherited from its template, so the target guard recognises it as ours. */
export async function rebindMarker(client: pg.Client): Promise<void> {
  await client.query(`UPDATE sim_meta.marker SET database_name = current_database(), database_oid = (SELECT oid FROM pg_database WHERE datname = current_database()), purpose = 'test-clone'`);
}

export { PROJECT_ID };
