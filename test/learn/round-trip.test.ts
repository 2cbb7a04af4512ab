import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { learnSnapshot } from '../../engine/learn/report-snapshot.ts';
import { scoreProfiles } from '../../engine/learn/score-profiles.ts';
import type { Profile } from '../../engine/learn/profile-types.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { fixture, learnCli, runSim, scratch, SERVER_URL, spec } from './learn-support.ts';

let prod: ProductionFixture;
let profile: Profile;
let dir: string;
// The profile lives in the project, as generate requires; a scratch folder git ignores.
const inProject = join(import.meta.dirname, '../../.sim-tmp', `round-trip-${process.pid}`);

beforeAll(async () => {
  prod = await fixture(61, 'small');
  dir = scratch('roundtrip');
  mkdirSync(inProject, { recursive: true });
  const r = await learnCli(prod.url, join(inProject, 'p.json'));
  expect(r.run.code, r.run.stderr).toBe(0);
  profile = r.profile!;
});
afterAll(async () => {
  await prod?.drop();
  rmSync(inProject, { recursive: true, force: true });
});

describe('round trip: learn, generate --profile, learn again', () => {
  it('reproduces the mixes and rates the profile set, within sampling error, and records the profile', async () => {
    const out = join(dir, 'snapshots');
    // The baseline without its mid-history repricing: the fixture's production never repriced a plan,
    // so a catalogue change would be a difference the profile cannot explain.
    const doc = parseDocument(readFileSync('scenarios/baseline-45d.yaml', 'utf8'));
    doc.set('catalogue', []);
    const scenario = join(dir, 'baseline-45d.yaml');
    writeFileSync(scenario, doc.toString());
    const args = ['generate', scenario, '--profile', join(inProject, 'p.json')];
    const run = await runSim([
      ...args,
      ...['--profile-scale', '0.5', '--days', '10', '--backend', 'postgres', '--database-url', SERVER_URL],
      ...['--checkpoints', 'none', '--out', out, '--quiet'],
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/replaced \d+ parameters: population\.initialTenants, population\.arrivals/);
    expect(run.stderr).toMatch(/kept \d+ from the scenario file: .*behaviour\.cancelImmediately/);
    const { manifest } = readSnapshot(join(out, 'baseline-45d'));
    expect(manifest.inputs.profile).toMatchObject({ scale: 0.5, sha256: expect.stringMatching(/^sha256:/) });
    expect(manifest.inputs.overrides.profile).toMatchObject({ scale: 0.5 });
    expect(manifest.provenance).toMatchObject({ learnedProfile: { privacy: { k: 10 } } });
    const again = await learnSnapshot(spec, join(out, 'baseline-45d'), { k: 10, userK: 10 });
    const report = scoreProfiles(profile, again);
    const score = (id: string) => report.items.find((i) => i.id === id)?.score;
    for (const id of [
      'metric plan_mix',
      'metric annual_share',
      'metric trial_share',
      'metric coupon_share',
      'metric trial_days',
      'metric payment_failure_rate',
      'metric churn_hazard',
      'metric tenure_months',
      'metric tenant_seats',
      'metric active_share',
      'metric activity_hour',
      'metric signup_weekday',
    ]) {
      expect(score(id), id).toBeGreaterThan(0.85);
    }
  });
});
