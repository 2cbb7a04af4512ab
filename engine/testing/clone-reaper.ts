import { fileURLToPath } from 'node:url';
import { cleanPgEnv, type ServerTarget } from '../safety/index.ts';
import { spawnReaper } from '../util/spawn-reaper.ts';

const CHILD = fileURLToPath(new URL('./clone-reaper-child.mjs', import.meta.url));

export interface CloneReaper {
  /** Before CREATE DATABASE: from now on the clone is dropped if this process dies. */
  track(name: string): void;
  /** Once dropped, or kept on purpose (`close({ keep: true })`). */
  untrack(name: string): void;
  /** This process cleaned up itself; the reaper stands down. */
  done(): void;
}

/**
 * A detached process that drops this process's test clones on a server if it dies first (the
 * docker via needs none: its container goes, clones and all). It learns of the death from a
 * closed pipe, so a reused pid cannot fool it.
 */
export function startCloneReaper(target: ServerTarget): CloneReaper {
  // No ambient PG* settings: the connection is given whole.
  const reaper = spawnReaper(CHILD, [], cleanPgEnv());
  reaper.send(
    JSON.stringify({
      connect: {
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password ?? '',
        database: target.database,
      },
    }),
  );
  return {
    track: (name) => reaper.send(`+${name}`),
    untrack: (name) => reaper.send(`-${name}`),
    done: () => reaper.done(),
  };
}
