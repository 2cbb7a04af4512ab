import { randomBytes } from 'node:crypto';
import { openPglite } from './pglite-database.ts';
import { hostToolRunner, openServerDatabase } from './server-database.ts';
import type { EngineKind, LatencyFn, SimDatabase } from './sim-database.ts';
import { cleanPgEnv, createOwnedDatabase, dropOwnedDatabase, parseServerUrl } from '../safety/index.ts';
import { onInterruptCleanup } from '../util/exit-cleanup.ts';

export const PROJECT_ID = 'facade-sim';

export interface EngineOptions {
  engine: EngineKind;
  /** postgres engine: a server URL the user owns; the run creates its own sim_ database there. */
  databaseUrl?: string;
  allowRemoteHosts?: string[];
  latencyMs?: LatencyFn;
  /** Keep the run's database afterwards (server engines) for inspection. */
  keep?: boolean;
  purpose?: string;
}

/** Opens a fresh, empty database owned by this run on the chosen engine. */
export async function openEngine(options: EngineOptions): Promise<SimDatabase> {
  const purpose = options.purpose ?? 'generate';
  if (options.engine === 'pglite') return openPglite({ latencyMs: options.latencyMs });
  // The run's own database: never the one the URL names (that one is only used to CREATE/DROP).
  const name = `sim_${purpose}_${randomBytes(5).toString('hex')}`;
  if (options.engine === 'postgres') {
    if (!options.databaseUrl) {
      throw Object.assign(
        new Error(
          '--engine postgres needs --database-url postgres://user@host:port/db (a server you own; the run creates its own sim_ database there)',
        ),
        { exitCode: 2 },
      );
    }
    parseServerUrl(options.databaseUrl, { allowRemoteHosts: options.allowRemoteHosts });
    const url = await createOwnedDatabase(options.databaseUrl, { name, project: PROJECT_ID, purpose });
    const env = { ...cleanPgEnv(process.env), PGTZ: 'UTC' };
    const drop = () =>
      dropOwnedDatabase(options.databaseUrl!, name, {
        project: PROJECT_ID,
        allowRemoteHosts: options.allowRemoteHosts,
      });
    // An interrupted run drops its database too (SIGINT/SIGTERM), unless asked to keep it.
    const unregister = options.keep ? () => {} : onInterruptCleanup(drop);
    return openServerDatabase({
      engine: 'postgres',
      url,
      tools: hostToolRunner(env),
      latencyMs: options.latencyMs,
      onClose: options.keep
        ? undefined
        : async () => {
            unregister();
            await drop();
          },
    });
  }
  const { startDockerPostgres } = await import('./docker-server.ts');
  // An interrupt needs no cleanup here: the run's sandbox (MSW, the egress guard) stays up until
  // the process exits, and the container's reaper removes it and its volume then.
  const { container, adminUrl, tools, volume, stop } = await startDockerPostgres();
  const url = await createOwnedDatabase(adminUrl, { name, project: PROJECT_ID, purpose });
  return openServerDatabase({
    engine: 'docker',
    url,
    tools,
    latencyMs: options.latencyMs,
    location: `container ${container.getId().slice(0, 12)}${volume ? `, data volume ${volume}` : ''}`,
    onClose: stop,
  });
}
