export * as schema from './schema.ts';
export { IngestBuffer, type SignIn, type UsageRecord } from './ingest-buffer.ts';
export {
  createBillingFacade,
  assertTransition,
  DUNNING_RETRY_DAYS,
  type BillingFacade,
  type Clock,
  type FacadeDeps,
  type RequestContext,
} from './facade.ts';
export { DomainError } from './domain-error.ts';
export { migrate, migrationFiles } from './migrate.ts';
export { checkInvariants, INVARIANTS } from './invariants.ts';
export { prorationCents, taxCents, addInterval, TAX_RATE_BPS } from './money.ts';
export type { BillingDb } from './billing-db.ts';
export type { VendorSettings } from './vendors/vendor-clients.ts';
