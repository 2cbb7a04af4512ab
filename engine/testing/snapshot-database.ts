import type { Socket } from 'node:net';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgliteQueryResultHKT } from 'drizzle-orm/pglite';
import type { Assume } from 'drizzle-orm';
import pg from 'pg';
import { connectExplicit, parseServerUrl, trustContainerHost } from '../safety/index.ts';
import { cloneTemplate, ensureTemplate, rebindMarker, type ServerClone } from './server-template.ts';
import { pgliteSnapshotImage } from './pglite-snapshot-image.ts';
import { resolveSnapshotDir, type SnapshotLocation } from './snapshot-path.ts';
import { startPostgresReaper, type Reaper } from '../reaper/reaper.ts';

// Node 20 has it; an older runtime gets the well-known registry symbol TypeScript's `await using` looks up.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('Symbol.asyncDispose');

/**
 * Where the test database lives, as the CLI's `--backend` says it: `postgres`, a server you own
 * (`url`, or SIM_TEST_DATABASE_URL, or the local server); `docker`, the container the global
 * setup started; `pglite`, embedded PostgreSQL in the test process.
 */
export type Backend = 'postgres' | 'docker' | 'pglite';
/** @deprecated 'url' is the old name of the 'postgres' backend. */
export type BackendName = Backend | 'url';
/** @deprecated Use {@link Backend}. */
export type Via = BackendName;
export type Isolation = 'clone' | 'transaction';

/** The raw PGlite driver of a test: the instance itself, or the open transaction under `isolation: 'transaction'`. */
export type PgliteDriver = Pick<Transaction, 'query' | 'sql' | 'exec'>;

/** Query results every backend shares (`rows`), for a handle whose backend is only known at run time. */
export interface AnyBackendQueryResultHKT extends PgQueryResultHKT {
  type: RowsResult<Assume<this['row'], Record<string, unknown>>>;
}
/** The part of a query result node-postgres and PGlite have in common. */
export interface RowsResult<Row> {
  rows: Row[];
}

/** The drizzle database of a handle on backend B, typed by the caller's schema S. */
export type SnapshotDb<S extends Record<string, unknown>, B extends BackendName> = [B] extends ['pglite']
  ? PgDatabase<PgliteQueryResultHKT, S>
  : [B] extends [Exclude<BackendName, 'pglite'>]
    ? PgDatabase<NodePgQueryResultHKT, S>
    : PgDatabase<AnyBackendQueryResultHKT, S>;

/** The raw driver of a handle on backend B. */
export type SnapshotDriver<B extends BackendName> = [B] extends ['pglite']
  ? PgliteDriver
  : [B] extends [Exclude<BackendName, 'pglite'>]
    ? pg.Client
    : pg.Client | PgliteDriver;

export interface SnapshotDatabaseOptions<
  S extends Record<string, unknown> = Record<string, never>,
  B extends BackendName = Backend,
> {
  /**
   * The snapshot: a name or path looked up through the nearest sim.config.ts (the app's snapshots
   * folder, then the config's folder), an absolute path, or a file URL relative to the test
   * (`new URL('../snapshots/baseline-45d', import.meta.url)`). Never the working directory alone.
   */
  snapshot: SnapshotLocation;
  /** Where the database lives (the CLI's `--backend`). */
  backend?: B;
  /** @deprecated The old name of `backend`. */
  via?: B;
  /** Which app of sim.config.ts a snapshot name belongs to (default: any app that has it). */
  app?: string;
  isolation?: Isolation;
  /**
   * backend 'postgres': a server you own (default: SIM_TEST_DATABASE_URL or the local server). backend 'docker': set by
   * the global setup.
   */
  url?: string;
  /**
   * backend 'postgres': build the template and its clones in this tablespace (default
   * SIM_TEST_TABLESPACE; '' for the server's default). One on tmpfs makes a clone a copy in memory;
   * see README, "A RAM tablespace", for its setup and its risk.
   */
  tablespace?: string;
  /** drizzle schema that types `db` and enables its relational queries. */
  schema?: S;
}

/**
 * One test's database. Close it with `close()`, or let `await using` do it:
 * `await using t = await snapshotDatabase({ snapshot: 'baseline-45d', backend: 'pglite', schema })`.
 */
export interface TestDatabase<
  S extends Record<string, unknown> = Record<string, never>,
  B extends BackendName = Backend,
> extends AsyncDisposable {
  /** Connection URL (server backends); undefined for pglite. */
  url: string | undefined;
  /** A drizzle database on this test's data, typed by the schema passed in. */
  db: SnapshotDb<S, B>;
  /**
   * The raw driver, on the same data and inside the same transaction as `db`: a pg.Client, or for
   * pglite the PGlite instance (clone) or its open transaction (transaction).
   */
  driver: SnapshotDriver<B>;
  /**
   * Ends the test's isolation: rolls back or drops the clone. `keep: true` leaves a clone for inspection and prints its
   * URL.
   */
  close(options?: { keep?: boolean }): Promise<void>;
}

interface ServerState {
  adminUrl: string;
  /** A small pool: the next clone is created while the previous one is dropped. */
  admin: pg.Pool;
  template: string;
  strategy: 'FILE_COPY' | 'WAL_LOG' | null;
  shared?: { client: pg.Client; name: string; url: string };
  /** Clones prepared while tests run (IntegreSQL keeps a warm pool the same way); see clonePool(). */
  ready: Promise<{ clone: ServerClone; client: pg.Client }>[];
  /** Drops run after close() returns; awaited before the process lets go of the server. */
  drops: Promise<unknown>[];
  /**
   * Drops this process's clones if it dies before it does (Ctrl-C on vitest skips afterAll); a
   * server you run only: the docker backend's clones go with its container.
   */
  reaper: Reaper | undefined;
}

const serverStates = new Map<string, Promise<ServerState>>();
const sharedPglites = new Map<string, Promise<PGlite>>();
/** Handles not yet closed; the shared connections are let go of (unref'd) while none is open. */
let openHandles = 0;
/**
 * An open PGlite keeps the event loop alive and cannot be unref'd, so the shared one (transaction
 * isolation) is closed once no handle has been open for this long: tests that follow each other
 * keep it, and a script exits about this long after its last close().
 */
const PGLITE_IDLE_MS = 1_000;
let idleTimer: NodeJS.Timeout | undefined;

/** snapshotDatabase() calls under way: a handle about to open counts as open. */
let pendingHandles = 0;

async function closeSharedPglites(): Promise<void> {
  const pglites = [...sharedPglites.values()];
  sharedPglites.clear();
  for (const p of pglites) await (await p.catch(() => undefined))?.close().catch(() => {});
}

/** The connections of the transaction isolation's shared databases. */
const sharedClients = new Set<pg.Client>();

/**
 * Clones kept ready per worker (SIM_CLONE_POOL, default 2). Two copies in flight use both cores
 * of a small CI machine; measured on the docker backend (2 cores, tmpfs), median per test: 44 ms
 * with one kept ready, 29-37 ms with two, and no better with three or four, since the copy is CPU
 * (docs/performance.md). 0 makes every clone on demand.
 */
function clonePool(): number {
  const n = Number(process.env.SIM_CLONE_POOL ?? 2);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : 2;
}

export const DEFAULT_TEST_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function serverUrlFor(url: string | undefined, backend: Exclude<Backend, 'pglite'>): string {
  if (url) return url;
  if (backend === 'docker') {
    const provided = process.env.SIM_DOCKER_ADMIN_URL;
    if (!provided) {
      throw new Error(
        `snapshotDatabase({ backend: 'docker' }) needs a running container: add globalSetup: ` +
          `['facade-sim/testing/global-setup'] to vitest.config (or pass url)`,
      );
    }
    // Set by the global setup from the container it started; its host may be the bridge gateway.
    trustContainerHost(new URL(provided).hostname);
    return provided;
  }
  return process.env.SIM_TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
}

/**
 * Lets the process exit while a connection sits idle (a clone kept ready, the shared transaction
 * database between tests); a connection a test holds keeps it alive, as any open client would.
 */
function holdProcess(client: pg.Client, hold: boolean): void {
  const socket = (client as unknown as { connection: { stream: Partial<Socket> } }).connection.stream;
  if (hold) socket.ref?.();
  else socket.unref?.();
}

let exitHookInstalled = false;
/**
 * Once the event loop is empty (the last handle closed, nothing else to do), the clones kept
 * ready and the shared databases are dropped, so a script exits by itself and leaves nothing
 * behind; closeSnapshotDatabases() does the same earlier.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('beforeExit', () => {
    if (openHandles + pendingHandles === 0 && (serverStates.size > 0 || sharedPglites.size > 0)) {
      void closeSnapshotDatabases();
    }
  });
}

async function serverState(
  adminUrl: string,
  snapshotDir: string,
  tablespace: string | undefined,
  backend: Exclude<Backend, 'pglite'>,
): Promise<ServerState> {
  const key = `${adminUrl}|${snapshotDir}|${tablespace ?? ''}`;
  let state = serverStates.get(key);
  if (!state) {
    state = (async () => {
      const template = await ensureTemplate(adminUrl, snapshotDir, { tablespace });
      const target = parseServerUrl(adminUrl);
      const admin = new pg.Pool({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password ?? '',
        database: target.database,
        max: 3,
        application_name: 'facade-sim',
        // An idle admin connection must not keep a finished test process alive.
        allowExitOnIdle: true,
      });
      const version = Number((await admin.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
      // FILE_COPY skips WAL for the copy: on a throwaway server (fsync off) it is the fast path (15+).
      const strategy =
        version >= 150000 ? ((process.env.SIM_CLONE_STRATEGY as 'FILE_COPY' | 'WAL_LOG') ?? 'FILE_COPY') : null;
      return {
        adminUrl,
        admin,
        template,
        strategy,
        drops: [],
        ready: [],
        reaper: backend === 'postgres' ? startPostgresReaper(target) : undefined,
      };
    })();
    serverStates.set(key, state);
    state.catch(() => serverStates.delete(key));
  }
  return state;
}

/** Runs inside a transaction that is always rolled back at end(); nested db.transaction() calls become savepoints. */
function rolledBackTransaction<DB>(db: {
  transaction(body: (tx: DB) => Promise<void>): Promise<void>;
}): Promise<{ tx: DB; end: () => Promise<void> }> {
  const ROLLBACK = Symbol('rollback');
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return new Promise((resolveTx, rejectTx) => {
    const finished = db
      .transaction(async (tx: DB) => {
        resolveTx({
          tx,
          end: async () => {
            release();
            await finished;
          },
        });
        await done;
        throw ROLLBACK;
      })
      .catch((e: unknown) => {
        if (e !== ROLLBACK) rejectTx(e);
      });
  });
}

/** One close per handle, counted, and `await using` support. */
function handle<S extends Record<string, unknown>, B extends BackendName>(
  parts: Omit<TestDatabase<S, B>, typeof Symbol.asyncDispose | 'close'> & {
    close(options: { keep?: boolean }): Promise<void>;
  },
): TestDatabase<S, B> {
  openHandles++;
  clearTimeout(idleTimer);
  let closing: Promise<void> | undefined;
  const close = (options: { keep?: boolean } = {}) =>
    (closing ??= parts.close(options).finally(() => {
      // Whichever handle closes last, the shared connections stop holding the process.
      if (--openHandles === 0) {
        for (const client of sharedClients) holdProcess(client, false);
        idleTimer = setTimeout(() => {
          if (openHandles === 0 && pendingHandles === 0) void closeSharedPglites();
        }, PGLITE_IDLE_MS);
      }
    }));
  return { url: parts.url, db: parts.db, driver: parts.driver, close, [Symbol.asyncDispose]: () => close() };
}

function backendOf<B extends BackendName>(options: SnapshotDatabaseOptions<Record<string, unknown>, B>): Backend {
  const backend: BackendName | undefined = options.backend ?? options.via;
  if (backend === 'url') return 'postgres';
  if (backend === 'postgres' || backend === 'docker' || backend === 'pglite') return backend;
  throw new Error(
    `snapshotDatabase: backend ${backend === undefined ? 'missing' : JSON.stringify(backend)}; expected ` +
      `'postgres', 'docker' or 'pglite'`,
  );
}

/**
 * A fresh database for one test, restored from a committed snapshot.
 * - clone: a database of its own (CREATE DATABASE … TEMPLATE on servers; a PGlite loaded from a
 *   data-directory image), for code that commits, uses several connections or migrates.
 * - transaction: one restored database per worker; each test runs in a transaction rolled back
 *   at close(); nested transactions are savepoints.
 *
 * The process exits by itself once every handle is closed; clones kept ready are dropped then.
 */
export async function snapshotDatabase<
  S extends Record<string, unknown> = Record<string, never>,
  B extends BackendName = Backend,
>(options: SnapshotDatabaseOptions<S, B>): Promise<TestDatabase<S, B>> {
  // The shared PGlite must not be closed for idleness while this call boots or uses it.
  pendingHandles++;
  try {
    return await openSnapshotDatabase(options);
  } finally {
    pendingHandles--;
  }
}

async function openSnapshotDatabase<S extends Record<string, unknown>, B extends BackendName>(
  options: SnapshotDatabaseOptions<S, B>,
): Promise<TestDatabase<S, B>> {
  const isolation = options.isolation ?? 'clone';
  const backend = backendOf(options);
  const dir = await resolveSnapshotDir(options.snapshot, { app: options.app });
  const drizzleConfig = options.schema ? { schema: options.schema } : {};
  installExitHook();
  if (backend === 'pglite') return pgliteDatabase<S, B>(dir, isolation, drizzleConfig);
  // The docker backend's whole cluster is already in memory; a tablespace is for a server you run.
  const tablespace =
    backend === 'postgres' ? (options.tablespace ?? process.env.SIM_TEST_TABLESPACE) || undefined : undefined;
  const state = await serverState(serverUrlFor(options.url, backend), dir, tablespace, backend);
  const target = parseServerUrl(state.adminUrl);
  if (isolation === 'transaction') {
    if (!state.shared) {
      const clone = await cloneTemplate(state.admin, state.adminUrl, state.template, state.strategy, state.reaper);
      const client = connectExplicit(target, clone.name);
      await client.connect();
      await rebindMarker(client);
      state.shared = { client, name: clone.name, url: clone.url };
      sharedClients.add(client);
    }
    const { client, url } = state.shared;
    holdProcess(client, true);
    const { tx, end } = await rolledBackTransaction(drizzlePg(client, drizzleConfig));
    return handle<S, B>({
      url,
      db: tx as unknown as SnapshotDb<S, B>,
      driver: client as SnapshotDriver<B>,
      close: end,
    });
  }
  const prepare = async () => {
    const clone = await cloneTemplate(state.admin, state.adminUrl, state.template, state.strategy, state.reaper);
    const client = connectExplicit(target, clone.name);
    await client.connect();
    holdProcess(client, false);
    // The clone keeps the template's marker, so the target guard treats it as a copy and refuses
    // it; only a kept clone (close({ keep: true })) is re-bound, since only it outlives the test.
    return { clone, client };
  };
  const taken = state.ready.shift() ?? prepare();
  while (state.ready.length < clonePool()) {
    const p = prepare();
    p.catch(() => {}); // surfaced when a test takes it
    state.ready.push(p);
  }
  const { clone, client } = await taken;
  holdProcess(client, true);
  return handle<S, B>({
    url: clone.url,
    db: drizzlePg(client, drizzleConfig) as unknown as SnapshotDb<S, B>,
    driver: client as SnapshotDriver<B>,
    async close(o) {
      if (o.keep) await rebindMarker(client);
      await client.end();
      if (o.keep) {
        clone.keep();
        process.stderr.write(`facade-sim: kept test database ${clone.url}\n`);
        return;
      }
      state.drops.push(clone.drop().catch(() => {}));
    },
  });
}

async function pgliteDatabase<S extends Record<string, unknown>, B extends BackendName>(
  dir: string,
  isolation: Isolation,
  drizzleConfig: { schema?: S },
): Promise<TestDatabase<S, B>> {
  if (isolation === 'transaction') {
    let shared = sharedPglites.get(dir);
    if (!shared) {
      shared = pgliteSnapshotImage(dir).then((image) => PGlite.create({ loadDataDir: image }));
      sharedPglites.set(dir, shared);
      shared.catch(() => sharedPglites.delete(dir));
    }
    const { tx, end } = await rolledBackTransaction(drizzlePglite(await shared, drizzleConfig));
    // PGlite runs one transaction at a time and queues every other query behind it, so a query on
    // the instance would wait for this test's rollback forever: the driver is the transaction.
    const driver = (tx as unknown as { session?: { client?: Transaction } }).session?.client;
    if (typeof driver?.query !== 'function') {
      await end();
      throw new Error(
        `facade-sim: this drizzle-orm no longer exposes PGlite's transaction, so t.driver cannot join the test's ` +
          `transaction; use t.db, or isolation: 'clone'`,
      );
    }
    return handle<S, B>({
      url: undefined,
      db: tx as unknown as SnapshotDb<S, B>,
      driver: driver as unknown as SnapshotDriver<B>,
      close: end,
    });
  }
  const pgl = await PGlite.create({ loadDataDir: await pgliteSnapshotImage(dir) });
  return handle<S, B>({
    url: undefined,
    db: drizzlePglite(pgl, drizzleConfig) as unknown as SnapshotDb<S, B>,
    driver: pgl as unknown as SnapshotDriver<B>,
    close: () => pgl.close(),
  });
}

/**
 * Drops the clones kept ready and the shared databases, and ends this process's connections now.
 * Optional: the same happens by itself when the process has nothing left to do.
 */
export async function closeSnapshotDatabases(): Promise<void> {
  const states = [...serverStates.values()];
  serverStates.clear();
  for (const p of states) {
    const s = await p.catch(() => undefined);
    if (!s) continue;
    for (const p of s.ready.splice(0)) {
      const next = await p.catch(() => undefined);
      if (!next) continue;
      // An unref'd socket would let the process exit in the middle of this cleanup.
      holdProcess(next.client, true);
      await next.client.end().catch(() => {});
      s.drops.push(next.clone.drop().catch(() => {}));
    }
    await Promise.all(s.drops);
    if (s.shared) {
      sharedClients.delete(s.shared.client);
      holdProcess(s.shared.client, true);
      await s.shared.client.end().catch(() => {});
      await s.admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(s.shared.name)} WITH (FORCE)`).catch(() => {});
      s.reaper?.untrack(s.shared.name);
    }
    await s.admin.end().catch(() => {});
    s.reaper?.done();
  }
  clearTimeout(idleTimer);
  await closeSharedPglites();
}
