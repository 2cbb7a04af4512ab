import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { applyProfile, billingHistoryFromProfile, scenarioParameters } from '../../bindings/billing/apply-profile.ts';
import { loadBillingScenario } from '../../scenarios/billing/scenario-schema.ts';
import type { CountsCell, Profile, RateCell } from '../../engine/learn/profile-types.ts';
import { profileProvenance } from '../../engine/learn/profile-provenance.ts';
import { fixture, learnCli, scratch, spec } from './learn-support.ts';

let prod: ProductionFixture;
let profile: Profile;
let file: string;
const baseline = loadBillingScenario('scenarios/baseline-45d.yaml').value;

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

const mean = (d: { values: number[]; weights: number[] }) =>
  d.values.reduce((a, v, i) => a + v * d.weights[i]!, 0) / d.weights.reduce((a, w) => a + w, 0);

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
  it('replaces the parameters it covers and names the ones it does not', () => {
    const { covered, uncovered, unused } = applyProfile(baseline, profile);
    expect(covered).toEqual(
      expect.arrayContaining([
        'population.initialTenants',
        'population.arrivalsPerDay',
        'population.weekdayWeights',
        'tenantSize.seats',
        'tenantSize.usersPerSeat',
        'plans.mix',
        'plans.currencies',
        'plans.annualShare',
        'plans.trialShare',
        'plans.trialDays',
        'plans.couponShare',
        'behaviour.churn',
        'vendors.payments.declineRate',
        'quirks.locales',
      ]),
    );
    expect(uncovered).toContain('behaviour.inviteUser');
    expect(uncovered).toContain('usage.metrics.api_calls');
    expect([...covered, ...uncovered].sort()).toEqual(scenarioParameters(baseline).sort());
    // History shape is learned before the scenario format can consume it.
    expect(unused).toEqual(expect.arrayContaining(['tenure_months']));
  });

  it('writes a scenario the scenario loader accepts, every learned number carrying a note that names the profile', () => {
    const { scenario } = applyProfile(baseline, profile, { label: 'profiles/fixture.json', scale: 0.1 });
    const dir = scratch('scenario');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'baseline-45d.yaml');
    writeFileSync(file, stringify(scenario));
    const loaded = loadBillingScenario(file).value;
    expect(loaded.plans.mix.note).toMatch(/^From profile profiles\/fixture\.json \(k=10\): plan_mix\.$/);
    expect(loaded.tenantSize.seats.kind).toBe('empirical');
    expect(loaded.plans.trialDays).toBe(30);
  });

  it('keeps what the profile says: mixes, rates, and the seat distribution’s mean (its tail calibrated bin by bin)', () => {
    const { scenario } = applyProfile(baseline, profile);
    const plan = profile.metrics.plan_mix!.groups['*'] as { shares: Record<string, number> };
    const w = scenario.plans.mix.weights;
    const total = Object.values(w).reduce((a, b) => a + b, 0);
    for (const [code, share] of Object.entries(plan.shares)) expect(w[code]! / total).toBeCloseTo(share, 3);
    expect(scenario.plans.annualShare.value).toBe((profile.metrics.annual_share!.groups['*'] as RateCell).rate);
    const seats = profile.metrics.tenant_seats!.groups['*'] as CountsCell;
    expect(mean(scenario.tenantSize.seats as { values: number[]; weights: number[] }) / seats.mean!).toBeCloseTo(1, 1);
    // The fixture's decline rate (10%, 55% for bad payers) is not the baseline's 4.5%.
    expect(scenario.vendors.payments.declineRate.value).toBeGreaterThan(0.08);
  });

  it('gives the history section what it will need: arrivals by month, churn hazard by tenure month, tenure', () => {
    const h = billingHistoryFromProfile(profile);
    expect(Object.keys(h.arrivalsByMonth).length).toBeGreaterThanOrEqual(18);
    const hazard = h.churnHazardByTenureMonth;
    expect(hazard['0']).toBeGreaterThan(hazard['9']!); // churn falls with tenure in the fixture
    expect(h.tenureMonths?.values.length).toBeGreaterThan(10);
  });
});
