import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { cleanPgEnv, createOwnedDatabase, dropOwnedDatabase, parseServerUrl } from '../safety/index.ts';
import { databaseEgress, type EgressAllow } from '../safety/egress-guard.ts';
import { createAppRole, dropAppRole } from '../safety/app-role.ts';
import { interrupted, onInterruptCleanup } from '../util/exit-cleanup.ts';
import { startPostgresReaper } from '../reaper/reaper.ts';
import { hostToolRunner, schemaDump, type ToolRunner } from './server-database.ts';
import type { Backend } from './sim-database.ts';
import { UsageError } from '../util/usage-error.ts';

export const PROJECT_ID = 'facade-sim';

/** What one simulation shard connects to: nothing (embedded) or its own database on a server. */
export type ShardTarget = { kind: 'pglite' } | { kind: 'server'; url: string; allow: EgressAllow };

/** The databases a run's shards use, prepared (and in the end removed) by the parent process. */
export interface PreparedBackend {
  backend: Backend;
  shards: ShardTarget[];
  /** Where the databases live, for the run's log. */
  describe: string;
  /** pg_dump's schema of a shard's database; undefined when the shard dumps it itself (embedded). */
  schemaDump: ((shard: number) => Promise<string>) | undefined;
  /** The pg_dump that made the schema, for the manifest. */
  pgDumpVersion(): Promise<string | undefined>;
  /** Drops the databases (and the container); safe to call twice. */
  close(): Promise<void>;
}

export interface BackendOptions {
  backend: Backend;
  /** postgres backend: a server URL the user owns; the run creates its own sim_ databases there. */
  databaseUrl?: string;
  allowRemoteHosts?: string[];
  shards: number;
  purpose?: string;
}

/** Creates a fresh, empty database per shard on the chosen backend (none for the embedded one). */
export async function prepareBackend(options: BackendOptions): Promise<PreparedBackend> {
  const purpose = options.purpose ?? 'generate';
  if (options.backend === 'pglite') {
    return {
      backend: 'pglite',
      shards: Array.from({ length: options.shards }, () => ({ kind: 'pglite' as const })),
      describe: 'embedded PGlite in each simulation process',
      schemaDump: undefined,
      pgDumpVersion: async () => undefined,
      close: async () => {},
    };
  }
  if (options.backend === 'postgres') {
    if (!options.databaseUrl) {
      throw new UsageError(
        '--backend postgres needs --database-url postgres://user@host:port/db ' +
          '(a server you own; the run creates its own sim_ databases there)',
      );
    }
    const tools = hostToolRunner({ ...cleanPgEnv(process.env), PGTZ: 'UTC' });
    return serverBackend('postgres', options.databaseUrl, tools, options, purpose, async () => {});
  }
  const { startDockerPostgres } = await import('./docker-server.ts');
  // The container's reaper removes it (and every database in it) if this process dies first.
  const { container, adminUrl, tools, volume, stop } = await startDockerPostgres();
  const where = `container ${container.getId().slice(0, 12)}${volume ? `, data volume ${volume}` : ''}`;
  const prepared = await serverBackend('docker', adminUrl, tools, options, purpose, stop);
  return { ...prepared, describe: `${prepared.describe} in ${where}` };
}

async function serverBackend(
  backend: Backend,
  adminUrl: string,
  tools: ToolRunner,
  options: BackendOptions,
  purpose: string,
  stopServer: () => Promise<void>,
): Promise<PreparedBackend> {
  const target = parseServerUrl(adminUrl, { allowRemoteHosts: options.allowRemoteHosts });
  // A detached reaper drops the run's databases if this process is killed before it does.
  const reaper = backend === 'postgres' ? startPostgresReaper(target) : undefined;
  const run = randomBytes(4).toString('hex');
  const names = Array.from({ length: options.shards }, (_, i) => `sim_${purpose}_${run}_s${i}`);
  const created: string[] = [];
  const allowRemoteHosts = options.allowRemoteHosts;
  // One drop at a time: an interrupt's drop and the run's own close() may overlap, and close()
  // must not stop the container under a drop still in flight (seen as `read ECONNRESET`).
  let dropping: Promise<void> = Promise.resolve();
  const drop = () =>
    (dropping = dropping
      .catch(() => {})
      .then(async () => {
        const failures: Error[] = [];
        for (const name of created.splice(0)) {
          try {
            await dropOwnedDatabase(adminUrl, name, { project: PROJECT_ID, allowRemoteHosts });
            await dropAppRole(adminUrl, name, { allowRemoteHosts });
            reaper?.untrack(name);
          } catch (error) {
            failures.push(error as Error);
          }
        }
        if (failures.length > 0) throw failures[0];
      }));
  // An interrupted run drops its databases too (SIGINT/SIGTERM).
  const unregister = onInterruptCleanup(drop);
  const urls: string[] = [];
  // What the app connects with: a least-privilege role that owns its database and nothing else.
  const appUrls: string[] = [];
  try {
    for (const name of names) {
      // Created after an interrupt's drop began, a database would outlive the run.
      if (interrupted()) throw new Error("interrupted while creating the run's databases");
      reaper?.track(name);
      created.push(name);
      urls.push(
        await createOwnedDatabase(adminUrl, {
          name,
          project: PROJECT_ID,
          purpose,
          allowRemoteHosts,
          // Recorded so `sim clean` can drop it if this process is killed and its reaper fails too.
          owner: { pid: process.pid, host: hostname() },
        }),
      );
      appUrls.push(await createAppRole(adminUrl, name, { allowRemoteHosts }));
    }
  } catch (error) {
    await drop().catch(() => {});
    unregister();
    reaper?.done();
    await stopServer();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    backend,
    shards: appUrls.map((url) => ({
      kind: 'server' as const,
      url,
      allow: databaseEgress(parseServerUrl(url, { allowRemoteHosts })),
    })),
    describe: names.length === 1 ? `database ${names[0]}` : `databases ${names.join(', ')}`,
    schemaDump: (shard) => schemaDump(tools, urls[shard]!),
    pgDumpVersion: async () => (await tools(['pg_dump', '--version'])).trim(),
    close: () =>
      (closed ??= (async () => {
        unregister();
        try {
          await drop();
        } finally {
          reaper?.done();
          await stopServer();
        }
      })()),
  };
}
