import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppBinding } from '../../engine/index.ts';
import { generate } from '../../engine/run/generate.ts';
import { REPO, SERVER_URL } from '../support/run-sim.ts';

const TINY = join(REPO, 'test/fixtures/scenarios/tiny.yaml');

const LEAKY = join(REPO, 'test/fixtures/bindings/leaky-binding.ts');
const leakyBinding = (await import(LEAKY)).default as AppBinding;

describe('clock leaks: every timestamp must lie in the simulated window', () => {
  it('on a server, a DEFAULT/trigger now() escapes the clock: the run exits 5, naming the column', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-leak-'));
    const run = generate(leakyBinding, {
      bindingModule: LEAKY,
      projectRoot: REPO,
      scenarioFile: TINY,
      days: 3,
      outDir: out,
      backend: 'postgres',
      databaseUrl: SERVER_URL,
      quiet: true,
      log: () => {},
    });
    await expect(run).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringMatching(
        new RegExp(
          'clock leak[\\s\\S]*public\\.organizations\\.created_at[\\s\\S]*' +
            'reproduce with: npx sim generate .*tiny\\.yaml --seed 7 --days 3 --backend postgres',
        ),
      ),
    });
  });

  it('embedded, PGlite now() follows the simulated clock, so the same trigger is harmless', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-leak-'));
    const result = await generate(leakyBinding, {
      bindingModule: LEAKY,
      projectRoot: REPO,
      scenarioFile: TINY,
      days: 3,
      outDir: out,
      backend: 'pglite',
      quiet: true,
      log: () => {},
    });
    expect(result.manifest.rowCounts.organizations).toBeGreaterThan(0);
    expect(result.files['dump.sql']).toMatch(/2026-02-2[0-2] \d\d:\d\d:\d\d/);
  });
});
