import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { query as templateQuery } from '@electric-sql/pglite/template';
import pgUtils from 'pg/lib/utils.js';

type Query = <T>(query: string, params?: unknown[], options?: QueryOptions) => Promise<Results<T>>;

/**
 * Makes a PGlite's queries with parameters cost one trip into WebAssembly instead of six. PGlite's
 * own `query` sends Parse, then Describe to learn the parameters' types, then Bind, Describe,
 * Execute and Sync, each on its own; here one message carries Parse, Bind, Describe, Execute and
 * Sync, as node-postgres sends them. Parameters become text as node-postgres makes them
 * (`prepareValue`) rather than by PGlite's serializer for the parameter's type, so an app's values
 * reach the embedded database exactly as they reach a server. Queries with options this path
 * does not cover (a blob, parameter types, serializers) go through PGlite's own `query`.
 */
export function useOneTripQueries(pg: PGlite): void {
  const internals = pg as unknown as PgliteInternals;
  const query = pg.query.bind(pg) as Query;
  pg.query = (async (text: string, params?: unknown[], options?: QueryOptions) => {
    if (!covered(options)) return query(text, params, options);
    await internals._checkReady();
    // As PGlite's own query: never alongside a transaction of another caller.
    return internals._runExclusiveTransaction(async () => {
      const result = await oneTrip(internals, text, params, options);
      await pg.syncToFs();
      return result;
    });
  }) as PGlite['query'];
  const transaction = pg.transaction.bind(pg);
  pg.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      const txQuery = tx.query.bind(tx) as Query;
      tx.query = (async (text: string, params?: unknown[], options?: QueryOptions) => {
        if (tx.closed) throw new Error('Transaction is closed');
        if (!covered(options)) return txQuery(text, params, options);
        return oneTrip(internals, text, params, options);
      }) as Transaction['query'];
      // tx.sql would go through PGlite's own query, and so its serializers: it builds its query here.
      tx.sql = (<T>(strings: TemplateStringsArray, ...values: unknown[]) => {
        const { query: text, params } = templateQuery(strings, ...values);
        return tx.query<T>(text, params);
      }) as Transaction['sql'];
      return callback(tx);
    })) as PGlite['transaction'];
}

interface PgliteInternals extends PGlite {
  _checkReady(): Promise<void>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _handleBlob(blob: Blob | undefined): Promise<void>;
  _cleanupBlob(): Promise<void>;
  _getWrittenBlob(): Promise<Blob | undefined>;
}

function covered(options: QueryOptions | undefined): boolean {
  return !options?.blob && !options?.paramTypes && !options?.serializers && !options?.onNotice;
}

async function oneTrip<T>(
  pg: PgliteInternals,
  text: string,
  params: unknown[] = [],
  options: QueryOptions | undefined,
): Promise<Results<T>> {
  return pg._runExclusiveQuery(async () => {
    const values = params.map((value) => pgUtils.prepareValue(value));
    const { serialize } = protocol;
    const message = concat([
      serialize.parse({ text }),
      serialize.bind({ values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    ]);
    // As PGlite's own query: no input for COPY FROM '/dev/blob', and what COPY TO wrote comes back.
    await pg._handleBlob(undefined);
    try {
      // Sync is in the message, so after an error the session is ready for the next query.
      const messages = await pg.execProtocolStream(message, { syncToFs: false });
      await pg._cleanupBlob();
      const blob = await pg._getWrittenBlob();
      return parse.parseResults(messages, pg.parsers, options, blob)[0] as Results<T>;
    } catch (error) {
      // As PGlite's own query reports a database error: with the statement and its parameters.
      if (error && typeof error === 'object' && 'code' in error) {
        Object.assign(error, { query: text, params, queryOptions: options });
      }
      throw error;
    }
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
