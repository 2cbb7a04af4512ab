import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cleanPgEnv, type ServerTarget } from '../safety/index.ts';

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
  // No ambient PG* settings (the connection is given whole) and no debugger or loader hooks.
  const { NODE_OPTIONS: _inherited, ...env } = cleanPgEnv();
  const child = spawn(process.execPath, [CHILD], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], windowsHide: true, env });
  child.on('error', () => {});
  child.stdin.on('error', () => {});
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  const send = (line: string) => {
    if (child.stdin.writable) child.stdin.write(`${line}\n`);
  };
  send(JSON.stringify({ connect: { host: target.host, port: target.port, user: target.user, password: target.password ?? '', database: target.database } }));
  return {
    track: (name) => send(`+${name}`),
    untrack: (name) => send(`-${name}`),
    done() {
      if (child.stdin.writable) child.stdin.end('done\n');
    },
  };
}
