import { asc, eq, sql } from 'drizzle-orm';
import { DAY_MS, HOUR_MS } from '../durations.ts';
import { addInterval } from '../money.ts';
import * as t from '../schema.ts';
import { anyWhere, cardExpired, dunningDue, renewalDue, trialEnding, webhookDue } from '../job-due.ts';
import type { BillingJob } from './billing-facade.ts';
import type { FacadeContext } from './facade-context.ts';
import { seatLine } from './invoicing.ts';
import type { Payments } from './payments.ts';
import type { Webhooks } from './webhooks.ts';

/** A daily job sees each trial exactly once in the (now+2d, now+3d] window: one reminder, no flag needed. */
const trialWindow = (now: Date): [Date, Date] => [
  new Date(now.getTime() + 2 * DAY_MS),
  new Date(now.getTime() + 3 * DAY_MS),
];

/** The month an instant falls in, as year * 12 + month index (a card's expiry is compared with it). */
const monthIndex = (now: Date) => now.getUTCFullYear() * 12 + now.getUTCMonth();

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
      due: (now) => anyWhere('subscriptions', renewalDue(now)),
      async run() {
        const now = clock.now();
        const due = await lookup.renewalsDue.execute({ now: now.toISOString() });
        for (const { sub, org } of due) {
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
          // The renewed period is written with the invoice that bills it, in its statement. A
          // deleted organisation is refused by orgOf, as for any action.
          await invoiceAndCharge(
            { ...sub, status: 'active' },
            [seatLine(plan.code, plan.name, sub.seats, plan.unitAmountCents)],
            start,
            end,
            { useCredit: true, renews: true, org: org.deletedAt ? await orgOf(org.id) : org },
          );
        }
        return { processed: due.length };
      },
    },
    {
      name: 'dunning',
      everyMs: DAY_MS,
      due: (now) => anyWhere('invoices', dunningDue(now)),
      async run() {
        const due = await db
          .select({ id: t.invoices.id })
          .from(t.invoices)
          .where(dunningDue(clock.now()))
          .orderBy(asc(t.invoices.id));
        for (const inv of due) await collect(inv.id);
        return { processed: due.length };
      },
    },
    {
      name: 'trial-expiry',
      everyMs: DAY_MS,
      due: (now) => anyWhere('subscriptions', trialEnding(...trialWindow(now))),
      async run() {
        const ending = await db
          .select()
          .from(t.subscriptions)
          .where(trialEnding(...trialWindow(clock.now())))
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
      due: (now) => anyWhere('payment_methods', cardExpired(monthIndex(now))),
      async run() {
        const now = clock.now();
        const rows = await db
          .update(t.paymentMethods)
          .set({ expiredAt: now })
          .where(cardExpired(monthIndex(now)))
          .returning({ id: t.paymentMethods.id });
        return { processed: rows.length };
      },
    },
    {
      name: 'webhook-retries',
      everyMs: HOUR_MS,
      due: (now) => anyWhere('webhook_deliveries', webhookDue(now)),
      run: () => hooks.deliverDue(),
    },
  ];
}

/** The names of `jobs` whose `due` condition does not hold now: one statement for all of them. */
export async function idleJobs({ db, clock }: FacadeContext, jobs: BillingJob[]): Promise<Set<string>> {
  const probed = jobs.filter((job) => job.due);
  if (probed.length === 0) return new Set();
  const now = clock.now();
  const columns = sql.join(
    probed.map((job, i) => sql`${job.due!(now)} AS ${sql.identifier(`j${i}`)}`),
    sql`, `,
  );
  const [row] = (await db.execute(sql`SELECT ${columns}`)).rows as Record<string, boolean>[];
  return new Set(probed.filter((_, i) => row![`j${i}`] === false).map((job) => job.name));
}
