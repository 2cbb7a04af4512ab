import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  connectExplicit,
  createOwnedDatabase,
  createRestoreRole,
  dropOwnedDatabase,
  dropRestoreRole,
  parseServerUrl,
} from '../safety/index.ts';
import { PROJECT_ID } from '../db/open-backend.ts';
import { onInterruptCleanup } from '../util/exit-cleanup.ts';
import { DUMP_FILE, readSnapshot } from './snapshot-files.ts';
import { planDump, type DumpStep } from './plan-dump.ts';

/** Rows handed to the driver per write while streaming a COPY block. */
const COPY_CHUNK_BYTES = 1 << 20;

/**
 * Restores a verified snapshot into a new database of our own on the server the URL names (never
 * into the URL's database). No psql: the dump is split by PostgreSQL's parser and checked against
 * the allow-list (plan-dump.ts) before anything connects, each admitted statement is sent alone
 * through the driver, and COPY rows are streamed with pg-copy-streams. It runs as a fresh role
 * that owns only the new database, in one transaction; then the database is handed to the admin
 * and the role dropped, so no role outlives the restore (a template's clones carry its objects).
 */
export async function restoreToServer(
  snapshotDir: string,
  adminUrl: string,
  options: { name?: string; purpose?: string; tablespace?: string; allowRemoteHosts?: string[] } = {},
): Promise<{ url: string; name: string }> {
  const snap = readSnapshot(snapshotDir); // hashes checked, and the dump planned, before any connection
  const steps = planDump(snap.dumpText, `${snapshotDir}/${DUMP_FILE}`);
  const hash = snap.manifest.files[DUMP_FILE]!.replace(/^sha256:/, '').slice(0, 10);
  const name = options.name ?? `sim_restore_${hash}_${randomBytes(4).toString('hex')}`;
  const target = parseServerUrl(adminUrl, { allowRemoteHosts: options.allowRemoteHosts });
  const admin = connectExplicit(target, target.database);
  await admin.connect();
  // Ctrl-C mid-restore: the half-restored database and its role go, as on any other failure.
  const forget = onInterruptCleanup(() =>
    dropOwnedDatabase(adminUrl, name, { project: PROJECT_ID, allowRemoteHosts: options.allowRemoteHosts }),
  );
  try {
    const { role, password } = await createRestoreRole(admin, name, { project: PROJECT_ID });
    let url: string | undefined;
    try {
      url = await createOwnedDatabase(adminUrl, {
        name,
        project: PROJECT_ID,
        purpose: options.purpose ?? 'restore',
        tablespace: options.tablespace,
        allowRemoteHosts: options.allowRemoteHosts,
        ownerRole: role,
      });
      const client = connectExplicit({ ...target, user: role, password }, name);
      await client.connect();
      try {
        await runSteps(client, snap.dumpText, steps);
      } finally {
        await client.end().catch(() => {});
      }
      await handOver(target, name, role);
      await dropRestoreRole(admin, role, { project: PROJECT_ID });
      return { url, name };
    } catch (e) {
      if (url) {
        await dropOwnedDatabase(adminUrl, name, {
          project: PROJECT_ID,
          allowRemoteHosts: options.allowRemoteHosts,
        }).catch(() => {});
      }
      await dropRestoreRole(admin, role, { project: PROJECT_ID }).catch(() => {});
      throw e;
    }
  } finally {
    forget();
    await admin.end().catch(() => {});
  }
}

/** Runs the planned steps in one transaction: all of the snapshot or none of it. */
async function runSteps(client: pg.Client, text: string, steps: DumpStep[]): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const step of steps) {
      if (step.kind === 'sql') {
        await client.query(step.sql);
        continue;
      }
      const stream = client.query(copyFrom(step.sql));
      await pipeline(Readable.from(chunks(text, step.dataStart, step.dataEnd)), stream);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

function* chunks(text: string, start: number, end: number): Generator<string> {
  for (let at = start; at < end;) {
    // Cut after a newline so no chunk splits a character (or a row, which COPY would not mind).
    let cut = Math.min(end, at + COPY_CHUNK_BYTES);
    if (cut < end) cut = text.lastIndexOf('\n', cut - 1) + 1 || end;
    if (cut <= at) cut = end;
    yield text.slice(at, cut);
    at = cut;
  }
}

/** Gives the database and everything the restore role made in it to the admin, so the role can go. */
async function handOver(target: ReturnType<typeof parseServerUrl>, name: string, role: string): Promise<void> {
  const db = connectExplicit(target, name);
  await db.connect();
  try {
    await db.query(`REASSIGN OWNED BY ${pg.escapeIdentifier(role)} TO CURRENT_USER`);
    await db.query(`DROP OWNED BY ${pg.escapeIdentifier(role)}`);
  } finally {
    await db.end();
  }
}
