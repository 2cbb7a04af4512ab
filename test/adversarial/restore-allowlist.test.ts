/**
 * Issue 15, classes 1, 2 and 6: a generated corpus of hostile dumps and manifests, each re-hashed
 * so only the content checks stand between it and the server. Every one must be refused before a
 * statement runs, with canaries proving no effect: a foreign database's row, the server's roles
 * and databases, and a directory a shell command would write into.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256 } from '../../engine/snapshot/manifest.ts';
import { planDump } from '../../engine/snapshot/plan-dump.ts';
import { restoreToServer } from '../../engine/snapshot/restore-server.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { IntegrityError } from '../../engine/snapshot/snapshot-validator.ts';
import { createRestoreRole, dropRestoreRole, SafetyError } from '../../engine/safety/index.ts';
import { ensureTemplate } from '../../engine/testing/server-template.ts';
import { REPO, SERVER_URL, runSim } from '../support/run-sim.ts';
import { recordTally } from './tally.ts';

const TAG = `${process.pid}_${Date.now().toString(36)}`;
const FOREIGN_DB = `advforeign_${TAG}`;
const EVIL_ROLE = `adv_evil_${TAG}`;
const canaryDir = mkdtempSync(join(tmpdir(), 'sim-allowlist-canary-'));
const tally = { tried: 0, refused: 0, viaServer: 0 };

const adminClient = async (db = 'postgres') => {
  const c = new pg.Client({ connectionString: SERVER_URL.replace(/\/[^/]*$/, `/${db}`) });
  await c.connect();
  return c;
};

/** Hash prefixes of every variant sent to a server restore: a database named for one is a leak. */
const restoredHashes = new Set<string>();

/** What a probe could have left on the shared server (other engineers' databases are not compared). */
async function serverState() {
  const c = await adminClient();
  try {
    const dbs = (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'sim\\_%' ORDER BY 1`)).rows
      .map((r) => r.datname as string)
      .filter((d) => d.startsWith('sim_evil') || [...restoredHashes].some((h) => d.startsWith(`sim_restore_${h}`)));
    const roles = (
      await c.query(
        `SELECT rolname FROM pg_roles WHERE rolname LIKE 'adv\\_evil%' OR rolname LIKE 'sim\\_restore\\_%' ` +
          `OR rolname LIKE 'sim\\_role\\_probe%' OR rolsuper ORDER BY 1`,
      )
    ).rows.map((r) => r.rolname);
    const foreign = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [FOREIGN_DB])).rowCount;
    return { dbs: dbs.join(','), roles: roles.join(','), foreign };
  } finally {
    await c.end();
  }
}

async function foreignRow(): Promise<number> {
  const c = await adminClient(FOREIGN_DB);
  try {
    return (await c.query('SELECT v FROM t')).rows[0].v;
  } finally {
    await c.end();
  }
}

/** A small valid snapshot: the smallest committed one's schema with empty tables, re-hashed. */
let good: string;
let goodDump: string;
let before: Awaited<ReturnType<typeof serverState>>;

beforeAll(async () => {
  const source = join(REPO, 'snapshots', 'growth-365d');
  good = mkdtempSync(join(tmpdir(), 'sim-allowlist-good-'));
  cpSync(source, good, { recursive: true });
  // Tables emptied but plans (which references nothing), so a CHECK probe has a row to run on.
  goodDump = readFileSync(join(source, 'dump.sql'), 'utf8').replace(
    /^(COPY (\S+) [^\n]* FROM stdin;\n)((?:[^\n]*\n)*?)(\\\.\n)/gm,
    (_all, head: string, table: string, rows: string, end: string) =>
      head + (table === 'public.plans' ? rows : '') + end,
  );
  writeSnapshotFiles(good, goodDump);
  const c = await adminClient();
  try {
    await c.query(`CREATE DATABASE ${FOREIGN_DB}`);
  } finally {
    await c.end();
  }
  const f = await adminClient(FOREIGN_DB);
  await f.query('CREATE TABLE t (v int); INSERT INTO t VALUES (1)');
  await f.end();
  before = await serverState();
}, 120_000);

afterAll(async () => {
  // Measured, not asserted twice: the summary says what the canaries show after the whole corpus.
  const changed = (await foreignRow().catch(() => 0)) === 1 ? 0 : 1;
  const files = readdirSync(canaryDir).length;
  const after = await serverState();
  const c = await adminClient();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${FOREIGN_DB} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${EVIL_ROLE}`);
  } finally {
    await c.end();
  }
  const roles = after.roles.split(',').length - before.roles.split(',').length;
  recordTally({
    suite: 'restore allow-list',
    tried: tally.tried,
    refused: tally.refused,
    foreignRowsChanged: changed,
    metaCommandsExecuted: files,
    statementsOutsideAllowList: tally.tried - tally.refused,
  });
  process.stdout.write(
    `restore allow-list: ${tally.tried} bad inputs tried: ` +
      `${tally.refused} refused (${tally.viaServer} through a server restore), ` +
      `${changed} foreign rows changed, ${roles} roles created, ${files} meta-commands executed, ` +
      `${tally.tried - tally.refused} statements outside the allow-list admitted\n`,
  );
});

function writeSnapshotFiles(dir: string, dump: string, edit: (m: any) => void = () => {}) {
  writeFileSync(join(dir, 'dump.sql'), dump);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  m.files['dump.sql'] = sha256(dump);
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), canonicalJson(m));
}

function variant(dump: string, edit?: (m: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-allowlist-bad-'));
  cpSync(good, dir, { recursive: true });
  writeSnapshotFiles(dir, dump, edit);
  return dir;
}

const touch = (n: number) => `touch ${join(canaryDir, `pwned-${n}`)}`;

/** Statements a schema-and-data dump never holds; each would do harm if it ran as a superuser. */
function probes(n: number): string[] {
  const file = `'${join(canaryDir, `pwned-${n}`)}'`;
  return [
    `SELECT 1; \\! ${touch(n)}`,
    `SELECT 1 \\g |${touch(n)}`,
    `\\o |${touch(n)}`,
    `SELECT 1;\n\\o |${touch(n)}\nSELECT 1;`,
    `\\copy public.plans to program '${touch(n)}'`,
    `CREATE EXTENSION IF NOT EXISTS dblink;`,
    `SELECT dblink_exec('dbname=${FOREIGN_DB}', 'UPDATE t SET v = 2');`,
    `SELECT pg_catalog.setval('public.plans_id_seq', 1), dblink_exec('dbname=${FOREIGN_DB}', 'UPDATE t SET v = 2');`,
    `DROP DATABASE ${FOREIGN_DB};`,
    `CREATE ROLE ${EVIL_ROLE} SUPERUSER LOGIN;`,
    `ALTER ROLE postgres PASSWORD 'x';`,
    `COPY (SELECT 1) TO PROGRAM '${touch(n)}';`,
    `COPY public.plans FROM PROGRAM '${touch(n)}';`,
    `COPY public.plans TO ${file};`,
    `COPY public.plans FROM '/etc/passwd';`,
    `COPY public.plans (id) FROM stdin WITH (FORMAT binary);`,
    `DO $$ BEGIN EXECUTE 'CREATE ROLE ${EVIL_ROLE} SUPERUSER'; END $$;`,
    `DO $x$ BEGIN PERFORM 1; END $x$ LANGUAGE plpgsql;`,
    `CREATE EXTENSION file_fdw;`,
    `CREATE SERVER s FOREIGN DATA WRAPPER file_fdw;`,
    `CREATE FOREIGN TABLE public.f (l text) SERVER s OPTIONS (filename '/etc/passwd');`,
    `IMPORT FOREIGN SCHEMA public FROM SERVER s INTO public;`,
    `ALTER SYSTEM SET archive_command = '${touch(n)}';`,
    `SET ROLE postgres;`,
    `SET SESSION AUTHORIZATION postgres;`,
    `RESET ROLE;`,
    `SET search_path = evil, public;`,
    `SET LOCAL statement_timeout = 0;`,
    `SET client_encoding = 'SQL_ASCII';`,
    `GRANT ALL ON DATABASE postgres TO PUBLIC;`,
    `GRANT pg_execute_server_program TO CURRENT_USER;`,
    `REVOKE ALL ON SCHEMA public FROM PUBLIC;`,
    `CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;`,
    `CREATE PROCEDURE public.p() LANGUAGE sql AS $$ SELECT 1 $$;`,
    `CALL public.p();`,
    `CREATE TABLE pg_temp.x (a int);`,
    `CREATE TABLE other.x (a int);`,
    `CREATE TABLE public.x (a int) TABLESPACE pg_global;`,
    `CREATE TABLE public.x AS SELECT pg_read_file('/etc/passwd');`,
    `CREATE SCHEMA evil;`,
    `CREATE VIEW public.v AS SELECT 1;`,
    `CREATE MATERIALIZED VIEW public.mv AS SELECT dblink('dbname=postgres', 'SELECT 1');`,
    `SELECT pg_read_file('/etc/passwd');`,
    `SELECT pg_catalog.set_config('session_authorization', 'postgres', false);`,
    `SELECT pg_catalog.setval((SELECT 'public.plans_id_seq'), 1);`,
    `SELECT pg_catalog.setval('pg_catalog.x', 1, true);`,
    `SELECT pg_catalog.setval('public.plans_id_seq', 1) FROM pg_sleep(1);`,
    `SELECT * INTO public.y FROM pg_authid;`,
    `ALTER TABLE public.plans OWNER TO postgres;`,
    `ALTER TABLE ONLY public.plans ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ONLY public.plans ADD CONSTRAINT c FOREIGN KEY (id) REFERENCES other.t (id);`,
    `ALTER DATABASE postgres OWNER TO ${EVIL_ROLE};`,
    `ALTER SEQUENCE public.plans_id_seq RESTART 1;`,
    `CREATE TRIGGER t BEFORE INSERT ON public.plans FOR EACH ROW EXECUTE FUNCTION public.f();`,
    `CREATE RULE r AS ON INSERT TO public.plans DO INSTEAD NOTHING;`,
    `CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.f();`,
    `CREATE PUBLICATION p FOR ALL TABLES;`,
    `CREATE SUBSCRIPTION s CONNECTION 'dbname=postgres' PUBLICATION p;`,
    `REASSIGN OWNED BY postgres TO ${EVIL_ROLE};`,
    `DROP TABLE public.plans;`,
    `TRUNCATE public.plans;`,
    `INSERT INTO public.plans (id) VALUES (1);`,
    `UPDATE public.plans SET id = 2;`,
    `DELETE FROM public.plans;`,
    `COMMIT; DROP DATABASE ${FOREIGN_DB};`,
    `BEGIN;`,
    `ROLLBACK;`,
    `LOAD '/tmp/evil.so';`,
    `CHECKPOINT;`,
    `VACUUM FULL;`,
    `LISTEN x;`,
    `NOTIFY x;`,
    `PREPARE p AS SELECT 1;`,
    `EXECUTE p;`,
    `EXPLAIN ANALYZE SELECT pg_sleep(1);`,
    `DECLARE c CURSOR FOR SELECT 1;`,
    `COMMENT ON DATABASE postgres IS 'x';`,
    `SECURITY LABEL ON TABLE public.plans IS 'x';`,
    `LOCK TABLE public.plans;`,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity;`,
    `CREATE LANGUAGE plperlu;`,
    `CREATE CAST (text AS int) WITHOUT FUNCTION;`,
    `CREATE TYPE public.e AS (a int);`,
    `CREATE DATABASE sim_evil;`,
    `CREATE TABLESPACE t LOCATION '/tmp';`,
    `CREATE USER MAPPING FOR PUBLIC SERVER s;`,
  ];
}

/** Fake COPY headers inside literals and comments: the `\.` after them must not end anything. */
function structural(n: number): string[] {
  const copy = 'COPY public.plans (id) FROM stdin;';
  return [
    `SELECT '\n${copy}\n\\.\n';\n\\! ${touch(n)}`,
    `SELECT $$\n${copy}\n\\! ${touch(n)}\n\\.\n$$;`,
    `SELECT $tag$\n${copy}\n1\n\\.\n$tag$;`,
    `SELECT E'\\n\n${copy}\n\\.\n';`,
    `/*\n${copy}\n\\! ${touch(n)}\n\\.\n*/`,
    `/* /* nested */\n${copy}\n\\.\n*/ SELECT 1;`,
    `SELECT "\n${copy}\n\\.\n";`,
    `${copy} SELECT 1;`,
    `SELECT 1\n${copy}\n\\.\n`,
    `${copy}\n1\n\\.\nDROP DATABASE ${FOREIGN_DB};\n${copy}\n\\.\n`,
    `${copy}\n1\n\\.\n\\! ${touch(n)}`,
    `COPY public.plans (id) FROM stdin; -- trailing\n\\.\n`,
    `COPY public.plans (id) TO stdout;\n\\.\n`,
  ];
}

/** Where a probe goes: its own line at each section, or after a statement on the same line. */
const PLACES: [string, (dump: string, probe: string) => string][] = [
  ['start', (d, p) => d.replace('\nSET statement_timeout = 0;\n', `\nSET statement_timeout = 0;\n${p}\n`)],
  ['same line', (d, p) => d.replace('SET row_security = off;\n', `SET row_security = off; ${p}\n`)],
  ['before data', (d, p) => d.replace('\n--\n-- Data for Name', `\n${p}\n--\n-- Data for Name`)],
  ['between copies', (d, p) => d.replace(/(\\\.\n)/, `$1${p}\n`)],
  [
    'before footer',
    (d, p) =>
      d.replace('\n--\n-- PostgreSQL database dump complete', `\n${p}\n--\n-- PostgreSQL database dump complete`),
  ],
];

describe('restore allow-list: hostile dumps, re-hashed', () => {
  it('the good small snapshot restores (the corpus is refused for its probes, not for its base)', async () => {
    expect(planDump(goodDump).length).toBeGreaterThan(50);
    const r = await restoreToServer(good, SERVER_URL);
    const c = await adminClient(r.name);
    expect((await c.query('SELECT count(*)::int AS n FROM public.plans')).rows[0].n).toBeGreaterThan(0);
    expect((await c.query('SELECT count(*)::int AS n FROM public.users')).rows[0].n).toBe(0);
    await c.end();
    const { dropOwnedDatabase } = await import('../../engine/safety/index.ts');
    await dropOwnedDatabase(SERVER_URL, r.name, { project: 'facade-sim' });
  });

  it('refuses every probe at every place, naming file:line, before any connection', async () => {
    let n = 0;
    const failures: string[] = [];
    for (const [place, put] of PLACES) {
      for (const probe of [...probes(n), ...structural(n)]) {
        n++;
        const dump = put(goodDump, probe);
        expect(dump, `${place}: ${probe}`).not.toBe(goodDump);
        const dir = variant(dump);
        tally.tried++;
        let error: unknown;
        try {
          readSnapshot(dir);
        } catch (e) {
          error = e;
        }
        const ok = error instanceof IntegrityError && /dump\.sql:\d+: /.test((error as Error).message);
        if (!ok) failures.push(`${place}: ${JSON.stringify(probe)} -> ${String(error)}`);
        else tally.refused++;
        // A sample through the real restore, whose canaries are checked below.
        if (n % 9 === 0) {
          restoredHashes.add(sha256(dump).slice(7, 17));
          const e = await restoreToServer(dir, SERVER_URL).then(
            () => undefined,
            (x: unknown) => x,
          );
          expect(e, `${place}: ${probe}`).toBeInstanceOf(IntegrityError);
          tally.viaServer++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await serverState()).toEqual(before);
    expect(await foreignRow()).toBe(1);
    expect(readdirSync(canaryDir)).toEqual([]);
  });

  it('sim restore exits 5 on a sample, and leaves nothing behind', async () => {
    for (const probe of [`SELECT 1; \\! ${touch(9001)}`, `DROP DATABASE ${FOREIGN_DB};`, structural(9002)[1]!]) {
      const run = await runSim(['restore', variant(PLACES[2]![1](goodDump, probe)), '--database-url', SERVER_URL]);
      tally.tried++;
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toMatch(/dump\.sql:\d+: /);
      tally.refused++;
    }
    expect(await serverState()).toEqual(before);
    expect(await foreignRow()).toBe(1);
    expect(readdirSync(canaryDir)).toEqual([]);
  });

  it('what the parser admits still runs as a role that can read no server file and start no program', async () => {
    // A CHECK constraint is a kind pg_dump writes; the role, not the planner, stops this one.
    const dump = PLACES[4]![1](
      goodDump,
      `ALTER TABLE ONLY public.plans ADD CONSTRAINT evil CHECK (length(pg_read_file('/etc/passwd')) > 0);`,
    );
    restoredHashes.add(sha256(dump).slice(7, 17));
    tally.tried++;
    await expect(restoreToServer(variant(dump), SERVER_URL)).rejects.toThrow(/permission denied/);
    tally.refused++;
    const admin = await adminClient();
    const name = `sim_role_probe_${TAG}`.slice(0, 60);
    try {
      const { role, password } = await createRestoreRole(admin, name, { project: 'facade-sim' });
      const attrs = (
        await admin.query('SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1', [role])
      ).rows[0];
      expect(attrs).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
      const c = new pg.Client({ connectionString: SERVER_URL.replace(/\/\/[^@]*@/, `//${role}:${password}@`) });
      await c.connect();
      try {
        for (const sql of [
          `COPY (SELECT 1) TO PROGRAM '${touch(9100)}'`,
          `SELECT pg_read_file('/etc/passwd')`,
          `CREATE EXTENSION dblink`,
          `CREATE EXTENSION file_fdw`,
          `CREATE ROLE ${EVIL_ROLE} SUPERUSER`,
          `CREATE DATABASE sim_evil_${TAG}`,
          `ALTER SYSTEM SET work_mem = '1MB'`,
        ]) {
          tally.tried++;
          await expect(c.query(sql), sql).rejects.toThrow();
          tally.refused++;
        }
      } finally {
        await c.end();
      }
    } finally {
      await dropRestoreRole(admin, name, { project: 'facade-sim' });
      await admin.end();
    }
    expect(await serverState()).toEqual(before);
    expect(readdirSync(canaryDir)).toEqual([]);
  });
});

describe('databases the tool does not own', () => {
  it('an unmarked sim_tpl_ look-alike is neither reused nor dropped', async () => {
    const hash = readSnapshot(good)
      .manifest.files['dump.sql']!.replace(/^sha256:/, '')
      .slice(0, 16);
    const name = `sim_tpl_${hash}`;
    const c = await adminClient();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.query(`CREATE DATABASE ${name}`);
      for (const asTemplate of [false, true]) {
        await c.query(`ALTER DATABASE ${name} IS_TEMPLATE ${asTemplate}`);
        tally.tried++;
        const e = await ensureTemplate(SERVER_URL, good).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(SafetyError);
        expect(String(e)).toContain(name);
        expect((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount).toBe(1);
        tally.refused++;
      }
      // A restore target someone else made under a tool-like name is refused too, and left alone.
      tally.tried++;
      await c.query(`ALTER DATABASE ${name} IS_TEMPLATE false`);
      await expect(restoreToServer(good, SERVER_URL, { name })).rejects.toBeInstanceOf(SafetyError);
      expect((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount).toBe(0);
      tally.refused++;
    } finally {
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    }
  });
});

describe('hostile manifests', () => {
  const edits: [string, (m: any) => void][] = [
    ['scenario escapes', (m) => (m.scenario = '../../etc/passwd')],
    ['scenario absolute', (m) => (m.scenario = '/etc/passwd')],
    ['scenario with a slash', (m) => (m.scenario = 'a/b')],
    ['scenario empty', (m) => (m.scenario = '')],
    ['scenario a number', (m) => (m.scenario = 42)],
    ['unknown backend', (m) => (m.backend = 'bogus')],
    ['backend with a command', (m) => (m.backend = 'docker; touch x')],
    ['an engine field', (m) => (m.engine = 'docker')],
    ['profile escapes', (m) => (m.inputs.profile = { file: '../x.json', sha256: 'sha256:x', scale: 1, sources: {} })],
    ['profile absolute', (m) => (m.inputs.profile = { file: '/etc/passwd', sha256: 'x', scale: 1, sources: {} })],
    ['profile climbs mid-path', (m) => (m.inputs.profile = { file: 'a/../../b', sha256: 'x', scale: 1, sources: {} })],
    ['override profile escapes', (m) => (m.inputs.overrides.profile = { file: '../../p.json', scale: 1 })],
    ['override profile backslash', (m) => (m.inputs.overrides.profile = { file: '..\\p.json', scale: 1 })],
    ['file outside the directory', (m) => (m.files['../dump.sql'] = m.files['dump.sql'])],
    ['file hash not sha256', (m) => (m.files['side-effects.jsonl'] = 'md5:00')],
    ['format from the future', (m) => (m.format = 99)],
    ['negative checkpoint', (m) => (m.checkpoint = -1)],
    ['absurd days', (m) => (m.days = 1e300)],
    ['seed an object', (m) => (m.seed = { $gt: 1 })],
    ['rowCounts not numbers', (m) => (m.rowCounts = { plans: 'many' })],
    ['inputs missing', (m) => delete m.inputs],
    ['provenance a string', (m) => (m.provenance = 'trusted')],
    ['learnedProfile a string', (m) => (m.provenance.learnedProfile = 'x')],
    ['manifest an array', (m) => m.splice?.(0)],
  ];

  it('each is refused before any field is used', () => {
    const failures: string[] = [];
    for (const [what, edit] of edits) {
      const dir = variant(goodDump, edit);
      if (what === 'manifest an array') writeFileSync(join(dir, 'manifest.json'), '[]\n');
      tally.tried++;
      const e = (() => {
        try {
          readSnapshot(dir);
        } catch (x) {
          return x;
        }
      })();
      if (e instanceof IntegrityError) tally.refused++;
      else failures.push(`${what}: ${String(e)}`);
    }
    expect(failures).toEqual([]);
  });

  it('the good manifest, with a learned profile recorded, is accepted', () => {
    const dir = variant(goodDump, (m) => {
      m.inputs.profile = { file: 'profiles/p.json', sha256: 'sha256:ab', scale: 1, sources: { 'a.ts': 'x' } };
      m.inputs.overrides.profile = { file: 'profiles/p.json', scale: 1 };
      m.provenance.learnedProfile = { sha256: 'sha256:ab', privacy: { k: 5 } };
    });
    expect(() => readSnapshot(dir)).not.toThrow();
  });

  it('sim verify refuses a manifest naming an unknown backend or an escaping scenario, starting nothing', async () => {
    for (const edit of [edits[5]![1], edits[0]![1]]) {
      const run = await runSim(['verify', variant(goodDump, edit)]);
      tally.tried++;
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toMatch(/manifest/);
      tally.refused++;
    }
    expect(existsSync(join(canaryDir, 'x'))).toBe(false);
  });
});
