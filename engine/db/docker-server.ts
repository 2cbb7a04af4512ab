import { randomBytes } from 'node:crypto';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID } from 'testcontainers';
import { trustContainerHost } from '../safety/server-target.ts';
import { postgresImage } from './postgres-image.ts';
import type { ToolRunner } from './server-database.ts';

export interface DockerPostgresOptions {
  image?: string;
  /**
   * 'large-folio-tmpfs' (default): the data directory is a tmpfs volume mounted with
   * `huge=within_size`, whose large pages make copying a database (every `clone`) and freeing it
   * cheaper: measured with a 48 MB template, CREATE DATABASE 34 -> 24 ms and DROP 11 -> 7.5 ms. It is
   * removed by stop(). Where the kernel cannot mount one, it falls back to 'tmpfs' by itself.
   * 'tmpfs': Docker's own `--tmpfs`, which leaves nothing behind; for a container left running.
   */
  dataDirectory?: 'large-folio-tmpfs' | 'tmpfs';
  /** mount(2) options of the large-folio volume; a test passes ones the kernel refuses, to see the fallback. */
  volumeMountOptions?: string;
}

export interface DockerPostgres {
  container: StartedPostgreSqlContainer;
  adminUrl: string;
  tools: ToolRunner;
  /** What the data directory ended up on (a fallback shows here). */
  dataDirectory: 'large-folio-tmpfs' | 'tmpfs';
  /** Stops the container and removes its data volume. */
  stop(): Promise<void>;
}

const PGDATA = '/var/lib/postgresql/data';
// Docker's `--tmpfs` accepts only a few options (not huge=), but the local volume driver hands
// its `o` to mount(2) as given; the flags are those `--tmpfs` sets.
const LARGE_FOLIO_TMPFS = 'huge=within_size,nosuid,nodev,noexec,mode=0700';

/**
 * A throwaway PostgreSQL in a container, tuned for disposable data: RAM-backed data directory and
 * fsync off (the data can always be regenerated), so template clones are fast.
 */
export async function startDockerPostgres(options: DockerPostgresOptions = {}): Promise<DockerPostgres> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const image = options.image ?? postgresImage();
  const builder = () =>
    new PostgreSqlContainer(image)
      .withDatabase('postgres')
      .withUsername('postgres')
      .withPassword('sim')
      .withCommand(['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'timezone=UTC']);
  let container: StartedPostgreSqlContainer | undefined;
  let removeVolume = async () => {};
  let dataDirectory = options.dataDirectory ?? 'large-folio-tmpfs';
  if (dataDirectory === 'large-folio-tmpfs') {
    const volume = await createTmpfsVolume(options.volumeMountOptions ?? LARGE_FOLIO_TMPFS);
    try {
      container = await builder().withBindMounts([{ source: volume.name, target: PGDATA }]).start();
      removeVolume = volume.remove;
    } catch (error) {
      await volume.remove();
      // A kernel without transparent huge pages refuses the mount (Docker: "error while mounting
      // volume … invalid argument"); a failure that names neither a mount nor a volume is real.
      if (!/mount|volume/i.test(String((error as Error).message))) throw error;
      dataDirectory = 'tmpfs';
    }
  }
  container ??= await builder().withTmpFs({ [PGDATA]: 'rw' }).start();
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
    if (result.exitCode !== 0) throw new Error(`${argv[0]} in container exited with ${result.exitCode}: ${result.stderr || result.output}`);
    return Buffer.from(result.stdout, 'base64').toString('utf8');
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await started.stop();
      await removeVolume();
    })());
  return { container: started, adminUrl, tools, dataDirectory, stop };
}

/**
 * A uniquely named tmpfs volume, labelled with the testcontainers session so that Ryuk, where it
 * runs, removes it with the container if this process dies first. Unmounted, it holds no memory.
 */
async function createTmpfsVolume(mountOptions: string): Promise<{ name: string; remove(): Promise<void> }> {
  const client = await getContainerRuntimeClient();
  const { sessionId } = await getReaper(client);
  const name = `facade-sim-pgdata-${randomBytes(6).toString('hex')}`;
  const { dockerode } = client.container;
  await dockerode.createVolume({
    Name: name,
    Driver: 'local',
    DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: mountOptions },
    Labels: { [LABEL_TESTCONTAINERS_SESSION_ID]: sessionId, 'org.facade-sim.purpose': 'test-data-directory' },
  });
  return {
    name,
    async remove() {
      // A container that failed to start on this volume is left created by testcontainers, and
      // holds the volume; it never ran, so it goes too.
      const holders = await dockerode.listContainers({ all: true, filters: { volume: [name] } }).catch(() => []);
      await Promise.all(holders.map((c) => dockerode.getContainer(c.Id).remove({ force: true }).catch(() => {})));
      await dockerode.getVolume(name).remove({ force: true }).catch(() => {});
    },
  };
}
