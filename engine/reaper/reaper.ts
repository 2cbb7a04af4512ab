import { fileURLToPath } from 'node:url';
import { cleanPgEnv, type ServerTarget } from '../safety/index.ts';
import { spawnReaper } from './spawn-reaper.ts';

const CHILD = fileURLToPath(new URL('./reaper-child.mjs', import.meta.url));

/** Label a reaper looks for on containers and volumes. */
export const REAPER_LABEL = 'org.facade-sim.reaper';
/**
 * Label naming the process a container or volume is for, as `<pid>@<host>`: `sim clean` removes
 * those whose process is gone when their reaper died too (a SIGKILL of the whole process group).
 */
export const OWNER_LABEL = 'org.facade-sim.owner';

export interface Reaper {
  /** Before CREATE DATABASE: from now on the database is dropped if this process dies. */
  track(name: string): void;
  /** Once dropped, or kept on purpose (`close({ keep: true })`). */
  untrack(name: string): void;
  /** This process cleaned up itself; the reaper stands down. */
  done(): void;
}

/**
 * A detached process that drops this process's databases on a server if it dies first (see
 * reaper-child.mjs). It learns of the death from a closed pipe, so a reused pid cannot fool it.
 */
export function startPostgresReaper(target: ServerTarget): Reaper {
  const { host, port, user, password = '', database } = target;
  // No ambient PG* settings: the connection is given whole.
  return startReaper({ postgres: { host, port, user, password, database } }, cleanPgEnv());
}

/**
 * A detached process that removes the containers and volumes labelled `REAPER_LABEL=<token>` when
 * this process dies first. It needs a daemon it can reach over plain HTTP (a Unix socket, a named
 * pipe or tcp:// without TLS).
 */
export function startDockerReaper(daemon: string, token: string): Reaper {
  return startReaper({ docker: { daemon, token } });
}

function startReaper(config: object, env?: NodeJS.ProcessEnv): Reaper {
  const pipe = spawnReaper(CHILD, [], env);
  pipe.send(JSON.stringify(config));
  return {
    track: (name) => pipe.send(`+${name}`),
    untrack: (name) => pipe.send(`-${name}`),
    done: () => pipe.done(),
  };
}
