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
import type { BillingScenario } from '../../scenarios/billing/scenario-types.ts';

export interface ApplyProfileOptions {
  /** Tenants and arrivals are multiplied by this (1: production's size). */
  scale?: number;
  /** How notes name the profile, e.g. its file and hash. */
  label?: string;
}

export interface AppliedProfile {
  scenario: BillingScenario;
  /** Scenario parameters the profile replaced ('plans.mix'). */
  covered: string[];
  /** Scenario parameters left as the scenario file had them. */
  uncovered: string[];
  /** Profile metrics no parameter consumes yet (history shape, for instance). */
  unused: string[];
}

const DAYS_PER_MONTH = 30.436875;
const round = (x: number, digits = 4) => Number(x.toPrecision(digits));

/** Read access to a profile that answers undefined for anything suppressed or absent. */
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
}

interface Mapping {
  /** Dotted path of the scenario parameter. */
  param: string;
  /** Replaces the parameter; false when what it needs was suppressed or is absent. */
  apply(s: BillingScenario, p: ProfileView, note: (what: string) => string, o: Required<ApplyProfileOptions>): boolean;
}

const empirical = (e: Empirical, note: string) => ({
  kind: 'empirical' as const,
  values: e.values,
  weights: e.weights,
  note,
});
const weighted = (shares: Record<string, number>, allowed: readonly string[], note: string) => {
  const weights: Record<string, number> = {};
  for (const [k, v] of Object.entries(shares)) if (allowed.includes(k) && v > 0) weights[k] = round(v * 100);
  return Object.keys(weights).length ? { kind: 'weighted' as const, weights, note } : undefined;
};
const rateOf = (cell: RateCell | undefined, note: string) => (cell ? { value: round(cell.rate), note } : undefined);

/** Locales of the scenario by the script their names are written in. */
const LOCALE_SCRIPTS: Record<string, string[]> = {
  latin: ['en', 'en_GB', 'de', 'fr', 'es', 'pt_BR', 'vi', 'tr'],
  cyrillic: ['ru', 'uk'],
  han: ['zh_CN'],
  kana: ['ja'],
  hangul: ['ko'],
  arabic: ['ar'],
  hebrew: ['he'],
  greek: ['el'],
};

/**
 * One small mapping per scenario parameter: adding a parameter (the history section's arrivals
 * or churn by tenure, say) is adding an entry here.
 */
export const BILLING_PROFILE_MAPPINGS: Mapping[] = [
  {
    param: 'population.initialTenants',
    apply(s, p, note, o) {
      const rows = p.table('organizations')?.rows;
      const active = p.metric<RateCell>('active_share');
      if (!rows || !active) return false;
      const value = Math.min(100_000, Math.max(1, Math.round(rows * active.rate * o.scale)));
      s.population.initialTenants = { value, note: note(`organizations x active_share, scale ${o.scale}`) };
      return true;
    },
  },
  {
    param: 'population.arrivalsPerDay',
    apply(s, p, note, o) {
      const rows = p.table('organizations')?.rows;
      const cell = p.metric<CategoryCell>('arrivals_by_month');
      if (!rows || !cell) return false;
      // The last month is usually partial; the three before it give the current arrival rate.
      const months = Object.entries(expandOrdinal(cell.shares)).sort(([a], [b]) => (a < b ? -1 : 1));
      const recent = months.slice(-4, -1);
      if (!recent.length) return false;
      const perMonth = (recent.reduce((t, [, v]) => t + v, 0) / recent.length) * rows * o.scale;
      s.population.arrivalsPerDay = {
        kind: 'poisson',
        mean: round(perMonth / DAYS_PER_MONTH),
        note: note('arrivals_by_month, the three months before the last'),
      };
      return true;
    },
  },
  {
    param: 'population.weekdayWeights',
    apply(s, p, note) {
      const cell = p.metric<CategoryCell>('signup_weekday');
      if (!cell) return false;
      const total = Object.values(cell.shares).reduce((a, b) => a + b, 0);
      const w = (d: string) => Math.min(10, round(((cell.shares[d] ?? 0) / total) * 7, 3));
      s.population.weekdayWeights = {
        mon: w('1'),
        tue: w('2'),
        wed: w('3'),
        thu: w('4'),
        fri: w('5'),
        sat: w('6'),
        sun: w('7'),
        note: note('signup_weekday, 7 x the share of each ISO weekday'),
      };
      return true;
    },
  },
  {
    param: 'tenantSize.seats',
    apply(s, p, note) {
      const cell = p.metric<CountsCell>('tenant_seats');
      if (!cell) return false;
      s.tenantSize.seats = empirical(
        binsToEmpirical(cell.bins, { min: 1, overallMean: cell.mean }),
        note('tenant_seats, power-law tails calibrated to each bin mean'),
      );
      return true;
    },
  },
  {
    param: 'tenantSize.usersPerSeat',
    apply(s, p, note) {
      const cell = p.metric<QuantilesCell>('users_per_seat');
      if (!cell) return false;
      s.tenantSize.usersPerSeat = empirical(quantilesToEmpirical(cell.quantiles), note('users_per_seat quantiles'));
      return true;
    },
  },
  {
    param: 'plans.mix',
    apply(s, p, note) {
      const cell = p.metric<CategoryCell>('plan_mix');
      const w =
        cell &&
        weighted(
          cell.shares,
          Object.keys(s.plans.mix.weights).concat(['starter', 'team', 'business', 'enterprise']),
          note('plan_mix'),
        );
      if (!w) return false;
      s.plans.mix = w;
      return true;
    },
  },
  {
    param: 'plans.currencies',
    apply(s, p, note) {
      const cell = p.metric<CategoryCell>('currency_mix');
      const w = cell && weighted(cell.shares, ['USD', 'EUR', 'GBP'], note('currency_mix'));
      if (!w) return false;
      s.plans.currencies = w;
      return true;
    },
  },
  ...(
    [
      ['plans.annualShare', 'annual_share'],
      ['plans.trialShare', 'trial_share'],
      ['plans.couponShare', 'coupon_share'],
      ['vendors.payments.declineRate', 'payment_failure_rate'],
    ] as const
  ).map(([param, metric]): Mapping => ({
    param,
    apply(s, p, note) {
      const r = rateOf(p.metric<RateCell>(metric), note(metric));
      if (!r) return false;
      const [a, b, c] = param.split('.') as [string, string, string?];
      const host = (s as any)[a];
      if (c === undefined) host[b] = r;
      else host[b][c] = r;
      return true;
    },
  })),
  {
    param: 'plans.trialDays',
    apply(s, p) {
      const cell = p.metric<QuantilesCell>('trial_days');
      if (!cell) return false;
      const e = quantilesToEmpirical(cell.quantiles);
      let acc = 0;
      const median = e.values.find((_, i) => (acc += e.weights[i]!) >= 0.5) ?? e.values[0]!;
      s.plans.trialDays = Math.min(90, Math.max(1, Math.round(median)));
      return true;
    },
  },
  {
    param: 'behaviour.churn',
    apply(s, p, note) {
      const groups = Object.values(p.metricGroups<RateCell>('churn_hazard'));
      const n = groups.reduce((a, g) => a + g.n, 0);
      if (!n) return false;
      const monthly = groups.reduce((a, g) => a + g.rate * g.n, 0) / n;
      s.behaviour.churn = {
        value: round(1 - Math.pow(1 - monthly, 1 / DAYS_PER_MONTH)),
        note: note(
          `churn_hazard, its mean monthly hazard ${round(monthly, 3)} as a daily one (the curve by tenure needs the history section)`,
        ),
      };
      return true;
    },
  },
  {
    param: 'behaviour.refund',
    apply(s, p, note) {
      const refund = p.metric<RateCell>('refund_rate');
      const annual = p.metric<RateCell>('annual_share');
      if (!refund) return false;
      const invoicesPerDay = (1 - (annual?.rate ?? 0) + (annual?.rate ?? 0) / 12) / DAYS_PER_MONTH;
      s.behaviour.refund = {
        value: round(refund.rate * invoicesPerDay),
        note: note('refund_rate per paid invoice x invoices per tenant-day'),
      };
      return true;
    },
  },
  {
    param: 'behaviour.signInsPerUserPerDay',
    apply(s, p, note) {
      const cell = p.metric<CountsCell>('signins_per_user_day');
      if (!cell) return false;
      s.behaviour.signInsPerUserPerDay = empirical(
        binsToEmpirical(cell.bins, { overallMean: cell.mean }),
        note('signins_per_user_day (the actors draw it once per tenant-day: mean kept, spread narrower)'),
      );
      return true;
    },
  },
  {
    param: 'behaviour.webhookEndpoint',
    apply(s, p, note) {
      const f = p.table('webhook_endpoints')?.foreignKeys.organization_id;
      if (!f?.bins) return false;
      const total = f.bins.reduce((a, b) => a + b.share, 0);
      const none = f.bins.find((b) => b.lo === 0 && b.hi === 1)?.share ?? 0;
      s.behaviour.webhookEndpoint = {
        value: round(1 - none / total),
        note: note('webhook endpoints per organization, share with at least one'),
      };
      return true;
    },
  },
  {
    param: 'quirks.locales',
    apply(s, p, note) {
      const scripts = p.table('users')?.columns.full_name?.scripts;
      if (!scripts) return false;
      const weights: Record<string, number> = {};
      for (const [script, share] of Object.entries(scripts)) {
        const locales = LOCALE_SCRIPTS[script];
        if (!locales || share <= 0) continue;
        const present = locales.filter((l) => (s.quirks.locales.weights[l] ?? 0) > 0);
        const pool = present.length ? present : [locales[0]!];
        const base = pool.reduce((a, l) => a + (s.quirks.locales.weights[l] ?? 1), 0);
        for (const l of pool) weights[l] = round(((share * (s.quirks.locales.weights[l] ?? 1)) / base) * 100);
      }
      if (!Object.keys(weights).length) return false;
      s.quirks.locales = {
        kind: 'weighted',
        weights,
        note: note('script mix of users.full_name, spread over the locales writing each script'),
      };
      return true;
    },
  },
  {
    param: 'quirks.nulls',
    apply(s, p, note) {
      const f = p.table('organizations')?.columns.billing_email?.nullFraction;
      if (f === null || f === undefined) return false;
      s.quirks.nulls = { value: round(f), note: note('null fraction of organizations.billing_email') };
      return true;
    },
  },
];

const NOT_PARAMETERS = new Set(['name', 'seed', 'start', 'days', 'timezone', 'description', 'tenantOverrides']);

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
 * weighted mixes and rates replace the scenario's, each with a note naming the profile. Returns
 * which parameters the profile covered and which it did not, so generation can say so.
 */
export function applyProfile(
  scenario: BillingScenario,
  profile: Profile,
  options: ApplyProfileOptions = {},
): AppliedProfile {
  const o: Required<ApplyProfileOptions> = {
    scale: options.scale ?? 1,
    label: options.label ?? `learned ${profile.source.learnedAt}`,
  };
  const out = structuredClone(scenario);
  const view = new ProfileView(profile);
  const note = (what: string) =>
    `From profile ${o.label} (k=${profile.privacy.k}${profile.privacy.epsilon ? `, epsilon=${profile.privacy.epsilon.total}` : ''}): ${what}.`;
  const covered: string[] = [];
  for (const m of BILLING_PROFILE_MAPPINGS) if (m.apply(out, view, note, o)) covered.push(m.param);
  const uncovered = scenarioParameters(out).filter((p) => !covered.includes(p));
  const unused = Object.keys(profile.metrics).filter((m) => !view.read.has(m));
  return { scenario: out, covered, uncovered, unused };
}

/**
 * The history shape a profile holds for the scenario format's coming history section: tenant
 * arrivals by month, the churn hazard by tenure month, and tenure itself.
 */
export function billingHistoryFromProfile(profile: Profile): {
  tenants: number | null;
  arrivalsByMonth: Record<string, number>;
  churnHazardByTenureMonth: Record<string, number>;
  tenureMonths: Empirical | null;
} {
  const arrivals = profile.metrics.arrivals_by_month?.groups[ALL_GROUPS] as CategoryCell | undefined;
  const hazard = profile.metrics.churn_hazard?.groups as Record<string, RateCell> | undefined;
  const tenure = profile.metrics.tenure_months?.groups[ALL_GROUPS] as CountsCell | undefined;
  return {
    tenants: profile.tables.organizations?.rows ?? null,
    arrivalsByMonth: arrivals ? expandOrdinal(arrivals.shares) : {},
    churnHazardByTenureMonth: hazard
      ? spreadOrdinalRates(Object.fromEntries(Object.entries(hazard).map(([g, c]) => [g, c.rate])))
      : {},
    tenureMonths: tenure ? binsToEmpirical(tenure.bins, { overallMean: tenure.mean }) : null,
  };
}
