import type pg from 'pg';
import pgUtils from 'pg/lib/utils.js';
import { isHarmless, isKeepable, MAX_STATEMENTS } from './statement-cache.ts';

type QueryFn = (...args: unknown[]) => unknown;
type QueryConfig = { text?: unknown; name?: unknown; values?: unknown[]; callback?: unknown; submit?: unknown };

/**
 * Names the statements a server connection runs with parameters, as the embedded session keeps
 * its statements (see StatementCache). node-postgres sends a statement unnamed unless told a name,
 * and PostgreSQL plans an unnamed statement at every execution; the app's heaviest statements cost
 * more to plan than to run. A named one is parsed once per connection and may keep a generic plan.
 *
 * Results do not depend on it: a plan changes how rows are found, never which rows or the order an
 * ORDER BY states. Before any statement that may change a table's columns (anything not harmless,
 * however it is sent), the names given here are deallocated, so none can fail on a changed row
 * type; statements the app prepared itself are left alone.
 */
export function nameStatements(client: pg.Client): void {
  const connection = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection;
  const names = new Map<string, string>();
  let next = 0;
  const query = client.query.bind(client) as QueryFn;
  // Queued before the statement that needs it, in callback form: node-postgres runs that callback
  // before it sends the next query, so statements keep the order the app gave them.
  const dropNames = () => {
    const parsed = [...names.values()].filter((name) => connection.parsedStatements[name] !== undefined);
    names.clear();
    if (parsed.length === 0) return;
    query(parsed.map((name) => `DEALLOCATE ${name}`).join('; '), (error: unknown) => {
      // Failed (an aborted transaction), the statements still exist and node-postgres still knows
      // them; they are only no longer used here.
      if (!error) for (const name of parsed) delete connection.parsedStatements[name];
    });
  };
  // Not async: a submittable's query returns the submittable itself, which its caller reads.
  (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
    const [config, values, callback] = args;
    const options: QueryConfig | undefined =
      typeof config === 'string' ? { text: config } : config && typeof config === 'object' ? config : undefined;
    if (typeof options?.text !== 'string') return query(...args);
    const text = options.text;
    // Callbacks, submittables (COPY streams, cursors) and statements the app named itself are
    // sent as given: only whether they may change a table matters here.
    const asGiven =
      callback !== undefined ||
      typeof values === 'function' ||
      options.callback !== undefined ||
      options.submit !== undefined ||
      Boolean(options.name);
    const params = (values ?? options.values) as unknown[] | undefined;
    // Without parameters node-postgres uses the simple protocol, which may carry a script.
    if (asGiven || !params?.length || !isKeepable(text)) {
      if (!isHarmless(text) && names.size > 0) dropNames();
      return query(...args);
    }
    let name = names.get(text);
    // Beyond the embedded session's limit, later texts run unnamed: texts built per call cannot grow the session.
    if (name === undefined && names.size < MAX_STATEMENTS) names.set(text, (name = `sim_${next++}`));
    if (name === undefined) return query(...args);
    // Values become text before the statement is sent, as node-postgres would make them: a value
    // it cannot serialise would otherwise fail after the Parse, and node-postgres would take the
    // statement for parsed while the server has closed it.
    let prepared: unknown[];
    try {
      prepared = params.map((value) => pgUtils.prepareValue(value));
    } catch (error) {
      return Promise.reject(error);
    }
    return query({ ...options, name }, prepared);
  };
}
