// The package as a user gets it: packed, installed into a project outside this repository, and
// used there through its public entry points only (npx sim, facade-sim/testing).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STOREFRONT = join(ROOT, 'examples', 'storefront');
// Packing builds dist/ and a fresh install runs esbuild and PGlite: minutes on a busy 2-core machine.
const SLOW_MS = 15 * 60_000;

/** The environment without what the outer npm and vitest set, so the inner ones behave as a user's. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('VITEST') && !k.startsWith('npm_') && k !== 'NODE_OPTIONS',
    ),
  );
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: SLOW_MS });
}

function ok(result: SpawnSyncReturns<string>): SpawnSyncReturns<string> {
  if (result.status !== 0) {
    throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

describe('the packed package in a project of its own', { timeout: SLOW_MS }, () => {
  let work: string;
  let project: string;
  let tarballFiles: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'facade-sim-consumer-'));
    ok(run('npm', ['pack', '--pack-destination', work], ROOT));
    const tarball = join(
      work,
      readdirSync(work).find((f) => f.endsWith('.tgz'))!,
    );
    tarballFiles = ok(run('tar', ['-tzf', tarball], work))
      .stdout.split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));

    project = join(work, 'shop');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    // Everything is in npm's cache already: this repository installed the same versions.
    ok(
      run(
        'npm',
        ['install', tarball, 'vitest@4.1.12', 'drizzle-orm@0.45.4', '--prefer-offline', '--no-audit', '--no-fund'],
        project,
      ),
    );
    cpSync(STOREFRONT, project, { recursive: true, filter: (src) => !src.includes(`${sep}snapshots`) });
  }, SLOW_MS);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds what a user runs and nothing else', () => {
    for (const f of [
      'bin/sim.mjs',
      'dist/cli/main.js',
      'dist/engine/index.js',
      'dist/engine/index.d.ts',
      'dist/engine/testing/index.d.ts',
      'dist/engine/config/define-config.d.ts',
      'dist/engine/db/pglite-image-child.mjs',
    ]) {
      expect(tarballFiles).toContain(f);
    }
    const unwanted = tarballFiles.filter(
      (f) =>
        /^(test|snapshots|scenarios|domain|bindings|examples|bench|scripts|\.github|engine|cli)\//.test(f) ||
        f.includes('.test.') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(unwanted).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/facade-sim/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).not.toContain('testcontainers');
    expect(existsSync(join(project, 'node_modules/testcontainers'))).toBe(false);
  });

  it('generates the storefront snapshot with npx sim, byte for byte the committed one', () => {
    const result = ok(run('npx', ['sim', 'generate'], project));
    expect(result.stdout + result.stderr).toMatch(/wrote .*snapshots\/first-days/);
    const dump = readFileSync(join(project, 'snapshots/first-days/dump.sql'), 'utf8');
    expect(dump).toBe(readFileSync(join(STOREFRONT, 'snapshots/first-days/dump.sql'), 'utf8'));
  });

  it('restores the snapshot in a vitest test through facade-sim/testing', () => {
    writeFileSync(
      join(project, 'restore.test.ts'),
      `import { closeSnapshotDatabases, snapshotDatabase } from 'facade-sim/testing';
import { afterAll, expect, test } from 'vitest';
import * as schema from './app/schema.ts';

afterAll(() => closeSnapshotDatabases());

test('the storefront snapshot restores with its paid orders', async () => {
  const t = await snapshotDatabase({ snapshot: 'snapshots/first-days', via: 'pglite', schema });
  const orders = await t.db.select().from(schema.orders);
  expect(orders.length).toBeGreaterThan(0);
  expect(orders.some((o) => o.status === 'paid')).toBe(true);
  await t.close();
}, 300_000);
`,
    );
    const result = run('npx', ['vitest', 'run', '--reporter=json', '--outputFile=vitest-result.json'], project);
    const report = JSON.parse(readFileSync(join(project, 'vitest-result.json'), 'utf8'));
    expect({ status: result.status, passed: report.numPassedTests, failed: report.numFailedTests }).toEqual({
      status: 0,
      passed: 1,
      failed: 0,
    });
  });

  it('sets up a drizzle project with sim init, so that sim generate runs at once', () => {
    const app = join(project, 'fresh-app');
    mkdirSync(join(app, 'src'), { recursive: true });
    mkdirSync(join(app, 'drizzle'));
    writeFileSync(
      join(app, 'drizzle.config.ts'),
      `import { defineConfig } from 'drizzle-kit';\n\n` +
        `export default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' });\n`,
    );
    writeFileSync(
      join(app, 'src/schema.ts'),
      `import { pgTable, text } from 'drizzle-orm/pg-core';\n\n` +
        `export const notes = pgTable('notes', { id: text('id').primaryKey(), body: text('body').notNull() });\n`,
    );
    writeFileSync(
      join(app, 'drizzle/0000_init.sql'),
      `CREATE TABLE "notes" ("id" text PRIMARY KEY NOT NULL, "body" text NOT NULL);\n`,
    );

    const init = ok(run('npx', ['sim', 'init'], app));
    expect(init.stdout).toContain('wrote sim.config.ts');
    const again = run('npx', ['sim', 'init'], app);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(join(app, 'sim.config.ts'));

    ok(run('npx', ['sim', 'generate'], app));
    const dump = readFileSync(join(app, 'sim/snapshots/baseline/dump.sql'), 'utf8');
    expect(dump).toContain('CREATE TABLE public.notes');
    expect(readFileSync(join(app, 'sim/snapshots/baseline/side-effects.jsonl'), 'utf8')).toContain('example');
  });
});
