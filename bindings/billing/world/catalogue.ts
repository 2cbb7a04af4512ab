import type { SimContext } from '../../../engine/index.ts';
import type { BillingFacade } from '../../../domain/index.ts';
import type { BillingScenario } from '../billing-scenario.ts';
import type { World } from '../actors/tenant-actor.ts';

const INTERVALS = ['month', 'year'] as const;

/**
 * The admin's side of the catalogue: the coupons at launch, then each price change the scenario
 * lists. These are global actions: every shard makes them alike, at the same instants, and they
 * call no vendor, so the shards' catalogues are the same rows.
 */
export async function runCatalogue(
  ctx: SimContext<BillingScenario>,
  facade: BillingFacade,
  world: World,
): Promise<void> {
  await facade.createCoupon({ code: 'WELCOME20', percentOff: 20, durationMonths: 3 });
  await facade.createCoupon({ code: 'LAUNCH50', percentOff: 50, durationMonths: 1 });
  await facade.createCoupon({ code: 'ANNUAL10', amountOffCents: 1000, durationMonths: 12 });
  const changes = [...ctx.scenario.value.catalogue].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const [i, change] of changes.entries()) {
    ctx.scheduler.at(Date.parse(change.at), `admin:catalogue:${i}`, async () => {
      if (change.action === 'retire') {
        await facade.retirePlan({ code: change.plan });
        world.successors.set(change.plan, change.successor!);
        return;
      }
      const prices = await ctx.db.query<{ interval: string; currency: string; cents: string }>(
        `SELECT DISTINCT ON (interval, currency) interval, currency, unit_amount_cents::text AS cents
           FROM plans WHERE code = $1 AND active ORDER BY interval, currency, version DESC`,
        [change.plan],
      );
      for (const interval of INTERVALS) {
        for (const p of prices
          .filter((x) => x.interval === interval)
          .sort((a, b) => (a.currency < b.currency ? -1 : 1))) {
          // New prices are whole currency units, as price lists are.
          const cents = Math.round((Number(p.cents) * (1 + change.percent! / 100)) / 100) * 100;
          await facade.publishPrice({ code: change.plan, interval, currency: p.currency, unitAmountCents: cents });
        }
      }
    });
  }
}
