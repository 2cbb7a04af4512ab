import { and, eq, inArray, lt } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';

export type StorefrontDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface StorefrontDeps {
  db: StorefrontDb;
  clock: { now(): Date };
  /** Mints a public id: `newId('ord', customerId)`. */
  newId(prefix: string, scope: string): string;
  payments: { baseUrl: string; apiKey: string };
}

export interface StorefrontJob {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The storefront's whole public surface: what its HTTP handlers call in production, and what the
 * simulator drives. It knows nothing of the simulation; the payment provider is reached over fetch.
 */
export function createStorefrontFacade(deps: StorefrontDeps) {
  const { db, clock, newId } = deps;

  async function charge(orderId: string, amountCents: number): Promise<{ ok: boolean; ref: string | null }> {
    const res = await fetch(`${deps.payments.baseUrl}/v1/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${deps.payments.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: amountCents, currency: 'usd', reference: orderId }),
    });
    const body = (await res.json()) as { id?: string };
    return { ok: res.ok, ref: body.id ?? null };
  }

  return {
    async addProduct(input: { sku: string; name: string; priceCents: number }) {
      const id = newId('prod', input.sku);
      await db.insert(schema.products).values({ id, ...input, createdAt: clock.now() });
      return id;
    },

    async registerCustomer(input: { email: string; name: string }) {
      const id = newId('cus', input.email);
      await db.insert(schema.customers).values({ id, ...input, createdAt: clock.now() });
      return id;
    },

    /** Places an order and charges it at once; a declined card leaves the order failed. */
    async placeOrder(customerId: string, items: { productId: string; quantity: number }[]) {
      const prices = await db
        .select({ id: schema.products.id, priceCents: schema.products.priceCents })
        .from(schema.products)
        .where(
          inArray(
            schema.products.id,
            items.map((i) => i.productId),
          ),
        );
      const priceOf = new Map(prices.map((p) => [p.id, p.priceCents]));
      const total = items.reduce((sum, i) => sum + i.quantity * (priceOf.get(i.productId) ?? 0), 0);
      const orderId = newId('ord', customerId);
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx
          .insert(schema.orders)
          .values({ id: orderId, customerId, status: 'pending', totalCents: total, createdAt: now, updatedAt: now });
        await tx.insert(schema.orderItems).values(
          items.map((i) => ({
            orderId,
            productId: i.productId,
            quantity: i.quantity,
            unitPriceCents: priceOf.get(i.productId) ?? 0,
          })),
        );
      });
      const result = await charge(orderId, total);
      await db.insert(schema.payments).values({
        id: newId('pay', customerId),
        orderId,
        providerRef: result.ref,
        amountCents: total,
        status: result.ok ? 'succeeded' : 'declined',
        createdAt: clock.now(),
      });
      await db
        .update(schema.orders)
        .set({ status: result.ok ? 'paid' : 'failed', updatedAt: clock.now() })
        .where(eq(schema.orders.id, orderId));
      return { orderId, paid: result.ok };
    },

    jobs: [
      {
        // Failed orders hold nothing; the nightly job cancels those a day old so reports skip them.
        name: 'cancel-failed-orders',
        everyMs: DAY_MS,
        async run() {
          const cutoff = new Date(clock.now().getTime() - DAY_MS);
          await db
            .update(schema.orders)
            .set({ status: 'cancelled', updatedAt: clock.now() })
            .where(and(eq(schema.orders.status, 'failed'), lt(schema.orders.updatedAt, cutoff)));
        },
      },
    ] satisfies StorefrontJob[],
  };
}

export type StorefrontFacade = ReturnType<typeof createStorefrontFacade>;
