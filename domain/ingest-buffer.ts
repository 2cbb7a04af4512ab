import { sql } from 'drizzle-orm';
import type { BillingDb } from './billing-db.ts';
import { pgArray } from './pg-array.ts';

export interface UsageRecord {
  subscriptionId: number;
  metric: string;
  quantity: number;
  recordedAt: Date;
}

export interface SignIn {
  organizationId: number;
  /** The user's public id, as a session or token carries it. */
  userPublicId: string;
  ip: string;
  userAgent: string;
  at: Date;
}

/** Rows per statement: keeps one flush after a long outage from becoming a single statement of unbounded size. */
const MAX_ROWS_PER_STATEMENT = 5000;

/**
 * Usage records and sign-ins arrive from every tenant every day and nothing reads them back at
 * once, so the app accepts them into a buffer and writes each batch with one statement per table,
 * the way metering and audit pipelines ingest (a batch consumer behind the API): the write load
 * then follows the flush rate, not tenants times events.
 *
 * Rows keep the time each event happened (`recordedAt`, `at`); only the order of surrogate ids
 * follows the flush, as in any queue-fed table. Flushes run one at a time, and a failed one puts
 * what it did not write back at the front, so nothing is lost or written twice; the owner calls
 * `flush()` on shutdown.
 */
export class IngestBuffer {
  #usage: UsageRecord[] = [];
  #signIns: SignIn[] = [];
  #previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: BillingDb) {}

  get pending(): number {
    return this.#usage.length + this.#signIns.length;
  }

  addUsage(records: UsageRecord[]): void {
    this.#usage.push(...records);
  }

  addSignIns(events: SignIn[]): void {
    this.#signIns.push(...events);
  }

  /** Writes everything accepted so far (after any flush still running); returns how many events it wrote. */
  flush(): Promise<number> {
    const run = this.#previous.then(() => this.#write());
    this.#previous = run.catch(() => {});
    return run;
  }

  async #write(): Promise<number> {
    const usage = this.#usage.splice(0);
    const signIns = this.#signIns.splice(0);
    let u = 0;
    let s = 0;
    try {
      // Each statement is atomic, so after a failure everything from its first row on is unwritten.
      for (; u < usage.length; u += MAX_ROWS_PER_STATEMENT) {
        await this.#writeUsage(usage.slice(u, u + MAX_ROWS_PER_STATEMENT));
      }
      for (; s < signIns.length; s += MAX_ROWS_PER_STATEMENT) {
        await this.#writeSignIns(signIns.slice(s, s + MAX_ROWS_PER_STATEMENT));
      }
    } catch (error) {
      this.#usage.unshift(...usage.slice(u));
      this.#signIns.unshift(...signIns.slice(s));
      throw error;
    }
    return usage.length + signIns.length;
  }

  /**
   * One statement with four array parameters (one per column) rather than four parameters per
   * row: the statement text stays the same whatever the batch size, and the driver sends four
   * values instead of building a placeholder for each of thousands.
   */
  async #writeUsage(records: UsageRecord[]): Promise<void> {
    await this.db.execute(sql`
      INSERT INTO usage_records (subscription_id, metric, quantity, recorded_at)
      SELECT r.subscription_id, r.metric, r.quantity, r.recorded_at
        FROM unnest(${pgArray(records.map((r) => r.subscriptionId))}::bigint[],
                    ${pgArray(records.map((r) => r.metric))}::text[],
                    ${pgArray(records.map((r) => r.quantity))}::integer[],
                    ${pgArray(records.map((r) => r.recordedAt.toISOString()))}::timestamptz[])
             WITH ORDINALITY AS r(subscription_id, metric, quantity, recorded_at, n)
       ORDER BY r.n`);
  }

  /** One statement, atomic on its own: the audit events in arrival order, then each user's last_seen_at. */
  async #writeSignIns(events: SignIn[]): Promise<void> {
    const rows = events.map((e) => ({
      org: e.organizationId,
      at: e.at.toISOString(),
      payload: {
        action: 'user.signed_in',
        actor: { user: e.userPublicId, email: null, ip: e.ip },
        request: { id: null, user_agent: e.userAgent },
        target: { user: e.userPublicId },
      },
    }));
    const lastSeen = new Map<string, number>();
    for (const e of events) {
      lastSeen.set(e.userPublicId, Math.max(lastSeen.get(e.userPublicId) ?? 0, e.at.getTime()));
    }
    const ids = [...lastSeen.keys()].sort();
    const ats = ids.map((id) => new Date(lastSeen.get(id)!).toISOString());
    // Users are matched through unnest of two arrays, which the planner resolves by the unique
    // public id; a join against the events themselves may be planned as a scan of every user.
    await this.db.execute(sql`
      WITH signed_in AS (
        INSERT INTO audit_events (organization_id, action, occurred_at, payload)
        SELECT e.org, 'user.signed_in', e.at, e.payload
          FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
                          AS (org bigint, at timestamptz, payload jsonb))
               WITH ORDINALITY AS e(org, at, payload, n)
         ORDER BY e.n
        RETURNING 1)
      UPDATE users u SET last_seen_at = GREATEST(u.last_seen_at, v.at)
        FROM unnest(${pgArray(ids)}::text[], ${pgArray(ats)}::timestamptz[]) AS v(public_id, at)
       WHERE u.public_id = v.public_id`);
  }
}
