import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { applyProfile, scenarioParameters } from '../../bindings/billing/apply-profile.ts';
import { billingScenarioFormat } from '../../bindings/billing/billing-scenario.ts';
import { checkScenarioValue, loadScenario } from '../../engine/config/scenario-file.ts';
import type { CategoryCell, Profile, RateCell } from '../../engine/learn/profile-types.ts';
import { profileProvenance } from '../../engine/learn/profile-provenance.ts';
import { fixture, learnCli, scratch, spec } from './learn-support.ts';

let prod: ProductionFixture;
let profile: Profile;
let file: string;
const load = (name: string) => loadScenario(billingScenarioFormat, `scenarios/${name}.yaml`).value;
const baseline = load('baseline-45d');
const withoutHistory = load('growth-365d');

beforeAll(async () => {
  prod = await fixture(51);
  file = join(scratch('apply'), 'p.json');
  const r = await learnCli(prod.url, file);
  expect(r.run.code, r.run.stderr).toBe(0);
  profile = r.profile!;
});
afterAll(async () => {
  await prod?.drop();
});

const rate = (name: string) => (profile.metrics[name]!.groups['*'] as RateCell).rate;

describe('a profile’s provenance, for the manifest of a snapshot generated from it', () => {
  it('names the file’s hash, when and from which schema it was learned, and its privacy settings', () => {
    const p = profileProvenance(file, spec);
    expect(p.sha256).toBe('sha256:' + createHash('sha256').update(readFileSync(file)).digest('hex'));
    expect(p).toMatchObject({ learnedAt: profile.source.learnedAt, sourceSchemaHash: profile.source.schemaHash });
    expect(p.privacy).toEqual({
      unit: 'organizations.id',
      k: 10,
      userK: 10,
      epsilon: null,
      cellsSuppressed: profile.privacy.cellsSuppressed,
    });
  });
});

describe('applyProfile maps a learned profile onto the billing scenario', () => {
  it('replaces the parameters it covers and names every one it does not', () => {
    const { covered, uncovered } = applyProfile(baseline, profile);
    expect(covered).toEqual(
      expect.arrayContaining([
        'population.initialTenants',
        'population.arrivals',
        'population.weekdayWeights',
        'population.countries',
        'tenantSize.seats',
        'tenantSize.usersPerSeat',
        'tenantSize.roles',
        'plans.mix',
        'plans.soloMix',
        'plans.annualShare',
        'plans.trialShare',
        'plans.trialConversion',
        'plans.trialDays',
        'plans.couponShare',
        'behaviour.churnByTenure',
        'behaviour.refund',
        'behaviour.upgrade',
        'behaviour.downgrade',
        'vendors.payments.declineRate',
        'vendors.payments.cardBrands',
        'activity.weekday',
        'activity.hourOfDay',
        'activity.signInWhenActive',
      ]),
    );
    expect(uncovered).toContain('behaviour.cancelImmediately');
    expect(uncovered).toContain('usage.metrics.api_calls.amount');
    expect([...covered, ...uncovered].sort()).toEqual(scenarioParameters(baseline).sort());
  });

  it('writes a scenario the format accepts, every learned number carrying a note that names the profile', () => {
    const { scenario } = applyProfile(baseline, profile, { label: 'profiles/fixture.json', scale: 0.1 });
    const checked = checkScenarioValue(billingScenarioFormat, scenario, 'baseline-45d with profile');
    expect(checked.plans.mix.note).toBe(
      'From profile profiles/fixture.json (k=10): plan_mix_by_size, tenants of 2+ seats.',
    );
    expect(checked.tenantSize.seats.kind).toBe('empirical');
    expect(checked.plans.trialDays).toBe(30);
    expect(baseline.plans.mix.note).not.toMatch(/profile/); // the input is never mutated
  });

  it('keeps what the profile says: mixes and rates exactly', () => {
    const { scenario } = applyProfile(baseline, profile);
    const groups = profile.metrics.plan_mix_by_size!.groups as Record<string, CategoryCell>;
    for (const [group, mix] of [
      ['multi', scenario.plans.mix],
      ['solo', scenario.plans.soloMix],
    ] as const) {
      const w = mix.weights as Record<string, number>;
      const total = Object.values(w).reduce((a, b) => a + b, 0);
      for (const [code, share] of Object.entries(groups[group]!.shares)) {
        if (code !== '__other__') expect((w[code] ?? 0) / total, `${group} ${code}`).toBeCloseTo(share, 2);
      }
    }
    expect(scenario.plans.annualShare.value).toBeCloseTo(rate('annual_share'), 4);
    // The fixture's decline rate (10%, 55% for bad payers) is not the baseline's.
    expect(scenario.vendors.payments.declineRate.value).toBeGreaterThan(0.08);
  });

  it("lays production's arrival curve over the history, its last month on the window's", () => {
    const scale = 0.5;
    const { scenario } = applyProfile(baseline, profile, { scale });
    const curve = scenario.population.arrivals.perDay;
    // The fixture's 20 months end in the window's month, so the product launches mid-history.
    expect(curve[0]).toEqual({ from: baseline.history!.start.slice(0, 10), mean: 0 });
    expect(curve.map((e) => e.from)).toEqual([...curve.map((e) => e.from)].sort());
    expect(scenario.population.initialTenants.value).toBe(0);
    // Expected sign-ups over the months production has whole: its tenants times the scale.
    const shares = (profile.metrics.arrivals_by_month!.groups['*'] as CategoryCell).shares;
    const months = Object.keys(shares).sort();
    const whole = 1 - shares[months[months.length - 1]!]!;
    let expected = 0;
    for (let i = 1; i < curve.length - 1; i++) {
      const days = (Date.parse(curve[i + 1]!.from) - Date.parse(curve[i]!.from)) / 86_400_000;
      expected += curve[i]!.mean * days;
    }
    expect(expected / (prod.rows.organizations! * scale * whole)).toBeCloseTo(1, 1);
  });

  it('starts a scenario without history with the tenants production has active', () => {
    const { scenario } = applyProfile(withoutHistory, profile, { scale: 0.2 });
    const expected = prod.rows.organizations! * rate('active_share') * 0.2;
    expect(Math.abs(scenario.population.initialTenants.value - expected)).toBeLessThanOrEqual(1);
    expect(scenario.population.arrivals.perDay).toHaveLength(1);
  });

  it('turns the churn hazard by tenure into the churn curve, falling with tenure as the fixture’s does', () => {
    const { scenario } = applyProfile(baseline, profile);
    const monthly = scenario.behaviour.churnByTenure.monthly;
    expect(monthly[0]!.fromMonth).toBe(0);
    expect(monthly.length).toBeGreaterThan(1);
    expect(monthly[0]!.rate).toBeGreaterThan(monthly[monthly.length - 1]!.rate);
  });
});
