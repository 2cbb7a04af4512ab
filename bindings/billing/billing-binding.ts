import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { DAY_MS, HOUR_MS, sampleInt, type AppBinding, type SimContext, type SimDatabase } from '../../engine/index.ts';
import {
  checkInvariants,
  createBillingFacade,
  migrate,
  migrationFiles,
  schema,
  type BillingDb,
} from '../../domain/index.ts';
import { billingScenarioFormat, type BillingScenario } from './billing-scenario.ts';
import { TenantActor, type WorldState } from './actors/tenant-actor.ts';
import { edgeInstants } from './actors/edge-instants.ts';
import { idSource } from './id-source.ts';
import { paymentsStub } from './vendor-stubs/payments-stub.ts';
import { emailStub, searchStub, webhookStub } from './vendor-stubs/messaging-stubs.ts';
import { vendorConfig, vendorNames } from './vendor-stubs/vendor-config.ts';
import { tenantKey } from './tenant-key.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The billing app's drizzle database over whichever driver the engine opened. */
export function billingDb(db: SimDatabase): BillingDb {
  return (db.backend === 'pglite'
    ? drizzlePglite(db.driver as any, { schema })
    : drizzlePg(db.driver as any, { schema })) as unknown as BillingDb;
}

/**
 * How the engine drives the billing app: which scenario file shape it reads, which vendors it
 * stubs, and which actors turn the scenario into facade calls.
 */
export const billingBinding: AppBinding<BillingScenario> = {
  app: 'B2B SaaS billing application (domain/ createBillingFacade)',
  generatorVersion: 'billing-actors@2',
  scenario: billingScenarioFormat,
  schemaFiles: () => migrationFiles(),
  migrate: (db) => migrate(billingDb(db)),
  vendorNames,
  tenantKey,
  vendorCredentials: () => ({ ...vendorConfig }),
  vendorHandlers(ctx) {
    const o = { scenario: ctx.scenario.value, clock: ctx.clock, ledger: ctx.ledger, latencyMs: ctx.vendorLatencyMs };
    return [
      ...paymentsStub({ ...o, baseUrl: vendorConfig.paymentsBaseUrl, rng: ctx.rng.fork('vendor', 'payments') }),
      ...emailStub(vendorConfig.emailBaseUrl, { ...o, rng: ctx.rng.fork('vendor', 'email') }),
      ...searchStub(vendorConfig.searchBaseUrl, { ...o, rng: ctx.rng.fork('vendor', 'search') }),
      ...webhookStub({ ...o, rng: ctx.rng.fork('vendor', 'webhooks') }),
    ];
  },
  async start(ctx) {
    await startBillingWorld(ctx);
  },
  // A subscription started on the window's last day has its period end a year later.
  futureColumns: {
    columns: [
      'invoices.period_end',
      'invoices.next_attempt_at',
      'invoices.due_at',
      'subscriptions.current_period_end',
      'subscriptions.trial_ends_at',
      'webhook_deliveries.next_attempt_at',
    ],
    maxDays: 370,
  },
  async invariants(db) {
    return checkInvariants(billingDb(db));
  },
};

export async function startBillingWorld(
  ctx: SimContext<BillingScenario>,
): Promise<{ tenants: TenantActor[]; world: WorldState }> {
  const s = ctx.scenario.value;
  const facade = createBillingFacade({
    db: billingDb(ctx.db),
    clock: { now: () => ctx.clock.now() },
    newId: idSource(ctx.rng.fork('public-ids'), () => ctx.clock.nowMs()),
    vendors: vendorConfig,
    // The app's ingest consumer flushes every minute in production; hourly here keeps a day's
    // telemetry in ~12 statements per table instead of one per tenant (rows and their times are
    // the same either way, only surrogate id order follows the flush).
    ingestFlushMs: HOUR_MS,
  });
  const world: WorldState = { emails: [], refusals: new Map() };
  const tenants: TenantActor[] = [];
  const { scheduler, startMs, endMs } = ctx;

  // The coupon catalogue is created by an admin at the start of the window.
  await facade.createCoupon({ code: 'WELCOME20', percentOff: 20, durationMonths: 3 });
  await facade.createCoupon({ code: 'LAUNCH50', percentOff: 50, durationMonths: 1 });
  await facade.createCoupon({ code: 'ANNUAL10', amountOffCents: 1000, durationMonths: 12 });

  for (const job of facade.jobs) {
    // Jobs run at priority 0: at equal time they see the state before actors act.
    scheduler.every(startMs + job.everyMs, job.everyMs, `job:${job.name}`, () => job.run(), 0);
  }
  // Shutdown at the end of the window writes what the ingest buffer still holds.
  scheduler.atEnd('app:flush-ingest', () => facade.flushIngest().then(() => {}));

  const edges = edgeInstants(startMs, endMs);
  const addTenant = (label: string, signupMs: number) => {
    const actor = new TenantActor(label, ctx.rng, ctx, facade, world);
    tenants.push(actor);
    scheduler.at(signupMs, `${label}:signup`, async () => {
      await actor.signUp();
      const offset = TenantActor.dayOffsetMs(actor.rng.fork('day-offset'));
      const firstDay = Math.floor((signupMs - startMs) / DAY_MS) + 1;
      for (let d = firstDay; d < s.days; d++) {
        scheduler.at(startMs + d * DAY_MS + offset, `${label}:day${d}`, () => actor.day(d));
      }
      if (actor.edgeActor) {
        for (const at of edges) if (at > signupMs) scheduler.at(at, `${label}:edge`, () => actor.edge(at));
      }
    });
  };

  // Existing customers sign up over the first simulated day (their history starts with the window).
  const initial = ctx.rng.fork('population', 'initial');
  for (let i = 0; i < s.population.initialTenants.value; i++) {
    addTenant(`t${i}`, startMs + initial.fork(i).int(0, DAY_MS - 1));
  }
  // New arrivals: a Poisson count per day, scaled by weekday, at uniform times within the day.
  for (let d = 1; d < s.days; d++) {
    const dayRng = ctx.rng.fork('population', 'arrivals', d);
    const weekday = WEEKDAYS[new Date(startMs + d * DAY_MS).getUTCDay()]!;
    const n = sampleInt(s.population.arrivalsPerDay, dayRng);
    const scaled = Math.round(n * s.population.weekdayWeights[weekday]);
    for (let k = 0; k < scaled; k++) addTenant(`a${d}.${k}`, startMs + d * DAY_MS + dayRng.fork(k).int(0, DAY_MS - 1));
  }
  return { tenants, world };
}
