import { and, eq } from 'drizzle-orm';
import type { BillingDb } from '../billing-db.ts';
import { DomainError } from '../domain-error.ts';
import { IngestBuffer } from '../ingest-buffer.ts';
import { preparedLookups, type PreparedLookups } from '../lookups.ts';
import * as t from '../schema.ts';
import { vendorClients, type VendorClients } from '../vendors/vendor-clients.ts';
import { auditWriter, type AuditWriter } from './audit-writer.ts';
import { customerEmail, type CustomerEmail } from './customer-email.ts';
import type { Clock, FacadeDeps } from './facade-deps.ts';
import type { Organization, Plan, Subscription } from './row-types.ts';

/** What every part of the facade shares: built once per facade by createFacadeContext. */
export interface FacadeContext {
  db: BillingDb;
  clock: Clock;
  newId: (prefix: string) => string;
  vendor: VendorClients;
  ingest: IngestBuffer;
  lookup: PreparedLookups;
  audit: AuditWriter;
  email: CustomerEmail;
  /** A live (not soft-deleted) organisation, else a 'not_found' refusal. */
  orgOf(organizationId: number): Promise<Organization>;
  /** A subscription, else a 'not_found' refusal. */
  subOf(subscriptionId: number): Promise<Subscription>;
  /** A published plan, else an 'unknown_plan' refusal; read once per facade. */
  planOf(code: string, interval: string, currency: string): Promise<Plan>;
}

export function createFacadeContext(deps: FacadeDeps): FacadeContext {
  const { db, clock, newId } = deps;
  const vendor = vendorClients(deps.vendors);
  const ingest = new IngestBuffer(db);
  const lookup = preparedLookups(db);
  // A published plan is never edited (a new price is a new plan, as with Stripe's immutable
  // prices), so each one is read once per facade instead of once per invoice.
  const plans = new Map<string, Plan>();
  return {
    db,
    clock,
    newId,
    vendor,
    ingest,
    lookup,
    audit: auditWriter(clock),
    email: customerEmail(vendor, lookup),
    async orgOf(organizationId) {
      const [org] = await lookup.organization.execute({ id: organizationId });
      if (!org || org.deletedAt) throw new DomainError('not_found', `organization ${organizationId} not found`);
      return org;
    },
    async subOf(subscriptionId) {
      const [sub] = await lookup.subscription.execute({ id: subscriptionId });
      if (!sub) throw new DomainError('not_found', `subscription ${subscriptionId} not found`);
      return sub;
    },
    async planOf(code, interval, currency) {
      const key = `${code}/${interval}/${currency}`;
      const cached = plans.get(key);
      if (cached) return cached;
      const [plan] = await db
        .select()
        .from(t.plans)
        .where(and(eq(t.plans.code, code), eq(t.plans.interval, interval), eq(t.plans.currency, currency)));
      if (!plan) throw new DomainError('unknown_plan', `no ${interval}ly ${code} plan in ${currency}`);
      plans.set(key, plan);
      return plan;
    },
  };
}
