import { DAY_MS, HOUR_MS, sampleInt, type RandomStream, type SimContext } from '../../../engine/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';
import { companyName } from './company-names.ts';
import { COUNTRIES, type CountryCode } from './countries.ts';
import { asciiWords, EMAIL_FORMATS, emailLocalPart, localeFaker, personName, type Person } from './people.ts';
import { ZoneClock } from './zone-clock.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Mailbox providers of one-person companies, as reserved example domains (RFC 2606). */
const PERSONAL_DOMAINS = { 'example.com': 60, 'example.net': 25, 'example.org': 15 };

/** Who a tenant is, decided before it signs up: what every shard can know of every tenant. */
export interface TenantPlan {
  label: string;
  signupMs: number;
  country: CountryCode;
  currency: 'USD' | 'EUR' | 'GBP';
  timezone: string;
  zone: ZoneClock;
  /** The language its people are mostly named in. */
  nameLocale: string;
  tradeName: string;
  legalName: string;
  /** Unique over all tenants: the slugified trade name, numbered when taken ("acme-labs-2"). */
  slug: string;
  /** Its mail domain: the company's own, or a personal mailbox provider's for a one-person company. */
  domain: string;
  personalMail: boolean;
  emailFormat: string;
  owner: Person & { email: string };
  /** Seats it starts with. */
  seats: number;
}

/**
 * Every tenant of the scenario, in sign-up order: the initial ones over the first day, then the
 * daily arrivals along the growth curve. Each tenant's identity is drawn from its own stream, so
 * every shard computes the same roster and the same unique slugs, and a tenant's rows never
 * depend on which shard simulated it.
 */
export function planTenants(ctx: SimContext<BillingScenario>, zones: ZoneCache): TenantPlan[] {
  const s = ctx.scenario.value;
  const { historyStartMs, endMs } = ctx;
  const labels: { label: string; dayMs: number }[] = [];
  for (let i = 0; i < s.population.initialTenants.value; i++) labels.push({ label: `t${i}`, dayMs: historyStartMs });
  const curve = s.population.arrivals.perDay.map((p) => ({ atMs: Date.parse(p.from), mean: p.mean }));
  for (let d = 0; historyStartMs + d * DAY_MS < endMs; d++) {
    const dayMs = historyStartMs + d * DAY_MS;
    const weekday = s.population.weekdayWeights[WEEKDAYS[new Date(dayMs).getUTCDay()]!];
    const n = ctx.rng.fork('population', 'arrivals', d).poisson(interpolate(curve, dayMs) * weekday);
    for (let k = 0; k < n; k++) labels.push({ label: `a${d}.${k}`, dayMs });
  }
  const plans = labels.map(({ label, dayMs }) => tenantIdentity(ctx, zones, label, dayMs));
  plans.sort((a, b) => a.signupMs - b.signupMs || (a.label < b.label ? -1 : 1));
  const taken = new Map<string, number>();
  for (const plan of plans) {
    const n = (taken.get(plan.slug) ?? 0) + 1;
    taken.set(plan.slug, n);
    if (n > 1) plan.slug = `${plan.slug}-${n}`;
    if (!plan.personalMail) {
      plan.domain = `${plan.slug}.test`;
      plan.owner.email = `${plan.owner.email.split('@')[0]}@${plan.domain}`;
    }
  }
  return plans;
}

function tenantIdentity(ctx: SimContext<BillingScenario>, zones: ZoneCache, label: string, dayMs: number): TenantPlan {
  const s = ctx.scenario.value;
  const rng = ctx.rng.fork('tenant', label, 'identity');
  const country = rng.weighted(s.population.countries.weights as Record<CountryCode, number>);
  const data = COUNTRIES[country];
  const timezone = rng.weighted(data.zones as Record<string, number>);
  const zone = zones.get(timezone);
  const nameLocale = rng.weighted(data.names as Record<string, number>);
  const override = s.tenantOverrides?.[label];
  const seats = override?.seats ?? sampleInt(s.tenantSize.seats, rng.fork('seats'), 1);
  const faker = localeFaker(rng.fork('company'), data.companyLocale, new Date(dayMs));
  const legalForm = rng.weighted(data.legalForms as Record<string, number>);
  const long = rng.chance(s.quirks.longNames.value) ? { regions: data.regions } : undefined;
  const { tradeName, legalName } = companyName(faker, rng.fork('name'), data.companyLocale, legalForm, long);
  const person = personName(localeFaker(rng.fork('owner'), nameLocale, new Date(dayMs)), nameLocale);
  const personalMail = seats === 1 && rng.chance(s.quirks.personalEmailsOfSoloTenants.value);
  const emailFormat = rng.weighted(EMAIL_FORMATS);
  // A one-person company's address is a personal one: full name and a number, at a mail provider.
  const local = personalMail
    ? `${emailLocalPart(person, 'first.last')}${rng.chance(0.5) ? rng.int(1, 99) : ''}`
    : emailLocalPart(person, emailFormat);
  const domain = personalMail ? rng.weighted(PERSONAL_DOMAINS) : '';
  const slug = asciiWords(tradeName).slice(0, 4).join('-').slice(0, 40).replace(/-+$/, '') || 'workspace';
  return {
    label,
    signupMs: signupInstant(rng.fork('signup-time'), zone, dayMs, s.activity.hourOfDay.weights, ctx),
    country,
    currency: data.currency,
    timezone,
    zone,
    nameLocale,
    tradeName,
    legalName,
    slug,
    domain,
    personalMail,
    emailFormat,
    owner: { ...person, email: `${local}@${domain}` },
    seats,
  };
}

/** A moment of that calendar day, in the tenant's local day's rhythm, inside the simulated span. */
function signupInstant(
  rng: RandomStream,
  zone: ZoneClock,
  dayMs: number,
  hourWeights: number[],
  ctx: { historyStartMs: number; endMs: number },
): number {
  const local = dayMs + localTimeOfDay(rng, hourWeights);
  const at = zone.instantOf(local);
  return Math.min(Math.max(at, ctx.historyStartMs), ctx.endMs - 1);
}

/** Milliseconds into a local day, the hour drawn by the day's rhythm. */
export function localTimeOfDay(rng: RandomStream, hourWeights: number[]): number {
  const hour = Number(rng.weighted(Object.fromEntries(hourWeights.map((w, h) => [String(h).padStart(2, '0'), w]))));
  return hour * HOUR_MS + rng.int(0, HOUR_MS - 1);
}

function interpolate(curve: { atMs: number; mean: number }[], atMs: number): number {
  if (atMs <= curve[0]!.atMs) return curve[0]!.mean;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (atMs <= b.atMs) return a.mean + ((b.mean - a.mean) * (atMs - a.atMs)) / (b.atMs - a.atMs);
  }
  return curve[curve.length - 1]!.mean;
}

/** One ZoneClock per zone over the simulated span (reading a zone's offsets is the costly part). */
export class ZoneCache {
  readonly #zones = new Map<string, ZoneClock>();
  constructor(
    readonly fromMs: number,
    readonly toMs: number,
  ) {}

  get(zone: string): ZoneClock {
    let clock = this.#zones.get(zone);
    if (!clock) this.#zones.set(zone, (clock = ZoneClock.between(zone, this.fromMs, this.toMs)));
    return clock;
  }
}
