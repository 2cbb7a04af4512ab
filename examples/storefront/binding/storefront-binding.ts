import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { fileURLToPath } from 'node:url';
import { DAY_MS, idSource, sampleInt, sqlMigrations, type AppBinding, type SimDatabase } from 'facade-sim';
import { createStorefrontFacade, type StorefrontDb } from '../app/storefront-facade.ts';
import * as schema from '../app/schema.ts';
import { paymentsConfig, paymentsStub } from './payments-stub.ts';
import { ShopperActor } from './shopper-actor.ts';
import { storefrontScenarioFormat, type StorefrontScenario } from './storefront-scenario.ts';

// The app's own drizzle-kit migrations are its schema.
const migrations = sqlMigrations(fileURLToPath(new URL('../app/migrations', import.meta.url)));

/** The storefront's drizzle database over whichever driver the engine opened. */
function storefrontDb(db: SimDatabase): StorefrontDb {
  return (db.backend === 'pglite'
    ? drizzlePglite(db.driver as any, { schema })
    : drizzlePg(db.driver as any, { schema })) as unknown as StorefrontDb;
}

/** How the engine drives the storefront: a catalogue, shoppers who order, and the nightly job. */
export const storefrontBinding: AppBinding<StorefrontScenario> = {
  app: 'storefront example (examples/storefront createStorefrontFacade)',
  generatorVersion: 'storefront-actors@1',
  scenario: storefrontScenarioFormat,
  schemaFiles: migrations.schemaFiles,
  migrate: migrations.migrate,
  vendorNames: ['payments (api.payments.example)'],
  vendorCredentials: () => ({ paymentsApiKey: paymentsConfig.apiKey }),
  vendorHandlers: (ctx) =>
    paymentsStub({
      rng: ctx.rng.fork('vendor', 'payments'),
      ledger: ctx.ledger,
      declineRate: ctx.scenario.value.payments.declineRate.value,
      latencyMs: ctx.vendorLatencyMs,
    }),
  async start(ctx) {
    const { scheduler, historyStartMs, endMs, scenario } = ctx;
    const facade = createStorefrontFacade({
      db: storefrontDb(ctx.db),
      clock: { now: () => ctx.clock.now() },
      newId: idSource(ctx.rng.fork('public-ids'), () => ctx.clock.nowMs()),
      payments: paymentsConfig,
    });
    const s = scenario.value;
    const productIds: string[] = [];
    // The catalogue exists before anyone shops (priority 0 runs before actors at the same instant).
    scheduler.at(
      historyStartMs,
      'catalogue',
      async () => {
        const rng = ctx.rng.fork('catalogue');
        for (let i = 0; i < s.catalogue.products; i++) {
          const sku = `SKU-${String(i + 1).padStart(4, '0')}`;
          const priceCents = sampleInt(s.catalogue.priceCents, rng.fork(sku), 100);
          productIds.push(await facade.addProduct({ sku, name: `Product ${i + 1}`, priceCents }));
        }
      },
      0,
    );
    for (const job of facade.jobs) {
      scheduler.every(historyStartMs + job.everyMs, job.everyMs, `job:${job.name}`, job.run);
    }

    const arrive = (label: string, atMs: number) => {
      if (!ctx.owns(label)) return;
      const shopper = new ShopperActor(label, ctx, facade, productIds);
      scheduler.at(atMs, `${label}:register`, async () => {
        await shopper.register();
        shopper.scheduleDay(atMs - ((atMs - historyStartMs) % DAY_MS) + DAY_MS);
      });
    };
    for (let i = 0; i < s.shoppers.initial; i++) arrive(`shopper-0-${i}`, historyStartMs + 60_000 * (i + 1));
    for (let day = historyStartMs; day < endMs; day += DAY_MS) {
      const rng = ctx.rng.fork('arrivals', day);
      const count = rng.poisson(s.shoppers.arrivalsPerDay);
      for (let n = 0; n < count; n++) arrive(`shopper-${day}-${n}`, day + rng.int(0, DAY_MS - 1));
    }
  },
};
