import { meanOf, type Distribution, type LoadedScenario, type ScenarioEstimate } from '../../engine/index.ts';
import type { BillingScenario } from './billing-scenario.ts';

const DAY_MS = 86_400_000;
/** Rows a tenant leaves over its life besides telemetry: account, subscription, invoices, payments, audit. */
const ROWS_PER_TENANT = 30;
/** Rows a user leaves besides telemetry: the user, invites, role changes, audit events. */
const ROWS_PER_USER = 4;

/**
 * An upper estimate of the rows and events a billing scenario produces, from its parameters alone:
 * every tenant that signs up stays (no churn), each with the mean number of seats and users, and
 * each writes its usage and sign-ins every detailed day. Measured against the committed snapshots
 * it is 2-3 times their row counts: loose enough never to refuse a real scenario, tight enough to
 * refuse one that would need hours and gigabytes.
 */
export function estimateBillingScenario(scenario: LoadedScenario<BillingScenario>): ScenarioEstimate {
  const s = scenario.value;
  const endMs = scenario.startMs + scenario.days * DAY_MS;
  const perDay = s.population.arrivals.perDay.map((p) => ({ fromMs: Date.parse(p.from), mean: p.mean }));
  const contribution = perDay.map(() => 0);
  const metrics = Object.keys(s.usage.metrics).length;
  const seats = meanOf(s.tenantSize.seats as Distribution);
  const users = Math.max(1, seats * meanOf(s.tenantSize.usersPerSeat as Distribution));
  const active = Math.min(1, meanOf(s.activity.userActiveChance as Distribution, 1));
  const signIns = active * s.activity.signInWhenActive.value * (1 + s.activity.secondSignIn.value);
  const historyUsage = s.activity.beforeDetail.usage === 'none' ? 0 : metrics / 7;
  let tenants = s.population.initialTenants.value;
  let telemetryRows = 0;
  for (let dayMs = scenario.historyStartMs; dayMs < endMs; dayMs += DAY_MS) {
    let entry = 0;
    while (entry + 1 < perDay.length && perDay[entry + 1]!.fromMs <= dayMs) entry++;
    if (perDay[entry]!.fromMs <= dayMs + DAY_MS) {
      tenants += perDay[entry]!.mean;
      contribution[entry]! += perDay[entry]!.mean;
    }
    // Detailed days record every day's usage and sign-ins; history days at most a weekly rollup.
    telemetryRows += tenants * (dayMs >= scenario.detailFromMs ? metrics + users * signIns : historyUsage);
  }
  const rows = tenants * (ROWS_PER_TENANT + users * ROWS_PER_USER) + telemetryRows;
  const biggest = contribution.indexOf(Math.max(...contribution));
  const driver =
    users * ROWS_PER_USER > 1_000
      ? ['tenantSize', 'seats']
      : contribution[biggest]! > s.population.initialTenants.value
        ? ['population', 'arrivals', 'perDay', biggest, 'mean']
        : ['population', 'initialTenants', 'value'];
  return {
    tenants,
    users: tenants * users,
    events: rows,
    rows,
    driver,
    detail: `${fmt(tenants)} tenants of ${fmt(users)} users on average`,
  };
}

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toPrecision(3)} million` : String(Math.round(n)));
