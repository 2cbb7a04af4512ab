import { startDockerPostgres } from '../db/docker-server.ts';

/**
 * vitest globalSetup for `backend: 'docker'`: one container per test run (RAM-backed, fsync off),
 * shared by every worker through SIM_DOCKER_ADMIN_URL; stopped when the run ends.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.SIM_DOCKER_ADMIN_URL) return async () => {};
  const started = performance.now();
  const { container, adminUrl, dataDirectory, fallbackReason, stop } = await startDockerPostgres();
  process.env.SIM_DOCKER_ADMIN_URL = adminUrl;
  process.stderr.write(
    `facade-sim: test container ${container.getId().slice(0, 12)} ` +
      `ready in ${((performance.now() - started) / 1000).toFixed(1)} s (data directory: ${dataDirectory}` +
      (fallbackReason ? `; the large-folio volume was refused: ${fallbackReason.split('\n')[0]}` : '') +
      ')\n',
  );
  return stop;
}
