import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// Every timestamp and public id is written by the application from its injected clock and id
// source: no DEFAULT now() or gen_random_uuid(), which would escape a simulated or test clock.
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const ref = (name: string) => bigint(name, { mode: 'number' });

export const plans = pgTable(
  'plans',
  {
    id: id(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    interval: text('interval').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    unitAmountCents: bigint('unit_amount_cents', { mode: 'number' }).notNull(),
    includedSeats: integer('included_seats').notNull().default(1),
    /** Offered to new subscribers; a superseded or retired price stays for those who have it. */
    active: boolean('active').notNull().default(true),
    /** A new price is a new version of the plan (prices are immutable, as Stripe's are). */
    version: integer('version').notNull().default(1),
    publishedAt: ts('published_at'),
    retiredAt: ts('retired_at'),
  },
  (t) => [
    uniqueIndex('plans_code_interval_currency_version_key').on(t.code, t.interval, t.currency, t.version),
    check('plans_interval_check', sql`${t.interval} in ('month', 'year')`),
  ],
);

export const coupons = pgTable(
  'coupons',
  {
    id: id(),
    code: text('code').notNull().unique(),
    percentOff: integer('percent_off'),
    amountOffCents: bigint('amount_off_cents', { mode: 'number' }),
    durationMonths: integer('duration_months').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [check('coupons_one_discount', sql`(${t.percentOff} is null) <> (${t.amountOffCents} is null)`)],
);

export const organizations = pgTable('organizations', {
  id: id(),
  publicId: text('public_id').notNull().unique(),
  tenantSlug: text('tenant_slug').notNull().unique(),
  legalName: text('legal_name').notNull(),
  country: char('country', { length: 2 }).notNull(),
  /** The customer's own time zone (IANA), for its invoices' and reports' calendar. */
  timezone: text('timezone').notNull().default('UTC'),
  billingEmail: text('billing_email'),
  createdAt: ts('created_at').notNull(),
  deletedAt: ts('deleted_at'),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    publicId: text('public_id').notNull().unique(),
    organizationId: ref('organization_id')
      .notNull()
      .references(() => organizations.id),
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    role: text('role').notNull().default('member'),
    createdAt: ts('created_at').notNull(),
    deactivatedAt: ts('deactivated_at'),
    lastSeenAt: ts('last_seen_at'),
  },
  (t) => [
    uniqueIndex('users_org_email_key').on(t.organizationId, t.email),
    index('users_org_idx').on(t.organizationId),
  ],
);

export const paymentMethods = pgTable(
  'payment_methods',
  {
    id: id(),
    publicId: text('public_id').notNull().unique(),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id),
    organizationId: ref('organization_id')
      .notNull()
      .references(() => organizations.id),
    brand: text('brand').notNull(),
    lastFour: char('last_four', { length: 4 }).notNull(),
    expMonth: integer('exp_month').notNull(),
    expYear: integer('exp_year').notNull(),
    providerToken: text('provider_token').notNull(),
    isDefault: boolean('is_default').notNull(),
    createdAt: ts('created_at').notNull(),
    expiredAt: ts('expired_at'),
  },
  (t) => [index('payment_methods_org_idx').on(t.organizationId)],
);

export const subscriptions = pgTable(
  'subscriptions',
  {
    id: id(),
    publicId: text('public_id').notNull().unique(),
    organizationId: ref('organization_id')
      .notNull()
      .references(() => organizations.id),
    planCode: text('plan_code').notNull(),
    /** The exact price version the subscription pays: a repriced plan keeps its old subscribers. */
    planId: ref('plan_id')
      .notNull()
      .references(() => plans.id),
    interval: text('interval').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    seats: integer('seats').notNull(),
    status: text('status').notNull(),
    couponId: ref('coupon_id').references(() => coupons.id),
    couponMonthsLeft: integer('coupon_months_left'),
    trialEndsAt: ts('trial_ends_at'),
    currentPeriodStart: ts('current_period_start').notNull(),
    currentPeriodEnd: ts('current_period_end').notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull(),
    canceledAt: ts('canceled_at'),
    cancellationReason: text('cancellation_reason'),
    creditCents: bigint('credit_cents', { mode: 'number' }).notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    index('subscriptions_org_idx').on(t.organizationId),
    // What the hourly renewals job asks for: due subscriptions that still renew.
    index('subscriptions_renewal_due_idx')
      .on(t.currentPeriodEnd)
      .where(sql`${t.status} in ('active', 'trialing')`),
    check('subscriptions_status_check', sql`${t.status} in ('trialing', 'active', 'past_due', 'canceled')`),
  ],
);

export const invoices = pgTable(
  'invoices',
  {
    id: id(),
    publicId: text('public_id').notNull().unique(),
    number: text('number').notNull().unique(),
    subscriptionId: ref('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    status: text('status').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('USD'),
    subtotalCents: bigint('subtotal_cents', { mode: 'number' }).notNull(),
    discountCents: bigint('discount_cents', { mode: 'number' }).notNull(),
    taxCents: bigint('tax_cents', { mode: 'number' }).notNull(),
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    periodStart: ts('period_start').notNull(),
    periodEnd: ts('period_end').notNull(),
    issuedAt: ts('issued_at').notNull(),
    dueAt: ts('due_at').notNull(),
    paidAt: ts('paid_at'),
    attemptCount: integer('attempt_count').notNull(),
    nextAttemptAt: ts('next_attempt_at'),
  },
  (t) => [
    index('invoices_subscription_idx').on(t.subscriptionId),
    check('invoices_status_check', sql`${t.status} in ('open', 'paid', 'uncollectible', 'void')`),
  ],
);

export const invoiceLineItems = pgTable(
  'invoice_line_items',
  {
    id: id(),
    invoiceId: ref('invoice_id')
      .notNull()
      .references(() => invoices.id),
    sku: text('sku').notNull(),
    description: text('description').notNull(),
    quantity: integer('quantity').notNull(),
    unitCents: bigint('unit_cents', { mode: 'number' }).notNull(),
  },
  (t) => [index('invoice_line_items_invoice_idx').on(t.invoiceId)],
);

export const paymentAttempts = pgTable(
  'payment_attempts',
  {
    id: id(),
    invoiceId: ref('invoice_id')
      .notNull()
      .references(() => invoices.id),
    paymentMethodId: ref('payment_method_id').references(() => paymentMethods.id),
    vendorPaymentId: text('vendor_payment_id'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    status: text('status').notNull(),
    failureCode: text('failure_code'),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    attemptedAt: ts('attempted_at').notNull(),
  },
  (t) => [
    index('payment_attempts_invoice_idx').on(t.invoiceId),
    check('payment_attempts_status_check', sql`${t.status} in ('succeeded', 'failed', 'error')`),
  ],
);

export const refunds = pgTable('refunds', {
  id: id(),
  invoiceId: ref('invoice_id')
    .notNull()
    .references(() => invoices.id),
  amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
  reason: text('reason').notNull(),
  vendorRefundId: text('vendor_refund_id').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: id(),
  publicId: text('public_id').notNull().unique(),
  organizationId: ref('organization_id')
    .notNull()
    .references(() => organizations.id),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  createdAt: ts('created_at').notNull(),
  disabledAt: ts('disabled_at'),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    publicId: text('public_id').notNull().unique(),
    endpointId: ref('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').notNull(),
    attemptCount: integer('attempt_count').notNull(),
    lastStatusCode: integer('last_status_code'),
    createdAt: ts('created_at').notNull(),
    nextAttemptAt: ts('next_attempt_at'),
  },
  (t) => [index('webhook_deliveries_pending_idx').on(t.status, t.nextAttemptAt)],
);

export const usageRecords = pgTable(
  'usage_records',
  {
    id: id(),
    subscriptionId: ref('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    metric: text('metric').notNull(),
    quantity: integer('quantity').notNull(),
    recordedAt: ts('recorded_at').notNull(),
  },
  (t) => [index('usage_records_subscription_idx').on(t.subscriptionId, t.recordedAt)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: id(),
    organizationId: ref('organization_id')
      .notNull()
      .references(() => organizations.id),
    action: text('action').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [index('audit_events_org_idx').on(t.organizationId, t.occurredAt)],
);
