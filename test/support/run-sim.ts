import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SIM = fileURLToPath(new URL('../../bin/sim.mjs', import.meta.url));

export interface SimRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `sim` CLI in a separate process, as a user would. */
export function runSim(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<SimRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIM, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, CI: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const SERVER_URL = process.env.SIM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A project of its own in a temporary folder: a sim.config.ts naming the billing binding of this
 * repository, with the given scenarios and snapshots folders. Run the CLI with `cwd: dir`.
 */
export function tempProject(options: { scenarios: string; snapshots?: string; prefix?: string }): {
  dir: string;
  snapshots: string;
} {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'sim-project-'));
  const snapshots = options.snapshots ?? join(dir, 'snapshots');
  const config = {
    apps: {
      billing: {
        binding: join(REPO, 'bindings/billing/index.ts'),
        scenarios: options.scenarios,
        snapshots,
      },
    },
  };
  writeFileSync(join(dir, 'sim.config.ts'), `export default ${JSON.stringify(config, null, 2)};\n`);
  return { dir, snapshots };
}

/** Generates the tiny fixture scenario for `days` into a new temporary folder; returns the snapshot's folder. */
export async function generateTiny(label: string, days = 3): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `sim-${label}-`));
  const tiny = join(REPO, 'test/fixtures/scenarios/tiny.yaml');
  const run = await runSim(['generate', tiny, '--days', String(days), '--out', out, '--quiet']);
  if (run.code !== 0) throw new Error(`sim generate tiny exited ${run.code}\n${run.stderr}`);
  return join(out, 'tiny');
}
