import type * as t from '../schema.ts';

export type Organization = typeof t.organizations.$inferSelect;
export type Subscription = typeof t.subscriptions.$inferSelect;
export type Invoice = typeof t.invoices.$inferSelect;
export type Plan = typeof t.plans.$inferSelect;
/** What a charge needs of a payment method. */
export type PaymentCard = Pick<typeof t.paymentMethods.$inferSelect, 'id' | 'providerToken'>;
