import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARIES, NINE_TENANT_COUNTRY } from '../fixtures/production/canaries.ts';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import type { Profile } from '../../engine/learn/profile-types.ts';
import { fixture, learnCli, numbersOf, runSim, scratch, stringsOf } from './learn-support.ts';

const TEXT_CANARIES = [
  CANARIES.email,
  CANARIES.fullName,
  CANARIES.billingEmail,
  CANARIES.legalName,
  CANARIES.supportNote,
  CANARIES.cancellationReason,
  'canary-holdings',
  'Canaryfield',
  'CANARY-NOTE',
  'Kestrelbyte',
];
/** The whale's seat count as a number on its own (not inside a hash or a longer number). */
const WHALE = new RegExp(`(?<![0-9a-f.])${CANARIES.whaleSeats}(?![0-9.])`);

let prod: ProductionFixture;
let dir: string;
let plain: Profile;
let plainBytes: string;

beforeAll(async () => {
  prod = await fixture(11);
  dir = scratch('privacy');
  const r = await learnCli(prod.url, join(dir, 'prod.json'));
  expect(r.run.code, r.run.stderr).toBe(0);
  plain = r.profile!;
  plainBytes = r.bytes;
});
afterAll(async () => {
  await prod?.drop();
});

describe('a profile learned from the production fixture', () => {
  // The canaries: an email, a name, a legal name, a support note, a free-text reason, a whale's
  // seat count and a lone country.
  it('holds none of the planted canaries', () => {
    for (const canary of TEXT_CANARIES) expect(plainBytes, canary).not.toContain(canary);
    expect(plainBytes).not.toMatch(WHALE);
    expect(numbersOf(plain)).not.toContain(CANARIES.whaleSeats);
    expect(stringsOf(plain)).not.toContain(CANARIES.loneCountry);
  });

  it('holds no string but schema names, the binding’s vocabulary and declared domain values', () => {
    // The fixture's free-text values outside every domain ('goodwill_gesture', 'card_velocity_exceeded')
    // were folded in the database.
    expect(plainBytes).not.toContain('goodwill_gesture');
    expect(plainBytes).not.toContain('card_velocity_exceeded');
    expect(plain.tables.refunds!.columns.reason!.categories).toHaveProperty('__other__');
  });

  it('counts nulls as nulls, never as __other__', () => {
    const failure = plain.tables.payment_attempts!.columns.failure_code!;
    expect(failure.nullFraction).toBeGreaterThan(0.5);
    const shares = failure.categories!;
    expect(shares.insufficient_funds).toBeGreaterThan(0.3);
    const total = Object.values(shares).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.95); // shares of the non-null values; a dropped short cell leaves the rest
    expect(total).toBeLessThanOrEqual(1.0001);
    expect(shares.__other__ ?? 0).toBeLessThan(0.05);
  });

  it(`suppresses a cell of k-1 = 9 tenants (${NINE_TENANT_COUNTRY}) and releases it at k = 9`, async () => {
    const countries = plain.tables.organizations!.columns.country!.categories!;
    expect(Object.keys(countries)).not.toContain(NINE_TENANT_COUNTRY);
    expect(countries.__other__).toBeGreaterThan(0);
    expect(plain.privacy.suppressed).toContainEqual({ statistic: 'column organizations.country', cells: 2 });
    const k9 = await learnCli(prod.url, join(dir, 'k9.json'), ['--k', '9']);
    expect(k9.run.code, k9.run.stderr).toBe(0);
    expect(Object.keys(k9.profile!.tables.organizations!.columns.country!.categories!)).toContain(NINE_TENANT_COUNTRY);
    expect(k9.profile!.privacy.k).toBe(9);
    // The lone tenant stays hidden at any k the CLI accepts.
    expect(stringsOf(k9.profile)).not.toContain(CANARIES.loneCountry);
  });

  it('rounds counts to two significant figures and never releases a minimum or maximum', () => {
    for (const t of Object.values(plain.tables)) {
      if (t.rows && t.rows >= 100) expect(Number(t.rows.toPrecision(2))).toBe(t.rows);
      for (const c of Object.values(t.columns)) {
        const q = c.quantiles ?? c.length;
        if (!q) continue;
        expect(Math.min(...q.p)).toBeGreaterThanOrEqual(0.005);
        expect(Math.max(...q.p)).toBeLessThanOrEqual(0.995);
      }
    }
  });

  it('with --epsilon, adds noise to released counts and writes the budget and its split to the ledger', async () => {
    const dp = await learnCli(prod.url, join(dir, 'dp.json'), ['--epsilon', '1']);
    expect(dp.run.code, dp.run.stderr).toBe(0);
    const p = dp.profile!;
    expect(plain.privacy.epsilon).toBeNull();
    expect(p.privacy.epsilon).toMatchObject({ total: 1, mechanism: 'laplace' });
    const spent = p.privacy.epsilon!.split.reduce((a, s) => a + s.epsilon, 0);
    expect(spent).toBeCloseTo(1, 2);
    expect(p.privacy.epsilon!.split.map((s) => s.statistic)).toContain('column organizations.country');
    expect(p.privacy.epsilon!.withheld).toContain('quantiles of invoices.total_cents');
    const rows = (q: Profile) => Object.values(q.tables).map((t) => t.rows);
    expect(rows(p)).not.toEqual(rows(plain));
    expect(p.metrics.plan_mix!.groups['*']).not.toEqual(plain.metrics.plan_mix!.groups['*']);
    for (const canary of TEXT_CANARIES) expect(dp.bytes).not.toContain(canary);
  });
});

describe('a report drawn from that profile', () => {
  it('holds none of the canaries either', async () => {
    const out = join(dir, 'report.html');
    const run = await runSim([
      'report',
      'snapshots/payment-outage-30d',
      '--profile',
      join(dir, 'prod.json'),
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    for (const canary of TEXT_CANARIES) expect(html, canary).not.toContain(canary);
    expect(html).not.toMatch(WHALE);
    expect(html).not.toMatch(new RegExp(`\\b${CANARIES.loneCountry}\\b`));
  });
});
