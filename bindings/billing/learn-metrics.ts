import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../../domain/schema.ts';
import type { Catalog, CatalogTable } from '../../engine/learn/catalog.ts';
import type { LearnSpec, MetricSpec } from '../../engine/learn/learn-spec.ts';
import { COUNTRY_CODES } from './country-codes.ts';
import { COUNTRIES } from './world/countries.ts';

/** Every zone the world model places tenants in. */
const TIME_ZONES = [...new Set(Object.values(COUNTRIES).flatMap((c) => Object.keys(c.zones)))].sort();

const PLAN_CODES = ['starter', 'team', 'business', 'enterprise'];
const CURRENCIES = ['USD', 'EUR', 'GBP'];
const INTERVALS = ['month', 'year'];

/**
 * The billing app's categorical domains: the only source strings a learned profile may hold. Each
 * list is what the app itself writes or offers (its CHECK constraints, its price catalogue, the
 * actions it audits); anything else found in production is folded into __other__ in the database.
 */
export const BILLING_CATEGORICALS: Record<string, readonly string[]> = {
  'plans.code': PLAN_CODES,
  'plans.interval': INTERVALS,
  'plans.currency': CURRENCIES,
  'organizations.country': COUNTRY_CODES,
  'users.role': ['owner', 'admin', 'member', 'billing', 'viewer'],
  'payment_methods.brand': ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'unknown'],
  'subscriptions.plan_code': PLAN_CODES,
  'subscriptions.interval': INTERVALS,
  'subscriptions.currency': CURRENCIES,
  'subscriptions.status': ['trialing', 'active', 'past_due', 'canceled'],
  // payment_failed: dunning gave up (the app's own reason); the rest are what customers pick.
  'subscriptions.cancellation_reason': [
    'too_expensive',
    'missing_features',
    'switched_service',
    'unused',
    'other',
    'payment_failed',
  ],
  'organizations.timezone': TIME_ZONES,
  'invoices.status': ['open', 'paid', 'uncollectible', 'void'],
  'invoices.currency': CURRENCIES,
  'invoice_line_items.sku': [...PLAN_CODES.map((p) => `plan:${p}`), 'proration', 'credit'],
  'payment_attempts.status': ['succeeded', 'failed', 'error'],
  'payment_attempts.failure_code': [
    'generic_decline',
    'insufficient_funds',
    'expired_card',
    'card_declined',
    'do_not_honor',
    'incorrect_cvc',
    'processing_error',
    'no_payment_method',
    'network_error',
    'resource_missing',
    'http_402',
    'http_500',
    'http_502',
    'http_503',
    'http_504',
  ],
  'refunds.reason': ['requested_by_customer', 'duplicate', 'fraudulent', 'service_outage'],
  'usage_records.metric': ['api_calls', 'storage_gb', 'active_seats'],
  'audit_events.action': [
    'organization.created',
    'organization.deleted',
    'users.imported',
    'user.invited',
    'user.role_changed',
    'user.deactivated',
    'user.signed_in',
    'payment_method.added',
    'subscription.created',
    'subscription.upgraded',
    'subscription.downgraded',
    'subscription.seats_changed',
    'subscription.canceled',
    'subscription.reactivated',
    'subscription.ended',
    'invoice.issued',
    'invoice.paid',
    'invoice.payment_failed',
    'invoice.refunded',
    'webhook_endpoint.created',
  ],
  'webhook_deliveries.event_type': [
    'invoice.paid',
    'invoice.payment_failed',
    'charge.refunded',
    'subscription.created',
    'subscription.updated',
    'subscription.canceled',
    'subscription.deleted',
  ],
  'webhook_deliveries.status': ['pending', 'delivered', 'failed'],
};

/** The instant the data ends: its latest subscription change or invoice (a restored snapshot's now() is today). */
const AS_OF =
  `(SELECT greatest(max(s.created_at), max(s.canceled_at), (SELECT max(i.issued_at) FROM invoices i)) ` +
  `FROM subscriptions s)`;
const LATEST = `(SELECT DISTINCT ON (organization_id) * FROM subscriptions ORDER BY organization_id, created_at DESC, id DESC)`;
const FIRST = `(SELECT DISTINCT ON (organization_id) * FROM subscriptions ORDER BY organization_id, created_at, id)`;
const MONTH_S = 2_629_746; // a Gregorian month in seconds
/**
 * Sign-ins with the user who signed in: the app names the actor by public id (a surrogate key would
 * mean nothing outside its database), so the user is found through users.public_id. An event whose
 * actor matches no user still counts for its tenant, with a null user.
 */
const SIGN_INS = `SELECT e.organization_id, e.occurred_at, u.id AS user_id
    FROM audit_events e LEFT JOIN users u ON u.public_id = e.payload #>> '{actor,user}'
   WHERE e.action = 'user.signed_in'`;
/**
 * Tenant-months with a live subscription, each flagged when the tenant did `action` in it: the
 * monthly rate of an admin action (seat changes, upgrades), which aggregates can see and rows need not.
 */
const monthlyRate = (action: string) => `WITH live AS (
              SELECT organization_id AS tenant, min(created_at) AS from_at,
                     CASE WHEN bool_and(status = 'canceled') THEN max(canceled_at) ELSE ${AS_OF} END AS to_at
                FROM subscriptions GROUP BY organization_id),
            months AS (
              SELECT live.tenant, m FROM live
               CROSS JOIN LATERAL generate_series(date_trunc('month', live.from_at), live.to_at, interval '1 month') m),
            acted AS (
              SELECT DISTINCT organization_id AS tenant, date_trunc('month', occurred_at) AS m
                FROM audit_events WHERE action = '${action}')
            SELECT months.tenant, acted.tenant IS NOT NULL AS event
              FROM months LEFT JOIN acted ON acted.tenant = months.tenant AND acted.m = months.m`;

const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h));

/** Billing's own metrics as aggregate-ready SQL: one row per item, never returned as rows. */
export const BILLING_METRICS: MetricSpec[] = [
  {
    name: 'tenant_seats',
    title: 'Seats per tenant (latest subscription)',
    kind: 'counts',
    unit: 'seats',
    items:
      `SELECT o.id AS tenant, coalesce(l.seats, 0) AS x FROM organizations o LEFT JOIN ${LATEST} l ON ` +
      `l.organization_id = o.id`,
  },
  {
    name: 'tenant_users',
    title: 'Active users per tenant',
    kind: 'counts',
    unit: 'users',
    items: `SELECT o.id AS tenant, count(u.id) FILTER (WHERE u.deactivated_at IS NULL) AS x
              FROM organizations o LEFT JOIN users u ON u.organization_id = o.id GROUP BY o.id`,
  },
  {
    name: 'users_per_seat',
    title: 'Active users per seat',
    kind: 'quantiles',
    unit: 'users per seat',
    items: `SELECT l.organization_id AS tenant,
                   (SELECT count(*) FROM users u WHERE u.organization_id = l.organization_id AND u.deactivated_at IS NULL)::float8 / l.seats AS x
              FROM ${LATEST} l WHERE l.seats > 0`,
  },
  {
    name: 'plan_mix',
    title: 'Plan of each tenant (latest subscription)',
    kind: 'category',
    labels: { domain: 'subscriptions.plan_code' },
    items: `SELECT organization_id AS tenant, plan_code AS x FROM ${LATEST} l`,
  },
  {
    name: 'plan_mix_by_size',
    title: 'Plan of each tenant (latest subscription), one-seat tenants apart',
    kind: 'category',
    labels: { domain: 'subscriptions.plan_code' },
    groups: { values: ['solo', 'multi'] },
    items: `SELECT organization_id AS tenant, CASE WHEN seats = 1 THEN 'solo' ELSE 'multi' END AS grp, plan_code AS x
              FROM ${LATEST} l`,
  },
  {
    name: 'currency_mix',
    title: 'Currency of each tenant',
    kind: 'category',
    labels: { domain: 'subscriptions.currency' },
    items: `SELECT organization_id AS tenant, currency AS x FROM ${LATEST} l`,
  },
  {
    name: 'annual_share',
    title: 'Tenants billed yearly',
    kind: 'rate',
    items: `SELECT organization_id AS tenant, interval = 'year' AS event FROM ${LATEST} l`,
  },
  {
    name: 'active_share',
    title: 'Tenants whose latest subscription is not canceled',
    kind: 'rate',
    items: `SELECT organization_id AS tenant, status <> 'canceled' AS event FROM ${LATEST} l`,
  },
  {
    name: 'trial_share',
    title: 'Tenants who started on a trial',
    kind: 'rate',
    items: `SELECT organization_id AS tenant, trial_ends_at IS NOT NULL AS event FROM ${FIRST} f`,
  },
  {
    name: 'trial_days',
    title: 'Trial length',
    kind: 'quantiles',
    unit: 'days',
    items: `SELECT organization_id AS tenant, extract(epoch FROM trial_ends_at - created_at) / 86400 AS x
              FROM ${FIRST} f WHERE trial_ends_at IS NOT NULL`,
  },
  {
    name: 'trial_conversion',
    title: 'Trials that did not cancel before the trial ended',
    kind: 'rate',
    items: `SELECT organization_id AS tenant, NOT (status = 'canceled' AND canceled_at <= trial_ends_at) AS event
              FROM ${FIRST} f WHERE trial_ends_at IS NOT NULL AND trial_ends_at <= ${AS_OF}`,
  },
  {
    name: 'coupon_share',
    title: 'Tenants who signed up with a coupon',
    kind: 'rate',
    items: `SELECT organization_id AS tenant, coupon_id IS NOT NULL AS event FROM ${FIRST} f`,
  },
  {
    name: 'tenure_months',
    title: 'Tenure in whole months (to churn, or to the end of the data)',
    kind: 'counts',
    unit: 'months',
    items: `SELECT organization_id AS tenant,
                   floor(extract(epoch FROM coalesce(CASE WHEN status = 'canceled' THEN canceled_at END, ${AS_OF}) - created_at) / ${MONTH_S}) AS x
              FROM ${FIRST} f`,
  },
  {
    name: 'seat_change_monthly',
    title: 'Tenant-months with a seat change',
    kind: 'rate',
    items: monthlyRate('subscription.seats_changed'),
  },
  {
    name: 'seat_change_up_share',
    title: 'Seat changes that add seats',
    kind: 'rate',
    items: `SELECT organization_id AS tenant, (payload #>> '{to}')::numeric > (payload #>> '{from}')::numeric AS event
              FROM audit_events WHERE action = 'subscription.seats_changed'
               AND jsonb_typeof(payload -> 'from') = 'number' AND jsonb_typeof(payload -> 'to') = 'number'`,
  },
  {
    name: 'upgrade_monthly',
    title: 'Tenant-months with an upgrade',
    kind: 'rate',
    items: monthlyRate('subscription.upgraded'),
  },
  {
    name: 'downgrade_monthly',
    title: 'Tenant-months with a downgrade',
    kind: 'rate',
    items: monthlyRate('subscription.downgraded'),
  },
  {
    name: 'churn_hazard',
    title: 'Churn hazard by tenure month (share of tenants alive at the month start who cancel in it)',
    kind: 'rate',
    groups: { ordinal: 'integer' },
    items: `WITH t AS (
              SELECT organization_id, status = 'canceled' AS churned,
                     floor(extract(epoch FROM coalesce(CASE WHEN status = 'canceled' THEN canceled_at END, ${AS_OF}) - created_at) / ${MONTH_S})::int AS m
                FROM ${FIRST} f)
            SELECT t.organization_id AS tenant, g.m AS grp, t.churned AND g.m = t.m AS event
              FROM t CROSS JOIN LATERAL generate_series(0, CASE WHEN t.churned THEN t.m ELSE t.m - 1 END) AS g(m)`,
  },
  {
    name: 'arrivals_by_month',
    title: 'Tenant sign-ups by month (the arrival curve)',
    kind: 'category',
    labels: { ordinal: 'month' },
    items: `SELECT id AS tenant, created_at AS x FROM organizations`,
  },
  {
    name: 'signup_weekday',
    title: 'Tenant sign-ups by ISO weekday (1 = Monday)',
    kind: 'category',
    labels: { values: WEEKDAYS },
    items: `SELECT id AS tenant, extract(isodow FROM created_at)::int AS x FROM organizations`,
  },
  {
    name: 'subscription_status_mix',
    title: 'Subscription status',
    kind: 'category',
    labels: { domain: 'subscriptions.status' },
    items: `SELECT organization_id AS tenant, status AS x FROM subscriptions`,
  },
  {
    name: 'invoice_status_mix',
    title: 'Invoice status',
    kind: 'category',
    labels: { domain: 'invoices.status' },
    items:
      `SELECT s.organization_id AS tenant, i.status AS x FROM invoices i JOIN subscriptions s ON s.id = ` +
      `i.subscription_id`,
  },
  {
    name: 'payment_failure_rate',
    title: 'Payment attempts that did not succeed',
    kind: 'rate',
    items: `SELECT s.organization_id AS tenant, pa.status <> 'succeeded' AS event
              FROM payment_attempts pa JOIN invoices i ON i.id = pa.invoice_id JOIN subscriptions s ON s.id = i.subscription_id`,
  },
  {
    name: 'refund_rate',
    title: 'Paid invoices with a refund',
    kind: 'rate',
    items: `SELECT s.organization_id AS tenant, EXISTS (SELECT 1 FROM refunds r WHERE r.invoice_id = i.id) AS event
              FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id WHERE i.status = 'paid' AND i.total_cents > 0`,
  },
  {
    name: 'invoice_total_by_currency',
    title: 'Invoice totals by currency',
    kind: 'quantiles',
    unit: 'cents',
    groups: { domain: 'invoices.currency' },
    items: `SELECT s.organization_id AS tenant, i.currency AS grp, i.total_cents AS x
              FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id WHERE i.total_cents > 0`,
  },
  {
    name: 'signins_per_user_day',
    title: 'Sign-ins per user per day (last 28 days of data, users who existed)',
    kind: 'counts',
    unit: 'sign-ins',
    perUser: true,
    items: `WITH s AS (${SIGN_INS}),
                 w AS (SELECT date_trunc('day', max(occurred_at)) AS last_day FROM s),
                 days AS (SELECT generate_series(w.last_day - interval '27 days', w.last_day, interval '1 day') AS day FROM w),
                 per AS (SELECT user_id, date_trunc('day', occurred_at) AS day, count(*) AS n FROM s
                          WHERE occurred_at >= (SELECT last_day FROM w) - interval '27 days' GROUP BY 1, 2)
            SELECT u.organization_id AS tenant, u.id AS usr, coalesce(per.n, 0) AS x
              FROM users u CROSS JOIN days LEFT JOIN per ON per.user_id = u.id AND per.day = days.day
             WHERE u.created_at < days.day AND (u.deactivated_at IS NULL OR u.deactivated_at >= days.day + interval '1 day')`,
  },
  // The day's rhythm is the tenant's: weekday and hour in its own time zone.
  {
    name: 'activity_weekday',
    title: "Sign-ins by ISO weekday (the tenant's time zone)",
    kind: 'category',
    labels: { values: WEEKDAYS },
    items: `SELECT s.organization_id AS tenant, extract(isodow FROM s.occurred_at AT TIME ZONE o.timezone)::int AS x
              FROM (${SIGN_INS}) s JOIN organizations o ON o.id = s.organization_id`,
  },
  {
    name: 'activity_hour',
    title: "Sign-ins by hour of day (the tenant's time zone)",
    kind: 'category',
    labels: { values: HOURS },
    items: `SELECT s.organization_id AS tenant, extract(hour FROM s.occurred_at AT TIME ZONE o.timezone)::int AS x
              FROM (${SIGN_INS}) s JOIN organizations o ON o.id = s.organization_id`,
  },
];

/** The app's tables and columns, from its drizzle schema: a source lacking any of them is another app. */
export function billingCatalog(): Catalog {
  const tables = (Object.values(schema) as unknown[])
    .filter((t): t is PgTable => is(t, PgTable))
    .map((t): CatalogTable => {
      const c = getTableConfig(t);
      return {
        name: c.name,
        columns: c.columns.map((col) => ({ name: col.name, type: col.getSQLType(), notNull: col.notNull })),
        primaryKey: c.columns.find((col) => col.primary)?.name ?? null,
        unique: c.columns.filter((col) => col.isUnique).map((col) => col.name),
        foreignKeys: c.foreignKeys.map((fk) => {
          const r = fk.reference();
          return {
            column: r.columns[0]!.name,
            parent: getTableConfig(r.foreignTable).name,
            parentColumn: r.foreignColumns[0]!.name,
          };
        }),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return { tables };
}

/** What learn mode needs from the billing binding (AppBinding.learn). */
export const billingLearnSpec: LearnSpec = {
  app: 'billing',
  tenant: { table: 'organizations', key: 'id' },
  categoricals: BILLING_CATEGORICALS,
  metrics: BILLING_METRICS,
  schema: billingCatalog(),
};
