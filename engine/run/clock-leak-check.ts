import type { SimDatabase } from '../db/sim-database.ts';
import { DAY_MS } from '../clock/time.ts';

export class ClockLeakError extends Error {
  readonly exitCode = 5;
}

/**
 * Every timestamp in the data must fall inside the simulated window (plus declared history).
 * A server's now() and DEFAULT now() run on real time, so a value outside the window means
 * something escaped the simulated clock; the run fails and names the column.
 */
export interface ClockLeakOptions {
  /** Columns that legitimately hold future instants (period ends, next retry), as table.column. */
  futureColumns?: string[];
  /** How far past the window those may reach (an annual period started on the last day). */
  maxFutureDays?: number;
}

export async function checkClockLeaks(
  db: SimDatabase,
  fromMs: number,
  toMs: number,
  options: ClockLeakOptions = {},
): Promise<void> {
  const future = new Set(options.futureColumns ?? []);
  const futureToMs = toMs + (options.maxFutureDays ?? 0) * DAY_MS;
  const columns = await db.query<{ q: string; col: string; key: string }>(
    `
    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q, quote_ident(a.attname) AS col, ` +
      `c.relname || '.' || a.attname AS key
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sim_meta')
     ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C", a.attname COLLATE "C"`,
  );
  const leaks: string[] = [];
  for (const { q, col, key } of columns) {
    const upperMs = future.has(key) ? futureToMs : toMs;
    const [row] = await db.query<{ lo: string | null; hi: string | null; n: string }>(
      `SELECT min(${col})::text AS lo, max(${col})::text AS hi,
              count(*) FILTER (WHERE ${col} < to_timestamp($1 / 1000.0) ` +
        `OR ${col} > to_timestamp($2 / 1000.0))::text AS n
         FROM ${q}`,
      [fromMs, upperMs],
    );
    if (row && Number(row.n) > 0) {
      leaks.push(`${q}.${col}: ${row.n} value(s) outside the window (min ${row.lo}, max ${row.hi})`);
    }
  }
  if (leaks.length > 0) {
    throw new ClockLeakError(
      `clock leak: timestamps outside the simulated window ${new Date(fromMs).toISOString()} .. ` +
        `${new Date(toMs).toISOString()}:\n  ${leaks.join('\n  ')}\n` +
        `Something wrote real time (DEFAULT now(), a server-side now() or clock_timestamp()); pass timestamps ` +
        `from the facade's clock instead.`,
    );
  }
}
