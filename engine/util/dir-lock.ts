import { hostname } from 'node:os';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './atomic-write.ts';
import { onExitCleanup } from './exit-cleanup.ts';

export class LockHeldError extends Error {
  readonly exitCode = 6;
}

export interface LockInfo {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
}

const GENERATION = /^(\d{12})\.(held|free)$/;
const MAX_ATTEMPTS = 100;

/** Locks this process holds, by lock directory: a nested acquire (a reader recovering a commit) is a no-op. */
const held = new Map<string, number>();

/**
 * One holder per lock directory, taken atomically, with a stale lock taken over atomically too.
 *
 * The lock is a sequence of generations: `<gen>.held` names its holder, `<gen>.free` says it was
 * released. A process takes generation g+1 only after it saw g free, or held by a process that is
 * gone; it creates `<g+1>.held` with link(2), which fails if the name exists and publishes the
 * whole content at once (an empty, half-written file never exists). So of all the processes that
 * saw the same stale generation exactly one wins the next, and none can take a live lock: a lock
 * is only ever replaced by creating a new name, never by removing one someone may hold (the race
 * that let two of four runs over a stale lock proceed). The newest generation file always stays,
 * so the numbers only grow.
 */
export function acquireDirLock(lockDir: string, runId: string): () => void {
  const again = held.get(lockDir);
  if (again !== undefined) {
    held.set(lockDir, again + 1);
    return () => void held.set(lockDir, held.get(lockDir)! - 1);
  }
  mkdirSync(lockDir, { recursive: true });
  const info: LockInfo = { pid: process.pid, host: hostname(), runId, startedAt: new Date().toISOString() };
  const tmp = join(lockDir, `.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(info));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const latest = latestGeneration(lockDir);
      if (latest?.state === 'held') {
        const holder = readHolder(join(lockDir, latest.name));
        if (holder === 'gone') continue; // released or superseded meanwhile: look again
        if (holder && (holder.host !== info.host || isAlive(holder.pid))) {
          throw new LockHeldError(
            `${lockDir} is locked by pid ${holder.pid} on ${holder.host} (run ${holder.runId}, since ` +
              `${holder.startedAt}); ` +
              `wait for it to finish` +
              (holder.host !== info.host ? `, or remove ${lockDir} if that process on ${holder.host} is gone` : ''),
          );
        }
      }
      const gen = (latest?.gen ?? 0) + 1;
      const name = `${String(gen).padStart(12, '0')}.held`;
      try {
        linkSync(tmp, join(lockDir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // another process took it first
        throw e;
      }
      removeOlder(lockDir, gen);
      held.set(lockDir, 1);
      const release = onExitCleanup(() => {
        held.delete(lockDir);
        try {
          renameSync(join(lockDir, name), join(lockDir, name.replace('.held', '.free')));
        } catch {
          // Taken over after this process was presumed dead; nothing of ours to release.
        }
      });
      return () => {
        const count = held.get(lockDir) ?? 1;
        if (count > 1) held.set(lockDir, count - 1);
        else release();
      };
    }
    throw new LockHeldError(`${lockDir}: could not take the lock after ${MAX_ATTEMPTS} attempts (heavy contention)`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The holder of a lock directory, if one holds it now (for messages and sweepers). */
export function lockHolder(lockDir: string): LockInfo | undefined {
  const latest = latestGeneration(lockDir);
  if (latest?.state !== 'held') return undefined;
  const holder = readHolder(join(lockDir, latest.name));
  return holder && holder !== 'gone' ? holder : undefined;
}

function latestGeneration(lockDir: string): { gen: number; state: 'held' | 'free'; name: string } | undefined {
  let best: { gen: number; state: 'held' | 'free'; name: string } | undefined;
  let names: string[];
  try {
    names = readdirSync(lockDir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    const m = GENERATION.exec(name);
    if (!m) continue;
    const gen = Number(m[1]);
    // A generation released while we listed shows both names; free wins.
    if (!best || gen > best.gen || (gen === best.gen && m[2] === 'free')) {
      best = { gen, state: m[2] as 'held' | 'free', name };
    }
  }
  return best;
}

/** The holder named in a generation file; 'gone' if the file went away; undefined if unreadable (foreign). */
function readHolder(path: string): LockInfo | 'gone' | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined;
  }
}

function removeOlder(lockDir: string, gen: number): void {
  for (const name of readdirSync(lockDir)) {
    const m = GENERATION.exec(name);
    if (m && Number(m[1]) < gen) {
      try {
        unlinkSync(join(lockDir, name));
      } catch {
        // another taker removed it first
      }
    }
  }
}
