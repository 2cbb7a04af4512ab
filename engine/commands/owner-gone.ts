import { hostname } from 'node:os';
import { isAlive } from '../util/atomic-write.ts';

/**
 * Whether `sim clean` may remove something a run made for the process `pid` on `host`: only when
 * that process ran on this host (elsewhere its liveness cannot be checked) and is gone. Says why
 * when it keeps it.
 */
export function ownerGone(what: string, owner: { pid: number; host: string }, log: (line: string) => void): boolean {
  if (owner.host !== hostname()) {
    log(`kept ${what}: its owner, pid ${owner.pid}, ran on ${owner.host}, not on this host`);
    return false;
  }
  if (isAlive(owner.pid)) {
    log(`kept ${what}: its owner, pid ${owner.pid}, is running`);
    return false;
  }
  return true;
}
