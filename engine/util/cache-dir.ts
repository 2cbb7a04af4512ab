import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';

/**
 * Where facade-sim keeps what it can rebuild (the empty PGlite cluster, bundled bindings):
 * SIM_CACHE_DIR, else .cache/facade-sim in the node_modules that holds PGlite (babel's and
 * eslint's convention), so `npm ci` starts clean.
 */
export function cacheDir(): string {
  if (process.env.SIM_CACHE_DIR) return resolve(process.env.SIM_CACHE_DIR);
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const at = entry.lastIndexOf(`${sep}node_modules${sep}`);
  return at >= 0
    ? join(entry.slice(0, at + sep.length + 'node_modules'.length), '.cache', 'facade-sim')
    : join(tmpdir(), 'facade-sim-cache');
}
