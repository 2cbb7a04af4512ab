import { eq, sql } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import { prorationCents } from '../money.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import type { Payments } from './payments.ts';
import type { RequestContext } from './request-context.ts';
import type { Subscription } from './row-types.ts';
import type { Webhooks } from './webhooks.ts';

export interface ChangePlanInput {
  subscriptionId: number;
  /** Same interval and currency as now. */
  planCode: string;
}

export interface ChangeSeatsInput {
  subscriptionId: number;
  seats: number;
}

/** Positive: invoiced and charged now; negative: credited to the next invoice; 0 in a trial. */
export interface ProrationResult {
  prorationCents: number;
}

export interface SubscriptionChanges {
  changePlan(input: ChangePlanInput, ctx: RequestContext): Promise<ProrationResult>;
  changeSeats(input: ChangeSeatsInput, ctx: RequestContext): Promise<ProrationResult>;
}

export function subscriptionChanges(
  { db, clock, auditRow, auditedWrite, subOf, planOf, planById }: FacadeContext,
  hooks: Webhooks,
  { invoiceAndCharge }: Payments,
): SubscriptionChanges {
  /** Charges or credits the price difference for the rest of the period. */
  const prorate = async (sub: Subscription, oldAmount: number, newAmount: number, label: string) => {
    if (sub.status === 'trialing') return 0;
    const delta = prorationCents(oldAmount, newAmount, sub.currentPeriodStart, sub.currentPeriodEnd, clock.now());
    if (delta > 0) {
      await invoiceAndCharge(
        sub,
        [{ sku: 'proration', description: `Remaining time: ${label}`, quantity: 1, unitCents: delta }],
        clock.now(),
        sub.currentPeriodEnd,
        { useCredit: false },
      );
    } else if (delta < 0) {
      await db
        .update(t.subscriptions)
        .set({ creditCents: sql`${t.subscriptions.creditCents} + ${-delta}` })
        .where(eq(t.subscriptions.id, sub.id));
    }
    return delta;
  };

  return {
    async changePlan(input, ctx) {
      const sub = await subOf(input.subscriptionId);
      if (sub.status === 'canceled') {
        throw new DomainError('canceled', 'a canceled subscription cannot change plan; reactivate it first');
      }
      if (sub.planCode === input.planCode) throw new DomainError('same_plan', `already on ${input.planCode}`);
      const oldPlan = await planById(sub.planId);
      const newPlan = await planOf(input.planCode, sub.interval, sub.currency);
      const delta = await prorate(
        sub,
        sub.seats * oldPlan.unitAmountCents,
        sub.seats * newPlan.unitAmountCents,
        `${oldPlan.name} → ${newPlan.name}`,
      );
      await db.transaction(async (tx) => {
        await tx
          .update(t.subscriptions)
          .set({ planCode: newPlan.code, planId: newPlan.id })
          .where(eq(t.subscriptions.id, sub.id));
        const action =
          newPlan.unitAmountCents > oldPlan.unitAmountCents ? 'subscription.upgraded' : 'subscription.downgraded';
        await hooks.enqueue(
          tx,
          sub.organizationId,
          'subscription.updated',
          { subscription: sub.publicId, plan: newPlan.code },
          {
            audit: auditRow(sub.organizationId, action, ctx, {
              subscription_id: sub.publicId,
              from: oldPlan.code,
              to: newPlan.code,
              proration_cents: delta,
            }),
          },
        );
      });
      return { prorationCents: delta };
    },

    async changeSeats(input, ctx) {
      if (!(Number.isInteger(input.seats) && input.seats >= 1)) {
        throw new DomainError('invalid_seats', `seats must be a positive integer, got ${input.seats}`);
      }
      const sub = await subOf(input.subscriptionId);
      if (sub.status === 'canceled') {
        throw new DomainError('canceled', 'a canceled subscription has no seats to change');
      }
      const plan = await planById(sub.planId);
      const delta = await prorate(
        sub,
        sub.seats * plan.unitAmountCents,
        input.seats * plan.unitAmountCents,
        `${input.seats} seats`,
      );
      await auditedWrite(
        db,
        db.update(t.subscriptions).set({ seats: input.seats }).where(eq(t.subscriptions.id, sub.id)),
        auditRow(sub.organizationId, 'subscription.seats_changed', ctx, {
          subscription_id: sub.publicId,
          from: sub.seats,
          to: input.seats,
          proration_cents: delta,
        }),
      );
      return { prorationCents: delta };
    },
  };
}
