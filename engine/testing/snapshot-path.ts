import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile, loadConfig, type LoadedConfig } from '../config/sim-config.ts';
import { MANIFEST_FILE } from '../snapshot/snapshot-files.ts';

/**
 * Where a snapshot is: an absolute path, a `file:` URL (`new URL('../snapshots/baseline-45d',
 * import.meta.url)`), or a name or path looked up through the nearest sim.config.ts: first in each
 * app's snapshots folder, then from the config's folder.
 */
export type SnapshotLocation = string | URL;

/** The snapshot is nowhere it was looked for; the message lists the paths tried and the command that makes it. */
export class SnapshotNotFoundError extends Error {
  constructor(
    readonly snapshot: string,
    readonly tried: string[],
    hint: string,
  ) {
    super(`snapshot ${snapshot} not found; tried:\n${tried.map((p) => `  ${p}`).join('\n')}\n${hint}`);
    this.name = 'SnapshotNotFoundError';
  }
}

const configs = new Map<string, Promise<LoadedConfig | undefined>>();

/** The config found from `cwd` upward, loaded once per process (loading bundles it with esbuild). */
function configFrom(cwd: string): Promise<LoadedConfig | undefined> {
  const file = findConfigFile(cwd);
  if (!file) return Promise.resolve(undefined);
  let loaded = configs.get(file);
  if (!loaded) {
    loaded = loadConfig({ cwd, file });
    configs.set(file, loaded);
  }
  return loaded;
}

const isSnapshot = (dir: string) => existsSync(join(dir, MANIFEST_FILE));

/**
 * The absolute folder of a snapshot. A relative path is never taken from the working directory
 * alone: a test run from another folder (an IDE, a monorepo root) would restore something else or
 * nothing, so it is looked up through the config, which is found from `cwd` upward.
 */
export async function resolveSnapshotDir(
  snapshot: SnapshotLocation,
  options: { app?: string; cwd?: string } = {},
): Promise<string> {
  if (snapshot instanceof URL || snapshot.startsWith('file:')) {
    const dir = fileURLToPath(snapshot);
    if (isSnapshot(dir)) return dir;
    throw new SnapshotNotFoundError(String(snapshot), [dir], generateHint(dir));
  }
  if (isAbsolute(snapshot)) {
    if (isSnapshot(snapshot)) return snapshot;
    throw new SnapshotNotFoundError(snapshot, [snapshot], generateHint(snapshot));
  }
  const cwd = options.cwd ?? process.cwd();
  const config = await configFrom(cwd);
  if (!config) {
    throw new SnapshotNotFoundError(
      snapshot,
      [],
      `no sim.config.ts in ${cwd} or above it to resolve a relative snapshot from; pass an absolute path or ` +
        `new URL('<path>', import.meta.url), or run \`npx sim init\``,
    );
  }
  const apps = options.app ? config.apps.filter((a) => a.name === options.app) : config.apps;
  if (options.app && apps.length === 0) {
    throw new Error(
      `app ${options.app}: no such app in ${config.file}; its apps are ${config.apps.map((a) => a.name)}`,
    );
  }
  const tried = [...new Set([...apps.map((a) => resolve(a.snapshotsDir, snapshot)), resolve(config.dir, snapshot)])];
  const found = tried.find(isSnapshot);
  if (found) return found;
  const app = apps[0]!;
  const scenario = snapshot.split(/[\\/]/).filter(Boolean).pop()!;
  const appFlag = config.apps.length > 1 ? ` --app ${app.name}` : '';
  throw new SnapshotNotFoundError(snapshot, tried, `generate it with \`npx sim generate ${scenario}${appFlag}\``);
}

function generateHint(dir: string): string {
  return `generate it with \`npx sim generate <scenario> --out ${dirname(dir)}\``;
}
