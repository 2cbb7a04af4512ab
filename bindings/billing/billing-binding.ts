import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { DAY_MS, HOUR_MS, idSource, type AppBinding, type SimContext, type SimDatabase } from '../../engine/index.ts';
import {
  checkInvariants,
  createBillingFacade,
  migrate,
  migrationFiles,
  schema,
  type BillingDb,
} from '../../domain/index.ts';
import { billingScenarioFormat, type BillingScenario } from './billing-scenario.ts';
import { TenantActor, type World } from './actors/tenant-actor.ts';
import { planTenants, ZoneCache, type TenantPlan } from './world/tenant-roster.ts';
import { runCatalogue } from './world/catalogue.ts';
import { edgeInstants } from './actors/edge-instants.ts';
import { paymentsStub } from './vendor-stubs/payments-stub.ts';
import { emailStub, searchStub, webhookStub } from './vendor-stubs/messaging-stubs.ts';
import { vendorConfig, vendorNames } from './vendor-stubs/vendor-config.ts';
import { estimateBillingScenario } from './billing-estimate.ts';
import { tenantKey } from './tenant-key.ts';
import { scheduleJobs } from './schedule-jobs.ts';

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
  generatorVersion: 'billing-actors@3',
  scenario: billingScenarioFormat,
  schemaFiles: () => migrationFiles(),
  migrate: (db) => migrate(billingDb(db)),
  vendorNames,
  tenantKey,
  estimate: estimateBillingScenario,
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

/**
 * A tenant's share of a run's work, to deal tenants to shards: its days in the run, plus its seats'
 * days in the detailed window, where each member signs in and works every day (before the window
 * telemetry is coarse, so a member costs little more than its invitation).
 */
function tenantWeight(ctx: SimContext<BillingScenario>, plan: TenantPlan): number {
  const days = (ctx.endMs - plan.signupMs) / DAY_MS;
  const detailDays = (ctx.endMs - Math.max(plan.signupMs, ctx.detailFromMs)) / DAY_MS;
  return days + plan.seats * (1 + detailDays);
}

export async function startBillingWorld(
  ctx: SimContext<BillingScenario>,
): Promise<{ tenants: TenantActor[]; world: World }> {
  const { scheduler, historyStartMs, startMs, endMs } = ctx;
  const facade = createBillingFacade({
    db: billingDb(ctx.db),
    clock: { now: () => ctx.clock.now() },
    newId: idSource(ctx.rng.fork('public-ids'), () => ctx.clock.nowMs()),
    vendors: vendorConfig,
    // The app's ingest consumer flushes every minute in production; hourly here keeps a day's
    // telemetry in ~24 statements per table instead of one per event (rows and their times are
    // the same either way, only surrogate key order follows the flush).
    ingestFlushMs: HOUR_MS,
  });
  const zones = new ZoneCache(historyStartMs, endMs);
  const world: World = { roster: planTenants(ctx, zones), successors: new Map(), refusals: new Map() };
  await runCatalogue(ctx, facade, world);
  const batchMs = ctx.scenario.value.activity.beforeDetail.jobsEveryHours * HOUR_MS;
  scheduleJobs(ctx, facade, batchMs);
  // Shutdown (and every checkpoint) writes what the ingest buffer still holds.
  scheduler.atEnd('app:flush-ingest', () => facade.flushIngest().then(() => {}));

  const edges = edgeInstants(startMs, endMs);
  const tenants: TenantActor[] = [];
  const owned = ctx.dealTenants(world.roster.map((plan) => ({ label: plan.label, weight: tenantWeight(ctx, plan) })));
  for (const plan of world.roster) {
    if (!owned.has(plan.label)) continue;
    const actor = new TenantActor(plan, ctx, facade, world);
    tenants.push(actor);
    scheduler.at(plan.signupMs, `${plan.label}:signup`, async () => {
      await actor.signUp();
      actor.scheduleDay(plan.zone.localDay(plan.signupMs) + 1);
      if (actor.edgeActor) {
        for (const at of edges) if (at > plan.signupMs) scheduler.at(at, `${plan.label}:edge`, () => actor.edge(at));
      }
    });
  }
  return { tenants, world };
}
