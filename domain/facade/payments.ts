import { sql } from 'drizzle-orm';
import { dunningGivesUp, nextDunningAttemptAt } from './dunning-schedule.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { InvoiceLine, Invoicing, IssueOptions } from './invoicing.ts';
import type { Invoice, Organization, PaymentCard, Subscription } from './row-types.ts';
import { assertTransition } from './subscription-transitions.ts';
import type { Webhooks } from './webhooks.ts';

export interface Payments {
  /**
   * Charges an open invoice once with the organisation's default card: one payment_attempts row,
   * the dunning schedule, the subscription's status, a receipt or dunning email. `card` is the
   * default card when the caller has just read it (null: there is none); else it is looked up.
   */
  charge(inv: Invoice, org: Organization, card?: PaymentCard | null): Promise<'paid' | 'failed'>;
  /** Charges an open invoice once (the dunning job's way in); the dunning schedule decides when it is tried again. */
  collect(invoiceId: number): Promise<'paid' | 'failed'>;
  /**
   * Issues an invoice and charges it straight away, with the rows just written rather than read
   * back. `org`: the subscription's organisation when the caller has it (else it is looked up).
   */
  invoiceAndCharge(
    sub: Subscription,
    lines: InvoiceLine[],
    periodStart: Date,
    periodEnd: Date,
    options: IssueOptions & { org?: Organization },
  ): Promise<'paid' | 'failed'>;
}

export function payments(
  { db, clock, vendor, lookup, auditRow, email, orgOf }: FacadeContext,
  hooks: Webhooks,
  { issueInvoice }: Invoicing,
): Payments {
  const charge = async (inv: Invoice, org: Organization, card?: PaymentCard | null): Promise<'paid' | 'failed'> => {
    const sub = { id: inv.subscriptionId, organizationId: org.id };
    const now = clock.now();
    const attemptNo = inv.attemptCount + 1;
    const idempotencyKey = `${inv.publicId}:attempt:${attemptNo}`;
    let status: 'succeeded' | 'failed' | 'error' = 'succeeded';
    let failureCode: string | null = null;
    let vendorPaymentId: string | null = null;
    let pmId: number | null = null;
    if (inv.totalCents > 0) {
      const pm =
        card !== undefined ? card : (await lookup.defaultCard.execute({ organizationId: sub.organizationId }))[0];
      if (!pm) {
        status = 'failed';
        failureCode = 'no_payment_method';
      } else {
        pmId = pm.id;
        const res = await vendor.charge(
          {
            amountCents: inv.totalCents,
            currency: inv.currency,
            paymentMethod: pm.providerToken,
            invoicePublicId: inv.publicId,
          },
          idempotencyKey,
        );
        if (res.status === 200 && res.body?.status === 'succeeded') vendorPaymentId = res.body.id;
        else if (res.status === 402 || (res.status >= 400 && res.status < 500)) {
          status = 'failed';
          failureCode = res.body?.error?.decline_code ?? res.body?.error?.code ?? `http_${res.status}`;
        } else {
          status = 'error';
          failureCode = res.status === 0 ? 'network_error' : `http_${res.status}`;
        }
      }
    }
    const paid = status === 'succeeded';
    const gaveUp = !paid && dunningGivesUp(attemptNo);
    const event = paid ? 'invoice.paid' : 'invoice.payment_failed';
    const invoiceStatus = paid ? 'paid' : gaveUp ? 'uncollectible' : 'open';
    const paidAt = paid ? now.toISOString() : null;
    const nextAttemptAt = paid || gaveUp ? null : nextDunningAttemptAt(inv, attemptNo, now).toISOString();
    const audited = auditRow(sub.organizationId, event, null, {
      invoice_id: inv.publicId,
      attempt: attemptNo,
      failure_code: failureCode,
      amount_cents: inv.totalCents,
    });
    await db.transaction(async (tx) => {
      // A charge is the app's most frequent write, so one statement records the attempt, moves the
      // invoice and the subscription, writes the audit row and reads the webhook endpoints (one row
      // per endpoint, or one row without one). Every statement is a round trip; the transaction
      // stays for the deliveries, which need the endpoints' ids.
      // The subscription's move: a payment brings it back from past_due, a failure makes an active
      // one past_due, giving up cancels it. Each is legal (subscription-transitions.ts).
      const rows = (
        await tx.execute(
          sql`WITH attempt AS (
                INSERT INTO payment_attempts (invoice_id, payment_method_id, vendor_payment_id, idempotency_key,
                                              status, failure_code, amount_cents, attempted_at)
                VALUES (${inv.id}, ${pmId}, ${vendorPaymentId}, ${idempotencyKey},
                        ${status}, ${failureCode}, ${inv.totalCents}, ${now.toISOString()})),
              charged AS (
                UPDATE invoices
                   SET attempt_count = ${attemptNo}, status = ${invoiceStatus},
                       paid_at = ${paidAt}, next_attempt_at = ${nextAttemptAt}
                 WHERE id = ${inv.id}
             RETURNING id),
              sub AS (
                SELECT status AS was,
                       CASE WHEN ${gaveUp}::boolean AND status <> 'canceled' THEN 'canceled'
                            WHEN ${paid}::boolean AND status = 'past_due' THEN 'active'
                            WHEN NOT ${paid}::boolean AND status = 'active' THEN 'past_due'
                            ELSE status END AS next
                  FROM subscriptions WHERE id = ${sub.id}),
              moved AS (
                UPDATE subscriptions s
                   SET status = sub.next,
                       canceled_at = CASE WHEN sub.next = 'canceled' THEN ${now.toISOString()}::timestamptz
                                          ELSE s.canceled_at END,
                       cancellation_reason = CASE WHEN sub.next = 'canceled' THEN 'payment_failed'
                                                  ELSE s.cancellation_reason END
                  FROM sub
                 WHERE s.id = ${sub.id} AND sub.next <> sub.was),
              audited AS (${audited})
            SELECT (SELECT count(*) FROM charged)::int AS charged, sub.was, sub.next, e.id, e.public_id
              FROM sub
              LEFT JOIN LATERAL (SELECT id, public_id FROM webhook_endpoints
                                  WHERE organization_id = ${sub.organizationId} AND disabled_at IS NULL) e ON true
             ORDER BY e.id`,
        )
      ).rows as { charged: number; was: string; next: string; id: number | string | null; public_id: string | null }[];
      const { was, next } = firstOrThrow(
        rows.filter((r) => r.charged === 1),
        `invoice ${inv.publicId} and its subscription ${sub.id}`,
      );
      // The statement moved the subscription; the rules are checked here too, before it commits.
      let expected = was;
      if (paid && was === 'past_due') expected = 'active';
      if (!paid && was === 'active') expected = 'past_due';
      if (gaveUp && was !== 'canceled') expected = 'canceled';
      if (next !== expected) throw new Error(`charge moved subscription ${sub.id} to ${next}, expected ${expected}`);
      assertTransition(was, next);
      const endpoints = rows.filter((r) => r.id !== null) as { id: number | string; public_id: string }[];
      await hooks.queue(tx, endpoints, event, {
        invoice: inv.publicId,
        amount: inv.totalCents,
        currency: inv.currency,
        attempt: attemptNo,
      });
    });
    const to = await email.billingAddress(org);
    if (paid) {
      await email.send(
        to,
        `Receipt for invoice ${inv.number}`,
        `We received ${(inv.totalCents / 100).toFixed(2)} ${inv.currency}.`,
        'receipt',
      );
    } else {
      await email.send(
        to,
        gaveUp ? 'Your subscription was canceled' : 'Your payment failed',
        `We could not charge invoice ${inv.number} (${failureCode}).`,
        'dunning',
      );
    }
    return paid ? 'paid' : 'failed';
  };

  return {
    charge,

    async collect(invoiceId) {
      const [row] = await lookup.invoiceToCollect.execute({ id: invoiceId });
      if (!row || row.inv.status !== 'open') return 'failed';
      // A deleted organisation is refused by orgOf, as for any action.
      return charge(row.inv, row.org.deletedAt ? await orgOf(row.org.id) : row.org);
    },

    async invoiceAndCharge(sub, lines, periodStart, periodEnd, options) {
      const org = options.org ?? (await orgOf(sub.organizationId));
      const { invoice, defaultCard } = await issueInvoice(sub, org, lines, periodStart, periodEnd, options);
      return charge(invoice, org, defaultCard);
    },
  };
}
