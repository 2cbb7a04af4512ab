import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createProductionFixture, type ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { runSim, SERVER_URL } from '../support/run-sim.ts';
import { billingLearnSpec } from '../../bindings/billing/learn-metrics.ts';
import { readProfile } from '../../engine/learn/profile-validator.ts';
import type { Profile } from '../../engine/learn/profile-types.ts';

export { SERVER_URL, runSim };
export const spec = billingLearnSpec;

const scratchDirs: string[] = [];
// Registered while the importing test file is collected, so it runs after that file's tests.
afterAll(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory, removed after the test file that made it. */
export function scratch(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sim-learn-${label}-`));
  scratchDirs.push(dir);
  return dir;
}

/** A production fixture for one test file, dropped in afterAll. */
export async function fixture(seed: number, size: 'small' | 'test' | 'bench' = 'test'): Promise<ProductionFixture> {
  return createProductionFixture(SERVER_URL, { seed, size });
}

/** `sim learn` through the real CLI; returns the run and the profile it wrote (if any). */
export async function learnCli(url: string, out: string, extra: string[] = []) {
  const run = await runSim(['learn', '--database-url', url, '--out', out, '--quiet', ...extra]);
  const profile: Profile | undefined = run.code === 0 && existsSync(out) ? readProfile(out, spec) : undefined;
  return { run, profile, bytes: existsSync(out) ? readFileSync(out, 'utf8') : '' };
}

/** Every string value and key in a JSON document. */
export function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out);
    }
  }
  return out;
}

/** Every number in a JSON document. */
export function numbersOf(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => numbersOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => numbersOf(v, out));
  return out;
}
