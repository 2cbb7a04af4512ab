import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { packageVersion } from '../util/package-version.ts';
import { cacheDir } from '../util/cache-dir.ts';

const CHILD = fileURLToPath(new URL('./pglite-image-child.mjs', import.meta.url));

let memo: string | null | undefined;

/**
 * An initdb'd, empty PGlite cluster as a data-directory image, built once per PGlite version.
 * Measured (PGlite 0.5.8, one process each): PGlite.create() runs initdb in WASM, takes 2.6 s and
 * leaves the process at 830 MB RSS; create from this image takes 0.7 s at 380 MB. initdb runs
 * in a child process so its memory never counts against the caller's.
 */
export function emptyClusterImage(): Blob | null {
  if (memo === undefined) memo = buildImage();
  return memo ? new Blob([readFileSync(memo)]) : null;
}

function buildImage(): string | null {
  const file = join(cacheDir(), `pglite-${packageVersion('@electric-sql/pglite')}-empty-cluster.tar`);
  if (!existsSync(file)) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const r = spawnSync(process.execPath, [CHILD, file], {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(r.stderr || `exit ${r.status}`);
    } catch (e) {
      // Not fatal: fall back to initdb in this process (slower, more memory).
      process.stderr.write(
        `facade-sim: could not cache an empty PGlite cluster in ${dirname(file)} ` +
          `(${(e as Error).message.trim().split('\n')[0]}); running initdb in process\n`,
      );
      return null;
    }
  }
  return file;
}

/** PGlite.create, booted from the cached empty cluster unless the caller brings its own data. */
export async function createPglite(options: PGliteOptions = {}): Promise<PGlite> {
  const image = options.dataDir || options.loadDataDir ? null : emptyClusterImage();
  return PGlite.create(image ? { ...options, loadDataDir: image } : options);
}
