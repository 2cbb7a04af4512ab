export * as schema from './schema.ts';
export { IngestBuffer, type SignIn, type UsageRecord } from './ingest-buffer.ts';
export { createBillingFacade } from './facade/create-billing-facade.ts';
export type { BillingFacade, BillingJob } from './facade/billing-facade.ts';
export type { Clock, FacadeDeps } from './facade/facade-deps.ts';
export type { RequestContext } from './facade/request-context.ts';
export type { NewOwner, SignUpInput, SoftDeleteOrganizationInput } from './facade/organization-actions.ts';
export type {
  ChangeRoleInput,
  DeactivateUserInput,
  ImportUsersInput,
  InviteUserInput,
  NewMember,
  RecordSignInsInput,
  SignInEvent,
} from './facade/user-actions.ts';
export type { AddPaymentMethodInput, CardInput } from './facade/payment-method-actions.ts';
export type { CancelInput, ReactivateInput, SubscribeInput } from './facade/subscription-actions.ts';
export type { ChangePlanInput, ChangeSeatsInput, ProrationResult } from './facade/subscription-changes.ts';
export type { CreateCouponInput, InvoiceLine } from './facade/invoicing.ts';
export type { RefundInput } from './facade/refunds.ts';
export type { AddWebhookEndpointInput } from './facade/webhooks.ts';
export type { PublishPriceInput, RetirePlanInput } from './facade/catalogue-actions.ts';
export { assertTransition } from './facade/subscription-transitions.ts';
export { DUNNING_RETRY_DAYS } from './facade/dunning-schedule.ts';
export { DomainError } from './domain-error.ts';
export { migrate, migrationFiles } from './migrate.ts';
export { checkInvariants, INVARIANTS } from './invariants.ts';
export { prorationCents, taxCents, addInterval, TAX_RATE_BPS } from './money.ts';
export type { BillingDb } from './billing-db.ts';
export type { VendorSettings } from './vendors/vendor-clients.ts';
