import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runSim, tempProject } from '../support/run-sim.ts';

describe('sim check', () => {
  it('passes on the committed snapshots', async () => {
    const run = await runSim(['check']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/fresh .*baseline-45d/);
  });

  it('a changed seed makes its snapshot stale (exit 5) and names the command that regenerates it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sim-check-'));
    cpSync(join(REPO, 'snapshots', 'baseline-45d'), join(work, 'snapshots', 'baseline-45d'), { recursive: true });
    // Check against a copy of the repo's scenarios with one seed changed.
    cpSync(join(REPO, 'scenarios'), join(work, 'scenarios'), { recursive: true });
    const file = join(work, 'scenarios', 'baseline-45d.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('seed: 20261124', 'seed: 20261125'));
    const project = tempProject({ scenarios: join(work, 'scenarios'), snapshots: join(work, 'snapshots') });
    const run = await runSim(['check'], { cwd: project.dir });
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/STALE .*baseline-45d: scenario file changed/);
    expect(run.stdout).toMatch(/regenerate: npx sim generate baseline-45d/);
  });
});

describe('sim diff', () => {
  it('summarises row counts, tenants and distribution shifts between two snapshots', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-diff-'));
    const tiny = join(REPO, 'test/fixtures/scenarios/tiny.yaml');
    const a = await runSim(['generate', tiny, '--days', '4', '--out', join(out, 'a'), '--quiet']);
    const b = await runSim(['generate', tiny, '--days', '6', '--out', join(out, 'b'), '--quiet']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const run = await runSim(['diff', join(out, 'a', 'tiny'), join(out, 'b', 'tiny')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/days: 4 -> 6/);
    expect(run.stdout).toMatch(/usage_records +\d+ +\d+ +\d+/);
    expect(run.stdout).toMatch(/tenants changed: /);
  });
});
