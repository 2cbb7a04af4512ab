import { eq } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import { DAY_MS } from '../durations.ts';
import { addInterval } from '../money.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import { seatLine } from './invoicing.ts';
import type { Payments } from './payments.ts';
import type { RequestContext } from './request-context.ts';
import { assertTransition } from './subscription-transitions.ts';
import type { Webhooks } from './webhooks.ts';

export interface SubscribeInput {
  organizationId: number;
  planCode: string;
  /** Default 'month'. */
  interval?: 'month' | 'year';
  /** Default 'USD'. */
  currency?: string;
  seats: number;
  /** A trial of this many days instead of a first invoice now. */
  trialDays?: number;
  couponCode?: string;
}

export interface CancelInput {
  subscriptionId: number;
  /** Keep the subscription until its period ends instead of ending it now. */
  atPeriodEnd: boolean;
  reason: string;
}

export interface ReactivateInput {
  subscriptionId: number;
}

export interface SubscriptionActions {
  subscribe(input: SubscribeInput, ctx: RequestContext): Promise<{ subscriptionId: number }>;
  cancel(input: CancelInput, ctx: RequestContext): Promise<void>;
  reactivate(input: ReactivateInput, ctx: RequestContext): Promise<void>;
}

export function subscriptionActions(
  { db, clock, newId, auditRow, auditedWrite, orgOf, subOf, planOf, planById }: FacadeContext,
  hooks: Webhooks,
  { invoiceAndCharge }: Payments,
): SubscriptionActions {
  return {
    async subscribe(input, ctx) {
      if (!(Number.isInteger(input.seats) && input.seats >= 1)) {
        throw new DomainError('invalid_seats', `seats must be a positive integer, got ${input.seats}`);
      }
      const org = await orgOf(input.organizationId);
      const plan = await planOf(input.planCode, input.interval ?? 'month', input.currency ?? 'USD');
      let couponId: number | null = null;
      let couponMonths: number | null = null;
      if (input.couponCode) {
        const [c] = await db.select().from(t.coupons).where(eq(t.coupons.code, input.couponCode));
        if (!c) throw new DomainError('unknown_coupon', `coupon ${input.couponCode} does not exist`);
        couponId = c.id;
        couponMonths = c.durationMonths;
      }
      const now = clock.now();
      const trialDays = input.trialDays ?? 0;
      const trial = trialDays > 0;
      const periodEnd = trial ? new Date(now.getTime() + trialDays * DAY_MS) : addInterval(now, plan.interval);
      const sub = await db.transaction(async (tx) => {
        const sub = firstOrThrow(
          await tx
            .insert(t.subscriptions)
            .values({
              publicId: newId('sub', org.publicId),
              organizationId: input.organizationId,
              planCode: plan.code,
              planId: plan.id,
              interval: plan.interval,
              currency: plan.currency,
              seats: input.seats,
              status: trial ? 'trialing' : 'active',
              couponId,
              couponMonthsLeft: couponMonths,
              trialEndsAt: trial ? periodEnd : null,
              currentPeriodStart: now,
              currentPeriodEnd: periodEnd,
              cancelAtPeriodEnd: false,
              creditCents: 0,
              createdAt: now,
            })
            .returning(),
          'the inserted subscription',
        );
        await hooks.enqueue(
          tx,
          input.organizationId,
          'subscription.created',
          { subscription: sub.publicId, plan: plan.code, seats: input.seats },
          {
            audit: auditRow(input.organizationId, 'subscription.created', ctx, {
              subscription_id: sub.publicId,
              plan: plan.code,
              interval: plan.interval,
              seats: input.seats,
              trial,
            }),
          },
        );
        return sub;
      });
      if (!trial) {
        await invoiceAndCharge(sub, [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)], now, periodEnd, {
          useCredit: false,
          org,
        });
      }
      return { subscriptionId: sub.id };
    },

    async cancel(input, ctx) {
      const sub = await subOf(input.subscriptionId);
      if (sub.status === 'canceled' || sub.cancelAtPeriodEnd) {
        throw new DomainError('already_canceled', 'subscription is already canceled');
      }
      await db.transaction(async (tx) => {
        if (input.atPeriodEnd) {
          await tx
            .update(t.subscriptions)
            .set({ cancelAtPeriodEnd: true, cancellationReason: input.reason })
            .where(eq(t.subscriptions.id, sub.id));
        } else {
          assertTransition(sub.status, 'canceled');
          await tx
            .update(t.subscriptions)
            .set({ status: 'canceled', canceledAt: clock.now(), cancellationReason: input.reason })
            .where(eq(t.subscriptions.id, sub.id));
        }
        await hooks.enqueue(
          tx,
          sub.organizationId,
          'subscription.canceled',
          { subscription: sub.publicId, at_period_end: input.atPeriodEnd },
          {
            audit: auditRow(sub.organizationId, 'subscription.canceled', ctx, {
              subscription_id: sub.publicId,
              at_period_end: input.atPeriodEnd,
              reason: input.reason,
            }),
          },
        );
      });
    },

    async reactivate(input, ctx) {
      const sub = await subOf(input.subscriptionId);
      if (sub.status !== 'canceled' && !sub.cancelAtPeriodEnd) {
        throw new DomainError('not_canceled', 'subscription is not canceled');
      }
      if (sub.status !== 'canceled') {
        await auditedWrite(
          db,
          db
            .update(t.subscriptions)
            .set({ cancelAtPeriodEnd: false, cancellationReason: null })
            .where(eq(t.subscriptions.id, sub.id)),
          auditRow(sub.organizationId, 'subscription.reactivated', ctx, {
            subscription_id: sub.publicId,
            new_period: false,
          }),
        );
        return;
      }
      assertTransition('canceled', 'active');
      // A returning customer keeps the price it had, as a paused subscription would.
      const plan = await planById(sub.planId);
      const now = clock.now();
      const end = addInterval(now, sub.interval);
      await auditedWrite(
        db,
        db
          .update(t.subscriptions)
          .set({
            status: 'active',
            canceledAt: null,
            cancellationReason: null,
            cancelAtPeriodEnd: false,
            currentPeriodStart: now,
            currentPeriodEnd: end,
          })
          .where(eq(t.subscriptions.id, sub.id)),
        auditRow(sub.organizationId, 'subscription.reactivated', ctx, {
          subscription_id: sub.publicId,
          new_period: true,
        }),
      );
      await invoiceAndCharge(
        { ...sub, status: 'active' },
        [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)],
        now,
        end,
        { useCredit: true },
      );
    },
  };
}
