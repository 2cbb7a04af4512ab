import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { expect, it } from 'vitest';
import { startDockerPostgres } from '../../engine/db/docker-server.ts';

// Needs a Docker daemon and the test image (CI sets SIM_POSTGRES_IMAGE).
it.skipIf(!process.env.SIM_POSTGRES_IMAGE)(
  'the container is ready when start() returns, and nothing polls it afterwards',
  async () => {
    const docker = await startDockerPostgres();
    try {
      // Ready once: the first query needs no retry.
      const client = new pg.Client({ connectionString: docker.adminUrl });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await client.end();
      const [inspect] = JSON.parse(execFileSync('docker', ['inspect', docker.container.getId()], { encoding: 'utf8' }));
      // No health check: the module's own ran pg_isready every 250 ms for the container's life.
      expect(inspect.Config.Healthcheck?.Test).toEqual(['NONE']);
      expect(inspect.State.Health).toBeUndefined();
    } finally {
      await docker.stop();
    }
  },
);
