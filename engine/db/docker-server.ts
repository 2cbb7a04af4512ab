import { randomBytes } from 'node:crypto';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { trustContainerHost } from '../safety/server-target.ts';
import { postgresImage } from './postgres-image.ts';
import type { ToolRunner } from './server-database.ts';

/**
 * A throwaway PostgreSQL in a container, tuned for disposable data: RAM-backed data directory and
 * fsync off (the data can always be regenerated), so template clones are fast.
 */
export async function startDockerPostgres(image = postgresImage()): Promise<{ container: StartedPostgreSqlContainer; adminUrl: string; tools: ToolRunner }> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const container = await new PostgreSqlContainer(image)
    .withDatabase('postgres')
    .withUsername('postgres')
    .withPassword('sim')
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withCommand(['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'timezone=UTC'])
    .start();
  trustContainerHost(container.getHost());
  const adminUrl = container.getConnectionUri();
  // Client tools run inside the container, so pg_dump always matches the server's version.
  const tools: ToolRunner = async (argv, stdin) => {
    let inside = argv.map((a) => a.replace(adminUrl.replace(/\/[^/]*$/, ''), 'postgres://postgres:sim@127.0.0.1:5432'));
    if (stdin !== undefined) {
      // container exec has no stdin: hand the input over as a file.
      await container.copyContentToContainer([{ content: stdin, target: '/tmp/sim-input.sql' }]);
      inside = inside.map((a) => (a === '/dev/stdin' ? '/tmp/sim-input.sql' : a));
    }
    // testcontainers decodes exec output chunk by chunk, so a multibyte character that straddles
    // two chunks comes back as replacement characters (seen: a CJK name in a COPY of the users
    // table). The output therefore crosses as base64 and is decoded here in one piece.
    const out = `/tmp/sim-out-${randomBytes(6).toString('hex')}`;
    const script = `"$@" > ${out} && base64 ${out}; status=$?; rm -f ${out}; exit $status`;
    const result = await container.exec(['sh', '-c', script, 'sh', ...inside], { env: { PGTZ: 'UTC' } });
    if (result.exitCode !== 0) throw new Error(`${argv[0]} in container exited with ${result.exitCode}: ${result.stderr || result.output}`);
    return Buffer.from(result.stdout, 'base64').toString('utf8');
  };
  return { container, adminUrl, tools };
}
