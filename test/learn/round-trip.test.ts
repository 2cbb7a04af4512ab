import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { applyProfile } from '../../bindings/billing/apply-profile.ts';
import { loadBillingScenario } from '../../scenarios/billing/scenario-schema.ts';
import { learnSnapshot } from '../../engine/learn/report-snapshot.ts';
import { scoreProfiles } from '../../engine/learn/score-profiles.ts';
import type { Profile } from '../../engine/learn/profile-types.ts';
import { fixture, learnCli, runSim, scratch, SERVER_URL, spec } from './learn-support.ts';

let prod: ProductionFixture;
let profile: Profile;
let dir: string;

beforeAll(async () => {
  prod = await fixture(61, 'small');
  dir = scratch('roundtrip');
  const r = await learnCli(prod.url, join(dir, 'p.json'));
  expect(r.run.code, r.run.stderr).toBe(0);
  profile = r.profile!;
});
afterAll(async () => {
  await prod?.drop();
});

describe('round trip: learn, apply, generate, learn again', () => {
  it('reproduces the mixes and rates the profile set, within sampling error', async () => {
    const baseline = loadBillingScenario('scenarios/baseline-45d.yaml').value;
    const { scenario, covered } = applyProfile(baseline, profile, { scale: 0.5, label: 'p.json' });
    const file = join(dir, 'baseline-45d.yaml');
    writeFileSync(file, stringify(scenario));
    const out = join(dir, 'snapshots');
    const run = await runSim([
      'generate',
      file,
      '--days',
      '30',
      '--backend',
      'postgres',
      '--database-url',
      SERVER_URL,
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const again = await learnSnapshot(spec, join(out, 'baseline-45d'), { k: 10, userK: 10 });
    const report = scoreProfiles(profile, again);
    const score = (id: string) => report.items.find((i) => i.id === id)?.score;
    const byParameter: Record<string, string> = {
      'plans.mix': 'metric plan_mix',
      'plans.currencies': 'metric currency_mix',
      'plans.annualShare': 'metric annual_share',
      'plans.trialShare': 'metric trial_share',
      'plans.couponShare': 'metric coupon_share',
      'plans.trialDays': 'metric trial_days',
      'vendors.payments.declineRate': 'metric payment_failure_rate',
    };
    for (const [parameter, id] of Object.entries(byParameter)) {
      expect(covered).toContain(parameter);
      expect(score(id), `${parameter} -> ${id}`).toBeGreaterThan(0.85);
    }
  });
});
