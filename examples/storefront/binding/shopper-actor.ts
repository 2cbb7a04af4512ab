import { DAY_MS, fakerFor, sampleInt, type SimContext } from 'facade-sim';
import type { StorefrontFacade } from '../app/storefront-facade.ts';
import type { StorefrontScenario } from './storefront-scenario.ts';

/** One shopper: registers, then on each simulated day may place an order of a few products. */
export class ShopperActor {
  private customerId = '';

  constructor(
    private readonly label: string,
    private readonly ctx: SimContext<StorefrontScenario>,
    private readonly facade: StorefrontFacade,
    private readonly productIds: string[],
  ) {}

  async register(): Promise<void> {
    const faker = fakerFor(this.ctx.rng.fork(this.label, 'person'));
    const name = faker.person.fullName();
    const email = `${this.label}.${faker.internet.username().toLowerCase()}@example.com`;
    this.customerId = await this.facade.registerCustomer({ email, name });
  }

  /** Schedules the shopper's day starting at `dayMs`: an order at a random hour, or none. */
  scheduleDay(dayMs: number): void {
    const { scheduler, endMs, scenario } = this.ctx;
    if (dayMs >= endMs) return;
    const rng = this.ctx.rng.fork(this.label, 'day', dayMs);
    const shoppers = scenario.value.shoppers;
    if (rng.chance(shoppers.orderRate.value)) {
      const at = dayMs + rng.int(8, 22) * 3_600_000 + rng.int(0, 3_599) * 1000;
      scheduler.at(at, `${this.label}:order`, () => this.order(rng.fork('order')));
    }
    scheduler.at(dayMs + DAY_MS, `${this.label}:day`, async () => this.scheduleDay(dayMs + DAY_MS));
  }

  private async order(rng: ReturnType<SimContext['rng']['fork']>): Promise<void> {
    const count = Math.min(this.productIds.length, sampleInt(this.ctx.scenario.value.shoppers.itemsPerOrder, rng, 1));
    const picked = new Set<string>();
    while (picked.size < count) picked.add(this.productIds[rng.int(0, this.productIds.length - 1)]!);
    await this.facade.placeOrder(
      this.customerId,
      [...picked].map((productId) => ({ productId, quantity: rng.int(1, 3) })),
    );
  }
}
