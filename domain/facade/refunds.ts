import { and, eq, sql } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import type { RequestContext } from './request-context.ts';
import type { Webhooks } from './webhooks.ts';

export interface RefundInput {
  invoiceId: number;
  /** Positive; all refunds of an invoice together stay within its total. */
  amountCents: number;
  reason: string;
}

export interface Refunds {
  refund(input: RefundInput, ctx: RequestContext): Promise<void>;
}

export function refunds({ db, clock, vendor, lookup, auditRow, subOf }: FacadeContext, hooks: Webhooks): Refunds {
  return {
    async refund(input, ctx) {
      const [inv] = await lookup.invoice.execute({ id: input.invoiceId });
      if (!inv || inv.status !== 'paid') {
        throw new DomainError('not_refundable', `invoice ${input.invoiceId} is not paid`);
      }
      const [{ refunded, count }] = (
        await db.execute(
          sql`SELECT coalesce(sum(amount_cents), 0)::bigint AS refunded, count(*)::int AS count
                FROM refunds WHERE invoice_id = ${inv.id}`,
        )
      ).rows as [{ refunded: string; count: number }];
      if (!(input.amountCents > 0) || Number(refunded) + input.amountCents > inv.totalCents) {
        throw new DomainError(
          'refund_too_large',
          `refund of ${input.amountCents} exceeds what is left of ${inv.totalCents}`,
        );
      }
      const [attempt] = await db
        .select()
        .from(t.paymentAttempts)
        .where(and(eq(t.paymentAttempts.invoiceId, inv.id), eq(t.paymentAttempts.status, 'succeeded')));
      if (!attempt?.vendorPaymentId) throw new DomainError('not_refundable', 'invoice was not paid by card');
      // The n-th refund of an invoice, retried, must not refund twice.
      const res = await vendor.refund(
        attempt.vendorPaymentId,
        input.amountCents,
        `${inv.publicId}:refund:${count + 1}`,
      );
      if (res.status !== 200) {
        throw new DomainError('refund_failed', `payment provider refused the refund (${res.status})`);
      }
      const sub = await subOf(inv.subscriptionId);
      await db.transaction(async (tx) => {
        await tx.insert(t.refunds).values({
          invoiceId: inv.id,
          amountCents: input.amountCents,
          reason: input.reason,
          vendorRefundId: res.body.id,
          createdAt: clock.now(),
        });
        await hooks.enqueue(
          tx,
          sub.organizationId,
          'charge.refunded',
          { invoice: inv.publicId, amount: input.amountCents },
          {
            audit: auditRow(sub.organizationId, 'invoice.refunded', ctx, {
              invoice_id: inv.publicId,
              amount_cents: input.amountCents,
              reason: input.reason,
            }),
          },
        );
      });
    },
  };
}
