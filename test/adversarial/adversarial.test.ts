/**
 * "N bad inputs tried, nothing lost": every class of hostile or broken input, against real
 * PostgreSQL, with four invariants checked around the whole run:
 * - foreign databases: checksum of every row before and after;
 * - committed snapshots: sha256 of every file under snapshots/ before and after;
 * - egress: canary servers on 127.0.0.1 must see no connection;
 * - meta-commands: canary files an injected `\!` would create must not exist.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import dns from 'node:dns';
import * as childProcess from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { http as mswHttp, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/config/scenario-file.ts';
import { billingScenarioFormat } from '../../bindings/billing/billing-scenario.ts';

import { ConfigError } from '../../engine/config/index.ts';
import { readSnapshot } from '../../engine/snapshot/snapshot-files.ts';
import { canonicalJson, sha256 } from '../../engine/snapshot/manifest.ts';
import { IntegrityError } from '../../engine/snapshot/snapshot-validator.ts';
import {
  assertOwnedDatabase,
  createOwnedDatabase,
  dropOwnedDatabase,
  installEgressGuard,
  parseServerUrl,
  SafetyError,
  assertFakeCredentials,
} from '../../engine/safety/index.ts';
import { startVendorHarness } from '../../engine/vendors/vendor-harness.ts';
import { BAD_SCENARIOS } from '../fixtures/bad-scenarios.ts';
import { REPO, SERVER_URL, SIM, generateTiny, runSim } from '../support/run-sim.ts';
import { startCanaries } from './canaries.ts';
import { recordTally } from './tally.ts';

const loadBillingScenario = (file: string) => loadScenario(billingScenarioFormat, file);

const tried: Record<string, number> = {};
const refusedOk: Record<string, number> = {};
const misses: string[] = [];
const note = (cls: string, ok: boolean, what = '') => {
  tried[cls] = (tried[cls] ?? 0) + 1;
  if (ok) refusedOk[cls] = (refusedOk[cls] ?? 0) + 1;
  else misses.push(`${cls}: ${what}`);
};

const admin = () => new pg.Client({ connectionString: SERVER_URL });
const VICTIM = `victim_${randomBytes(3).toString('hex')}`;
const victims: string[] = [];
let canaries: Awaited<ReturnType<typeof startCanaries>>;
const metaCanaryDir = mkdtempSync(join(tmpdir(), 'sim-meta-canary-'));
let snapshotsBefore: string;
let foreignBefore: Record<string, string>;

async function checksum(db: string): Promise<string> {
  const c = new pg.Client({ connectionString: SERVER_URL.replace(/\/[^/]*$/, `/${db}`) });
  await c.connect();
  const tables = (
    await c.query(
      `SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS t FROM pg_tables ` +
        `WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    )
  ).rows;
  let all = '';
  for (const { t } of tables) {
    all +=
      t +
      ':' +
      (await c.query(`SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h FROM ${t} x`)).rows[0]
        .h +
      ';';
  }
  await c.end();
  return all;
}

function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(p + '\0').update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

beforeAll(async () => {
  canaries = await startCanaries();
  snapshotsBefore = hashTree(join(REPO, 'snapshots'));
  const c = admin();
  await c.connect();
  // Foreign databases that must come out of this untouched.
  for (const [name, setup] of [
    [
      `${VICTIM}_app`,
      `CREATE TABLE customers (id int primary key, email text); ` +
        `INSERT INTO customers VALUES (1, 'real@customer.example'), (2, 'other@customer.example'); ` +
        `CREATE TABLE ar_internal_metadata (key text, value text); ` +
        `INSERT INTO ar_internal_metadata VALUES ('environment', 'production');`,
    ],
    [`sim_${VICTIM}_unmarked`, `CREATE TABLE orders (id int primary key); INSERT INTO orders VALUES (1), (2), (3);`],
    [`${VICTIM}_empty`, ``],
  ] as const) {
    await c.query(`CREATE DATABASE ${name}`);
    victims.push(name);
    if (setup) {
      const v = new pg.Client({ connectionString: SERVER_URL.replace(/\/[^/]*$/, `/${name}`) });
      await v.connect();
      await v.query(setup);
      await v.end();
    }
  }
  await c.end();
  // A marked database from another project, and a copy of one of ours (its marker names the original).
  const other = await createOwnedDatabase(SERVER_URL, {
    name: `sim_${VICTIM}_otherproj`,
    project: 'someone-else',
    purpose: 'test',
  });
  victims.push(new URL(other).pathname.slice(1));
  const ours = await createOwnedDatabase(SERVER_URL, {
    name: `sim_${VICTIM}_ours`,
    project: 'facade-sim',
    purpose: 'test',
  });
  const cc = admin();
  await cc.connect();
  await cc.query(`CREATE DATABASE sim_${VICTIM}_copy TEMPLATE sim_${VICTIM}_ours`);
  await cc.end();
  victims.push(`sim_${VICTIM}_copy`, new URL(ours).pathname.slice(1));
  foreignBefore = Object.fromEntries(await Promise.all(victims.map(async (v) => [v, await checksum(v)] as const)));
});

afterAll(async () => {
  const foreignAfter = Object.fromEntries(await Promise.all(victims.map(async (v) => [v, await checksum(v)] as const)));
  const foreignChanged = victims.filter((v) => foreignAfter[v] !== foreignBefore[v]).length;
  const bytesChanged = hashTree(join(REPO, 'snapshots')) === snapshotsBefore ? 0 : 1;
  const outbound = canaries.connections();
  const meta = readdirSync(metaCanaryDir).length;
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  const lines = Object.keys(tried)
    .sort()
    .map(
      (cls) =>
        `  ${cls.padEnd(34)} ${String(tried[cls]).padStart(4)} tried, ` +
        `${String(refusedOk[cls] ?? 0).padStart(4)} refused as expected`,
    );
  if (misses.length) process.stdout.write(`NOT REFUSED:\n  ${misses.join('\n  ')}\n`);
  process.stdout.write(
    `\nadversarial suite\n${lines.join('\n')}\n${total} bad inputs tried: ${foreignChanged} foreign rows changed, ` +
      `${bytesChanged} committed bytes changed, ${outbound} outbound connections, ${meta} meta-commands executed\n`,
  );
  recordTally({
    suite: 'adversarial',
    tried: total,
    refused: Object.values(refusedOk).reduce((a, b) => a + b, 0),
    foreignRowsChanged: foreignChanged,
    committedBytesChanged: bytesChanged,
    outboundConnections: outbound,
    metaCommandsExecuted: meta,
    egressRoutes: tried['egress'] ?? 0,
  });
  const c = admin();
  await c.connect();
  for (const v of victims) await c.query(`DROP DATABASE IF EXISTS ${v} WITH (FORCE)`);
  await c.end();
  await canaries.close();
  expect({ foreignChanged, bytesChanged, outbound, meta }).toEqual({
    foreignChanged: 0,
    bytesChanged: 0,
    outbound: 0,
    meta: 0,
  });
  expect(total).toBeGreaterThanOrEqual(300);
  expect(Object.values(refusedOk).reduce((a, b) => a + b, 0)).toBe(total);
});

const BASE = readFileSync(join(REPO, 'scenarios/baseline-45d.yaml'), 'utf8');

describe('scenario input', () => {
  it('bad scenarios, typos of every key at any depth and YAML 1.1 traps exit 2 with a position', () => {
    const variants: string[] = BAD_SCENARIOS.map(([, text]) => text);
    // Every key in the baseline, misspelled (one letter dropped): unknown key with a position and a did-you-mean.
    // Schema keys only: metric names under usage.metrics are the user's own names, not typos.
    const metricsAt = BASE.indexOf('  metrics:');
    const metricsEnd = BASE.indexOf('\nvendors:');
    const keyLines = BASE.split('\n')
      .map((l, i) => [l, i] as const)
      .filter(([l, i]) => {
        const offset = BASE.split('\n').slice(0, i).join('\n').length;
        const isMetricName = offset > metricsAt && offset < metricsEnd && /^    [a-z_]+:\s*$/.test(l);
        return /^\s*[a-zA-Z_]+:/.test(l) && !isMetricName;
      });
    for (const [line, i] of keyLines) {
      const m = /^(\s*)([a-zA-Z_]+):/.exec(line)!;
      if (m[2]!.length < 3) continue;
      const typo = m[2]!.slice(0, 1) + m[2]!.slice(2);
      const lines = BASE.split('\n');
      lines[i] = line.replace(`${m[2]}:`, `${typo}:`);
      variants.push(lines.join('\n'));
    }
    for (const trap of [
      'no',
      'NO',
      'yes',
      'off',
      'On',
      '0042',
      '0o17',
      '0x1F',
      '1_000',
      '.inf',
      '-.nan',
      '~',
      'null',
      '2026-02-20',
      '[]',
      '{}',
      '"45"',
    ]) {
      variants.push(BASE.replace('days: 45', `days: ${trap}`));
    }
    const dir = mkdtempSync(join(tmpdir(), 'sim-adv-scn-'));
    for (const [vi, text] of variants.entries()) {
      const file = join(dir, 'baseline-45d.yaml');
      writeFileSync(file, text);
      let ok = false;
      try {
        loadBillingScenario(file);
      } catch (e) {
        ok = e instanceof ConfigError && /^.+\.yaml:\d+:\d+: /.test((e as Error).message);
      }
      note(
        'scenario files',
        ok,
        `variant ${vi}: ${text
          .split('\n')
          .find((l, i) => l !== BASE.split('\n')[i])
          ?.slice(0, 60)}`,
      );
    }
    expect(refusedOk['scenario files']).toBe(tried['scenario files']);
  });

  it('through the CLI: exit 2 before any database is touched or any file written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-adv-cli-'));
    for (const [i, [, text]] of BAD_SCENARIOS.slice(0, 6).entries()) {
      const file = join(dir, String(i), 'baseline-45d.yaml');
      cpSync(join(REPO, 'scenarios/baseline-45d.yaml'), file);
      writeFileSync(file, text);
      const run = await runSim([
        'generate',
        file,
        '--out',
        join(dir, 'out'),
        '--backend',
        'postgres',
        '--database-url',
        SERVER_URL,
      ]);
      note('scenario files via CLI', run.code === 2 && !existsSync(join(dir, 'out')));
    }
  });
});

describe('database targets', () => {
  it('the guard refuses every foreign or unsafe target, before any write', async () => {
    const attempts: [string, () => Promise<unknown>][] = [];
    for (const db of [
      `${VICTIM}_app`,
      `sim_${VICTIM}_unmarked`,
      `sim_${VICTIM}_otherproj`,
      `sim_${VICTIM}_copy`,
      'postgres',
      'template1',
      `${VICTIM}_empty`,
    ]) {
      const url = SERVER_URL.replace(/\/[^/]*$/, `/${db}`);
      const withClient = (f: (c: pg.Client) => Promise<unknown>) => async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          return await f(c);
        } finally {
          await c.end();
        }
      };
      attempts.push([`assert ${db}`, withClient((c) => assertOwnedDatabase(c, { project: 'facade-sim' }))]);
      attempts.push([
        `assert ${db} wrong confirm`,
        withClient((c) => assertOwnedDatabase(c, { project: 'facade-sim', confirmTarget: `${db}_typo` })),
      ]);
      attempts.push([`drop ${db}`, () => dropOwnedDatabase(SERVER_URL, db, { project: 'facade-sim' })]);
      attempts.push([
        `create over ${db}`,
        () => createOwnedDatabase(SERVER_URL, { name: db, project: 'facade-sim', purpose: 'x' }),
      ]);
    }
    for (const host of [
      'db.prod.example.com',
      '10.0.0.5',
      '192.168.1.10',
      '172.16.0.1',
      '8.8.8.8',
      'example.com',
      '[2001:db8::1]',
    ]) {
      attempts.push([`remote ${host}`, async () => parseServerUrl(`postgres://postgres@${host}:5432/postgres`)]);
      attempts.push([
        `remote allowed other ${host}`,
        async () =>
          parseServerUrl(`postgres://postgres@${host}:5432/postgres`, { allowRemoteHosts: ['other.example'] }),
      ]);
    }
    for (const bad of ['mysql://root@127.0.0.1/x', 'not a url', 'http://127.0.0.1:5432/postgres']) {
      attempts.push([`url ${bad}`, async () => parseServerUrl(bad)]);
    }
    for (const [name, run] of attempts) {
      let ok = false;
      try {
        await run();
      } catch (e) {
        ok = e instanceof SafetyError && (e as SafetyError).exitCode === 3;
      }
      note('database targets', ok);
      if (!ok) throw new Error(`not refused: ${name}`);
    }
  });

  it('CLI: remote hosts and ambient PG* variables never choose a target (exit 3 or the local default)', async () => {
    for (const host of ['db.prod.example.com', '10.1.2.3']) {
      const run = await runSim([
        'restore',
        join(REPO, 'snapshots/baseline-45d'),
        '--database-url',
        `postgres://postgres@${host}:5432/postgres`,
      ]);
      note('database targets via CLI', run.code === 3 && /remote-host/.test(run.stderr));
    }
    const run = await runSim(
      [
        'generate',
        join(REPO, 'test/fixtures/scenarios/tiny.yaml'),
        '--days',
        '1',
        '--backend',
        'postgres',
        '--database-url',
        'postgres://postgres@db.prod.example.com/postgres',
        '--out',
        mkdtempSync(join(tmpdir(), 'x-')),
      ],
      { env: { PGHOST: '10.9.9.9', PGDATABASE: VICTIM + '_app' } },
    );
    note('database targets via CLI', run.code === 3);
  });
});

describe('egress', () => {
  it('every transport to every destination is refused during a run; MSW-stubbed calls still work', async () => {
    const guard = installEgressGuard({ allow: [{ host: '127.0.0.1', port: 5432 }] });
    const harness = startVendorHarness([
      mswHttp.get('https://api.stripe.com/v1/ok', () => HttpResponse.json({ ok: true })),
    ]);
    const { ports } = canaries;
    const swallow = async (f: () => Promise<unknown> | unknown) => {
      try {
        await f();
        return false;
      } catch {
        return true;
      }
    };
    const req = (mod: typeof http | typeof https, url: string) =>
      new Promise((resolve, reject) => {
        const r = mod.get(url, resolve);
        r.on('error', reject);
      });
    const attempts: [string, () => Promise<boolean>][] = [];
    for (const [host, label] of [
      ['127.0.0.1', 'canary'],
      ['api.stripe.com', 'vendor'],
      ['198.51.100.7', 'documentation range'],
    ] as const) {
      const hp = host === '127.0.0.1' ? ports.http : 443;
      attempts.push([`fetch unhandled ${label}`, () => swallow(() => fetch(`http://${host}:${hp}/charge`))]);
      attempts.push([`node:http ${label}`, () => swallow(() => req(http, `http://${host}:${hp}/`))]);
      attempts.push([`node:https ${label}`, () => swallow(() => req(https, `https://${host}:${hp}/`))]);
      attempts.push([
        `http2 ${label}`,
        () =>
          swallow(
            () =>
              new Promise((res, rej) => {
                const s = http2.connect(`http://${host}:${host === '127.0.0.1' ? ports.http2 : 443}`);
                s.on('connect', res);
                s.on('error', rej);
              }),
          ),
      ]);
      attempts.push([
        `raw net ${label}`,
        () =>
          swallow(
            () =>
              new Promise((res, rej) => {
                const s = net.connect(host === '127.0.0.1' ? ports.raw : 443, host);
                s.on('connect', res);
                s.on('error', rej);
              }),
          ),
      ]);
      attempts.push([
        `net.Socket().connect ${label}`,
        () =>
          swallow(
            () =>
              new Promise((res, rej) => {
                const s = new net.Socket();
                s.on('error', rej);
                s.connect({ port: host === '127.0.0.1' ? ports.raw : 443, host }, () => res(null));
              }),
          ),
      ]);
      attempts.push([
        `tls ${label}`,
        () =>
          swallow(
            () =>
              new Promise((res, rej) => {
                const s = tls.connect({ host, port: host === '127.0.0.1' ? ports.raw : 443 });
                s.on('secureConnect', res);
                s.on('error', rej);
              }),
          ),
      ]);
      attempts.push([
        `dns.lookup ${label}`,
        () =>
          swallow(
            () =>
              new Promise((res, rej) =>
                dns.lookup(host === '127.0.0.1' ? 'canary.example' : host, (e, a) => (e ? rej(e) : res(a))),
              ),
          ),
      ]);
      attempts.push([
        `dns.promises ${label}`,
        () => swallow(() => dns.promises.lookup(host === '127.0.0.1' ? 'canary.example' : host)),
      ]);
    }
    for (const cmd of ['spawn', 'exec', 'execFile', 'spawnSync', 'execSync', 'execFileSync', 'fork'] as const) {
      attempts.push([
        `child_process.${cmd}`,
        () => swallow(() => (childProcess as any)[cmd]('curl', ['http://127.0.0.1:' + ports.http])),
      ]);
    }
    attempts.push([
      'live credentials',
      () => swallow(() => assertFakeCredentials({ paymentsApiKey: 'sk_live_' + 'a'.repeat(24) })),
    ]);
    attempts.push([
      'live SendGrid key',
      () => swallow(() => assertFakeCredentials({ emailApiKey: 'SG.' + 'b'.repeat(22) + '.' + 'c'.repeat(40) })),
    ]);
    try {
      for (const [name, run] of attempts) note('egress', await run(), name);
      // The stubbed vendor call still works, and pg to the allowed endpoint too.
      expect(await (await fetch('https://api.stripe.com/v1/ok')).json()).toEqual({ ok: true });
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.end();
    } finally {
      harness.close();
      guard.uninstall();
    }
    expect(harness.unhandled.length).toBeGreaterThan(0);
    expect(guard.attempts.length).toBeGreaterThan(0);
    expect(canaries.connections()).toBe(0);
  });
});

describe('snapshot input', () => {
  let good: string;
  beforeAll(async () => {
    good = await generateTiny('adv-snap');
  });

  const variant = (edit: (d: Buffer) => Buffer, rehash: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-adv-bad-'));
    cpSync(good, dir, { recursive: true });
    const bytes = edit(readFileSync(join(dir, 'dump.sql')));
    writeFileSync(join(dir, 'dump.sql'), bytes);
    if (rehash) {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      m.files['dump.sql'] = sha256(bytes);
      writeFileSync(join(dir, 'manifest.json'), canonicalJson(m));
    }
    return dir;
  };

  it('truncations, bit flips, CRLF, BOMs and meta-commands (also re-hashed) are refused before psql', async () => {
    const size = readFileSync(join(good, 'dump.sql')).length;
    const cases: [(d: Buffer) => Buffer, boolean][] = [];
    for (let i = 1; i <= 25; i++) cases.push([(d) => d.subarray(0, Math.floor((size * i) / 26)), false]);
    for (let i = 1; i <= 25; i++) {
      cases.push([
        (d) => {
          const b = Buffer.from(d);
          const o = Math.floor((size * i) / 26);
          b[o] = b[o]! ^ (1 << (i % 8));
          return b;
        },
        false,
      ]);
    }
    const canary = (n: number) => join(metaCanaryDir, `pwned-${n}`);
    const injections = (n: number) => [
      `\\! touch ${canary(n)}`,
      `\\unrestrict k\n\\! touch ${canary(n)}`,
      `\\o |touch ${canary(n)}`,
      `\\copy public.plans to program 'touch ${canary(n)}'`,
      `\\i ${canary(n)}`,
      ` \\! touch ${canary(n)}`,
      `\\setenv X 1\n\\! touch ${canary(n)}`,
      `\\.\n\\! touch ${canary(n)}`,
    ];
    let n = 0;
    for (const rehash of [false, true]) {
      for (const where of ['start', 'middle', 'end'] as const) {
        for (const line of injections(n++)) {
          cases.push([
            (d) => {
              const t = d.toString('utf8');
              const at =
                where === 'start'
                  ? t.indexOf('\nSET ')
                  : where === 'middle'
                    ? t.indexOf('\n--\n-- Data for Name')
                    : t.length - 1;
              return Buffer.from(t.slice(0, at + 1) + line + '\n' + t.slice(at + 1));
            },
            rehash,
          ]);
        }
      }
      cases.push([(d) => Buffer.from(d.toString('utf8').replace(/\n/g, '\r\n')), rehash]);
      cases.push([(d) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), d]), rehash]);
      cases.push([() => Buffer.alloc(0), rehash]);
      cases.push([(d) => Buffer.from(d.toString('utf8').replace('COPY public.users', 'COPY public.users_x')), false]);
    }
    for (const [edit, rehash] of cases) {
      const dir = variant(edit, rehash);
      let ok = false;
      try {
        readSnapshot(dir);
      } catch (e) {
        ok = e instanceof IntegrityError;
      }
      note('snapshot files', ok);
    }
    // A sample through `sim restore`, with the canaries checked afterwards: psql never runs.
    for (const [edit, rehash] of cases.filter((_, i) => i % 12 === 0)) {
      const run = await runSim(['restore', variant(edit, rehash), '--database-url', SERVER_URL]);
      note('snapshot files via CLI', run.code === 5);
    }
    for (const missing of ['manifest.json', 'side-effects.jsonl']) {
      const dir = mkdtempSync(join(tmpdir(), 'sim-adv-miss-'));
      cpSync(good, dir, { recursive: true });
      rmSync(join(dir, missing));
      const run = await runSim(['restore', dir, '--database-url', SERVER_URL]);
      note('snapshot files via CLI', run.code === 5);
    }
  });
});

describe('interrupted and concurrent runs', () => {
  const TINY = join(REPO, 'test/fixtures/scenarios/tiny.yaml');

  it('SIGINT/SIGTERM exit 130/143; after SIGKILL the old snapshot stands, a rerun gives the same bytes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-adv-kill-'));
    const first = await runSim(['generate', TINY, '--days', '4', '--out', out, '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const golden = readFileSync(join(out, 'tiny', 'dump.sql'));
    const goldenManifest = readFileSync(join(out, 'tiny', 'manifest.json'));
    const plan: [NodeJS.Signals, number, number][] = [
      ['SIGINT', 1500, 130],
      ['SIGTERM', 2500, 143],
      ['SIGINT', 3500, 130],
      ['SIGKILL', 1200, -1],
      ['SIGKILL', 2600, -1],
      ['SIGKILL', 4000, -1],
      ['SIGTERM', 4500, 143],
    ];
    for (const [signal, delayMs, expected] of plan) {
      const child = spawn(process.execPath, [SIM, 'generate', TINY, '--days', '4', '--out', out, '--quiet'], {
        env: { ...process.env, CI: '1' },
      });
      const log = createWriteStream('/dev/null');
      child.stderr.pipe(log);
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill(signal), delayMs);
        child.on('close', (c, s) => {
          clearTimeout(timer);
          // Killed by the signal before the CLI installed its handlers (still loading): nothing had started.
          resolve(c ?? (s === 'SIGKILL' ? -1 : s === signal ? expected : null));
        });
      });
      // Either it finished before the signal (0) or it stopped with the signal's code.
      const intact =
        readFileSync(join(out, 'tiny', 'dump.sql')).equals(golden) &&
        readFileSync(join(out, 'tiny', 'manifest.json')).equals(goldenManifest);
      note(
        'interrupted runs',
        (code === expected || code === 0) && intact,
        `${signal} after ${delayMs} ms: exit ${code}, previous snapshot intact: ${intact}`,
      );
    }
    const rerun = await runSim(['generate', TINY, '--days', '4', '--out', out, '--quiet']);
    note(
      'interrupted runs',
      rerun.code === 0 &&
        readFileSync(join(out, 'tiny', 'dump.sql')).equals(golden) &&
        !readdirSync(join(out, 'tiny')).some((f) => f.endsWith('.tmp') || f === '.sim.lock'),
    );
  });

  it('concurrent runs into one directory: one proceeds, the others exit 6 naming the holder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sim-adv-lock-'));
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runSim(['generate', TINY, '--days', '2', '--out', out, '--quiet'])),
    );
    const codes = runs.map((r) => r.code).sort();
    for (const r of runs) note('concurrent runs', r.code === 0 || (r.code === 6 && /locked by pid \d+/.test(r.stderr)));
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(1);
  });
});
