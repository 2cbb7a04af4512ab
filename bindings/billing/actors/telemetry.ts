import { DAY_MS, HOUR_MS, sample, type RandomStream, type SimContext } from '../../../engine/index.ts';
import type { BillingFacade } from '../../../domain/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';
import { localTimeOfDay, type TenantPlan } from '../world/tenant-roster.ts';
import { weekdayOf } from '../world/zone-clock.ts';
import { userAgent, type Device } from './devices.ts';
import type { Member } from './members.ts';

/** How finely telemetry is recorded: every event, or one per user per week or month, or none. */
export type TelemetryGrain = 'daily' | 'weekly' | 'monthly' | 'none';

export interface TelemetryScope {
  ctx: SimContext<BillingScenario>;
  facade: BillingFacade;
  plan: TenantPlan;
  organizationId: number;
  s: BillingScenario;
  schedule(atMs: number, what: string, run: () => Promise<unknown>): void;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** A second sign-in on the same day comes from the other device people carry or script. */
const SECOND_DEVICES: Device[] = ['safari-ios', 'chrome-android', 'cli'];

/**
 * One local day of a tenant's users: each user is active or not by their own habit and the
 * weekday, an active day sometimes starts with a sign-in at a moment of the day's rhythm, and the
 * day's usage is metered from what the active users did. Counts are drawn per user, never
 * multiplied; each sign-in is its own event at its own instant.
 */
export function recordDayOfActivity(
  t: TelemetryScope,
  rng: RandomStream,
  day: {
    localDay: number;
    weekday: number;
    members: Member[];
    signIns: TelemetryGrain;
    usage: TelemetryGrain;
    subscription: number;
    seats: number;
  },
): void {
  const a = t.s.activity;
  const active: Member[] = [];
  if (day.signIns === 'daily' || day.usage === 'daily') {
    for (const m of day.members) if (rng.chance(m.activeChance * day.weekday)) active.push(m);
  }
  if (day.signIns === 'daily') {
    for (const m of active) {
      if (!rng.chance(a.signInWhenActive.value)) continue;
      signIn(t, rng, m, moment(t, rng, day.localDay), m.device);
      if (rng.chance(a.secondSignIn.value)) signIn(t, rng, m, moment(t, rng, day.localDay), rng.pick(SECOND_DEVICES));
    }
  } else if (day.signIns !== 'none' && startsPeriod(day.localDay, day.signIns)) {
    // One sign-in per user active at all in the period, somewhere in it.
    const days = periodDays(day.localDay, day.signIns);
    for (const m of day.members) {
      const p = 1 - Math.pow(1 - m.activeChance * a.signInWhenActive.value, days * (5 / 7));
      if (rng.chance(p)) signIn(t, rng, m, moment(t, rng, day.localDay + rng.int(0, days - 1)), m.device);
    }
  }
  if (day.usage === 'daily' && day.subscription) {
    const amounts = meter(t, rng, { seats: day.seats, activeUsers: active.length, tenantDays: 1 });
    const at = t.plan.zone.instantOf(day.localDay * DAY_MS + 23 * HOUR_MS + rng.int(0, HOUR_MS - 1));
    record(t, day.subscription, amounts, at);
  }
}

/** At the end of a week or month before the detail boundary: the period's usage as one row per metric. */
export function recordPeriodOfUsage(
  t: TelemetryScope,
  stream: () => RandomStream,
  period: { localDay: number; grain: TelemetryGrain; members: Member[]; subscription: number; seats: number },
): void {
  if (period.grain === 'none' || !startsPeriod(period.localDay + 1, period.grain)) return;
  const rng = stream();
  const days = periodDays(period.localDay, period.grain, true);
  const weekdays = t.s.activity.weekday;
  let expectedActive = 0;
  for (let d = period.localDay - days + 1; d <= period.localDay; d++) {
    const w = weekdays[WEEKDAYS[weekdayOf(d)]!];
    for (const m of period.members) expectedActive += Math.min(1, m.activeChance * w);
  }
  const amounts = meter(t, rng, {
    seats: period.seats * days,
    activeUsers: rng.poisson(expectedActive),
    tenantDays: days,
  });
  const at = t.plan.zone.instantOf(period.localDay * DAY_MS + 23 * HOUR_MS + rng.int(0, HOUR_MS - 1));
  record(t, period.subscription, amounts, at);
}

function signIn(t: TelemetryScope, rng: RandomStream, m: Member, atMs: number, device: Device): void {
  const ua = userAgent(device, atMs, m.software);
  t.schedule(atMs, 'sign-in', () =>
    t.facade.recordSignIns({
      organizationId: t.organizationId,
      events: [{ userPublicId: m.publicId, ip: m.ip, userAgent: ua, at: new Date(atMs) }],
    }),
  );
}

/** Each metric's amount: one draw per unit it is metered by (the tenant, a seat-day, an active user). */
function meter(
  t: TelemetryScope,
  rng: RandomStream,
  units: { seats: number; activeUsers: number; tenantDays: number },
): [string, number][] {
  const out: [string, number][] = [];
  for (const metric of Object.keys(t.s.usage.metrics).sort()) {
    const spec = t.s.usage.metrics[metric]!;
    const n = spec.per === 'tenant' ? units.tenantDays : spec.per === 'seat' ? units.seats : units.activeUsers;
    const r = rng.fork(metric);
    let total = 0;
    for (let i = 0; i < n; i++) total += Math.max(0, sample(spec.amount, r));
    out.push([metric, Math.round(total)]);
  }
  return out;
}

function record(t: TelemetryScope, subscriptionId: number, amounts: [string, number][], atMs: number): void {
  t.schedule(atMs, 'usage', () =>
    t.facade.recordUsage(
      amounts.map(([metric, quantity]) => ({ subscriptionId, metric, quantity, recordedAt: new Date(atMs) })),
    ),
  );
}

function moment(t: TelemetryScope, rng: RandomStream, localDay: number): number {
  return t.plan.zone.instantOf(localDay * DAY_MS + localTimeOfDay(rng, t.s.activity.hourOfDay.weights));
}

/** Whether a local day opens a week (Monday) or a month (the 1st). */
function startsPeriod(localDay: number, grain: TelemetryGrain): boolean {
  if (grain === 'weekly') return weekdayOf(localDay) === 1;
  if (grain === 'monthly') return new Date(localDay * DAY_MS).getUTCDate() === 1;
  return true;
}

/** Days in the week or month a local day opens (or, `ending`, closes). */
function periodDays(localDay: number, grain: TelemetryGrain, ending = false): number {
  if (grain === 'weekly') return 7;
  if (grain !== 'monthly') return 1;
  const d = new Date(localDay * DAY_MS);
  return ending ? d.getUTCDate() : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}
