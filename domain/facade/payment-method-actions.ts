import { eq } from 'drizzle-orm';
import { DomainError } from '../domain-error.ts';
import * as t from '../schema.ts';
import type { FacadeContext } from './facade-context.ts';
import { firstOrThrow } from './first-or-throw.ts';
import type { RequestContext } from './request-context.ts';

/** A card as the customer typed it; only the payment vendor sees the number. */
export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
}

export interface AddPaymentMethodInput {
  organizationId: number;
  /** Who added the card: a member of the organisation. */
  userId: number;
  card: CardInput;
}

export interface PaymentMethodActions {
  addPaymentMethod(
    input: AddPaymentMethodInput,
    ctx: RequestContext,
  ): Promise<{ paymentMethodId: number; publicId: string }>;
}

export function paymentMethodActions({ db, clock, newId, vendor, audit, orgOf }: FacadeContext): PaymentMethodActions {
  return {
    async addPaymentMethod(input, ctx) {
      const org = await orgOf(input.organizationId);
      const publicId = newId('card', org.publicId);
      // A retried request must not store the card twice at the vendor.
      const res = await vendor.tokenizeCard(input.card, `${publicId}:tokenize`);
      if (res.status !== 200) {
        const why = res.body?.error?.message ?? res.body?.error?.code ?? 'unknown';
        throw new DomainError('card_rejected', `payment provider refused the card (${res.status}: ${why})`);
      }
      return db.transaction(async (tx) => {
        await tx
          .update(t.paymentMethods)
          .set({ isDefault: false })
          .where(eq(t.paymentMethods.organizationId, input.organizationId));
        const pm = firstOrThrow(
          await tx
            .insert(t.paymentMethods)
            .values({
              publicId,
              userId: input.userId,
              organizationId: input.organizationId,
              brand: res.body.card.brand,
              lastFour: res.body.card.last4,
              expMonth: input.card.expMonth,
              expYear: input.card.expYear,
              providerToken: res.body.id,
              isDefault: true,
              createdAt: clock.now(),
            })
            .returning(),
          'the inserted payment method',
        );
        await audit(tx, input.organizationId, 'payment_method.added', ctx, {
          payment_method: pm.publicId,
          brand: pm.brand,
          last_four: pm.lastFour,
        });
        return { paymentMethodId: pm.id, publicId: pm.publicId };
      });
    },
  };
}
