import { eq, sql } from 'drizzle-orm';
import { taxCents } from '../money.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { Invoice, Organization, Subscription } from './row-types.ts';

export interface InvoiceLine {
  sku: string;
  description: string;
  quantity: number;
  unitCents: number;
}

/** Exactly one of `percentOff` and `amountOffCents`. */
export interface CreateCouponInput {
  code: string;
  percentOff?: number;
  amountOffCents?: number;
  durationMonths: number;
}

export interface Invoicing {
  /**
   * Issues an invoice: lines, then coupon discount, then tax on the discounted amount.
   * total = lines - discount + tax, exactly.
   */
  issueInvoice(
    sub: Subscription,
    org: Organization,
    lines: InvoiceLine[],
    periodStart: Date,
    periodEnd: Date,
    useCredit: boolean,
  ): Promise<Invoice>;
  createCoupon(input: CreateCouponInput): Promise<{ couponId: number }>;
}

/** The line for a period of a plan's seats. */
export function seatLine(planCode: string, planName: string, seats: number, unitCents: number): InvoiceLine {
  return {
    sku: `plan:${planCode}`,
    description: `${planName} × ${seats} seats`,
    quantity: seats,
    unitCents,
  };
}

export function invoicing({ db, clock, newId, audit }: FacadeContext): Invoicing {
  return {
    async issueInvoice(sub, org, lines, periodStart, periodEnd, useCredit) {
      return db.transaction(async (tx) => {
        const allLines = [...lines];
        let subtotal = allLines.reduce((s, l) => s + l.quantity * l.unitCents, 0);
        let creditLeft = sub.creditCents;
        if (useCredit && creditLeft > 0 && subtotal > 0) {
          const used = Math.min(creditLeft, subtotal);
          allLines.push({
            sku: 'credit',
            description: 'Credit from earlier plan changes',
            quantity: 1,
            unitCents: -used,
          });
          subtotal -= used;
          creditLeft -= used;
        }
        let discount = 0;
        let monthsLeft = sub.couponMonthsLeft;
        if (sub.couponId && (monthsLeft ?? 0) > 0 && subtotal > 0) {
          const [coupon] = await tx.select().from(t.coupons).where(eq(t.coupons.id, sub.couponId));
          if (coupon) {
            discount = Math.min(
              subtotal,
              coupon.percentOff != null
                ? Math.round((subtotal * coupon.percentOff) / 100)
                : (coupon.amountOffCents ?? 0),
            );
          }
          monthsLeft = (monthsLeft ?? 0) - (sub.interval === 'year' ? 12 : 1);
        }
        const tax = taxCents(subtotal - discount, org.country);
        const [{ n }] = (
          await tx.execute(
            sql`SELECT count(*)::int AS n FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id
                 WHERE s.organization_id = ${sub.organizationId}`,
          )
        ).rows as { n: number }[] as [{ n: number }];
        const now = clock.now();
        const inv = firstOrThrow(
          await tx
            .insert(t.invoices)
            .values({
              publicId: newId('in', org.publicId),
              number: `${org.tenantSlug.toUpperCase()}-${String(n + 1).padStart(4, '0')}`,
              subscriptionId: sub.id,
              status: 'open',
              currency: sub.currency,
              subtotalCents: subtotal,
              discountCents: discount,
              taxCents: tax,
              totalCents: subtotal - discount + tax,
              periodStart,
              periodEnd,
              issuedAt: now,
              dueAt: now,
              attemptCount: 0,
            })
            .returning(),
          'the inserted invoice',
        );
        await tx.insert(t.invoiceLineItems).values(allLines.map((l) => ({ invoiceId: inv.id, ...l })));
        if (creditLeft !== sub.creditCents || monthsLeft !== sub.couponMonthsLeft) {
          await tx
            .update(t.subscriptions)
            .set({ creditCents: creditLeft, couponMonthsLeft: monthsLeft })
            .where(eq(t.subscriptions.id, sub.id));
        }
        await audit(tx, sub.organizationId, 'invoice.issued', null, {
          invoice_id: inv.publicId,
          total_cents: inv.totalCents,
          currency: inv.currency,
        });
        return inv;
      });
    },

    async createCoupon(input) {
      const c = firstOrThrow(
        await db
          .insert(t.coupons)
          .values({
            code: input.code,
            percentOff: input.percentOff ?? null,
            amountOffCents: input.amountOffCents ?? null,
            durationMonths: input.durationMonths,
            createdAt: clock.now(),
          })
          .returning(),
        'the inserted coupon',
      );
      return { couponId: c.id };
    },
  };
}
