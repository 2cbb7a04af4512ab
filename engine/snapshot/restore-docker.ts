import { startDockerPostgres } from '../db/docker-server.ts';
import { restoreToServer } from './restore-server.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DUMP_FILE } from './snapshot-files.ts';

/**
 * Restores a snapshot into a fresh container (left running; its URL is returned). psql runs
 * inside the container and reads the dump from stdin, so no host client tools are needed. Its data
 * directory is Docker's own tmpfs, which goes with the container and leaves nothing to remove.
 */
export async function restoreToDocker(snapshotDir: string): Promise<{ url: string; containerId: string }> {
  const { container, adminUrl, tools } = await startDockerPostgres({ dataDirectory: 'tmpfs', outlivesProcess: true });
  const dump = readFileSync(join(snapshotDir, DUMP_FILE), 'utf8');
  const r = await restoreToServer(snapshotDir, adminUrl, {
    tools: (argv) =>
      tools(
        argv.map((a) => (a === join(snapshotDir, DUMP_FILE) ? '/dev/stdin' : a)),
        dump,
      ),
  });
  return { url: r.url, containerId: container.getId() };
}
