import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { BillingDb, BillingTx } from '../billing-db.ts';
import type { Clock } from './facade-deps.ts';
import type { RequestContext } from './request-context.ts';

/**
 * The statement that writes one audit_events row; a null `ctx` means the system acted (a job), not a
 * person. With `when`, the row is written only if that condition holds (for a WITH whose write may
 * find nothing to do).
 */
export type AuditRow = (
  organizationId: number,
  action: string,
  ctx: RequestContext | null,
  target: Record<string, unknown>,
  when?: SQL,
) => SQL;

/** Writes one audit_events row (see AuditRow). */
export type AuditWriter = (
  tx: BillingTx | BillingDb,
  organizationId: number,
  action: string,
  ctx: RequestContext | null,
  target: Record<string, unknown>,
) => Promise<void>;

export function auditRow(clock: Clock): AuditRow {
  return (organizationId, action, ctx, target, when) => {
    const payload: Record<string, unknown> = {
      action,
      actor: ctx
        ? { user: ctx.actorUserPublicId ?? null, email: ctx.actorEmail ?? null, ip: ctx.ip }
        : { user: null, email: null, ip: null, system: true },
      request: ctx ? { id: ctx.requestId, user_agent: ctx.userAgent } : null,
      target,
    };
    if (ctx?.supportNotes) payload.internal = { support_notes: ctx.supportNotes };
    // The most frequent statement of all (every action writes one): a plain template costs a
    // quarter of the insert builder to assemble, and nothing is read back.
    const values = sql`${organizationId}, ${action}, ${clock.now().toISOString()}, ${JSON.stringify(payload)}`;
    return when
      ? sql`INSERT INTO audit_events (organization_id, action, occurred_at, payload) SELECT ${values} WHERE ${when}`
      : sql`INSERT INTO audit_events (organization_id, action, occurred_at, payload) VALUES (${values})`;
  };
}

export function auditWriter(row: AuditRow): AuditWriter {
  return async (tx, organizationId, action, ctx, target) => {
    await tx.execute(row(organizationId, action, ctx, target));
  };
}

/**
 * Runs one write and its audit row as a single statement (the audit row in a data-modifying
 * WITH): atomic without a transaction, so one trip where BEGIN, write, audit and COMMIT took four.
 */
export type AuditedWrite = (db: BillingTx | BillingDb, write: SQLWrapper, audit: SQL) => Promise<void>;

export const auditedWrite: AuditedWrite = async (db, write, audit) => {
  await db.execute(withAudit(audit, write));
};

/**
 * `statement` with `audit` as a data-modifying WITH in front: PostgreSQL runs it whether or not
 * the statement reads it, before the statement's rows are returned.
 */
export function withAudit(audit: SQL, statement: SQLWrapper): SQL {
  return sql`WITH audited AS (${audit}) ${statement.getSQL()}`;
}
