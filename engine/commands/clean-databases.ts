import { PROJECT_ID } from '../db/open-backend.ts';
import { connectExplicit, dropOwnedDatabase, parseServerUrl } from '../safety/index.ts';
import { ownerGone } from './owner-gone.ts';

export interface CleanedDatabase {
  name: string;
  purpose: string;
  ownerPid: number;
  ownerHost: string;
  action: 'dropped' | 'would drop';
}

/**
 * Drops the run databases whose owning process is gone: a SIGKILL skips every cleanup, and the
 * detached reaper can die with the machine or fail to connect. Only databases with the sim_
 * prefix and this project's marker naming an owner are considered (templates and restores name
 * none, being kept on purpose), and only owners on this host, whose liveness can be checked.
 */
export async function cleanDatabases(
  adminUrl: string,
  o: { dryRun?: boolean; allowRemoteHosts?: string[]; log?: (line: string) => void } = {},
): Promise<CleanedDatabase[]> {
  const log = o.log ?? (() => {});
  const target = parseServerUrl(adminUrl, { allowRemoteHosts: o.allowRemoteHosts });
  const admin = connectExplicit(target, target.database);
  admin.on('error', () => {});
  await admin.connect();
  let names: string[];
  try {
    const { rows } = await admin.query(
      `SELECT datname FROM pg_database WHERE datname LIKE 'sim\\_%' AND datallowconn AND NOT datistemplate ORDER ` +
        `BY datname`,
    );
    names = rows.map((r: { datname: string }) => r.datname);
  } finally {
    await admin.end();
  }
  const cleaned: CleanedDatabase[] = [];
  for (const name of names) {
    const owner = await readOwner(target, name);
    if (!owner || !ownerGone(name, owner, log)) continue;
    const entry = { name, purpose: owner.purpose, ownerPid: owner.pid, ownerHost: owner.host };
    if (o.dryRun) {
      cleaned.push({ ...entry, action: 'would drop' });
      continue;
    }
    // Proves the marker is bound to this very database (not a copy) before dropping.
    await dropOwnedDatabase(adminUrl, name, { project: PROJECT_ID, allowRemoteHosts: o.allowRemoteHosts });
    cleaned.push({ ...entry, action: 'dropped' });
  }
  return cleaned;
}

async function readOwner(
  target: ReturnType<typeof parseServerUrl>,
  name: string,
): Promise<{ pid: number; host: string; purpose: string } | undefined> {
  const db = connectExplicit(target, name);
  db.on('error', () => {});
  try {
    await db.connect();
  } catch {
    return undefined; // dropped meanwhile, or not ours to open
  }
  try {
    const { rows } = await db.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = 'sim_meta' AND table_name = 'marker' AND ` +
        `column_name = 'owner_pid'`,
    );
    if (rows.length === 0) return undefined;
    const m = (
      await db.query(
        `SELECT tool, project, purpose, owner_pid, owner_host, database_name = current_database() AS same_name ` +
          `FROM sim_meta.marker LIMIT 1`,
      )
    ).rows[0];
    if (!m || m.tool !== 'facade-sim' || m.project !== PROJECT_ID || !m.same_name) return undefined;
    if (m.owner_pid === null || typeof m.owner_host !== 'string') return undefined;
    return { pid: Number(m.owner_pid), host: m.owner_host, purpose: m.purpose };
  } finally {
    await db.end().catch(() => {});
  }
}
