import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppLearn } from '../learn/app-learn.ts';
import type { AppBinding } from '../run/app-binding.ts';
import { bundleModule } from '../run/module-bundle.ts';

/** One application simulated in this project. Paths are relative to the config file. */
export interface AppConfig {
  /** A module whose default export is the app's `AppBinding`, e.g. './bindings/billing/index.ts'. */
  binding: string;
  /** Folder of the app's scenario files (`*.yaml`). */
  scenarios: string;
  /** Folder the app's snapshots are written to (`<snapshots>/<scenario>/`). */
  snapshots: string;
  /** The scenario `sim generate` runs when none is named. */
  defaultScenario?: string;
  /** Learn mode: a module whose default export is the app's `AppLearn` (what to measure, how to apply it). */
  learn?: string;
}

export interface SimConfig {
  /** Applications by name; the first is the default where `--app` is not given. */
  apps: Record<string, AppConfig>;
}

/** Declares `sim.config.ts`: `export default defineConfig({ apps: { billing: { … } } })`. */
export function defineConfig(config: SimConfig): SimConfig {
  return config;
}

/** Names the CLI looks for, in this order, from the working directory upward. */
export const CONFIG_FILES = ['sim.config.ts', 'sim.config.mts', 'sim.config.js', 'sim.config.mjs'] as const;

/** An app of a loaded config, with absolute paths. */
export interface ResolvedApp {
  name: string;
  /** The folder of the config file: source paths in manifests are relative to it. */
  projectRoot: string;
  bindingModule: string;
  scenariosDir: string;
  snapshotsDir: string;
  defaultScenario: string | undefined;
  /** The app's learn module, when it declares one. */
  learnModule: string | undefined;
}

export interface LoadedConfig {
  file: string;
  dir: string;
  apps: ResolvedApp[];
}

/** The config is missing or wrong (exit 2); the message says what to do. */
export class ConfigFileError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** The nearest config file at or above `fromDir`, as vitest and drizzle-kit find theirs. */
export function findConfigFile(fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Loads a config file (TypeScript or JavaScript, whatever the project's module type) and checks
 * its shape, naming the file and the key at fault.
 */
export async function loadConfig(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  const file = options.file ? resolve(options.cwd, options.file) : findConfigFile(options.cwd);
  if (!file) {
    throw new ConfigFileError(
      `no ${CONFIG_FILES[0]} in ${options.cwd} or any folder above it; run \`npx sim init\` to create one, ` +
        'or pass --config <file>',
    );
  }
  if (!existsSync(file)) throw new ConfigFileError(`${file}: no such config file`);
  let loaded: unknown;
  try {
    loaded = (await importProjectModule(file, dirname(file))).default;
  } catch (e) {
    throw new ConfigFileError(`${file}: could not be loaded: ${(e as Error).message}`);
  }
  const dir = dirname(file);
  const fail = (path: string, problem: string): never => {
    throw new ConfigFileError(`${file}: ${path}: ${problem}`);
  };
  if (!loaded || typeof loaded !== 'object') fail('default export', 'expected defineConfig({ apps: { … } })');
  const apps = (loaded as SimConfig).apps;
  if (!apps || typeof apps !== 'object' || Object.keys(apps).length === 0) {
    fail('apps', 'expected at least one app: { billing: { binding, scenarios, snapshots } }');
  }
  const resolved: ResolvedApp[] = [];
  for (const [name, app] of Object.entries(apps)) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) fail(`apps.${name}`, 'app names are lowercase letters, digits, -');
    for (const key of ['binding', 'scenarios', 'snapshots'] as const) {
      if (typeof app?.[key] !== 'string' || app[key].length === 0) fail(`apps.${name}.${key}`, 'expected a path');
    }
    const unknown = Object.keys(app).filter(
      (k) => !['binding', 'scenarios', 'snapshots', 'defaultScenario', 'learn'].includes(k),
    );
    if (unknown.length) {
      fail(`apps.${name}.${unknown[0]}`, 'unknown key; expected binding, scenarios, snapshots, defaultScenario, learn');
    }
    const bindingModule = resolve(dir, app.binding);
    if (!existsSync(bindingModule)) fail(`apps.${name}.binding`, `${bindingModule} does not exist`);
    if (app.learn !== undefined && (typeof app.learn !== 'string' || !existsSync(resolve(dir, app.learn)))) {
      fail(`apps.${name}.learn`, `expected the path of an existing module, got ${JSON.stringify(app.learn)}`);
    }
    resolved.push({
      name,
      projectRoot: dir,
      bindingModule,
      scenariosDir: resolve(dir, app.scenarios),
      snapshotsDir: resolve(dir, app.snapshots),
      defaultScenario: app.defaultScenario,
      learnModule: app.learn === undefined ? undefined : resolve(dir, app.learn),
    });
  }
  return { file, dir, apps: resolved };
}

/** The app `--app` names, or the only (first) one. */
export function pickApp(config: LoadedConfig, name: string | undefined): ResolvedApp {
  if (name === undefined) return config.apps[0]!;
  const app = config.apps.find((a) => a.name === name);
  if (!app) {
    const known = config.apps.map((a) => a.name).join(', ');
    throw new ConfigFileError(`--app ${name}: no such app in ${config.file}; its apps are ${known}`);
  }
  return app;
}

/** Imports an app's binding module; its default export must be an AppBinding. */
export async function loadBinding(app: ResolvedApp): Promise<AppBinding> {
  let binding: AppBinding | undefined;
  try {
    binding = (await importProjectModule(app.bindingModule, dirname(app.bindingModule))).default as AppBinding;
  } catch (e) {
    throw new ConfigFileError(`${app.bindingModule}: could not be loaded: ${(e as Error).message}`);
  }
  if (!binding || typeof binding !== 'object' || typeof binding.start !== 'function' || !binding.scenario) {
    throw new ConfigFileError(
      `${app.bindingModule}: its default export is not an AppBinding (export default { app, scenario, start, … })`,
    );
  }
  return binding;
}

/** An app's learn module, with the code hashes of every file it runs (they shape profiled snapshots). */
export interface LoadedLearn {
  learn: AppLearn;
  sources: Record<string, string>;
}

/** Imports an app's learn module; its default export must be an AppLearn. */
export async function loadLearn(app: ResolvedApp): Promise<LoadedLearn> {
  if (!app.learnModule) {
    throw new ConfigFileError(
      `app '${app.name}' has no learn module: add \`learn: './path/to/learn.ts'\` to its entry in the config ` +
        '(see docs/learn.md)',
    );
  }
  let loaded: { default?: unknown; sources: Record<string, string> };
  try {
    loaded = await importProjectModule(app.learnModule, app.projectRoot);
  } catch (e) {
    throw new ConfigFileError(`${app.learnModule}: could not be loaded: ${(e as Error).message}`);
  }
  const learn = loaded.default as AppLearn | undefined;
  if (!learn || typeof learn.applyProfile !== 'function' || !learn.spec?.metrics) {
    throw new ConfigFileError(
      `${app.learnModule}: its default export is not an AppLearn (export default defineLearn({ spec, applyProfile }))`,
    );
  }
  return { learn, sources: loaded.sources };
}

/** Imports a project's TypeScript or JavaScript module through a bundle that shares this engine. */
async function importProjectModule(
  file: string,
  root: string,
): Promise<{ default?: unknown; sources: Record<string, string> }> {
  const contents = `export { default } from ${JSON.stringify(file)};`;
  const bundle = await bundleModule({ contents, resolveDir: root, root, engine: 'share' });
  try {
    const module = (await import(pathToFileURL(bundle.file).href)) as { default?: unknown };
    return { default: module.default, sources: bundle.sources };
  } catch (e) {
    // The engine's TypeScript sources with no loader for them (a test runner importing the
    // config): the module gets its own copy of the engine, bundled in.
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    const own = await bundleModule({ contents, resolveDir: root, root, engine: 'include' });
    const module = (await import(pathToFileURL(own.file).href)) as { default?: unknown };
    return { default: module.default, sources: bundle.sources };
  }
}

/** A path as a user would type it from `cwd` (for hints and "regenerate with" lines). */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
