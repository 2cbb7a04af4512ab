import { spawn } from 'node:child_process';
import { REPO } from './run-sim.ts';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the script's last line of output to the process's exit. */
  exitAfterOutputMs: number;
}

/**
 * Runs a TypeScript module body in a fresh node process inside the repository (so it imports
 * `facade-sim/testing` as a user would), killing it after `timeoutMs`.
 */
export function runScript(source: string, options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    cwd: REPO,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lastOutput = performance.now();
  child.stdout.on('data', (d) => {
    stdout += d;
    lastOutput = performance.now();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, exitAfterOutputMs: performance.now() - lastOutput });
    });
  });
}
