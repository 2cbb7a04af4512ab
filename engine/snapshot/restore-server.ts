import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cleanPgEnv, createOwnedDatabase, dropOwnedDatabase } from '../safety/index.ts';
import { hostToolRunner, type ToolRunner } from '../db/server-database.ts';
import { PROJECT_ID } from '../db/open-backend.ts';
import { DUMP_FILE, readSnapshot } from './snapshot-files.ts';

/**
 * Restores a verified snapshot into a new database of our own on the server the URL names (never
 * into the URL's database) with stock psql, in one transaction: either all of it or none.
 */
export async function restoreToServer(
  snapshotDir: string,
  adminUrl: string,
  options: { name?: string; tools?: ToolRunner; purpose?: string; tablespace?: string } = {},
): Promise<{ url: string; name: string }> {
  const snap = readSnapshot(snapshotDir); // hashes and meta-commands checked before psql starts
  const hash = snap.manifest.files[DUMP_FILE]!.replace(/^sha256:/, '').slice(0, 10);
  const name = options.name ?? `sim_restore_${hash}_${randomBytes(4).toString('hex')}`;
  const url = await createOwnedDatabase(adminUrl, {
    name,
    project: PROJECT_ID,
    purpose: options.purpose ?? 'restore',
    tablespace: options.tablespace,
  });
  const tools = options.tools ?? hostToolRunner({ ...cleanPgEnv(process.env), PGTZ: 'UTC' });
  try {
    await tools([
      'psql',
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '--single-transaction',
      '-d',
      url,
      '-f',
      join(snapshotDir, DUMP_FILE),
    ]);
  } catch (e) {
    await dropOwnedDatabase(adminUrl, name, { project: PROJECT_ID }).catch(() => {});
    throw e;
  }
  return { url, name };
}
