import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, sha256 } from '../../engine/snapshot/manifest.ts';
import { SERVER_URL, generateTiny, runSim } from '../support/run-sim.ts';

// A small snapshot generated once for this file; corrupted copies of it must never reach psql.
let good: string;
const canary = join(tmpdir(), `sim-canary-${process.pid}`);

beforeAll(async () => {
  good = await generateTiny('corrupt');
});

function corrupt(edit: (dump: Buffer, dir: string) => Buffer | null, rehash = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-bad-'));
  cpSync(good, dir, { recursive: true });
  const result = edit(readFileSync(join(dir, 'dump.sql')), dir);
  if (result) writeFileSync(join(dir, 'dump.sql'), result);
  if (rehash && result) {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.files['dump.sql'] = sha256(result);
    writeFileSync(join(dir, 'manifest.json'), canonicalJson(m));
  }
  return dir;
}

const inject = (dump: Buffer, line: string, where: 'end' | 'middle') => {
  const text = dump.toString('utf8');
  if (where === 'end') return Buffer.from(text + line + '\n');
  const at = text.indexOf('\n--\n-- Data for Name');
  return Buffer.from(text.slice(0, at) + '\n' + line + text.slice(at));
};

const CASES: [string, () => string][] = [
  ...[0.1, 0.5, 0.9].map((f): [string, () => string] => [
    `truncated at ${f * 100}%`,
    () => corrupt((d) => d.subarray(0, Math.floor(d.length * f))),
  ]),
  ...[17, 5000, 20000].map((o): [string, () => string] => [
    `bit flipped at byte ${o}`,
    () =>
      corrupt((d) => {
        const b = Buffer.from(d);
        b[o] = b[o]! ^ 0x04;
        return b;
      }),
  ]),
  ['CRLF conversion', () => corrupt((d) => Buffer.from(d.toString('utf8').replace(/\n/g, '\r\n')))],
  [
    'CRLF conversion, manifest re-hashed',
    () => corrupt((d) => Buffer.from(d.toString('utf8').replace(/\n/g, '\r\n')), true),
  ],
  ['shell escape appended', () => corrupt((d) => inject(d, `\\! touch ${canary}`, 'end'))],
  [
    'shell escape appended, manifest re-hashed (a malicious pull request)',
    () => corrupt((d) => inject(d, `\\! touch ${canary}`, 'end'), true),
  ],
  [
    '\\unrestrict and shell escape mid-file, re-hashed',
    () => corrupt((d) => inject(d, `\\unrestrict x\n\\! touch ${canary}`, 'middle'), true),
  ],
  [
    '\\copy from program, re-hashed',
    () => corrupt((d) => inject(d, `\\copy public.plans from program 'touch ${canary}'`, 'middle'), true),
  ],
  [
    'missing manifest',
    () =>
      corrupt((_d, dir) => {
        rmSync(join(dir, 'manifest.json'));
        return null;
      }),
  ],
  [
    'manifest not JSON',
    () =>
      corrupt((_d, dir) => {
        writeFileSync(join(dir, 'manifest.json'), '{ nope');
        return null;
      }),
  ],
  ['empty dump', () => corrupt(() => Buffer.alloc(0))],
];

describe('corrupted snapshots are refused with exit 5 before psql starts', () => {
  it.each(CASES)('%s', async (_name, make) => {
    const dir = make();
    const before = await databaseCount(dir);
    const run = await runSim(['restore', dir, '--database-url', SERVER_URL]);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toMatch(/sim: .*(hash|meta-command|missing|truncated|carriage|JSON|footer|COPY)/);
    expect(existsSync(canary)).toBe(false);
    // Refused before any database was created: psql never ran.
    expect(await databaseCount(dir)).toBe(before);
  });
});

/** Databases a restore of this directory would have created (named after its manifest's dump hash). */
async function databaseCount(dir: string): Promise<number> {
  let prefix = 'unknown';
  try {
    prefix = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files['dump.sql'].slice(7, 17);
  } catch {
    // no readable manifest: then nothing may be named after it either
  }
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  const n = (
    await c.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE $1`, [`sim_restore_${prefix}_%`])
  ).rows[0].n;
  await c.end();
  return n;
}
