import { defineScenarioFormat, distribution, rate, t, weighted, type Scenario } from '../../engine/index.ts';

const note = t.string({ minLength: 3, patternHint: 'a note on where the number comes from' });
const weekday = t.number({ min: 0, max: 10 });
export const PLAN_CODES = ['starter', 'team', 'business', 'enterprise'] as const;
export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
export const LOCALES = [
  ...['en', 'en_GB', 'de', 'fr', 'es', 'pt_BR', 'ja', 'zh_CN'],
  ...['ko', 'ar', 'ru', 'he', 'el', 'vi', 'tr', 'uk'],
] as const;

/**
 * The billing app's own sections of a scenario file (YAML 1.2); the engine adds name, seed,
 * start, days, timezone, history, checkpoints and profile. Every parameter is a rate or a
 * distribution with a note on where its number comes from, so a learned profile can replace it;
 * per-tenant rates are daily hazards unless the name says otherwise.
 */
const sections = {
  population: t.object({
    initialTenants: t.object({ value: t.number({ integer: true, min: 0, max: 100_000 }), note }),
    arrivalsPerDay: distribution(),
    weekdayWeights: t.object({
      ...{ mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: weekday, sun: weekday },
      note,
    }),
  }),
  tenantSize: t.object({ seats: distribution(), usersPerSeat: distribution() }),
  plans: t.object({
    mix: weighted({ keys: PLAN_CODES, keyHint: 'plan' }),
    currencies: weighted({ keys: CURRENCIES, keyHint: 'currency' }),
    annualShare: rate(),
    trialShare: rate(),
    trialDays: t.number({ integer: true, min: 1, max: 90 }),
    couponShare: rate(),
  }),
  behaviour: t.object({
    inviteUser: rate(),
    changeRole: rate(),
    deactivateUser: rate(),
    seatChange: rate(),
    upgrade: rate(),
    downgrade: rate(),
    churn: rate(),
    cancelImmediately: rate(),
    reactivate: rate(),
    cardReplacement: rate(),
    supportNote: rate(),
    refund: rate(),
    webhookEndpoint: rate(),
    signInsPerUserPerDay: distribution(),
  }),
  usage: t.object({
    metrics: t.record(distribution(), {
      keyPattern: /^[a-z][a-z0-9_]{0,40}$/,
      keyHint: 'a metric name like api_calls',
      minKeys: 1,
    }),
  }),
  vendors: t.object({
    payments: t.object({
      declineRate: rate(),
      outages: t.array(t.object({ start: t.instant(), end: t.instant(), note }), { maxItems: 100 }),
    }),
    email: t.object({ failureRate: rate() }),
    webhooks: t.object({ failureRate: rate() }),
  }),
  /** Per-tenant overrides by actor label (t0, t1, … for initial tenants): change one tenant, nothing else moves. */
  tenantOverrides: t.optional(
    t.record(
      t.object({
        seats: t.optional(t.number({ integer: true, min: 1, max: 1_000_000 })),
        plan: t.optional(t.enum(PLAN_CODES)),
      }),
      { keyPattern: /^(t\d+|a\d+\.\d+)$/, keyHint: 'a tenant label like t3 or a12.0' },
    ),
  ),
  quirks: t.object({
    locales: weighted({ keys: LOCALES, keyHint: 'locale' }),
    caseVariantDuplicateEmails: rate(),
    nulls: rate(),
    maxLengthStrings: rate(),
    edgeTimestamps: rate(),
    badCards: rate(),
  }),
};

export const billingScenarioFormat = defineScenarioFormat(sections, {
  refine(s, report) {
    for (const [i, w] of s.vendors.payments.outages.entries()) {
      if (Date.parse(w.end) <= Date.parse(w.start)) {
        report(['vendors', 'payments', 'outages', i, 'end'], 'outage ends before it starts');
      }
    }
  },
});

/** A billing scenario file's value, derived from its validator (one source for the type). */
export type BillingScenario = Scenario<typeof sections>;
export type Rate = BillingScenario['behaviour']['churn'];
