import { startDockerPostgres } from '../db/docker-server.ts';
import { restoreToServer } from './restore-server.ts';

/**
 * Restores a snapshot into a fresh container (left running; its URL is returned), through the
 * driver like any server restore: no client tools, no psql. Its data directory is Docker's own
 * tmpfs, which goes with the container and leaves nothing to remove.
 */
export async function restoreToDocker(snapshotDir: string): Promise<{ url: string; containerId: string }> {
  const { container, adminUrl } = await startDockerPostgres({ dataDirectory: 'tmpfs', outlivesProcess: true });
  const r = await restoreToServer(snapshotDir, adminUrl);
  return { url: r.url, containerId: container.getId() };
}
