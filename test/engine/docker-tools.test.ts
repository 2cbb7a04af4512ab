import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { startDockerPostgres } from '../../engine/db/docker-server.ts';
import type { ToolRunner } from '../../engine/db/server-database.ts';

// CI builds the image (SIM_POSTGRES_IMAGE); elsewhere vitest lists this as skipped.
describe.skipIf(!process.env.SIM_POSTGRES_IMAGE)('client tools inside the container', () => {
  let container: StartedPostgreSqlContainer;
  let tools: ToolRunner;
  let url: string;
  beforeAll(async () => {
    ({ container, tools, adminUrl: url } = await startDockerPostgres());
  });
  afterAll(() => container?.stop());

  it('return long multibyte output intact (docker hands exec output over in chunks that split characters)', async () => {
    const out = await tools(['psql', '-X', '-A', '-t', '-d', url, '-c', `SELECT repeat('翔平 ', 100000)`]);
    expect(out).toBe(`${'翔平 '.repeat(100000)}\n`);
  });

  it('report a failing tool with its exit code and message', async () => {
    await expect(tools(['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', 'SELECT * FROM no_such_table'])).rejects.toThrow(/psql in container exited with 1: .*no_such_table/);
  });
});
