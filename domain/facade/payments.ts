import { eq } from 'drizzle-orm';
import * as t from '../schema.ts';
import { dunningGivesUp, nextDunningAttemptAt } from './dunning-schedule.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { InvoiceLine, Invoicing } from './invoicing.ts';
import type { Invoice, Organization, Subscription } from './row-types.ts';
import { assertTransition } from './subscription-transitions.ts';
import type { Webhooks } from './webhooks.ts';

export interface Payments {
  /**
   * Charges an open invoice once with the organisation's default card: one payment_attempts row,
   * the dunning schedule, the subscription's status, a receipt or dunning email.
   */
  charge(inv: Invoice, org: Organization): Promise<'paid' | 'failed'>;
  /** Charges an open invoice once (the dunning job's way in); the dunning schedule decides when it is tried again. */
  collect(invoiceId: number): Promise<'paid' | 'failed'>;
  /** Issues an invoice and charges it straight away, with the rows just written rather than read back. */
  invoiceAndCharge(
    sub: Subscription,
    lines: InvoiceLine[],
    periodStart: Date,
    periodEnd: Date,
    useCredit: boolean,
    knownOrg?: Organization,
  ): Promise<'paid' | 'failed'>;
}

export function payments(
  { db, clock, vendor, lookup, audit, email, orgOf, subOf }: FacadeContext,
  hooks: Webhooks,
  { issueInvoice }: Invoicing,
): Payments {
  const charge = async (inv: Invoice, org: Organization): Promise<'paid' | 'failed'> => {
    const sub = { id: inv.subscriptionId, organizationId: org.id };
    const now = clock.now();
    const attemptNo = inv.attemptCount + 1;
    const idempotencyKey = `${inv.publicId}:attempt:${attemptNo}`;
    let status: 'succeeded' | 'failed' | 'error' = 'succeeded';
    let failureCode: string | null = null;
    let vendorPaymentId: string | null = null;
    let pmId: number | null = null;
    if (inv.totalCents > 0) {
      const [pm] = await lookup.defaultCard.execute({ organizationId: sub.organizationId });
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
    await db.transaction(async (tx) => {
      await tx.insert(t.paymentAttempts).values({
        invoiceId: inv.id,
        paymentMethodId: pmId,
        vendorPaymentId,
        idempotencyKey,
        status,
        failureCode,
        amountCents: inv.totalCents,
        attemptedAt: now,
      });
      await tx
        .update(t.invoices)
        .set({
          attemptCount: attemptNo,
          status: paid ? 'paid' : gaveUp ? 'uncollectible' : 'open',
          paidAt: paid ? now : null,
          nextAttemptAt: paid || gaveUp ? null : nextDunningAttemptAt(inv, attemptNo, now),
        })
        .where(eq(t.invoices.id, inv.id));
      const current = firstOrThrow(
        await tx.select().from(t.subscriptions).where(eq(t.subscriptions.id, sub.id)),
        `subscription ${sub.id} of invoice ${inv.publicId}`,
      );
      let next = current.status;
      if (paid && current.status === 'past_due') next = 'active';
      if (!paid && current.status === 'active') next = 'past_due';
      if (gaveUp && current.status !== 'canceled') next = 'canceled';
      if (next !== current.status) {
        assertTransition(current.status, next);
        await tx
          .update(t.subscriptions)
          .set({
            status: next,
            ...(next === 'canceled' ? { canceledAt: now, cancellationReason: 'payment_failed' } : {}),
          })
          .where(eq(t.subscriptions.id, sub.id));
      }
      await audit(tx, sub.organizationId, paid ? 'invoice.paid' : 'invoice.payment_failed', null, {
        invoice_id: inv.publicId,
        attempt: attemptNo,
        failure_code: failureCode,
        amount_cents: inv.totalCents,
      });
      await hooks.enqueue(tx, sub.organizationId, paid ? 'invoice.paid' : 'invoice.payment_failed', {
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
      const [inv] = await lookup.invoice.execute({ id: invoiceId });
      if (!inv || inv.status !== 'open') return 'failed';
      const sub = await subOf(inv.subscriptionId);
      return charge(inv, await orgOf(sub.organizationId));
    },

    async invoiceAndCharge(sub, lines, periodStart, periodEnd, useCredit, knownOrg) {
      const org = knownOrg ?? (await orgOf(sub.organizationId));
      return charge(await issueInvoice(sub, org, lines, periodStart, periodEnd, useCredit), org);
    },
  };
}
