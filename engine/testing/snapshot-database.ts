import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { connectExplicit, parseServerUrl, trustContainerHost } from '../safety/index.ts';
import { readSnapshot } from '../snapshot/snapshot-files.ts';
import { restoreIntoPglite } from '../snapshot/restore-pglite.ts';
import { createPglite } from '../db/pglite-boot.ts';
import { cloneTemplate, ensureTemplate, rebindMarker, type ServerClone } from './server-template.ts';
import { startPostgresReaper, type Reaper } from '../reaper/reaper.ts';

export type Via = 'url' | 'docker' | 'pglite';
export type Isolation = 'clone' | 'transaction';

export interface SnapshotDatabaseOptions<S extends Record<string, unknown> = Record<string, never>> {
  /** Snapshot directory, e.g. 'snapshots/baseline-45d'. */
  snapshot: string;
  via: Via;
  isolation?: Isolation;
  /** via 'url': a server you own (default: SIM_TEST_DATABASE_URL or the local server). via 'docker': set by the global setup. */
  url?: string;
  /**
   * via 'url': build the template and its clones in this tablespace (default SIM_TEST_TABLESPACE;
   * '' for the server's default).
   * One on tmpfs makes a clone a copy in memory (measured on the local server: 50-77 ms, on its disk 179-261 ms);
   * see README, "A RAM tablespace", for its setup and its risk.
   */
  tablespace?: string;
  /** drizzle schema for `db` (relational queries); optional. */
  schema?: S;
}

export interface TestDatabase<DB = any> {
  /** Connection URL (server vias); undefined for pglite. */
  url: string | undefined;
  /** A drizzle database on this test's data. */
  db: DB;
  /** The raw driver: a pg.Client or a PGlite instance. */
  driver: pg.Client | PGlite;
  /** Ends the test's isolation: rolls back or drops the clone. `keep: true` leaves a clone for inspection and prints its URL. */
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
   * server you run only: the docker via's clones go with its container.
   */
  reaper: Reaper | undefined;
}

const serverStates = new Map<string, Promise<ServerState>>();
const pgliteImages = new Map<string, Promise<{ image: Blob; shared?: PGlite }>>();

/**
 * Clones kept ready per worker (SIM_CLONE_POOL, default 2). Two copies in flight use both cores
 * of a small CI machine; measured on the docker via (2 cores, tmpfs), median per test: 44 ms with
 * one kept ready, 29-37 ms with two, and no better with three or four, since the copy is CPU
 * (README, Performance). 0 makes every clone on demand.
 */
function clonePool(): number {
  const n = Number(process.env.SIM_CLONE_POOL ?? 2);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : 2;
}

export const DEFAULT_TEST_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function serverUrlFor(o: SnapshotDatabaseOptions<any>): string {
  if (o.url) return o.url;
  if (o.via === 'docker') {
    const provided = process.env.SIM_DOCKER_ADMIN_URL;
    if (!provided) {
      throw new Error(
        `snapshotDatabase({ via: 'docker' }) needs a running container: add globalSetup: ['facade-sim/testing/global-setup'] to vitest.config (or pass url)`,
      );
    }
    // Set by the global setup from the container it started; its host may be the bridge gateway.
    trustContainerHost(new URL(provided).hostname);
    return provided;
  }
  return process.env.SIM_TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
}

async function serverState(
  adminUrl: string,
  snapshotDir: string,
  tablespace: string | undefined,
  via: Via,
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
        reaper: via === 'url' ? startPostgresReaper(target) : undefined,
      };
    })();
    serverStates.set(key, state);
  }
  return state;
}

/** Runs `body` inside a transaction that is always rolled back; nested db.transaction() calls become savepoints. */
function rolledBackTransaction<DB>(db: any): Promise<{ tx: DB; end: () => Promise<void> }> {
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

/**
 * A fresh database for one test, restored from a committed snapshot.
 * - clone: a database of its own (CREATE DATABASE … TEMPLATE on servers; a PGlite loaded from a
 *   data-directory image embedded), for code that commits, uses several connections or migrates.
 * - transaction: one restored database per worker; each test runs in a transaction rolled back
 *   at close(); nested transactions are savepoints.
 */
export async function snapshotDatabase<S extends Record<string, unknown> = Record<string, never>>(
  options: SnapshotDatabaseOptions<S>,
): Promise<TestDatabase> {
  const isolation = options.isolation ?? 'clone';
  const dir = resolve(options.snapshot);
  if (options.via === 'pglite') return pgliteDatabase(dir, isolation, options.schema);
  // The docker via's whole cluster is already in memory; a tablespace is for a server you run.
  const tablespace =
    options.via === 'url' ? (options.tablespace ?? process.env.SIM_TEST_TABLESPACE) || undefined : undefined;
  const state = await serverState(serverUrlFor(options), dir, tablespace, options.via);
  const target = parseServerUrl(state.adminUrl);
  if (isolation === 'transaction') {
    if (!state.shared) {
      const clone = await cloneTemplate(state.admin, state.adminUrl, state.template, state.strategy, state.reaper);
      const client = connectExplicit(target, clone.name);
      await client.connect();
      await rebindMarker(client);
      state.shared = { client, name: clone.name, url: clone.url };
    }
    const db = drizzlePg(state.shared.client, options.schema ? { schema: options.schema } : {});
    const { tx, end } = await rolledBackTransaction(db);
    return { url: state.shared.url, db: tx, driver: state.shared.client, close: end };
  }
  const prepare = async () => {
    const clone = await cloneTemplate(state.admin, state.adminUrl, state.template, state.strategy, state.reaper);
    const client = connectExplicit(target, clone.name);
    await client.connect();
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
  return {
    url: clone.url,
    db: drizzlePg(client, options.schema ? { schema: options.schema } : {}),
    driver: client,
    async close(o = {}) {
      if (o.keep) await rebindMarker(client);
      await client.end();
      if (o.keep) {
        clone.keep();
        process.stderr.write(`facade-sim: kept test database ${clone.url}\n`);
        return;
      }
      state.drops.push(clone.drop().catch(() => {}));
    },
  };
}

async function pgliteDatabase(
  dir: string,
  isolation: Isolation,
  schema?: Record<string, unknown>,
): Promise<TestDatabase> {
  let entry = pgliteImages.get(dir);
  if (!entry) {
    entry = (async () => {
      const snap = readSnapshot(dir);
      const pgl = await createPglite();
      await restoreIntoPglite(pgl, snap.dumpText);
      await pgl.exec('VACUUM (FREEZE, ANALYZE)');
      const image = await pgl.dumpDataDir('none');
      return { image, shared: pgl };
    })();
    pgliteImages.set(dir, entry);
  }
  const { image, shared } = await entry;
  if (isolation === 'transaction') {
    const db = drizzlePglite(shared!, schema ? { schema } : {});
    const { tx, end } = await rolledBackTransaction(db);
    return { url: undefined, db: tx, driver: shared!, close: end };
  }
  const pgl = await PGlite.create({ loadDataDir: image });
  return {
    url: undefined,
    db: drizzlePglite(pgl, schema ? { schema } : {}),
    driver: pgl,
    async close() {
      await pgl.close();
    },
  };
}

/** Closes the shared connections of this process (call in afterAll or let the process exit). */
export async function closeSnapshotDatabases(): Promise<void> {
  for (const p of serverStates.values()) {
    const s = await p.catch(() => undefined);
    if (!s) continue;
    for (const p of s.ready.splice(0)) {
      const next = await p.catch(() => undefined);
      if (!next) continue;
      await next.client.end().catch(() => {});
      s.drops.push(next.clone.drop().catch(() => {}));
    }
    await Promise.all(s.drops);
    if (s.shared) {
      await s.shared.client.end().catch(() => {});
      await s.admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(s.shared.name)} WITH (FORCE)`).catch(() => {});
    }
    await s.admin.end().catch(() => {});
    s.reaper?.done();
  }
  serverStates.clear();
  for (const p of pgliteImages.values()) await (await p.catch(() => undefined))?.shared?.close().catch(() => {});
  pgliteImages.clear();
}
