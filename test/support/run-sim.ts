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
