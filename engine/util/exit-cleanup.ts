/**
 * Cleanups that must run even when the process is interrupted: lock files (sync), and a run's own
 * database or container (async, given ASYNC_CLEANUP_LIMIT_MS). SIGINT/SIGTERM run them and exit
 * 130/143; snapshot files need none (they are written atomically).
 */
const cleanups = new Set<() => void>();
const asyncCleanups = new Set<() => Promise<unknown>>();
const ASYNC_CLEANUP_LIMIT_MS = 10_000;

/**
 * Registers an async cleanup for an interrupt; the returned function unregisters it (the normal path cleans up itself).
 */
export function onInterruptCleanup(fn: () => Promise<unknown>): () => void {
  asyncCleanups.add(fn);
  return () => void asyncCleanups.delete(fn);
}

/** Runs the async cleanups, at most ASYNC_CLEANUP_LIMIT_MS; failures are reported, never thrown. */
export async function runInterruptCleanups(
  report: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<void> {
  const pending = [...asyncCleanups];
  asyncCleanups.clear();
  if (pending.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), ASYNC_CLEANUP_LIMIT_MS)),
  );
  const all = Promise.allSettled(pending.map((fn) => fn())).then((results) => {
    for (const r of results) {
      if (r.status === 'rejected') report(`cleanup failed: ${(r.reason as Error)?.message ?? r.reason}`);
    }
  });
  if ((await Promise.race([all, limit])) === 'timeout') {
    report(`cleanup still running after ${ASYNC_CLEANUP_LIMIT_MS / 1000} s; exiting anyway`);
  }
  clearTimeout(timer);
}

export function onExitCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
    fn();
  };
}

export function runExitCleanups(): void {
  for (const fn of [...cleanups]) {
    try {
      fn();
    } catch {
      // best effort while exiting
    }
  }
  cleanups.clear();
}

let interruptedBy: string | undefined;
const interruption = new AbortController();

/**
 * Aborted when SIGINT or SIGTERM arrives: long work (a restore's statements, a child process
 * started with `{ signal }`) passes it on so it stops at once instead of finishing unseen, and
 * registers what it must undo (a half-restored database) with `onInterruptCleanup`.
 */
export function interruptSignal(): AbortSignal {
  return interruption.signal;
}

/** True once SIGINT or SIGTERM arrived: the process is cleaning up and will exit. */
export function interrupted(): boolean {
  return interruptedBy !== undefined;
}

export function installSignalHandlers(): void {
  const handle = (code: number, name: string) => () => {
    interruptedBy = name;
    interruption.abort(new Error(`interrupted (${name})`));
    process.stderr.write(`\ninterrupted (${name}): stopping; committed snapshots are untouched\n`);
    runExitCleanups();
    // A second signal while the run's database is being dropped exits at once.
    process.once(name as NodeJS.Signals, () => process.exit(code));
    void runInterruptCleanups().finally(() => process.exit(code));
  };
  process.once('SIGINT', handle(130, 'SIGINT'));
  process.once('SIGTERM', handle(143, 'SIGTERM'));
}
