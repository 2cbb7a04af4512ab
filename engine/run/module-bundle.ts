import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop, transform, type Plugin } from 'esbuild';
import { cacheDir } from '../util/cache-dir.ts';
import { packageVersion } from '../util/package-version.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

/** The engine's own source folder: what a binding imports of facade-sim when it imports by path. */
export const ENGINE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The engine runs compiled (the installed package's dist/) rather than from its TypeScript
 * sources. Compiled, plain Node imports its files, so a bundle never needs to include them.
 */
export const ENGINE_COMPILED = !import.meta.url.endsWith('.ts');

/** The extension of the engine's own modules (`.ts` in this repository, `.js` installed). */
export const ENGINE_EXT = ENGINE_COMPILED ? '.js' : '.ts';

export interface BundledModule {
  /** The bundle, an ES module importable by plain Node. */
  file: string;
  /** Every local source file in it, relative to `root`, with a hash of its code (comments and layout ignored). */
  sources: Record<string, string>;
  /** Every package it imports, with its installed version. */
  packages: Record<string, string>;
  /** The node_modules folders those packages were found in (what a sandbox must be able to read). */
  packageRoots: string[];
}

export interface BundleOptions {
  /** What the bundle runs: module source, resolved from `resolveDir`. */
  contents: string;
  resolveDir: string;
  /** Source paths are reported relative to this folder (the project's). */
  root: string;
  /**
   * 'share': imports of the engine's own files stay imports of those files, so the bundle shares
   * the engine instance of the process that loads it (the CLI). 'include': the engine is bundled
   * in, for a process that has no TypeScript loader (a sandboxed simulation).
   */
  engine: 'share' | 'include';
}

/**
 * Bundles TypeScript (a binding, a config file, a simulation entry) into one ES module with
 * esbuild, whatever the project's module type. Packages stay imports, pinned to the file they
 * resolve to here, so the bundle runs from the cache folder and shares package instances with
 * its importer. `import.meta.url` keeps meaning the original file, so code that finds its data
 * next to itself (migrations, child scripts) still does.
 */
export async function bundleModule(options: BundleOptions): Promise<BundledModule> {
  const packages: Record<string, string> = {};
  const packageRoots = new Set<string>();
  const result = await build({
    stdin: { contents: options.contents, resolveDir: options.resolveDir, loader: 'ts', sourcefile: '<entry>' },
    absWorkingDir: options.root,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['node', 'import'],
    metafile: true,
    logLevel: 'silent',
    plugins: [externalPackages(packages, packageRoots, options.engine), originalImportMeta()],
  });
  const code = result.outputFiles[0]!.text;
  const sources: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs).sort()) {
    const path = resolve(options.root, input);
    if (!existsSync(path)) continue; // the generated entry itself
    sources[relative(options.root, path).split(sep).join('/')] = await codeHash(path);
  }
  const dir = join(cacheDir(), 'bundles');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bundle-${createHash('sha256').update(code).digest('hex').slice(0, 20)}.mjs`);
  if (!existsSync(file)) writeFileAtomic(file, code);
  return {
    file,
    sources,
    packages: Object.fromEntries(Object.entries(packages).sort()),
    packageRoots: [...packageRoots].sort(),
  };
}

/**
 * Ends esbuild's service process (about 30 MB resident), which would otherwise stay alive beside a
 * run that bundles nothing more; the next bundle starts it again.
 */
export function releaseBundler(): Promise<void> {
  return stop();
}

const BUILTIN = new Set(builtinModules);
const isBare = (spec: string) => !spec.startsWith('.') && !spec.startsWith('/') && !/^[a-z]+:/i.test(spec);
const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Packages (and, in 'share' mode, the engine's files) stay imports of the file they resolve to. */
function externalPackages(
  packages: Record<string, string>,
  roots: Set<string>,
  engine: BundleOptions['engine'],
): Plugin {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'resolving' || args.kind === 'entry-point') return undefined;
        if (args.path.startsWith('node:') || BUILTIN.has(args.path.split('/')[0]!)) {
          return { path: args.path, external: true };
        }
        if (isBare(args.path)) {
          const found = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: 'resolving',
          });
          if (found.errors.length) return { errors: found.errors };
          // `facade-sim` mapped to the engine's sources (tsconfig paths, in this repository): the
          // engine's own files, not a package.
          if (found.path.startsWith(ENGINE_DIR + sep)) return engineFile(found.path, engine, roots);
          const name = packageName(args.path);
          packages[name] = packageVersion(name);
          const at = found.path.indexOf(`${sep}node_modules${sep}`);
          if (at >= 0) roots.add(found.path.slice(0, at + sep.length + 'node_modules'.length));
          return { path: pathToFileURL(found.path).href, external: true };
        }
        if (engine === 'share') {
          const found = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: 'resolving',
          });
          if (!found.errors.length && found.path.startsWith(ENGINE_DIR + sep)) {
            return engineFile(found.path, engine, roots);
          }
        } else if (ENGINE_COMPILED) {
          const found = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: 'resolving',
          });
          if (!found.errors.length && found.path.startsWith(ENGINE_DIR + sep)) {
            return engineFile(found.path, engine, roots);
          }
        }
        return undefined;
      });
    },
  };
}

/**
 * One of the engine's files: an import of it where the loading process shares the engine or plain
 * Node can run it (compiled), else bundled in.
 */
function engineFile(path: string, engine: BundleOptions['engine'], roots: Set<string>) {
  if (engine === 'include' && !ENGINE_COMPILED) return { path };
  // The sandbox must be able to read the engine it imports, and the packages the engine imports.
  const at = ENGINE_DIR.lastIndexOf(`${sep}node_modules${sep}`);
  roots.add(at >= 0 ? ENGINE_DIR.slice(0, at + sep.length + 'node_modules'.length) : dirname(ENGINE_DIR));
  return { path: pathToFileURL(path).href, external: true };
}

/** Replaces `import.meta.url` (and dirname/filename) in each local file by that file's own. */
function originalImportMeta(): Plugin {
  return {
    name: 'original-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.(m?[jt]s|tsx?)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const contents = source
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
        return { contents, loader: /\.m?js$/.test(args.path) ? 'js' : 'ts' };
      });
    },
  };
}

/** A hash of a file's code with comments and layout removed: a reworded comment changes nothing. */
async function codeHash(path: string): Promise<string> {
  const source = readFileSync(path, 'utf8');
  const loader = /\.m?js$/.test(path) ? 'js' : /\.json$/.test(path) ? 'json' : 'ts';
  let code = source;
  try {
    code = (await transform(source, { loader, minifyWhitespace: true, legalComments: 'none' })).code;
  } catch {
    // Not code esbuild can read on its own: hash it as it is.
  }
  return createHash('sha256').update(code).digest('hex').slice(0, 16);
}
