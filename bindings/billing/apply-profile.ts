import type { AppliedProfile, ApplyProfileOptions } from '../../engine/learn/app-learn.ts';
import { expandOrdinal, spreadOrdinalRates } from '../../engine/learn/distribution-distance.ts';
import { binsToEmpirical, quantilesToEmpirical, type Empirical } from '../../engine/learn/profile-distributions.ts';
import {
  ALL_GROUPS,
  type CategoryCell,
  type CountsCell,
  type MetricCell,
  type Profile,
  type QuantilesCell,
  type RateCell,
} from '../../engine/learn/profile-types.ts';
import { sample, type Distribution } from '../../engine/rng/distribution.ts';
import { RandomStream } from '../../engine/rng/random-stream.ts';
import { PLAN_CODES, type BillingScenario } from './billing-scenario.ts';
import { COUNTRY_CODES } from './world/countries.ts';

const DAYS_PER_MONTH = 30.436875;
const DAY_MS = 86_400_000;
const round = (x: number, digits = 4) => Number(x.toPrecision(digits));
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const ROLES = ['member', 'admin', 'billing', 'viewer'] as const;
const BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'unionpay', 'diners'] as const;

/** Read access to a profile that answers undefined for anything suppressed or absent, and remembers what was read. */
class ProfileView {
  readonly read = new Set<string>();
  constructor(readonly profile: Profile) {}
  metric<T extends MetricCell>(name: string, group = ALL_GROUPS): T | undefined {
    this.read.add(name);
    return this.profile.metrics[name]?.groups[group] as T | undefined;
  }
  metricGroups<T extends MetricCell>(name: string): Record<string, T> {
    this.read.add(name);
    return (this.profile.metrics[name]?.groups ?? {}) as Record<string, T>;
  }
  table(name: string) {
    return this.profile.tables[name];
  }
  categories(table: string, column: string): Record<string, number> | undefined {
    return this.profile.tables[table]?.columns[column]?.categories ?? undefined;
  }
}

type Note = (what: string) => string;

/** One mapping replaces one or more scenario parameters; it answers false when what it needs is suppressed. */
interface Mapping {
  /** Dotted paths of the scenario parameters it replaces. */
  params: string[];
  apply(s: BillingScenario, p: ProfileView, note: Note, o: ApplyProfileOptions): boolean;
}

const empirical = (e: Empirical, note: string) => ({
  kind: 'empirical' as const,
  values: e.values,
  weights: e.weights,
  note,
});

/** Shares over labels as weights (percent), keeping only labels the scenario format knows. */
function weightsOf<K extends string>(
  shares: Record<string, number>,
  keys: readonly K[],
): Record<K, number> | undefined {
  const weights = {} as Record<K, number>;
  for (const k of keys) if ((shares[k] ?? 0) > 0) weights[k] = round(shares[k]! * 100);
  return Object.keys(weights).length ? weights : undefined;
}

const rateOf = (cell: RateCell | undefined, note: string) => (cell ? { value: round(cell.rate), note } : undefined);

/** The mean of a distribution clamped to [0, 1], by a fixed-seed sample: the actors clamp it too. */
function clampedMean(d: Distribution): number {
  const rng = new RandomStream('apply-profile-mean');
  let total = 0;
  for (let i = 0; i < 4000; i++) total += Math.min(1, Math.max(0, sample(d, rng)));
  return total / 4000;
}

const monthIndex = (label: string) => Number(label.slice(0, 4)) * 12 + Number(label.slice(5, 7)) - 1;
const monthStartMs = (index: number) => Date.UTC(Math.floor(index / 12), index % 12, 1);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Sign-ups: production's arrivals by calendar month, moved so that its last (partial) month falls
 * on the month the window starts, become the scenario's arrival curve; the last full quarter's rate
 * carries on through the window. Months that land before the history starts become the tenants
 * already there on its first day (those still active, by the active share).
 */
const arrivals: Mapping = {
  params: ['population.initialTenants', 'population.arrivals'],
  apply(s, p, note, o) {
    const rows = p.table('organizations')?.rows;
    const cell = p.metric<CategoryCell>('arrivals_by_month');
    const active = p.metric<RateCell>('active_share')?.rate ?? 1;
    if (!rows || !cell) return false;
    const months = Object.entries(expandOrdinal(cell.shares))
      .filter(([label]) => /^\d{4}-\d{2}$/.test(label))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    if (!months.length) return false;
    const full = months.length > 1 ? months.slice(0, -1) : months;
    const recent = full.slice(-3);
    const recentPerDay = ((recent.reduce((t, [, v]) => t + v, 0) / recent.length) * rows * o.scale) / DAYS_PER_MONTH;
    const startMs = Date.parse(s.start);
    const historyMs = s.history ? Date.parse(s.history.start) : startMs;
    const windowMonth = new Date(startMs).getUTCFullYear() * 12 + new Date(startMs).getUTCMonth();
    const shift = windowMonth - monthIndex(months[months.length - 1]![0]);
    const perDay: { from: string; mean: number }[] = [];
    let before = 0;
    for (const [label, share] of full) {
      const index = monthIndex(label) + shift;
      const fromMs = monthStartMs(index);
      const days = (monthStartMs(index + 1) - fromMs) / DAY_MS;
      if (monthStartMs(index + 1) <= historyMs) {
        before += share * rows * o.scale;
        continue;
      }
      perDay.push({ from: isoDate(Math.max(fromMs, historyMs)), mean: round((share * rows * o.scale) / days) });
    }
    perDay.push({ from: isoDate(Math.max(monthStartMs(windowMonth), historyMs)), mean: round(recentPerDay) });
    // Production had not launched yet: nobody signs up until its first month.
    if (perDay[0]!.from > isoDate(historyMs)) perDay.unshift({ from: isoDate(historyMs), mean: 0 });
    const curve = perDay.filter((e, i) => i === perDay.length - 1 || perDay[i + 1]!.from !== e.from);
    const initial = historyMs < startMs ? before * active : rows * active * o.scale;
    s.population.initialTenants = {
      value: Math.min(100_000, Math.round(initial)),
      note: note(
        historyMs < startMs
          ? 'arrivals_by_month before the history start x active_share'
          : `organizations x active_share, scale ${o.scale}`,
      ),
    };
    s.population.arrivals = {
      perDay: curve,
      note: note(
        `arrivals_by_month x organizations x scale ${o.scale}, production's last month moved onto the window's ` +
          `first; ` +
          'the last three full months carry on through the window',
      ),
    };
    return true;
  },
};

/** Plain shares and rates: one metric each. */
const RATES: [string, string][] = [
  ['plans.annualShare', 'annual_share'],
  ['plans.trialShare', 'trial_share'],
  ['plans.trialConversion', 'trial_conversion'],
  ['plans.couponShare', 'coupon_share'],
  ['vendors.payments.declineRate', 'payment_failure_rate'],
];

/**
 * One small mapping per scenario parameter: adding a parameter is adding an entry here. Each
 * reads only aggregate, k-thresholded cells and writes a note naming the profile.
 */
export const BILLING_PROFILE_MAPPINGS: Mapping[] = [
  arrivals,
  {
    params: ['population.weekdayWeights'],
    apply(s, p, note) {
      const cell = p.metric<CategoryCell>('signup_weekday');
      if (!cell) return false;
      const total = Object.values(cell.shares).reduce((a, b) => a + b, 0);
      const w = (d: number) => Math.min(10, round(((cell.shares[String(d)] ?? 0) / total) * 7, 3));
      s.population.weekdayWeights = {
        ...Object.fromEntries(WEEKDAY_KEYS.map((k, i) => [k, w(i + 1)])),
        note: note('signup_weekday, 7 x the share of each ISO weekday'),
      } as BillingScenario['population']['weekdayWeights'];
      return true;
    },
  },
  {
    params: ['population.countries'],
    apply(s, p, note) {
      const shares = p.categories('organizations', 'country');
      const weights = shares && weightsOf(shares, COUNTRY_CODES);
      if (!weights) return false;
      const modelled = Object.values(weights).reduce((a, b) => a + b, 0) / 100;
      s.population.countries = {
        kind: 'weighted',
        weights,
        note: note(
          `organizations.country; ${round((1 - modelled) * 100, 2)}% of tenants are in countries the world model ` +
            'does not know (or below k) and are spread over the rest',
        ),
      };
      return true;
    },
  },
  {
    params: ['tenantSize.seats'],
    apply(s, p, note) {
      const cell = p.metric<CountsCell>('tenant_seats');
      // A tenant without a subscription has no seats: the scenario draws seats for paying tenants.
      const bins = cell?.bins.filter((b) => b.lo >= 1);
      if (!cell || !bins?.length) return false;
      const paying = bins.reduce((a, b) => a + b.share, 0);
      const mean = bins.reduce((a, b) => a + (b.mean ?? (b.lo + b.hi - 1) / 2) * b.share, 0) / paying;
      s.tenantSize.seats = empirical(
        binsToEmpirical(bins, { min: 1, overallMean: mean }),
        note('tenant_seats of tenants with seats, power-law tails calibrated to each bin mean'),
      );
      return true;
    },
  },
  {
    params: ['tenantSize.usersPerSeat'],
    apply(s, p, note) {
      const cell = p.metric<QuantilesCell>('users_per_seat');
      if (!cell) return false;
      s.tenantSize.usersPerSeat = empirical(
        quantilesToEmpirical(cell.quantiles as { p: number[]; v: number[] }),
        note('users_per_seat quantiles'),
      );
      return true;
    },
  },
  {
    params: ['tenantSize.roles'],
    apply(s, p, note) {
      const shares = p.categories('users', 'role');
      const weights = shares && weightsOf(shares, ROLES);
      if (!weights) return false;
      s.tenantSize.roles = { kind: 'weighted', weights, note: note('users.role, owners aside (one per tenant)') };
      return true;
    },
  },
  {
    // One-seat customers pick plans of their own: the scenario has a mix for them and one for the rest.
    params: ['plans.mix', 'plans.soloMix'],
    apply(s, p, note) {
      const all = p.metric<CategoryCell>('plan_mix');
      const solo = p.metric<CategoryCell>('plan_mix_by_size', 'solo');
      const multi = p.metric<CategoryCell>('plan_mix_by_size', 'multi');
      const mix = weightsOf((multi ?? all)?.shares ?? {}, PLAN_CODES);
      const soloMix = weightsOf((solo ?? all)?.shares ?? {}, PLAN_CODES);
      if (!mix || !soloMix) return false;
      s.plans.mix = {
        kind: 'weighted',
        weights: mix,
        note: note(multi ? 'plan_mix_by_size, tenants of 2+ seats' : 'plan_mix'),
      };
      s.plans.soloMix = {
        kind: 'weighted',
        weights: soloMix,
        note: note(solo ? 'plan_mix_by_size, one-seat tenants' : 'plan_mix'),
      };
      return true;
    },
  },
  ...RATES.map(([param, metric]): Mapping => ({
    params: [param],
    apply(s, p, note) {
      const r = rateOf(p.metric<RateCell>(metric), note(metric));
      if (!r) return false;
      const [a, b, c] = param.split('.') as [string, string, string?];
      const host = (s as unknown as Record<string, Record<string, unknown>>)[a]!;
      if (c === undefined) host[b] = r;
      else (host[b] as Record<string, unknown>)[c] = r;
      return true;
    },
  })),
  {
    params: ['plans.trialDays'],
    apply(s, p) {
      const cell = p.metric<QuantilesCell>('trial_days');
      if (!cell) return false;
      const e = quantilesToEmpirical(cell.quantiles as { p: number[]; v: number[] });
      let acc = 0;
      const median = e.values.find((_, i) => (acc += e.weights[i]!) >= 0.5) ?? e.values[0]!;
      s.plans.trialDays = Math.min(90, Math.max(1, Math.round(median)));
      return true;
    },
  },
  {
    params: ['behaviour.churnByTenure'],
    apply(s, p, note) {
      const groups = p.metricGroups<RateCell>('churn_hazard');
      const hazard = spreadOrdinalRates(Object.fromEntries(Object.entries(groups).map(([g, c]) => [g, c.rate])));
      const months = Object.keys(hazard)
        .map(Number)
        .filter((m) => Number.isInteger(m) && m >= 0 && m <= 600)
        .sort((a, b) => a - b);
      if (!months.length) return false;
      // Neighbouring months within sampling noise of each other share one entry.
      const monthly: { fromMonth: number; rate: number }[] = [];
      for (const m of months) {
        const rate = round(hazard[String(m)]!, 3);
        const last = monthly[monthly.length - 1];
        if (last && Math.abs(rate - last.rate) <= Math.max(0.002, 0.15 * last.rate)) continue;
        if (monthly.length < 50) monthly.push({ fromMonth: monthly.length ? m : 0, rate });
      }
      s.behaviour.churnByTenure = { monthly, note: note('churn_hazard by tenure month, months within noise merged') };
      return true;
    },
  },
  ...(
    [
      ['behaviour.seatChange', 'seat_change_monthly'],
      ['behaviour.upgrade', 'upgrade_monthly'],
      ['behaviour.downgrade', 'downgrade_monthly'],
    ] as const
  ).map(([param, metric]): Mapping => ({
    params: [param],
    apply(s, p, note) {
      const cell = p.metric<RateCell>(metric);
      if (!cell) return false;
      const [, key] = param.split('.') as [string, 'seatChange' | 'upgrade' | 'downgrade'];
      s.behaviour[key] = {
        value: round(1 - Math.pow(1 - cell.rate, 1 / DAYS_PER_MONTH)),
        note: note(`${metric} ${round(cell.rate, 3)}, as a daily chance`),
      };
      return true;
    },
  })),
  {
    params: ['behaviour.seatChangeUpShare'],
    apply(s, p, note) {
      const r = rateOf(p.metric<RateCell>('seat_change_up_share'), note('seat_change_up_share'));
      if (!r) return false;
      s.behaviour.seatChangeUpShare = r;
      return true;
    },
  },
  {
    params: ['behaviour.refund'],
    apply(s, p, note) {
      const refund = p.metric<RateCell>('refund_rate');
      const annual = p.metric<RateCell>('annual_share')?.rate ?? 0;
      if (!refund) return false;
      const invoicesPerDay = (1 - annual + annual / 12) / DAYS_PER_MONTH;
      s.behaviour.refund = {
        value: round(refund.rate * invoicesPerDay),
        note: note('refund_rate per paid invoice x invoices per tenant-day'),
      };
      return true;
    },
  },
  {
    params: ['behaviour.webhookEndpoint'],
    apply(s, p, note) {
      const f = p.table('webhook_endpoints')?.foreignKeys.organization_id;
      if (!f?.bins) return false;
      const total = f.bins.reduce((a, b) => a + b.share, 0);
      const none = f.bins.find((b) => b.lo === 0 && b.hi === 1)?.share ?? 0;
      s.behaviour.webhookEndpoint = {
        value: round(1 - none / total),
        note: note('webhook endpoints per organization, the share with at least one'),
      };
      return true;
    },
  },
  {
    params: ['vendors.payments.cardBrands'],
    apply(s, p, note) {
      const shares = p.categories('payment_methods', 'brand');
      const weights = shares && weightsOf(shares, BRANDS);
      if (!weights) return false;
      s.vendors.payments.cardBrands = { kind: 'weighted', weights, note: note('payment_methods.brand') };
      return true;
    },
  },
  {
    params: ['activity.weekday'],
    apply(s, p, note) {
      const cell = p.metric<CategoryCell>('activity_weekday');
      const monday = cell?.shares['1'];
      if (!cell || !monday) return false;
      s.activity.weekday = {
        ...Object.fromEntries(
          WEEKDAY_KEYS.map((k, i) => [k, Math.min(10, round((cell.shares[String(i + 1)] ?? 0) / monday, 3))]),
        ),
        note: note('activity_weekday, each weekday relative to Monday'),
      } as BillingScenario['activity']['weekday'];
      return true;
    },
  },
  {
    params: ['activity.hourOfDay'],
    apply(s, p, note) {
      const cell = p.metric<CategoryCell>('activity_hour');
      if (!cell) return false;
      const weights = Array.from({ length: 24 }, (_, h) => round((cell.shares[String(h)] ?? 0) * 100, 3));
      if (weights.every((w) => w === 0)) return false;
      s.activity.hourOfDay = { weights, note: note("activity_hour, in each tenant's local time") };
      return true;
    },
  },
  {
    params: ['activity.signInWhenActive'],
    apply(s, p, note) {
      const cell = p.metric<CountsCell>('signins_per_user_day');
      if (!cell?.mean) return false;
      // Expected sign-ins of a user-day: active chance x weekday factor x P(sign-in) x (1 + a second one).
      const a = s.activity;
      const weekday = WEEKDAY_KEYS.reduce((t, k) => t + a.weekday[k], 0) / 7;
      const perActiveSignIn = clampedMean(a.userActiveChance as Distribution) * weekday * (1 + a.secondSignIn.value);
      if (!(perActiveSignIn > 0)) return false;
      a.signInWhenActive = {
        value: round(Math.min(1, cell.mean / perActiveSignIn)),
        note: note(
          `signins_per_user_day mean ${round(cell.mean, 3)}, over the scenario's active chance and weekday rhythm`,
        ),
      };
      return true;
    },
  },
  {
    params: ['quirks.nulls'],
    apply(s, p, note) {
      const f = p.table('organizations')?.columns.billing_email?.nullFraction;
      if (f === null || f === undefined) return false;
      s.quirks.nulls = { value: round(f), note: note('null fraction of organizations.billing_email') };
      return true;
    },
  },
];

/** Keys of a scenario that are not statistics a profile could replace. */
const NOT_PARAMETERS = new Set([
  'name',
  'seed',
  'start',
  'days',
  'timezone',
  'description',
  'history',
  'checkpoints',
  'profile',
  'tenantOverrides',
]);

/** Every replaceable parameter of a scenario, as dotted paths (a rate, a distribution, a mix, a number). */
export function scenarioParameters(scenario: BillingScenario): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || 'kind' in v || 'value' in v || 'note' in v) {
      out.push(path.join('.'));
      return;
    }
    for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
  };
  for (const [k, v] of Object.entries(scenario)) if (!NOT_PARAMETERS.has(k)) walk(v, [k]);
  return out;
}

/**
 * Maps a learned profile onto a billing scenario: learned distributions (the `empirical` kind),
 * weighted mixes, curves and rates replace the scenario's, each with a note naming the profile.
 * Returns which parameters the profile covered and which it did not, so generation can say so.
 */
export function applyProfile(
  scenario: BillingScenario,
  profile: Profile,
  options: Partial<ApplyProfileOptions> = {},
): AppliedProfile<BillingScenario> {
  const o: ApplyProfileOptions = {
    scale: options.scale ?? 1,
    label: options.label ?? `learned ${profile.source.learnedAt}`,
  };
  const out = structuredClone(scenario);
  const view = new ProfileView(profile);
  const privacy = `k=${profile.privacy.k}${profile.privacy.epsilon ? `, epsilon=${profile.privacy.epsilon.total}` : ''}`;
  const note: Note = (what) => `From profile ${o.label} (${privacy}): ${what}.`;
  const covered: string[] = [];
  for (const m of BILLING_PROFILE_MAPPINGS) if (m.apply(out, view, note, o)) covered.push(...m.params);
  const uncovered = scenarioParameters(out).filter((p) => !covered.includes(p));
  const unused = Object.keys(profile.metrics).filter((m) => !view.read.has(m));
  return { scenario: out, covered, uncovered, unused };
}
