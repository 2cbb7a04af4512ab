import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { DAY_MS, HOUR_MS } from '../durations.ts';
import { addInterval } from '../money.ts';
import * as t from '../schema.ts';
import type { BillingJob } from './billing-facade.ts';
import type { FacadeContext } from './facade-context.ts';
import { seatLine } from './invoicing.ts';
import type { Payments } from './payments.ts';
import type { Webhooks } from './webhooks.ts';

/** The app's scheduled work, as data: the host decides how to run it (no hidden setInterval). */
export function billingJobs(
  { db, clock, ingest, lookup, auditRow, email, orgOf, planById }: FacadeContext,
  hooks: Webhooks,
  { collect, invoiceAndCharge }: Payments,
  ingestFlushMs: number | undefined,
): BillingJob[] {
  return [
    {
      name: 'ingest',
      everyMs: ingestFlushMs ?? 60_000,
      async run() {
        return { processed: await ingest.flush() };
      },
    },
    {
      name: 'renewals',
      everyMs: HOUR_MS,
      async run() {
        const now = clock.now();
        const due = await lookup.renewalsDue.execute({ now: now.toISOString() });
        for (const sub of due) {
          if (sub.cancelAtPeriodEnd) {
            await db.transaction(async (tx) => {
              await tx
                .update(t.subscriptions)
                .set({ status: 'canceled', canceledAt: sub.currentPeriodEnd })
                .where(eq(t.subscriptions.id, sub.id));
              await hooks.enqueue(
                tx,
                sub.organizationId,
                'subscription.deleted',
                { subscription: sub.publicId },
                { audit: auditRow(sub.organizationId, 'subscription.ended', null, { subscription_id: sub.publicId }) },
              );
            });
            continue;
          }
          const plan = await planById(sub.planId);
          const start = sub.currentPeriodEnd;
          const end = addInterval(start, sub.interval);
          await db
            .update(t.subscriptions)
            .set({ status: 'active', currentPeriodStart: start, currentPeriodEnd: end })
            .where(eq(t.subscriptions.id, sub.id));
          await invoiceAndCharge(
            { ...sub, status: 'active' },
            [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)],
            start,
            end,
            true,
          );
        }
        return { processed: due.length };
      },
    },
    {
      name: 'dunning',
      everyMs: DAY_MS,
      async run() {
        const due = await db
          .select({ id: t.invoices.id })
          .from(t.invoices)
          .where(and(eq(t.invoices.status, 'open'), lte(t.invoices.nextAttemptAt, clock.now())))
          .orderBy(asc(t.invoices.id));
        for (const inv of due) await collect(inv.id);
        return { processed: due.length };
      },
    },
    {
      name: 'trial-expiry',
      everyMs: DAY_MS,
      async run() {
        // A daily job sees each trial exactly once in the (now+2d, now+3d] window: one reminder, no flag needed.
        const now = clock.now().getTime();
        const after = new Date(now + 2 * DAY_MS);
        const until = new Date(now + 3 * DAY_MS);
        const ending = await db
          .select()
          .from(t.subscriptions)
          .where(
            and(
              eq(t.subscriptions.status, 'trialing'),
              sql`${t.subscriptions.trialEndsAt} > ${after} AND ${t.subscriptions.trialEndsAt} <= ${until}`,
            ),
          )
          .orderBy(asc(t.subscriptions.id));
        for (const sub of ending) {
          await email.send(
            await email.billingAddress(await orgOf(sub.organizationId)),
            'Your trial ends in 3 days',
            'Add a payment method to keep your workspace.',
            'trial-ending',
          );
        }
        return { processed: ending.length };
      },
    },
    {
      name: 'card-expiry',
      everyMs: DAY_MS,
      async run() {
        const now = clock.now();
        const ym = now.getUTCFullYear() * 12 + now.getUTCMonth();
        const rows = await db
          .update(t.paymentMethods)
          .set({ expiredAt: now })
          .where(
            and(
              isNull(t.paymentMethods.expiredAt),
              sql`${t.paymentMethods.expYear} * 12 + ${t.paymentMethods.expMonth} - 1 < ${ym}`,
            ),
          )
          .returning({ id: t.paymentMethods.id });
        return { processed: rows.length };
      },
    },
    {
      name: 'webhook-retries',
      everyMs: HOUR_MS,
      run: () => hooks.deliverDue(),
    },
  ];
}
