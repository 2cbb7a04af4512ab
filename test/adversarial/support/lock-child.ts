// One contender for a lock: waits for the common start instant, takes the lock, holds it a while
// and records entering and leaving, so a test can prove no two holders ever overlapped.
import { appendFileSync } from 'node:fs';
import { acquireDirLock, LockHeldError } from '../../../engine/util/dir-lock.ts';

const [lockDir, log, startAt, holdMs] = process.argv.slice(2) as [string, string, string, string];
while (Date.now() < Number(startAt)) {
  // spin: every contender starts within the same millisecond or so
}
try {
  const release = acquireDirLock(lockDir, `contender-${process.pid}`);
  appendFileSync(log, `enter ${process.pid}\n`);
  const until = Date.now() + Number(holdMs);
  while (Date.now() < until) {
    // hold the lock without yielding, as a run's commit does
  }
  appendFileSync(log, `leave ${process.pid}\n`);
  release();
} catch (e) {
  if (e instanceof LockHeldError) {
    process.stderr.write(e.message + '\n');
    process.exit(6);
  }
  throw e;
}
