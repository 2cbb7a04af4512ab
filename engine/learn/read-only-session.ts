import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { connectExplicit, parseServerUrl } from '../safety/index.ts';
import { LearnError } from './learn-errors.ts';
import { QueryLedger } from './query-ledger.ts';
import type { SqlSource } from './sql-source.ts';

export interface SessionLimits {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 120_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;

/**
 * The statements that open the learner's one transaction. READ ONLY makes any write an error on the
 * server's side, whatever a query says; REPEATABLE READ gives every aggregate the same snapshot, so
 * counts and histograms agree with each other. Both work on a replica, with only SELECT, and with
 * default_transaction_read_only = on. pg_catalog comes first on the search path so no function or
 * operator in public can stand in for a built-in.
 */
export function sessionStatements(limits: SessionLimits = {}): string[] {
  const statement = Math.trunc(limits.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  const lock = Math.trunc(limits.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  return [
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    `SET LOCAL statement_timeout = ${statement}`,
    `SET LOCAL lock_timeout = ${lock}`,
    'SET LOCAL search_path = pg_catalog, public',
    "SET LOCAL timezone = 'UTC'",
  ];
}

export interface ReadOnlySession {
  source: SqlSource;
  ledger: QueryLedger;
  /** Ends the transaction (ROLLBACK: there is nothing to keep) and the connection. */
  close(): Promise<void>;
}

/** What failed, in words a person can act on; pg's own message kept at the end. */
function describeFailure(purpose: string, error: Error & { code?: string }): LearnError {
  const hint =
    error.code === '57014'
      ? '; the statement timed out: raise --statement-timeout-ms or learn from a replica with less load'
      : error.code === '55P03'
        ? '; a lock was not granted within the lock timeout (is a migration running?)'
        : error.code === '42501'
          ? '; the role lacks SELECT on a table of the public schema: grant SELECT on every table'
          : '';
  return new LearnError(`learn: query '${purpose}' failed: ${error.message}${hint}`);
}

function guarded(source: SqlSource): SqlSource {
  return {
    query: async <T>(sql: string, params: unknown[], purpose: string) => {
      try {
        return await source.query<T>(sql, params, purpose);
      } catch (e) {
        if (e instanceof LearnError) throw e;
        throw describeFailure(purpose, e as Error & { code?: string });
      }
    },
  };
}

/**
 * Connects to the URL's own database (never a copy), using explicit parameters only (ambient PG*
 * variables are ignored), and opens the read-only transaction. Nothing is created: no temp tables,
 * no functions, no prepared statements kept.
 */
export async function openReadOnlyServer(
  url: string,
  options: SessionLimits & { allowRemoteHosts?: string[] } = {},
): Promise<ReadOnlySession> {
  const target = parseServerUrl(url, { allowRemoteHosts: options.allowRemoteHosts });
  const client: pg.Client = connectExplicit(target, target.database);
  // connectExplicit takes no timeout; without one a filtered host hangs for the OS's TCP timeout (minutes).
  (client as unknown as { _connectionTimeoutMillis: number })._connectionTimeoutMillis = 10_000;
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    const err = e as Error & { code?: string };
    const where = target.host.startsWith('/') ? `socket ${target.host}` : `${target.host}:${target.port}`;
    // Network errors have a name (ECONNREFUSED); the server's own refusals a message worth reading.
    const why = err.code && /^E[A-Z]+$/.test(err.code) ? err.code : err.message;
    throw new LearnError(
      `learn: cannot connect to ${where} database ${target.database} as ${target.user} (${why}): ` +
        'check --database-url; nothing was written',
    );
  }
  const ledger = new QueryLedger();
  const source = guarded(ledger.wrap(async (sql, params) => (await client.query(sql, params)).rows));
  try {
    for (const s of sessionStatements(options)) await source.query(s, [], 'session: read-only transaction');
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  return {
    source,
    ledger,
    async close() {
      await client.query('ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

/** The same session over an embedded PGlite database (a restored snapshot in this process). */
export async function openReadOnlyPglite(pglite: PGlite, options: SessionLimits = {}): Promise<ReadOnlySession> {
  const ledger = new QueryLedger();
  const source = guarded(ledger.wrap(async (sql, params) => (await pglite.query(sql, params as any[])).rows));
  for (const s of sessionStatements(options)) await source.query(s, [], 'session: read-only transaction');
  return {
    source,
    ledger,
    async close() {
      await pglite.query('ROLLBACK').catch(() => {});
    },
  };
}
