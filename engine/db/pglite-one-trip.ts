import { protocol, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { query as templateQuery } from '@electric-sql/pglite/template';
import pgUtils from 'pg/lib/utils.js';
import { firstResult, forgetShapes } from './pglite-results.ts';
import { StatementCache } from './statement-cache.ts';

type Query = <T>(query: string, params?: unknown[], options?: QueryOptions) => Promise<Results<T>>;
type Exec = PGlite['exec'];
// A kept statement's row description (null: it returns no rows), learned on its first trip.
type Statements = StatementCache<BackendMessage | null>;
type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/**
 * Makes a PGlite's queries with parameters cost one trip into WebAssembly instead of six, and
 * parses each statement once. PGlite's own `query` sends Parse, then Describe to learn the
 * parameters' types, then Bind, Describe, Execute and Sync, each on its own; here one message
 * carries Bind, Describe, Execute and Sync, behind a Parse the first time a statement's text is
 * seen: the statement is kept by name, as drivers that prepare statements do (statement-cache.ts).
 * Parameters become text as node-postgres makes them (`prepareValue`) rather than by PGlite's
 * serializer for the parameter's type, so an app's values reach the embedded database exactly as
 * they reach a server. Queries with options this path does not cover (a blob, parameter types,
 * serializers) go through PGlite's own `query`.
 */
export function useOneTripQueries(pg: PGlite): void {
  const internals = pg as unknown as PgliteInternals;
  const statements: Statements = new StatementCache();
  const session = foldedBegins(pg);
  const query = pg.query.bind(pg) as Query;
  pg.query = (async (text: string, params?: unknown[], options?: QueryOptions) => {
    if (!covered(options)) return query(text, params, options);
    await internals._checkReady();
    // As PGlite's own query: never alongside a transaction of another caller.
    return internals._runExclusiveTransaction(async () => {
      const result = await oneTrip(internals, statements, session, text, params, options);
      await pg.syncToFs();
      return result;
    });
  }) as PGlite['query'];
  const refreshArrayTypes = pg.refreshArrayTypes.bind(pg);
  pg.refreshArrayTypes = async () => {
    await refreshArrayTypes();
    forgetShapes();
  };
  const exec = pg.exec.bind(pg);
  pg.exec = ((text, options) => {
    statements.sawScript(text);
    return exec(text, options);
  }) as Exec;
  const transaction = pg.transaction.bind(pg);
  pg.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) => {
    session.deferBegin = true;
    return transaction((tx) => {
      const txQuery = tx.query.bind(tx) as Query;
      tx.query = (async (text: string, params?: unknown[], options?: QueryOptions) => {
        if (tx.closed) throw new Error('Transaction is closed');
        if (!covered(options)) return txQuery(text, params, options);
        return oneTrip(internals, statements, session, text, params, options);
      }) as Transaction['query'];
      // tx.sql would go through PGlite's own query, and so its serializers: it builds its query here.
      tx.sql = (<T>(strings: TemplateStringsArray, ...values: unknown[]) => {
        const { query: text, params } = templateQuery(strings, ...values);
        return tx.query<T>(text, params);
      }) as Transaction['sql'];
      const txExec = tx.exec.bind(tx);
      tx.exec = ((text, options) => {
        statements.sawScript(text);
        return txExec(text, options);
      }) as Transaction['exec'];
      return callback(tx);
    });
  }) as PGlite['transaction'];
}

/** What the session owes the database: a BEGIN that travels with the transaction's first statement. */
interface Session {
  /** Set by transaction(): its BEGIN is held back until the transaction has a statement to send. */
  deferBegin: boolean;
  /** A transaction's BEGIN not sent yet. */
  beginPending: boolean;
}

/**
 * Sends fewer messages of their own into WebAssembly, each trip costing as much as a small
 * statement, without changing what the database sees happen:
 * - A transaction's BEGIN is sent with its first statement (oneTrip), and a transaction that
 *   sends nothing sends neither BEGIN nor COMMIT. Until then the session is idle, as it would
 *   be between BEGIN and that statement; only isInTransaction() could tell.
 * - PGlite follows every simple query (exec, BEGIN, COMMIT) with a Sync of its own; a simple
 *   query already ends with ReadyForQuery, so that Sync has nothing to do and is not sent.
 * Any other message goes out as it came, after a BEGIN still held back.
 */
function foldedBegins(pg: PGlite): Session {
  const { serialize } = protocol;
  const [begin, commit, rollback, sync] = [
    serialize.query('BEGIN'),
    serialize.query('COMMIT'),
    serialize.query('ROLLBACK'),
    serialize.sync(),
  ];
  const session: Session = { deferBegin: false, beginPending: false };
  const execProtocolStream = pg.execProtocolStream.bind(pg);
  let afterSimpleQuery = false;
  pg.execProtocolStream = (async (message, options) => {
    const syncIsIdle = afterSimpleQuery;
    afterSimpleQuery = isOneSimpleQuery(message);
    if (session.deferBegin && sameBytes(message, begin)) {
      session.deferBegin = false;
      session.beginPending = true;
      return [];
    }
    if (syncIsIdle && sameBytes(message, sync)) return [];
    if (session.beginPending) {
      session.beginPending = false;
      if (sameBytes(message, commit) || sameBytes(message, rollback)) return [];
      await execProtocolStream(begin, options);
    }
    return execProtocolStream(message, options);
  }) as PGlite['execProtocolStream'];
  return session;
}

const SIMPLE_QUERY = 0x51; // 'Q'
const READY_FOR_QUERY = 'readyForQuery';

/** A message that is one simple query and nothing else, as PGlite's exec sends it. */
function isOneSimpleQuery(message: Uint8Array): boolean {
  if (message.length < 5 || message[0] !== SIMPLE_QUERY) return false;
  return new DataView(message.buffer, message.byteOffset + 1, 4).getInt32(0) + 1 === message.length;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
  statements: Statements,
  session: Session,
  text: string,
  params: unknown[] = [],
  options: QueryOptions | undefined,
): Promise<Results<T>> {
  return pg._runExclusiveQuery(async () => {
    const values = params.map((value) => pgUtils.prepareValue(value));
    const { serialize } = protocol;
    const use = statements.use(text);
    const begin = session.beginPending;
    session.beginPending = false;
    const message = concat([
      ...(begin ? [serialize.query('BEGIN')] : []),
      // Closing a statement that is not there is no error: a failed trip may not have closed them.
      ...use.close.map((name) => serialize.close({ type: 'S', name })),
      ...(use.parse ? [serialize.parse({ name: use.name, text })] : []),
      serialize.bind({ statement: use.name, values }),
      // A kept statement's rows are described as on its first trip: describing them again on
      // every trip costs the embedded database more than the statement itself.
      ...(use.parse ? [serialize.describe({ type: 'P' })] : []),
      serialize.execute({}),
      serialize.sync(),
    ]);
    // As PGlite's own query: no input for COPY FROM '/dev/blob', and what COPY TO wrote comes back.
    await pg._handleBlob(undefined);
    try {
      // Sync is in the message, so after an error the session is ready for the next query.
      const sent = await pg.execProtocolStream(message, { syncToFs: false });
      // BEGIN's own answer (its command tag and ReadyForQuery) is not the statement's.
      const messages = begin ? sent.slice(sent.findIndex((m) => m.name === READY_FOR_QUERY) + 1) : sent;
      const described = messages.find((m) => m.name === 'rowDescription' || m.name === 'noData');
      if (use.parse && described) statements.parsed(text, use, described.name === 'noData' ? null : described);
      else if (use.parse) statements.failed(use);
      if (use.rows) messages.unshift(use.rows);
      await pg._cleanupBlob();
      const blob = await pg._getWrittenBlob();
      return firstResult<T>(messages, pg.parsers, options, blob);
    } catch (error) {
      statements.failed(use);
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
