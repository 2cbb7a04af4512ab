import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID } from 'testcontainers';
import { startDockerPostgres, VOLUME_LABEL, type DockerPostgres } from '../../engine/db/docker-server.ts';
import { OWNER_LABEL } from '../../engine/reaper/reaper.ts';

const PGDATA = '/var/lib/postgresql/data';
const SHMEM_ENABLED = '/sys/kernel/mm/transparent_hugepage/shmem_enabled';
// A local daemon on a kernel with transparent huge pages (not denied for tmpfs) takes the mount;
// elsewhere the fallback is the right outcome.
const kernelTakesHuge =
  !process.env.DOCKER_HOST?.startsWith('tcp:') &&
  existsSync(SHMEM_ENABLED) &&
  !/\[deny\]/.test(readFileSync(SHMEM_ENABLED, 'utf8'));

const docker = async () => (await getContainerRuntimeClient()).container.dockerode;
const dataMount = async (c: DockerPostgres) =>
  (await (await docker()).getContainer(c.container.getId()).inspect()).Mounts.find((m) => m.Destination === PGDATA);
/** This process's data volumes (other test files and runs on the same daemon create their own meanwhile). */
const ourVolumes = async () => {
  const { sessionId } = await getReaper(await getContainerRuntimeClient());
  const { Volumes } = await (
    await docker()
  ).listVolumes({ filters: { label: [VOLUME_LABEL, `${LABEL_TESTCONTAINERS_SESSION_ID}=${sessionId}`] } });
  return (Volumes ?? []).map((v) => v.Name).sort();
};

// CI builds the image (SIM_POSTGRES_IMAGE); elsewhere vitest lists this as skipped.
describe.skipIf(!process.env.SIM_POSTGRES_IMAGE)('the test container', () => {
  let pg: DockerPostgres;
  beforeAll(async () => {
    pg = await startDockerPostgres();
  });
  afterAll(() => pg?.stop());

  it.runIf(kernelTakesHuge)(
    'keeps its data directory on a tmpfs with large pages, and removes that volume when stopped',
    async () => {
      expect(pg.dataDirectory, pg.fallbackReason).toBe('large-folio-tmpfs');
      expect((await pg.container.exec(['sh', '-c', `grep " ${PGDATA} " /proc/mounts`])).output).toMatch(
        /^tmpfs \/var\/lib\/postgresql\/data tmpfs \S*huge=within_size/,
      );
      expect((await dataMount(pg))?.Name).toBe(pg.volume);
      const second = await startDockerPostgres();
      expect(second.volume).toMatch(/^facade-sim-pgdata-[0-9a-f]{12}$/);
      expect(await ourVolumes()).toEqual([pg.volume, second.volume].sort());
      await second.stop();
      await second.stop(); // twice is harmless: an interrupt handler and a teardown may both call it
      expect(await ourVolumes()).toEqual([pg.volume]);
    },
  );

  it('names the process it is for on its container and volume, for sim clean when the reaper died too', async () => {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const info = await docker.getContainer(pg.container.getId()).inspect();
    expect(info.Config.Labels[OWNER_LABEL]).toBe(`${process.pid}@${hostname()}`);
    if (pg.volume) {
      expect((await docker.getVolume(pg.volume).inspect()).Labels[OWNER_LABEL]).toBe(info.Config.Labels[OWNER_LABEL]);
    }
  });

  it('stops cleanly when its container was already removed by hand, and still removes the volume', async () => {
    const third = await startDockerPostgres();
    await (await docker()).getContainer(third.container.getId()).remove({ force: true });
    await third.stop();
    expect(await ourVolumes()).toEqual([pg.volume].filter(Boolean));
  });

  it('falls back to a plain tmpfs where the kernel refuses the mount, leaving no volume behind', async () => {
    const fallback = await startDockerPostgres({ volumeMountOptions: 'huge=no-such-policy' });
    try {
      expect(fallback.dataDirectory).toBe('tmpfs');
      expect(fallback.fallbackReason).toMatch(/mounting volume/);
      expect(
        (await (await docker()).getContainer(fallback.container.getId()).inspect()).HostConfig.Tmpfs,
      ).toHaveProperty([PGDATA]);
      expect((await fallback.container.exec(['sh', '-c', `grep " ${PGDATA} " /proc/mounts`])).output).toMatch(
        /^tmpfs /,
      );
      expect(await ourVolumes()).toEqual([pg.volume].filter(Boolean));
    } finally {
      await fallback.stop();
    }
  });

  // The process that starts a container may die at any moment: here, killed with SIGKILL once the
  // container exists (mid start-up: testcontainers is still waiting for PostgreSQL) and once it
  // is ready. No stop(), no teardown, no signal handler: the reaper alone removes container and volume.
  it.each(['while it starts', 'once it is ready'])(
    'is removed with its volume when the process that started it is killed %s',
    async (moment) => {
      const runLabel = `t${randomBytes(6).toString('hex')}`;
      const serverModule = new URL('../../engine/db/docker-server.ts', import.meta.url).pathname;
      const script = `const { startDockerPostgres } = await import(${JSON.stringify(serverModule)});
      await startDockerPostgres({ labels: { 'org.facade-sim.test': '${runLabel}' } });
      console.log('ready');
      setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const dockerode = await docker();
      const filters = { label: [`org.facade-sim.test=${runLabel}`] };
      const containers = async () => dockerode.listContainers({ all: true, filters });
      if (moment === 'while it starts') {
        for (let i = 0; i < 400 && (await containers()).length === 0; i++) await sleep(25);
      } else {
        await new Promise((resolve) => child.stdout.once('data', resolve));
      }
      expect(await containers()).toHaveLength(1);
      child.kill('SIGKILL');
      for (let i = 0; i < 60 && (await containers()).length > 0; i++) await sleep(250);
      expect(await containers(), 'the container outlived its process').toEqual([]);
      expect((await dockerode.listVolumes({ filters })).Volumes ?? []).toEqual([]);
    },
  );

  // docker hands exec output over in chunks that may split a character.
  it('return long multibyte output intact from client tools', async () => {
    const out = await pg.tools(['psql', '-X', '-A', '-t', '-d', pg.adminUrl, '-c', `SELECT repeat('翔平 ', 100000)`]);
    expect(out).toBe(`${'翔平 '.repeat(100000)}\n`);
  });

  it('report a failing client tool with its exit code and message', async () => {
    await expect(
      pg.tools(['psql', '-X', '-v', 'ON_ERROR_STOP=1', '-d', pg.adminUrl, '-c', 'SELECT * FROM no_such_table']),
    ).rejects.toThrow(/psql in container exited with 1: .*no_such_table/);
  });
});
