/**
 * The app's database connection during a run is a least-privilege role: it owns the run's
 * database and nothing else, so app code cannot reach other databases, programs or server files
 * through the one host and port the egress guard lets through.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingBinding } from '../../bindings/billing/billing-binding.ts';
import { generate } from '../../engine/run/generate.ts';
import { appRoleName, createAppRole, dropAppRole } from '../../engine/safety/app-role.ts';
import { createOwnedDatabase, dropOwnedDatabase } from '../../engine/safety/index.ts';
import { PRIVILEGE_PROBES } from '../fixtures/bindings/privilege-probe-binding.ts';
import { REPO, SERVER_URL } from '../support/run-sim.ts';
import { recordTally } from './tally.ts';

const run = randomBytes(3).toString('hex');
const DB = `sim_approle_${run}`;
const VICTIM = `victim_approle_${run}`;
const canaryFile = join(mkdtempSync(join(tmpdir(), 'sim-approle-')), 'program-ran');
const onDb = (url: string, db: string) => url.replace(/\/[^/?]*(\?|$)/, `/${db}$1`);
let appUrl: string;

const withClient = async <T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
};

beforeAll(async () => {
  await withClient(SERVER_URL, (c) => c.query(`CREATE DATABASE ${VICTIM}`));
  await withClient(onDb(SERVER_URL, VICTIM), (c) =>
    c.query(
      `CREATE TABLE customers (id int primary key, email text); INSERT INTO customers VALUES (1, 'real@x.example')`,
    ),
  );
  await createOwnedDatabase(SERVER_URL, { name: DB, project: 'facade-sim', purpose: 'test' });
  appUrl = await createAppRole(SERVER_URL, DB);
});

afterAll(async () => {
  await dropOwnedDatabase(SERVER_URL, DB, { project: 'facade-sim' }).catch(() => {});
  await dropAppRole(SERVER_URL, DB);
  await withClient(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${VICTIM} WITH (FORCE)`));
  const left = await withClient(SERVER_URL, (c) =>
    c.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1`, [appRoleName(DB)]),
  );
  expect(left.rows[0].n).toBe(0);
});

describe("the app's database role", () => {
  it('has no superuser, createdb, createrole, replication or bypassrls, and owns its database', async () => {
    const attrs = await withClient(appUrl, (c) =>
      c.query(
        `SELECT r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls,
                pg_get_userbyid(d.datdba) = current_user AS owns
           FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
      ),
    );
    expect(attrs.rows[0]).toEqual({
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
      rolbypassrls: false,
      owns: true,
    });
    // Its own database is its to use: the app's migrations run there.
    await withClient(appUrl, (c) => c.query('CREATE TABLE mine (id int); DROP TABLE mine'));
  });

  let tried = 0;
  for (const [name, sql] of Object.entries(PRIVILEGE_PROBES)) {
    it(`is refused: ${name}`, async () => {
      tried++;
      const result = await withClient(appUrl, (c) =>
        c.query(sql.replace('$CANARY', canaryFile)).then(
          () => 'ran',
          (e: Error) => e.message,
        ),
      );
      expect(result).not.toBe('ran');
      expect(result).toMatch(/permission denied|superuser|not allowed|privilege|must be owner|extension/i);
      expect(existsSync(canaryFile)).toBe(false);
    });
  }

  it('cannot read another database through the same host and port', async () => {
    const other = onDb(appUrl, VICTIM);
    const outcome = await withClient(other, (c) => c.query('SELECT * FROM customers')).then(
      () => 'read',
      (e: Error) => e.message,
    );
    expect(outcome).toMatch(/permission denied/);
    // And another role cannot connect to the run's database: PUBLIC lost CONNECT on it.
    await withClient(SERVER_URL, (c) => c.query(`CREATE ROLE ${DB}_other LOGIN`));
    try {
      const u = new URL(onDb(SERVER_URL, DB));
      u.username = `${DB}_other`;
      const denied = await withClient(u.toString(), async () => 'in').catch((e: Error) => e.message);
      expect(denied).toMatch(/permission denied/);
    } finally {
      await withClient(SERVER_URL, (c) => c.query(`DROP ROLE ${DB}_other`));
    }
    recordTally({ suite: 'app role', tried: tried + 1, refused: tried + 1 });
    process.stdout.write(`\napp role: ${tried + 1} privilege probes tried, all refused\n`);
  });

  it('is what a postgres-backend run connects as: a binding probing its privileges finds none', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-approle-run-'));
    const binding = join(REPO, 'test/fixtures/bindings/privilege-probe-binding.ts');
    try {
      await generate(billingBinding, {
        bindingModule: binding,
        projectRoot: REPO,
        scenarioFile: join(REPO, 'test/fixtures/scenarios/tiny.yaml'),
        days: 1,
        checkpoints: [],
        outDir: out,
        backend: 'postgres',
        databaseUrl: SERVER_URL,
        quiet: true,
        log: () => {},
      });
      expect(readdirSync(join(out, 'tiny'))).toContain('dump.sql');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
