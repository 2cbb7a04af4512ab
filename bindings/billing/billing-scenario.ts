import { defineScenarioFormat, distribution, rate, t, weighted, type Scenario } from '../../engine/index.ts';
import { COUNTRY_CODES } from './world/countries.ts';
import { DEVICES } from './actors/devices.ts';

/** Seats of one tenant: the largest self-serve or enterprise customers have tens of thousands. */
export const MAX_SEATS = 100_000;

const note = t.string({ minLength: 3, patternHint: 'a note on where the number comes from' });
const weekday = t.number({ min: 0, max: 10 });
const weekdays = { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: weekday, sun: weekday };
export const PLAN_CODES = ['starter', 'team', 'business', 'enterprise'] as const;
export const CURRENCIES = ['USD', 'EUR', 'GBP'] as const;
const plan = t.enum(PLAN_CODES);
/** A rate per month: converted to a daily hazard where it is applied. */
const monthly = rate;
const grain = t.enum(['daily', 'weekly', 'monthly', 'none'] as const);

/**
 * The billing app's own sections of a scenario file (YAML 1.2); the engine adds name, seed,
 * start, days, timezone, history, checkpoints and profile. Every parameter is a rate or a
 * distribution with a note on where its number comes from, so a learned profile can replace it.
 * Rates are daily per tenant unless their name says otherwise.
 */
const sections = {
  population: t.object({
    /** Customers that sign up over the simulation's first day (0: the product launches then). */
    initialTenants: t.object({ value: t.number({ integer: true, min: 0, max: 100_000 }), note }),
    /** New sign-ups per day: a Poisson count around a mean that grows along the dates given. */
    arrivals: t.object({
      perDay: t.array(t.object({ from: t.date(), mean: t.number({ min: 0, max: 10_000 }) }), {
        minItems: 1,
        maxItems: 200,
      }),
      note,
    }),
    weekdayWeights: t.object({ ...weekdays, note }),
    countries: weighted({ keys: COUNTRY_CODES, keyHint: 'country' }),
  }),
  tenantSize: t.object({
    /** Bounded like the per-tenant override: a tenant of more seats is a typo that would fill the disk. */
    seats: distribution({ min: 0, max: MAX_SEATS }),
    usersPerSeat: distribution({ min: 0, max: 20 }),
    roles: weighted({ keys: ['member', 'admin', 'billing', 'viewer'] as const, keyHint: 'role' }),
  }),
  plans: t.object({
    mix: weighted({ keys: PLAN_CODES, keyHint: 'plan' }),
    /** What a one-seat customer picks: almost never Enterprise. */
    soloMix: weighted({ keys: PLAN_CODES, keyHint: 'plan' }),
    /** From this many seats a customer is sold Enterprise. */
    enterpriseFromSeats: t.object({ value: t.number({ integer: true, min: 1, max: 1_000_000 }), note }),
    annualShare: rate(),
    trialShare: rate(),
    trialDays: t.number({ integer: true, min: 1, max: 90 }),
    /** Share of trials that add a card before the trial ends (the rest fail their first charge). */
    trialConversion: rate(),
    couponShare: rate(),
  }),
  /** The admin's price changes over the history: a new price for new subscribers, or a retired plan. */
  catalogue: t.array(
    t.object(
      {
        at: t.instant(),
        action: t.enum(['reprice', 'retire'] as const),
        plan,
        /** reprice: the change in percent (+15 is 15% dearer). */
        percent: t.optional(t.number({ min: -90, max: 500 })),
        /** retire: the plan new subscribers who would have picked it choose instead. */
        successor: t.optional(plan),
        note,
      },
      {
        refine(v, report) {
          if (v.action === 'reprice' && v.percent === undefined) report(['percent'], 'a reprice needs percent');
          if (v.action === 'retire' && v.successor === undefined) {
            report(['successor'], 'a retirement needs a successor');
          }
          if (v.successor === v.plan) report(['successor'], 'a plan cannot succeed itself');
        },
      },
    ),
    { maxItems: 100 },
  ),
  behaviour: t.object({
    /** Monthly logo churn by tenure: each entry applies from its month of tenure on. */
    churnByTenure: t.object({
      monthly: t.array(
        t.object({ fromMonth: t.number({ integer: true, min: 0, max: 600 }), rate: t.number({ min: 0, max: 1 }) }),
        {
          minItems: 1,
          maxItems: 50,
        },
      ),
      note,
    }),
    cancelImmediately: rate(),
    /** Monthly chance that a churned customer comes back, for a year after leaving. */
    winBackMonthly: monthly(),
    invitesPerSeatMonthly: monthly(),
    deactivationsPerUserMonthly: monthly(),
    roleChangesPerUserMonthly: monthly(),
    seatChange: rate(),
    /** Of seat changes, the share that add seats; the rest remove some. */
    seatChangeUpShare: rate(),
    /** The largest change, as a share of the current seats (at least one seat). */
    seatChangeMaxShare: rate(),
    upgrade: rate(),
    downgrade: rate(),
    cardReplacement: rate(),
    /** Share of cards replaced before they expire (reminders, the networks' account updaters). */
    cardRenewedBeforeExpiry: rate(),
    /** After a failed renewal charge, the chance the customer puts in a working card within days. */
    fixCardAfterFailure: rate(),
    supportNote: rate(),
    refund: rate(),
    /** Of refunds, the share that return the whole invoice. */
    refundFullShare: rate(),
    webhookEndpoint: rate(),
  }),
  /** The day's rhythm: when users act, in their tenant's local time. */
  activity: t.object({
    /** Each user's chance to be active on a working day (drawn once per user: heavy and light users). */
    userActiveChance: distribution({ min: 0, max: 1 }),
    /** Share of active days that start with a sign-in (sessions last several days). */
    signInWhenActive: rate(),
    /** Chance of a second sign-in (another device) on a day a user signs in. */
    secondSignIn: rate(),
    /** Activity of each weekday relative to a Monday. */
    weekday: t.object({ ...weekdays, note }),
    /** Relative activity per local hour, 00 to 23. */
    hourOfDay: t.object({ weights: t.array(t.number({ min: 0, max: 1e6 }), { minItems: 24, maxItems: 24 }), note }),
    devices: weighted({ keys: DEVICES, keyHint: 'device' }),
    /** How many releases behind the newest a user's browser is, by share. */
    softwareLag: weighted({ keys: ['0', '1', '2', '3'] as const, keyHint: 'releases behind' }),
    ipv6Share: rate(),
    /** Share of a tenant's users who work from its office network (the rest from their own). */
    officeShare: rate(),
    /**
     * Before history.detailFrom: how telemetry is recorded (lifecycle events are always in full),
     * and how often the app's frequent jobs (renewals, webhook retries) run, as a daily batch would.
     */
    beforeDetail: t.object({
      signIns: grain,
      usage: grain,
      jobsEveryHours: t.number({ integer: true, min: 1, max: 24 }),
      note,
    }),
  }),
  usage: t.object({
    metrics: t.record(
      t.object({
        /** What one amount is drawn for each day: the tenant, each seat, or each user active that day. */
        per: t.enum(['tenant', 'seat', 'activeUser'] as const),
        amount: distribution(),
      }),
      { keyPattern: /^[a-z][a-z0-9_]{0,40}$/, keyHint: 'a metric name like api_calls', minKeys: 1 },
    ),
  }),
  vendors: t.object({
    payments: t.object({
      declineRate: rate(),
      cardBrands: weighted({ keys: ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'unionpay', 'diners'] as const }),
      outages: t.array(t.object({ start: t.instant(), end: t.instant(), note }), { maxItems: 100 }),
    }),
    email: t.object({ failureRate: rate() }),
    webhooks: t.object({ failureRate: rate() }),
  }),
  /** Per-tenant overrides by label (t0, t1, … for initial tenants; a<day>.<n> for arrivals). */
  tenantOverrides: t.optional(
    t.record(
      t.object({
        seats: t.optional(t.number({ integer: true, min: 1, max: MAX_SEATS })),
        plan: t.optional(plan),
      }),
      { keyPattern: /^(t\d+|a\d+\.\d+)$/, keyHint: 'a tenant label like t3 or a12.0' },
    ),
  ),
  quirks: t.object({
    /** Users named in another script than their country's (colleagues abroad, diaspora). */
    foreignNames: rate(),
    caseVariantDuplicateEmails: rate(),
    /** One-seat customers who sign up with a personal mailbox rather than a company domain. */
    personalEmailsOfSoloTenants: rate(),
    nulls: rate(),
    longNames: rate(),
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
    const dates = s.population.arrivals.perDay.map((p) => Date.parse(p.from));
    for (let i = 1; i < dates.length; i++) {
      if (dates[i]! <= dates[i - 1]!) report(['population', 'arrivals', 'perDay', i, 'from'], 'dates must increase');
    }
    const months = s.behaviour.churnByTenure.monthly.map((m) => m.fromMonth);
    if (months[0] !== 0) {
      report(['behaviour', 'churnByTenure', 'monthly', 0, 'fromMonth'], 'the first entry starts at month 0');
    }
    for (let i = 1; i < months.length; i++) {
      if (months[i]! <= months[i - 1]!) {
        report(['behaviour', 'churnByTenure', 'monthly', i, 'fromMonth'], 'months must increase');
      }
    }
    if (s.activity.hourOfDay.weights.every((w) => w === 0)) {
      report(['activity', 'hourOfDay', 'weights'], 'at least one hour needs a weight above 0');
    }
  },
});

/** A billing scenario file's value, derived from its validator (one source for the type). */
export type BillingScenario = Scenario<typeof sections>;
export type Rate = BillingScenario['behaviour']['refund'];
