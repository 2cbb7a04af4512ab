import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { PROJECT_ID } from '../../engine/db/open-backend.ts';
import { createOwnedDatabase, dropOwnedDatabase } from '../../engine/safety/index.ts';
import { ProfileError } from '../../engine/learn/learn-errors.ts';
import { writeProfile } from '../../engine/learn/profile-file.ts';
import type { Profile } from '../../engine/learn/profile-types.ts';
import { fixture, learnCli, runSim, scratch, SERVER_URL, spec } from './learn-support.ts';

const SNAPSHOT = 'snapshots/payment-outage-30d';
let prod: ProductionFixture;
let dir: string;
let good: string;
let profile: Profile;

beforeAll(async () => {
  prod = await fixture(31, 'small');
  dir = scratch('bad');
  good = join(dir, 'good.json');
  const r = await learnCli(prod.url, good);
  expect(r.run.code, r.run.stderr).toBe(0);
  profile = r.profile!;
});
afterAll(async () => {
  await prod?.drop();
});

/** A copy of the good profile, edited by hand (as text, so line numbers are real). */
function edited(name: string, edit: (p: any) => void): string {
  const p = JSON.parse(readFileSync(good, 'utf8'));
  edit(p);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(p, null, 2) + '\n');
  return file;
}

describe('sim learn refuses bad input with a clear message and writes nothing', () => {
  it('an unreachable server: exit 2, names host and port', async () => {
    const out = join(scratch('unreachable'), 'p.json');
    const r = await learnCli('postgres://postgres@127.0.0.1:1/production', out);
    expect(r.run.code).toBe(2);
    expect(r.run.stderr).toMatch(
      /cannot connect to 127\.0\.0\.1:1 database production as postgres \(ECONNREFUSED\).*nothing was written/,
    );
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });

  it('a database of another schema: exit 2, names the missing tables and columns', async () => {
    const name = `sim_learn_other_${process.pid}`;
    const url = await createOwnedDatabase(SERVER_URL, { name, project: PROJECT_ID, purpose: 'learn-test' });
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`CREATE TABLE organizations (id bigint PRIMARY KEY, name text NOT NULL)`);
    await c.query(`CREATE TABLE widgets (id bigint PRIMARY KEY, organization_id bigint REFERENCES organizations (id))`);
    await c.end();
    try {
      const out = join(scratch('other'), 'p.json');
      const r = await learnCli(url, out);
      expect(r.run.code).toBe(2);
      expect(r.run.stderr).toContain('this database is not the billing schema');
      expect(r.run.stderr).toMatch(/table users.*table subscriptions|table subscriptions.*table users/s);
      expect(r.run.stderr).toContain('column organizations.country');
      expect(existsSync(out)).toBe(false);
    } finally {
      await dropOwnedDatabase(SERVER_URL, name, { project: PROJECT_ID });
    }
  });

  it('--k below 5, or an epsilon of 0: exit 2 before connecting', async () => {
    for (const [flag, value, message] of [
      ['--k', '4', /--k must be a whole number of at least 5 \(got 4\)/],
      ['--epsilon', '0', /--epsilon must be a number above 0/],
    ] as const) {
      const out = join(scratch('k'), 'p.json');
      const r = await learnCli('postgres://postgres@127.0.0.1:1/production', out, [flag, value]);
      expect(r.run.code).toBe(2);
      expect(r.run.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('a profile that would hold a raw source string is refused by its own validator before it is written', () => {
    const out = join(scratch('raw'), 'p.json');
    const leaky = structuredClone(profile);
    leaky.tables.users!.columns.email!.categories = { 'zebulon.canaryfield@canary-holdings.example': 1 };
    expect(() => writeProfile(out, leaky, spec)).toThrow(ProfileError);
    expect(() => writeProfile(out, leaky, spec)).toThrow(
      /tables\.users\.columns\.email\.categories\.zebulon.*users\.email is not a categorical column the app declares/,
    );
    const custom = structuredClone(profile);
    (custom.metrics.plan_mix!.groups['*'] as { shares: Record<string, number> }).shares['ACME custom deal'] = 0.01;
    expect(() => writeProfile(out, custom, spec)).toThrow(
      /metrics\.plan_mix\.groups\.\*\.shares\.ACME custom deal: 'ACME custom deal' is not a label/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('sim report refuses a bad profile with the file and the JSON path (exit 2) and writes nothing', () => {
  it('a hand-edited value of the wrong type', async () => {
    const file = edited('wrong-type.json', (p) => (p.tables.users.rows = 'many'));
    const out = join(dir, 'wrong-type.html');
    const r = await runSim(['report', SNAPSHOT, '--profile', file, '--out', out]);
    expect(r.code).toBe(2);
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"many"')) + 1;
    expect(r.stderr).toContain(`${file}:${line}:`);
    expect(r.stderr).toMatch(/tables\.users\.rows: expected a whole number >= 0 or null, got "many"/);
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown metric', async () => {
    const file = edited('unknown-metric.json', (p) => (p.metrics.lifetime_value = p.metrics.plan_mix));
    const out = join(dir, 'unknown-metric.html');
    const r = await runSim(['report', SNAPSHOT, '--profile', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`${file}:\\d+:\\d+: metrics\\.lifetime_value: unknown metric 'lifetime_value'`),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a file that is not JSON', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, readFileSync(good, 'utf8').slice(0, 500));
    const r = await runSim(['report', SNAPSHOT, '--profile', file, '--out', join(dir, 'broken.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+: not valid JSON`));
  });
});

describe('a profile learned from another schema', () => {
  it('is refused (exit 5) naming the differences; --allow-schema-drift uses it and names them too', async () => {
    const c = new pg.Client({ connectionString: prod.url });
    await c.connect();
    await c.query(`ALTER TABLE users ADD COLUMN nickname text`);
    await c.end();
    const drifted = join(dir, 'drifted.json');
    const learned = await learnCli(prod.url, drifted);
    expect(learned.run.code, learned.run.stderr).toBe(0);
    const out = join(dir, 'drift.html');
    const refused = await runSim(['report', SNAPSHOT, '--profile', drifted, '--out', out]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('learned from another schema than this one');
    expect(refused.stderr).toContain('column users.nickname is gone');
    expect(refused.stderr).toContain('--allow-schema-drift');
    expect(existsSync(out)).toBe(false);
    const allowed = await runSim(['report', SNAPSHOT, '--profile', drifted, '--out', out, '--allow-schema-drift']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('column users.nickname is gone');
    expect(existsSync(out)).toBe(true);
  });
});
