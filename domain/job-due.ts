import { and, eq, inArray, isNull, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import * as t from './schema.ts';

// What each scheduled job looks for. The job's own query and the probe that tells a host whether
// the job has anything to do (BillingJob.due) share these conditions, so they cannot drift apart.

/** Subscriptions whose period has ended: renewed, or ended when they cancel at period end. */
export const renewalDue = (now: Date | SQLWrapper) =>
  and(inArray(t.subscriptions.status, ['active', 'trialing']), lte(t.subscriptions.currentPeriodEnd, now))!;

/** Open invoices whose next dunning attempt has come. */
export const dunningDue = (now: Date) => and(eq(t.invoices.status, 'open'), lte(t.invoices.nextAttemptAt, now))!;

/** Trials ending in (now+2d, now+3d]: a daily job sees each one exactly once. */
export const trialEnding = (after: Date, until: Date) =>
  and(
    eq(t.subscriptions.status, 'trialing'),
    sql`${t.subscriptions.trialEndsAt} > ${after} AND ${t.subscriptions.trialEndsAt} <= ${until}`,
  )!;

/** Cards past their expiry month (`ym`: year * 12 + month index) not yet marked expired. */
export const cardExpired = (ym: number) =>
  and(
    isNull(t.paymentMethods.expiredAt),
    sql`${t.paymentMethods.expYear} * 12 + ${t.paymentMethods.expMonth} - 1 < ${ym}`,
  )!;

/** Webhook deliveries whose next attempt has come. */
export const webhookDue = (now: Date | SQLWrapper) =>
  and(eq(t.webhookDeliveries.status, 'pending'), lte(t.webhookDeliveries.nextAttemptAt, now))!;

/** True when some row of `table` meets `where`: a job's probe. */
export const anyWhere = (table: string, where: SQL) =>
  sql`EXISTS (SELECT 1 FROM ${sql.identifier(table)} WHERE ${where})`;
