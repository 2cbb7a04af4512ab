import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSnapshotDatabases, ensureTemplate, snapshotDatabase } from 'facade-sim/testing';
import { SERVER_URL } from '../support/run-sim.ts';

/**
 * A RAM tablespace on the local server (README, "A RAM tablespace"): the template and its clones
 * live in memory. Setting one up takes what a user's setup takes: root on the server's host, to
 * give a tmpfs directory to the postgres user. CI runs as root; elsewhere the reason is printed.
 */
const SNAPSHOT = 'snapshots/baseline-45d';
const local = ['127.0.0.1', 'localhost', '::1'].includes(new URL(SERVER_URL).hostname);
const skip =
  process.getuid?.() !== 0
    ? 'needs root to give a /dev/shm directory to the postgres user'
    : !local
      ? 'needs the server on this host'
      : !existsSync('/dev/shm')
        ? 'needs /dev/shm'
        : '';
if (skip) process.stderr.write(`ram-tablespace tests skipped: ${skip}\n`);

const tag = randomBytes(3).toString('hex');
const tablespace = `sim_test_ram_${tag}`;
const dir = `/dev/shm/facade-sim-test-${tag}`;
const giveToPostgres = (...dirs: string[]) =>
  execFileSync('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', ...dirs]);

describe.skipIf(skip)('a RAM tablespace for templates and clones', () => {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  const tablespaceOf = async (database: string) =>
    (
      await admin.query(
        `SELECT t.spcname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1`,
        [database],
      )
    ).rows[0]?.spcname;
  /** What a reboot does to a tmpfs, after a checkpoint has written everything out (as a clean shutdown would). */
  const reboot = async (what: 'template' | 'everything', template: string) => {
    await admin.query('CHECKPOINT');
    if (what === 'everything') return rmSync(dir, { recursive: true, force: true });
    const oid = (await admin.query('SELECT oid::text FROM pg_database WHERE datname = $1', [template])).rows[0].oid;
    for (const version of readdirSync(dir)) rmSync(join(dir, version, oid), { recursive: true, force: true });
  };

  beforeAll(async () => {
    await admin.connect();
    giveToPostgres(dir);
    await admin.query(`CREATE TABLESPACE ${tablespace} LOCATION '${dir}'`);
  });

  afterAll(async () => {
    await closeSnapshotDatabases();
    const { rows } = await admin.query(
      `SELECT d.datname, d.datistemplate FROM pg_database d ` +
        `JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE t.spcname = $1`,
      [tablespace],
    );
    for (const r of rows) {
      if (r.datistemplate) await admin.query(`ALTER DATABASE "${r.datname}" IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE "${r.datname}" WITH (FORCE)`);
    }
    await admin.query(`DROP TABLESPACE IF EXISTS ${tablespace}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the template and every clone in the tablespace, with the snapshot in them', async () => {
    const t = await snapshotDatabase({ snapshot: SNAPSHOT, backend: 'postgres', isolation: 'clone', tablespace });
    const name = new URL(t.url!).pathname.slice(1);
    expect(await tablespaceOf(name)).toBe(tablespace);
    expect(Number((await t.db.execute(sql`SELECT count(*) AS n FROM organizations`)).rows[0]!.n)).toBeGreaterThan(300);
    await t.close();
    const template = await ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace });
    expect(await tablespaceOf(template)).toBe(tablespace);
    await closeSnapshotDatabases();
  });

  it('rebuilds a template whose files vanished with the tmpfs', async () => {
    const template = await ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace });
    await reboot('template', template);
    expect(await ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace })).toBe(template);
    const t = await snapshotDatabase({ snapshot: SNAPSHOT, backend: 'postgres', isolation: 'clone', tablespace });
    expect(Number((await t.db.execute(sql`SELECT count(*) AS n FROM organizations`)).rows[0]!.n)).toBeGreaterThan(300);
    await t.close();
    await closeSnapshotDatabases();
  });

  it('says how to re-create a tablespace directory that is gone, and works once that is done', async () => {
    const template = await ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace });
    await reboot('everything', template);
    const error = await ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace }).catch((e: Error) => e);
    expect(String(error)).toContain(`tablespace ${tablespace} cannot hold the template`);
    const command = /`(sudo install [^`]+)`/.exec(String(error))?.[1];
    expect(command).toMatch(new RegExp(`^sudo install -d -o postgres -g postgres -m 700 ${dir} ${dir}/PG_\\d+_\\d+$`));
    giveToPostgres(...command!.split(' ').slice(9));
    expect(await tablespaceOf(await ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace }))).toBe(tablespace);
  });

  it('names a tablespace that does not exist', async () => {
    await expect(ensureTemplate(SERVER_URL, SNAPSHOT, { tablespace: `sim_missing_${tag}` })).rejects.toThrow(
      `tablespace sim_missing_${tag} does not exist on this server`,
    );
  });
});
