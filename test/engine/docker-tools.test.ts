import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient } from 'testcontainers';
import { startDockerPostgres, type DockerPostgres } from '../../engine/db/docker-server.ts';

// CI builds the image (SIM_POSTGRES_IMAGE); elsewhere vitest lists this as skipped.
describe.skipIf(!process.env.SIM_POSTGRES_IMAGE)('the test container', () => {
  let pg: DockerPostgres;
  beforeAll(async () => {
    pg = await startDockerPostgres();
  });
  afterAll(() => pg?.stop());

  it('keeps its data directory on a tmpfs with large pages, and removes that volume when stopped', async () => {
    const mounts = (await pg.container.exec(['sh', '-c', 'grep " /var/lib/postgresql/data " /proc/mounts'])).output;
    // This machine's kernel takes huge=; one that does not falls back to Docker's plain tmpfs.
    expect(pg.dataDirectory).toBe('large-folio-tmpfs');
    expect(mounts).toMatch(/^tmpfs \/var\/lib\/postgresql\/data tmpfs \S*huge=within_size/);
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const volumeOf = async (c: DockerPostgres) => (await docker.getContainer(c.container.getId()).inspect()).Mounts.find((m) => m.Destination === '/var/lib/postgresql/data')!.Name!;
    const second = await startDockerPostgres();
    const secondVolume = await volumeOf(second);
    expect(secondVolume).toMatch(/^facade-sim-pgdata-[0-9a-f]{12}$/);
    await second.stop();
    await second.stop(); // twice is harmless: an interrupt handler and a teardown may both call it
    const left = (await docker.listVolumes()).Volumes.map((v) => v.Name);
    expect(left).toContain(await volumeOf(pg)); // still in use
    expect(left).not.toContain(secondVolume);
  });

  it('falls back to a plain tmpfs where the kernel refuses the mount, leaving no volume behind', async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const before = (await docker.listVolumes()).Volumes.map((v) => v.Name);
    const fallback = await startDockerPostgres({ volumeMountOptions: 'huge=no-such-policy' });
    try {
      expect(fallback.dataDirectory).toBe('tmpfs');
      expect((await fallback.container.exec(['sh', '-c', 'grep " /var/lib/postgresql/data " /proc/mounts'])).output).toMatch(/^tmpfs /);
      expect((await docker.listVolumes()).Volumes.map((v) => v.Name).filter((n) => !before.includes(n))).toEqual([]);
    } finally {
      await fallback.stop();
    }
  });

  it('return long multibyte output intact from client tools (docker hands exec output over in chunks that split characters)', async () => {
    const out = await pg.tools(['psql', '-X', '-A', '-t', '-d', pg.adminUrl, '-c', `SELECT repeat('翔平 ', 100000)`]);
    expect(out).toBe(`${'翔平 '.repeat(100000)}\n`);
  });

  it('report a failing client tool with its exit code and message', async () => {
    await expect(pg.tools(['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-d', pg.adminUrl, '-c', 'SELECT * FROM no_such_table'])).rejects.toThrow(/psql in container exited with 1: .*no_such_table/);
  });
});
