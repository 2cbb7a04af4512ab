import type pg from 'pg';
import { isHarmless, isKeepable } from './statement-cache.ts';

/** At most this many texts get names; later ones run unnamed, so texts built per call cannot grow the session. */
const MAX_NAMED = 1_000;

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Names the statements a server connection runs with parameters, as the embedded session keeps
 * its statements (see StatementCache). node-postgres sends a statement unnamed unless told a name,
 * and PostgreSQL plans an unnamed statement at every execution; the app's heaviest statements cost
 * more to plan than to run. A named one is parsed once per connection and may keep a generic plan.
 *
 * Results do not depend on it: a plan changes how rows are found, never which rows or the order an
 * ORDER BY states. A statement that may change a table's columns (anything not harmless) first
 * drops every named statement, so none can fail on a changed row type.
 */
export function nameStatements(client: pg.Client): void {
  const connection = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection;
  const names = new Map<string, string>();
  let next = 0;
  const query = client.query.bind(client) as QueryFn;
  const dropAll = async () => {
    await query('DEALLOCATE ALL');
    names.clear();
    connection.parsedStatements = {};
  };
  // Not async: a submittable's query returns the submittable itself, which its caller reads.
  (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
    const [config, values, callback] = args;
    // Callbacks and submittables (COPY streams) pass through untouched; neither is a planned statement.
    if (callback !== undefined || typeof values === 'function') return query(...args);
    if (config === null || (typeof config !== 'object' && typeof config !== 'string')) return query(...args);
    if (typeof config === 'object' && ('submit' in config || ('name' in config && config.name))) return query(...args);
    const options = typeof config === 'string' ? { text: config } : (config as { text: string; values?: unknown[] });
    const params = (values ?? options.values) as unknown[] | undefined;
    // Without parameters node-postgres uses the simple protocol, which may carry a script.
    if (!params?.length || !isKeepable(options.text)) {
      if (!isHarmless(options.text) && names.size > 0) return dropAll().then(() => query(...args));
      return query(...args);
    }
    let name = names.get(options.text);
    if (name === undefined && names.size < MAX_NAMED) names.set(options.text, (name = `sim_${next++}`));
    return query(name === undefined ? options : { ...options, name }, params);
  };
}
