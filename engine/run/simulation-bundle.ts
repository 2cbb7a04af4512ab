import { existsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EgressAllow } from '../safety/egress-guard.ts';
import { EGRESS_ALLOW_VARIABLE } from '../safety/sandbox-guard.ts';
import { cacheDir } from '../util/cache-dir.ts';
import { bundleModule, ENGINE_DIR, ENGINE_EXT, type BundledModule } from './module-bundle.ts';

export interface SimulationBundle extends BundledModule {
  /** The project the binding belongs to (its sources are read at run time, e.g. migrations). */
  projectRoot: string;
  /** Loaded with `--import` before the bundle: installs the egress guard ahead of every package. */
  preload: string;
}

/**
 * The sandboxed simulation as one plain ES module: the engine's simulation process with the app's
 * binding, and nothing that needs a TypeScript loader (a loader runs in a worker thread, which
 * the sandbox refuses). Its inputs are also what `sim check` compares.
 */
export async function bundleSimulation(bindingModule: string, projectRoot: string): Promise<SimulationBundle> {
  const contents = [
    // First, so that it is in place before any package evaluates.
    `import ${JSON.stringify(`${ENGINE_DIR}/run/permission-shims${ENGINE_EXT}`)};`,
    `import binding from ${JSON.stringify(bindingModule)};`,
    `import { runSimulationProcess } from ${JSON.stringify(`${ENGINE_DIR}/run/simulation-process${ENGINE_EXT}`)};`,
    `await runSimulationProcess(binding);`,
  ].join('\n');
  const bundle = await bundleModule({
    contents,
    resolveDir: dirname(bindingModule),
    root: projectRoot,
    engine: 'include',
  });
  // The bundle's packages are imports, and ES modules evaluate their imports before their own
  // body: only a module loaded before the bundle's graph puts the guard ahead of them all.
  const preload = await bundleModule({
    contents: `import ${JSON.stringify(`${ENGINE_DIR}/run/permission-shims${ENGINE_EXT}`)};`,
    resolveDir: ENGINE_DIR,
    root: projectRoot,
    engine: 'include',
  });
  return { ...bundle, projectRoot, preload: preload.file };
}

/**
 * How a simulation process is started: Node's permission model with reads limited to the project,
 * its packages and the cache, writes to one private folder, and no child processes, workers,
 * native addons, WASI or inspector (none of those flags is given). The environment is scrubbed:
 * NODE_OPTIONS could widen the permissions, and PG* variables could redirect a connection.
 */
export function sandboxArgs(
  bundle: SimulationBundle,
  allow: { write: string; read: string[]; egress?: EgressAllow },
): { execArgv: string[]; env: NodeJS.ProcessEnv } {
  // The folders of the code it runs (a binding may live outside the project, and an app reads
  // files next to its code, such as migrations), its packages, and the cache.
  const codeDirs = Object.keys(bundle.sources).map((source) => dirname(resolve(bundle.projectRoot, source)));
  const reads = outermost([bundle.projectRoot, ...codeDirs, ...bundle.packageRoots, cacheDir()]);
  reads.push(bundle.file, bundle.preload, allow.write, ...allow.read);
  // The engine finds its cache through the node_modules next to it; resolving a package there
  // reads that folder's path even when it is a link elsewhere and the project lives outside it.
  const engineModules = resolve(ENGINE_DIR, '..', 'node_modules');
  if (existsSync(engineModules)) reads.push(engineModules);
  const execArgv = [
    '--experimental-permission',
    ...[...new Set(reads)].map((path) => `--allow-fs-read=${path}`),
    `--allow-fs-write=${allow.write}`,
    '--disable-warning=ExperimentalWarning',
    // V8 lets the heap grow to up to four times what survived the last full collection before the
    // next one; a run's live heap is a third of that peak. Half again as much halves the slack at
    // the same speed (docs/decisions/embedded-run-cost.md).
    '--heap-growing-percent=50',
    `--import=${pathToFileURL(bundle.preload).href}`,
  ];
  const env: NodeJS.ProcessEnv = { TZ: 'UTC', PATH: process.env.PATH ?? '/usr/bin:/bin' };
  // The one endpoint the guard lets through, fixed when the process starts (see sandbox-guard.ts).
  if (allow.egress) env[EGRESS_ALLOW_VARIABLE] = JSON.stringify(allow.egress);
  if (process.env.CI) env.CI = process.env.CI;
  return { execArgv, env };
}

/** The folders given, without those inside another one of them. */
function outermost(dirs: string[]): string[] {
  const sorted = [...new Set(dirs)].sort();
  return sorted.filter((dir, i) => !sorted.slice(0, i).some((outer) => dir.startsWith(outer + sep)));
}
