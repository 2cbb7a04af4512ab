import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/config/index.ts';
import { loadBillingScenario } from '../../bindings/billing/scenario-schema.ts';
import { REPO, runSim } from '../support/run-sim.ts';
import { BAD_SCENARIOS, BASE, replace, variant } from '../fixtures/bad-scenarios.ts';

describe('scenario files: bad input is refused with file:line:column, exit 2', () => {
  it.each(BAD_SCENARIOS)('%s', (_what, text, message) => {
    const file = variant(text);
    let error: unknown;
    try {
      loadBillingScenario(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect((error as Error).message).toMatch(message);
  });

  it('an oversized file is refused before it is parsed', () => {
    const file = variant(BASE + '#'.repeat(1_100_000));
    expect(() => loadBillingScenario(file)).toThrow(/larger than 1000000 bytes/);
  });

  it('the CLI exits 2, prints the position, and writes nothing', async () => {
    const file = variant(replace('seed: 20261124', 'seeed: 20261124'));
    const out = mkdtempSync(join(tmpdir(), 'sim-out-'));
    const run = await runSim(['generate', file, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/baseline-45d\.yaml:\d+:1: seeed: unknown key 'seeed' \(did you mean 'seed'\?\)/);
    expect(existsSync(join(out, 'baseline-45d'))).toBe(false);
  });

  it('every committed scenario is valid', () => {
    for (const name of ['baseline-45d']) {
      expect(loadBillingScenario(join(REPO, 'scenarios', `${name}.yaml`)).name).toBe(name);
    }
  });
});
