/**
 * Cleanups that must run even when the process is interrupted (lock files). SIGINT/SIGTERM run
 * them and exit 130/143; snapshot files need none (they are written atomically).
 */
const cleanups = new Set<() => void>();

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

export function installSignalHandlers(): void {
  const handle = (code: number, name: string) => () => {
    process.stderr.write(`\ninterrupted (${name}): stopping; committed snapshots are untouched\n`);
    runExitCleanups();
    process.exit(code);
  };
  process.once('SIGINT', handle(130, 'SIGINT'));
  process.once('SIGTERM', handle(143, 'SIGTERM'));
}
