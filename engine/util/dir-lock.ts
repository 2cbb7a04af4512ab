import { hostname } from 'node:os';
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './atomic-write.ts';
import { onExitCleanup } from './exit-cleanup.ts';

export class LockHeldError extends Error {
  readonly exitCode = 6;
}

interface LockInfo {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
}

/**
 * One run per output directory: an O_EXCL lock file naming its holder. A lock whose holder
 * process is gone (SIGKILL) on this host is stale and is taken over.
 */
export function acquireDirLock(dir: string, runId: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, '.sim.lock');
  const info: LockInfo = { pid: process.pid, host: hostname(), runId, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return onExitCleanup(() => rmSync(path, { force: true }));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
      } catch {
        holder = undefined; // half-written by a killed process: stale
      }
      if (holder && (holder.host !== info.host || isAlive(holder.pid))) {
        throw new LockHeldError(
          `${dir} is locked by pid ${holder.pid} on ${holder.host} (run ${holder.runId}, since ${holder.startedAt}); wait for it to finish, or remove ${path} if that process is gone`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new LockHeldError(`could not acquire ${path}`);
}
