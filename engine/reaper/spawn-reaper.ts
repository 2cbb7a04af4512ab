import { spawn } from 'node:child_process';

export interface ReaperPipe {
  /** One line to the reaper's stdin. */
  send(line: string): void;
  /** This process cleaned up itself: "done", then the end of the pipe; the reaper stands down. */
  done(): void;
}

/**
 * Starts a reaper: a detached node process that outlives this one and holds the read end of a
 * pipe from it. The pipe closing without "done" tells it this process died, however it died (no
 * pid to poll, so none to be reused). Neither the child nor the pipe keeps this process alive.
 */
export function spawnReaper(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): ReaperPipe {
  // No debugger or loader hooks in the reaper.
  const { NODE_OPTIONS: _inherited, ...childEnv } = env;
  const child = spawn(process.execPath, [script, ...args], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    windowsHide: true,
    env: childEnv,
  });
  child.on('error', () => {});
  child.stdin.on('error', () => {});
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  return {
    send(line) {
      if (child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    done() {
      if (child.stdin.writable) child.stdin.end('done\n');
    },
  };
}
