import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/config/index.ts';
import { loadScenario } from '../../engine/config/scenario-file.ts';
import { billingScenarioFormat } from '../../bindings/billing/billing-scenario.ts';

import { REPO, runSim } from '../support/run-sim.ts';
import { BAD_SCENARIOS, BASE, replace, variant } from '../fixtures/bad-scenarios.ts';

const loadBillingScenario = (file: string) => loadScenario(billingScenarioFormat, file);

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
    expect(() => loadBillingScenario(file)).toThrow(/scenario file is \d+ bytes; the limit is 1000000/);
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
