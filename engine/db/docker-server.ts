import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { PostgreSqlContainer, StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import type { getContainerRuntimeClient } from 'testcontainers';
import { loadTestcontainers } from './load-testcontainers.ts';
import { trustContainerHost } from '../safety/server-target.ts';
import { OWNER_LABEL, REAPER_LABEL, startDockerReaper } from '../reaper/reaper.ts';
import { postgresImage } from './postgres-image.ts';
import type { ToolRunner } from './server-database.ts';

export interface DockerPostgresOptions {
  image?: string;
  /**
   * 'large-folio-tmpfs' (default): the data directory is a tmpfs volume mounted with
   * `huge=within_size`, whose large pages make copying a database (every `clone`) and freeing it
   * cheaper: measured with a 48 MB template on Linux 6.18, CREATE DATABASE 34 -> 24 ms and DROP
   * 11 -> 7.5 ms. It is removed by stop(). Where the mount is refused, it falls back to 'tmpfs' by itself.
   * 'tmpfs': Docker's own `--tmpfs`, which goes with the container; for a container left running.
   */
  dataDirectory?: 'large-folio-tmpfs' | 'tmpfs';
  /** mount(2) options of the large-folio volume; a test passes ones the kernel refuses, to see the fallback. */
  volumeMountOptions?: string;
  /**
   * By default a small reaper process, started before anything is created, removes the container
   * and its volume when this process ends without stop() (an interrupt, even during start-up;
   * Ctrl-C on vitest skips its teardown; SIGKILL skips everything). True leaves the container
   * running for the user (`sim restore --engine docker`).
   */
  outlivesProcess?: boolean;
  /** Extra labels on the container and its volume (to find a run's containers with `docker ps --filter label=…`). */
  labels?: Record<string, string>;
}

export interface DockerPostgres {
  container: StartedPostgreSqlContainer;
  adminUrl: string;
  tools: ToolRunner;
  /** What the data directory ended up on (a fallback shows here, with why), and the volume's name when it is one. */
  dataDirectory: 'large-folio-tmpfs' | 'tmpfs';
  fallbackReason?: string;
  volume: string | undefined;
  /**
   * Stops the container and removes its data volume; safe to call twice, and a container already
   * gone counts as stopped. If it fails, the reaper still removes both when this process ends.
   */
  stop(): Promise<void>;
}

const PGDATA = '/var/lib/postgresql/data';
/**
 * Docker's way to switch a health check off (`HEALTHCHECK NONE`); testcontainers' type lists only
 * CMD and CMD-SHELL, though it hands the test to Docker as given.
 */
const NO_HEALTH_CHECK = { test: ['NONE'] } as unknown as Parameters<PostgreSqlContainer['withHealthCheck']>[0];
export const VOLUME_LABEL = 'org.facade-sim.purpose';
const VOLUME_PURPOSE = 'test-data-directory';
// Docker's `--tmpfs` accepts only a few options (not huge=), but the local volume driver hands
// its `o` to mount(2) as given. The flags and mode are those `--tmpfs` uses; the entrypoint
// narrows the directory to the postgres user itself.
const LARGE_FOLIO_TMPFS = 'huge=within_size,nosuid,nodev,noexec,mode=1777';

/**
 * A throwaway PostgreSQL in a container, tuned for disposable data: RAM-backed data directory and
 * fsync off (the data can always be regenerated), so template clones are fast.
 */
export async function startDockerPostgres(options: DockerPostgresOptions = {}): Promise<DockerPostgres> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const image = options.image ?? postgresImage();
  const { PostgreSqlContainer, getContainerRuntimeClient, Wait } = await loadTestcontainers();
  const client = await getContainerRuntimeClient();
  const { dockerode } = client.container;
  const token = randomBytes(8).toString('hex');
  const reaper = options.outlivesProcess ? undefined : await dockerReaper(dockerode, token);
  // A container left running for the user names no owner, so `sim clean` never removes it.
  const owned: Record<string, string> = options.outlivesProcess
    ? {}
    : { [REAPER_LABEL]: token, [OWNER_LABEL]: `${process.pid}@${hostname()}` };
  const builder = () =>
    new PostgreSqlContainer(image)
      .withLabels({ ...options.labels, ...owned })
      .withDatabase('postgres')
      .withUsername('postgres')
      .withPassword('sim')
      // The module's health check runs pg_isready every 250 ms for the container's whole life
      // (about 0.4 of a core idle); readiness is waited for once here, and then nothing polls.
      .withHealthCheck(NO_HEALTH_CHECK)
      .withWaitStrategy(
        Wait.forAll([
          Wait.forListeningPorts(),
          // Over TCP: the entrypoint's first, socket-only server (initdb) must not count as ready.
          Wait.forSuccessfulCommand('pg_isready --host 127.0.0.1 --username postgres --dbname postgres'),
        ]),
      )
      .withCommand([
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'timezone=UTC',
      ]);
  let container: StartedPostgreSqlContainer | undefined;
  let volume: TmpfsVolume | undefined;
  let dataDirectory = options.dataDirectory ?? 'large-folio-tmpfs';
  let fallbackReason: string | undefined;
  if (dataDirectory === 'large-folio-tmpfs') {
    try {
      volume = await createTmpfsVolume(client, options.volumeMountOptions ?? LARGE_FOLIO_TMPFS, {
        ...options.labels,
        [REAPER_LABEL]: token,
        ...owned,
      });
      container = await builder()
        .withBindMounts([{ source: volume.name, target: PGDATA }])
        .start();
    } catch (error) {
      await volume?.remove();
      volume = undefined;
      // A kernel without transparent huge pages refuses the mount (Docker: "error while mounting
      // volume … invalid argument"), a runtime may refuse the volume; any other failure is real.
      fallbackReason = String((error as Error).message);
      if (!/mount|volume/i.test(fallbackReason)) throw error;
      dataDirectory = 'tmpfs';
    }
  }
  container ??= await builder()
    .withTmpFs({ [PGDATA]: 'rw' })
    .start();
  const started = container;
  trustContainerHost(started.getHost());
  const adminUrl = started.getConnectionUri();
  // Client tools run inside the container, so pg_dump always matches the server's version.
  const tools: ToolRunner = async (argv, stdin) => {
    let inside = argv.map((a) => a.replace(adminUrl.replace(/\/[^/]*$/, ''), 'postgres://postgres:sim@127.0.0.1:5432'));
    if (stdin !== undefined) {
      // container exec has no stdin: hand the input over as a file.
      await started.copyContentToContainer([{ content: stdin, target: '/tmp/sim-input.sql' }]);
      inside = inside.map((a) => (a === '/dev/stdin' ? '/tmp/sim-input.sql' : a));
    }
    // testcontainers decodes exec output chunk by chunk, so a multibyte character that straddles
    // two chunks comes back as replacement characters (seen: a CJK name in a COPY of the users
    // table). The output therefore crosses as base64 and is decoded here in one piece.
    const out = `/tmp/sim-out-${randomBytes(6).toString('hex')}`;
    const script = `"$@" > ${out} && base64 ${out}; status=$?; rm -f ${out}; exit $status`;
    const result = await started.exec(['sh', '-c', script, 'sh', ...inside], { env: { PGTZ: 'UTC' } });
    if (result.exitCode !== 0) {
      throw new Error(`${argv[0]} in container exited with ${result.exitCode}: ${result.stderr || result.output}`);
    }
    return Buffer.from(result.stdout, 'base64').toString('utf8');
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await started.stop();
      } catch (error) {
        // Removed by hand (`docker rm -f`): already stopped. Anything else leaves the reaper on duty.
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      }
      await volume?.remove();
      reaper?.done();
    })());
  return { container: started, adminUrl, tools, dataDirectory, fallbackReason, volume: volume?.name, stop };
}

interface TmpfsVolume {
  name: string;
  remove(): Promise<void>;
}

type Dockerode = Awaited<ReturnType<typeof getContainerRuntimeClient>>['container']['dockerode'];

/**
 * A uniquely named tmpfs volume. It carries the testcontainers session label, so Ryuk, where a
 * user enables it, removes it with the container; unmounted, it holds no memory.
 */
async function createTmpfsVolume(
  client: Awaited<ReturnType<typeof getContainerRuntimeClient>>,
  mountOptions: string,
  labels: Record<string, string>,
): Promise<TmpfsVolume> {
  const { getReaper, LABEL_TESTCONTAINERS_SESSION_ID } = await loadTestcontainers();
  const { sessionId } = await getReaper(client);
  const name = `facade-sim-pgdata-${randomBytes(6).toString('hex')}`;
  const { dockerode } = client.container;
  await dockerode.createVolume({
    Name: name,
    Driver: 'local',
    DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: mountOptions },
    Labels: { ...labels, [LABEL_TESTCONTAINERS_SESSION_ID]: sessionId, [VOLUME_LABEL]: VOLUME_PURPOSE },
  });
  return { name, remove: () => removeVolume(dockerode, name) };
}

async function removeVolume(dockerode: Dockerode, name: string): Promise<void> {
  // A container that failed to start on this volume is left created by testcontainers, and
  // holds the volume; it never ran, so it goes too.
  const holders = await dockerode.listContainers({ all: true, filters: { volume: [name] } }).catch(() => []);
  await Promise.all(
    holders.map((c) =>
      dockerode
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  await dockerode
    .getVolume(name)
    .remove({ force: true })
    .catch(() => {});
}

/** None for a daemon the reaper cannot reach with plain HTTP (TLS, ssh). */
async function dockerReaper(dockerode: Dockerode, token: string) {
  const daemon = await daemonEndpoint(dockerode);
  if (!daemon) return undefined;
  return startDockerReaper('path' in daemon ? daemon.path : `${daemon.host}:${daemon.port}`, token);
}

async function daemonEndpoint(
  dockerode: Dockerode,
): Promise<{ path: string } | { host: string; port: number } | undefined> {
  const modem = (
    dockerode as unknown as {
      modem: {
        getSocketPath?: () => Promise<string | undefined>;
        host?: string;
        port?: number | string;
        protocol?: string;
      };
    }
  ).modem;
  const socketPath = await modem.getSocketPath?.();
  if (socketPath) return { path: socketPath };
  return modem.protocol === 'http' && modem.host ? { host: modem.host, port: Number(modem.port ?? 2375) } : undefined;
}
