import { and, desc, eq } from 'drizzle-orm';
import { firstOrThrow } from './first-or-throw.ts';
import type { BillingDb } from '../billing-db.ts';
import { DomainError } from '../domain-error.ts';
import { IngestBuffer } from '../ingest-buffer.ts';
import { preparedLookups, type PreparedLookups } from '../lookups.ts';
import * as t from '../schema.ts';
import { vendorClients, type VendorClients } from '../vendors/vendor-clients.ts';
import {
  auditedWrite,
  auditRow,
  auditWriter,
  type AuditedWrite,
  type AuditRow,
  type AuditWriter,
} from './audit-writer.ts';
import { customerEmail, type CustomerEmail } from './customer-email.ts';
import type { Clock, FacadeDeps } from './facade-deps.ts';
import type { Organization, Plan, Subscription } from './row-types.ts';

/** What every part of the facade shares: built once per facade by createFacadeContext. */
export interface FacadeContext {
  db: BillingDb;
  clock: Clock;
  newId: (prefix: string, scope: string) => string;
  vendor: VendorClients;
  ingest: IngestBuffer;
  lookup: PreparedLookups;
  audit: AuditWriter;
  /** The audit row as a statement, for an action that writes it in the same trip as another statement. */
  auditRow: AuditRow;
  /** A write and its audit row (auditRow) in one statement. */
  auditedWrite: AuditedWrite;
  email: CustomerEmail;
  /** A live (not soft-deleted) organisation, else a 'not_found' refusal. */
  orgOf(organizationId: number): Promise<Organization>;
  /** A subscription, else a 'not_found' refusal. */
  subOf(subscriptionId: number): Promise<Subscription>;
  /** The price a new subscriber of a plan gets (its newest offered version), else a refusal. */
  planOf(code: string, interval: string, currency: string): Promise<Plan>;
  /** A price version by id: what an existing subscription keeps paying. */
  planById(id: number): Promise<Plan>;
  /** Forgets the offered prices (after the catalogue changed). */
  forgetOfferedPlans(): void;
}

export function createFacadeContext(deps: FacadeDeps): FacadeContext {
  const { db, clock, newId } = deps;
  const vendor = vendorClients(deps.vendors);
  const ingest = new IngestBuffer(db);
  const lookup = preparedLookups(db);
  // A published price is never edited (a new price is a new version, as with Stripe's immutable
  // prices), so each one is read once per facade instead of once per invoice.
  const offered = new Map<string, Plan>();
  const row = auditRow(clock);
  const byId = new Map<number, Plan>();
  return {
    db,
    clock,
    newId,
    vendor,
    ingest,
    lookup,
    audit: auditWriter(row),
    auditRow: row,
    auditedWrite,
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
      const cached = offered.get(key);
      if (cached) return cached;
      const versions = await db
        .select()
        .from(t.plans)
        .where(and(eq(t.plans.code, code), eq(t.plans.interval, interval), eq(t.plans.currency, currency)))
        .orderBy(desc(t.plans.version));
      const plan = versions.find((p) => p.active);
      if (!plan) {
        if (versions.length) throw new DomainError('plan_retired', `the ${code} plan is no longer offered`);
        throw new DomainError('unknown_plan', `no ${interval}ly ${code} plan in ${currency}`);
      }
      offered.set(key, plan);
      byId.set(plan.id, plan);
      return plan;
    },
    async planById(id) {
      const cached = byId.get(id);
      if (cached) return cached;
      const plan = firstOrThrow(await db.select().from(t.plans).where(eq(t.plans.id, id)), `plan ${id}`);
      byId.set(id, plan);
      return plan;
    },
    forgetOfferedPlans() {
      offered.clear();
    },
  };
}
