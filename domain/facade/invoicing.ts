import { eq, sql, type SQL } from 'drizzle-orm';
import { taxCents } from '../money.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { Invoice, Organization, PaymentCard, Subscription } from './row-types.ts';

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
  /** Issues an invoice; it also reads the card a charge would use, so charging it needs no lookup. */
  issueInvoice(
    sub: Subscription,
    org: Organization,
    lines: InvoiceLine[],
    periodStart: Date,
    periodEnd: Date,
    options: IssueOptions,
  ): Promise<{ invoice: Invoice; defaultCard: PaymentCard | null }>;
  createCoupon(input: CreateCouponInput): Promise<{ couponId: number }>;
}

export interface IssueOptions {
  /** Take what the subscription has of credit from earlier plan changes. */
  useCredit: boolean;
  /** The invoice renews the subscription: it becomes active for [periodStart, periodEnd), in the same statement. */
  renews?: boolean;
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

export function invoicing({ db, clock, newId, auditRow }: FacadeContext): Invoicing {
  return {
    async issueInvoice(sub, org, lines, periodStart, periodEnd, { useCredit, renews }) {
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
        const [coupon] = await db.select().from(t.coupons).where(eq(t.coupons.id, sub.couponId));
        if (coupon) {
          discount = Math.min(
            subtotal,
            coupon.percentOff != null ? Math.round((subtotal * coupon.percentOff) / 100) : (coupon.amountOffCents ?? 0),
          );
        }
        monthsLeft = (monthsLeft ?? 0) - (sub.interval === 'year' ? 12 : 1);
      }
      const tax = taxCents(subtotal - discount, org.country);
      const now = clock.now();
      const publicId = newId('in', org.publicId);
      const totalCents = subtotal - discount + tax;
      const prefix = `${org.tenantSlug.toUpperCase()}-`;
      const lineRows = sql.join(
        allLines.map(
          (l, i) => sql`(${i}::int, ${l.sku}, ${l.description}, ${l.quantity}::int, ${l.unitCents}::bigint)`,
        ),
        sql`, `,
      );
      const audited = auditRow(sub.organizationId, 'invoice.issued', null, {
        invoice_id: publicId,
        total_cents: totalCents,
        currency: sub.currency,
      });
      // What the invoice used up of the subscription's credit and coupon, and the period it renews:
      // one UPDATE, since a statement may change a row only once.
      const changes: SQL[] = [];
      if (creditLeft !== sub.creditCents || monthsLeft !== sub.couponMonthsLeft) {
        changes.push(sql`credit_cents = ${creditLeft}, coupon_months_left = ${monthsLeft}`);
      }
      if (renews) {
        changes.push(sql`status = 'active', current_period_start = ${periodStart.toISOString()},
                         current_period_end = ${periodEnd.toISOString()}`);
      }
      const spent = changes.length
        ? sql`, spent AS (UPDATE subscriptions SET ${sql.join(changes, sql`, `)} WHERE id = ${sub.id})`
        : sql``;
      // Issuing is the app's most frequent business write: the invoice, numbered 0001 on within
      // its organisation, its lines, its audit row and what it used up go in one statement (one
      // round trip, and no transaction around it).
      const {
        id,
        number,
        card_id: cardId,
        provider_token: providerToken,
      } = firstOrThrow(
        (
          await db.execute(sql`
            WITH inv AS (
              INSERT INTO invoices (public_id, number, subscription_id, status, currency, subtotal_cents,
                                    discount_cents, tax_cents, total_cents, period_start, period_end, issued_at,
                                    due_at, attempt_count)
              SELECT ${publicId}, ${prefix} || lpad(n::text, greatest(4, length(n::text)), '0'), ${sub.id},
                     'open', ${sub.currency}, ${subtotal}, ${discount}, ${tax}, ${totalCents},
                     ${periodStart.toISOString()}, ${periodEnd.toISOString()}, ${now.toISOString()},
                     ${now.toISOString()}, 0
                FROM (SELECT count(*) + 1 AS n FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id
                       WHERE s.organization_id = ${sub.organizationId}) c
              RETURNING id, number),
            lines AS (
              INSERT INTO invoice_line_items (invoice_id, sku, description, quantity, unit_cents)
              SELECT inv.id, l.sku, l.description, l.quantity, l.unit_cents
                FROM inv, (VALUES ${lineRows}) AS l(ord, sku, description, quantity, unit_cents)
               ORDER BY l.ord),
            audited AS (${audited})${spent}
            SELECT inv.id, inv.number, card.id AS card_id, card.provider_token
              FROM inv
              LEFT JOIN LATERAL (SELECT id, provider_token FROM payment_methods
                                  WHERE organization_id = ${sub.organizationId} AND is_default
                                    AND expired_at IS NULL
                                  ORDER BY id LIMIT 1) card ON true`)
        ).rows as { id: number | string; number: string; card_id: number | string | null; provider_token: string }[],
        'the inserted invoice',
      );
      const inv: Invoice = {
        id: Number(id),
        publicId,
        number,
        subscriptionId: sub.id,
        status: 'open',
        currency: sub.currency,
        subtotalCents: subtotal,
        discountCents: discount,
        taxCents: tax,
        totalCents,
        periodStart,
        periodEnd,
        issuedAt: now,
        dueAt: now,
        paidAt: null,
        attemptCount: 0,
        nextAttemptAt: null,
      };
      return { invoice: inv, defaultCard: cardId === null ? null : { id: Number(cardId), providerToken } };
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
