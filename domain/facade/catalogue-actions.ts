import { and, desc, eq } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';

export interface PublishPriceInput {
  code: string;
  /** Defaults to the current version's name. */
  name?: string;
  interval: 'month' | 'year';
  currency: string;
  unitAmountCents: number;
}

export interface RetirePlanInput {
  code: string;
}

export interface CatalogueActions {
  /**
   * Publishes a new price for a plan: new subscribers get it, existing ones keep the price they
   * have (a grandfathered legacy price), as with Stripe's immutable prices.
   */
  publishPrice(input: PublishPriceInput): Promise<{ planId: number; version: number }>;
  /** Stops offering a plan to new subscribers; those on it keep renewing at their price. */
  retirePlan(input: RetirePlanInput): Promise<{ retired: number }>;
}

export function catalogueActions({ db, clock, forgetOfferedPlans }: FacadeContext): CatalogueActions {
  return {
    async publishPrice(input) {
      if (!(Number.isInteger(input.unitAmountCents) && input.unitAmountCents > 0)) {
        throw new DomainError(
          'invalid_price',
          `a price must be a positive whole number of cents, got ${input.unitAmountCents}`,
        );
      }
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const [current] = await tx
          .select()
          .from(t.plans)
          .where(
            and(
              eq(t.plans.code, input.code),
              eq(t.plans.interval, input.interval),
              eq(t.plans.currency, input.currency),
            ),
          )
          .orderBy(desc(t.plans.version))
          .limit(1);
        const name = input.name ?? current?.name;
        if (!name) throw new DomainError('unknown_plan', `a new plan ${input.code} needs a name`);
        if (current?.active) {
          await tx.update(t.plans).set({ active: false, retiredAt: now }).where(eq(t.plans.id, current.id));
        }
        return firstOrThrow(
          await tx
            .insert(t.plans)
            .values({
              code: input.code,
              name,
              interval: input.interval,
              currency: input.currency,
              unitAmountCents: input.unitAmountCents,
              includedSeats: current?.includedSeats ?? 1,
              version: (current?.version ?? 0) + 1,
              publishedAt: now,
            })
            .returning(),
          'the inserted price',
        );
      });
      forgetOfferedPlans();
      return { planId: result.id, version: result.version };
    },

    async retirePlan(input) {
      const rows = await db
        .update(t.plans)
        .set({ active: false, retiredAt: clock.now() })
        .where(and(eq(t.plans.code, input.code), eq(t.plans.active, true)))
        .returning({ id: t.plans.id });
      if (rows.length === 0) throw new DomainError('unknown_plan', `no offered plan ${input.code} to retire`);
      forgetOfferedPlans();
      return { retired: rows.length };
    },
  };
}
