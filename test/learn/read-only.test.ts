import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { sqlHash } from '../../engine/learn/query-ledger.ts';
import { fixture, learnCli, runSim, scratch, SERVER_URL } from './learn-support.ts';

const LOG_DIR = '/var/log/postgresql';
const READER = `sim_learn_reader_${randomBytes(4).toString('hex')}`;

let prod: ProductionFixture;
let admin: pg.Client;

/** The server's own log files (pg_ctlcluster writes stderr there) and their current sizes. */
const logSizes = () =>
  new Map(
    readdirSync(LOG_DIR)
      .filter((f) => f.endsWith('.log'))
      .map((f) => [join(LOG_DIR, f), statSync(join(LOG_DIR, f)).size]),
  );

function appended(since: Map<string, number>): string {
  let text = '';
  for (const [file, size] of logSizes()) {
    const from = since.get(file) ?? 0;
    if (size <= from) continue;
    const buf = Buffer.alloc(size - from);
    const fd = openSync(file, 'r');
    readSync(fd, buf, 0, buf.length, from);
    closeSync(fd);
    text += buf.toString('utf8');
  }
  return text;
}

/** Statements the server logged for one role: `statement: …` (simple protocol) and `execute …: …` (extended). */
function statementsOf(log: string, role: string): string[] {
  const entries: { who: string; message: string }[] = [];
  for (const line of log.split('\n')) {
    const m = /^\S+ \S+ \S+ \[\d+\] (\S*)@\S* ([A-Z]+):  (.*)$/.exec(line);
    if (m) entries.push({ who: m[1]!, message: `${m[2]}: ${m[3]}` });
    else if (line.startsWith('\t') && entries.length) entries[entries.length - 1]!.message += '\n' + line.slice(1);
  }
  return entries
    .filter((e) => e.who === role)
    .map((e) => /^LOG: (?:statement|execute [^:]*): ([\s\S]*)$/.exec(e.message)?.[1])
    .filter((s): s is string => s !== undefined);
}

beforeAll(async () => {
  prod = await fixture(21, 'small');
  admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const db = pg.escapeIdentifier(prod.name);
  await admin.query(`CREATE ROLE ${READER} LOGIN`);
  await admin.query(`GRANT CONNECT ON DATABASE ${db} TO ${READER}`);
  await admin.query(`ALTER ROLE ${READER} SET log_statement = 'all'`);
  await admin.query(`ALTER ROLE ${READER} SET default_transaction_read_only = on`);
  const owner = new pg.Client({ connectionString: prod.url });
  await owner.connect();
  await owner.query(`GRANT USAGE ON SCHEMA public TO ${READER}`);
  await owner.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READER}`);
  await owner.end();
});

afterAll(async () => {
  await prod?.drop();
  await admin?.query(`DROP ROLE IF EXISTS ${READER}`);
  await admin?.end();
});

describe('sim learn is read-only by construction', () => {
  it('learns as a SELECT-only role with default_transaction_read_only on; the server logged only reads', async () => {
    const readerUrl = prod.url.replace('postgres://postgres@', `postgres://${READER}@`);
    const before = logSizes();
    const out = join(scratch('readonly'), 'p.json');
    const { run, profile } = await learnCli(readerUrl, out);
    expect(run.code, run.stderr).toBe(0);
    const statements = statementsOf(appended(before), READER);
    const runs = profile!.privacy.queries.reduce((a, q) => a + q.runs, 0);
    expect(statements.length).toBe(runs + 1); // every ledger run, then the ROLLBACK that ends the transaction
    for (const s of statements) {
      expect(s).toMatch(/^(BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY|SET LOCAL |SELECT |WITH |ROLLBACK$)/);
      expect(s).not.toMatch(
        /\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|COPY|GRANT|REVOKE|LOCK|VACUUM|ANALYZE)\b/,
      );
    }
    expect(statements[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    expect(statements).toContain('SET LOCAL statement_timeout = 120000');
    expect(statements).toContain('SET LOCAL lock_timeout = 5000');

    // The role really is SELECT-only, and read-only by default: the run above had no other way.
    const probe = new pg.Client({ connectionString: readerUrl });
    await probe.connect();
    try {
      expect((await probe.query(`SHOW default_transaction_read_only`)).rows[0].default_transaction_read_only).toBe(
        'on',
      );
      await expect(probe.query(`DELETE FROM refunds`)).rejects.toThrow(/read-only transaction/);
      await probe.query(`SET default_transaction_read_only = off`);
      await expect(probe.query(`DELETE FROM refunds`)).rejects.toThrow(/permission denied/);
    } finally {
      await probe.end();
    }
  });

  it('--explain prints every statement a run sends and connects nowhere', async () => {
    const explain = await runSim(['learn', '--explain', '--database-url', 'postgres://nobody@127.0.0.1:1/nothing']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;');
    const printed = new Set(
      explain.stdout
        .split(/^-- \[\d+\] .*\n/m)
        .slice(1)
        .map((block) => sqlHash(block.trim().replace(/;$/, ''))),
    );
    const out = join(scratch('explain'), 'p.json');
    const { run, profile } = await learnCli(prod.url, out);
    expect(run.code, run.stderr).toBe(0);
    // The app's schema has no schema_migrations table (the migration runner adds it): its queries
    // are the only extra ones.
    const sent = profile!.privacy.queries.filter((q) => !q.purpose.includes('schema_migrations'));
    expect(sent.filter((q) => !printed.has(q.sha256)).map((q) => q.purpose)).toEqual([]);
  });
});
