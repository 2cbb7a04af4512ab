import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { BillingDb } from './billing-db.ts';
import * as t from './schema.ts';
import { renewalDue, webhookDue } from './job-due.ts';

/**
 * The reads the app makes on almost every request and job tick, built once as prepared queries:
 * the SQL text is assembled a single time instead of per call, and node-postgres parses each
 * named statement once per connection. Only reads outside transactions belong here: a prepared
 * query runs on the database it was built from, which behind a pool is not a transaction's
 * connection.
 */
export function preparedLookups(db: BillingDb) {
  const p = (name: string) => sql.placeholder(name);
  return {
    organization: db
      .select()
      .from(t.organizations)
      .where(eq(t.organizations.id, p('id')))
      .prepare('billing_organization_by_id'),
    subscription: db
      .select()
      .from(t.subscriptions)
      .where(eq(t.subscriptions.id, p('id')))
      .prepare('billing_subscription_by_id'),
    invoice: db
      .select()
      .from(t.invoices)
      .where(eq(t.invoices.id, p('id')))
      .prepare('billing_invoice_by_id'),
    // What charging an invoice again needs, in one trip: the invoice and its organisation.
    invoiceToCollect: db
      .select({ inv: t.invoices, org: t.organizations })
      .from(t.invoices)
      .innerJoin(t.subscriptions, eq(t.subscriptions.id, t.invoices.subscriptionId))
      .innerJoin(t.organizations, eq(t.organizations.id, t.subscriptions.organizationId))
      .where(eq(t.invoices.id, p('id')))
      .prepare('billing_invoice_to_collect'),
    user: db
      .select()
      .from(t.users)
      .where(eq(t.users.id, p('id')))
      .prepare('billing_user_by_id'),
    owner: db
      .select()
      .from(t.users)
      .where(and(eq(t.users.organizationId, p('organizationId')), eq(t.users.role, 'owner')))
      .orderBy(asc(t.users.id))
      .limit(1)
      .prepare('billing_owner_of_organization'),
    defaultCard: db
      .select()
      .from(t.paymentMethods)
      .where(
        and(
          eq(t.paymentMethods.organizationId, p('organizationId')),
          eq(t.paymentMethods.isDefault, true),
          isNull(t.paymentMethods.expiredAt),
        ),
      )
      .orderBy(asc(t.paymentMethods.id))
      .limit(1)
      .prepare('billing_default_card'),
    // Asked only when the job's probe found one due (BillingJob.due), so the join costs no idle tick.
    renewalsDue: db
      .select({ sub: t.subscriptions, org: t.organizations })
      .from(t.subscriptions)
      .innerJoin(t.organizations, eq(t.organizations.id, t.subscriptions.organizationId))
      .where(renewalDue(p('now')))
      .orderBy(asc(t.subscriptions.id))
      .prepare('billing_renewals_due'),
    webhooksDue: db
      .select({ d: t.webhookDeliveries, url: t.webhookEndpoints.url, secret: t.webhookEndpoints.secret })
      .from(t.webhookDeliveries)
      .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, t.webhookDeliveries.endpointId))
      .where(webhookDue(p('now')))
      .orderBy(asc(t.webhookDeliveries.id))
      .prepare('billing_webhooks_due'),
  };
}

export type PreparedLookups = ReturnType<typeof preparedLookups>;
