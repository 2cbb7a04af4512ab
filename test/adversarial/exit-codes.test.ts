/**
 * The exit-code table, through the real CLI: usage errors of every subcommand exit 2 with the
 * usage hint, unsafe targets 3, an unstubbed vendor call the app does not catch 4.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runSim, SERVER_URL } from '../support/run-sim.ts';
import { recordTally } from './tally.ts';

const TINY = join(REPO, 'test/fixtures/scenarios/tiny.yaml');
const HINT = /run sim <command> --help for usage/;
const work = mkdtempSync(join(tmpdir(), 'sim-exit-codes-'));
const out = join(work, 'snapshots');
const rows: string[] = [];

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  recordTally({ suite: 'exit codes', tried: rows.length, refused: rows.length });
  process.stdout.write(`\nexit codes: ${rows.length} command lines tried\n  ${rows.join('\n  ')}\n`);
});

const USAGE: [string, string[]][] = [
  ['generate --days -1', ['generate', TINY, '--days', '-1']],
  ['generate --days 0', ['generate', TINY, '--days', '0']],
  ['generate --days x', ['generate', TINY, '--days', 'x']],
  ['generate --backend foo', ['generate', TINY, '--backend', 'foo']],
  ['generate --workers 0', ['generate', TINY, '--workers', '0']],
  ['generate --checkpoints 1,x', ['generate', TINY, '--checkpoints', '1,x']],
  ['generate --profile-scale without --profile', ['generate', TINY, '--profile-scale', '0.5', '--out', out]],
  ['generate --bogus', ['generate', TINY, '--bogus']],
  ['generate --days (missing value)', ['generate', TINY, '--days']],
  ['restore (missing snapshot-dir)', ['restore']],
  ['restore --backend foo', ['restore', join(REPO, 'snapshots/baseline-45d'), '--backend', 'foo']],
  ['verify --workers 0', ['verify', '--workers', '0']],
  ['verify --backend foo', ['verify', '--backend', 'foo']],
  ['check --bogus', ['check', '--bogus']],
  ['diff (missing new)', ['diff', 'a']],
  ['learn --bogus', ['learn', '--bogus']],
  ['report (missing snapshot-dir)', ['report']],
  ['an unknown command', ['bogus']],
];

describe('exit codes', () => {
  for (const [name, args] of USAGE) {
    it(`usage: ${name} exits 2 with the usage hint`, async () => {
      const run = await runSim(args);
      rows.push(`${String(run.code).padStart(3)}  sim ${name}`);
      expect({ code: run.code, hint: HINT.test(run.stderr) }, run.stderr).toEqual({ code: 2, hint: true });
    });
  }

  for (const [name, url] of [
    ['a host list in host=', `${SERVER_URL}?host=/tmp,db.prod.example.com`],
    ['a host list in the authority', 'postgres://postgres@127.0.0.1,db.prod.example.com/postgres'],
    ['hostaddr= pointing elsewhere', `${SERVER_URL}?hostaddr=10.0.0.5`],
    ['a host given twice', 'postgres://postgres@localhost/postgres?host=/tmp&host=/var/run/postgresql'],
  ] as const) {
    it(`safety: --database-url with ${name} exits 3`, async () => {
      const run = await runSim(['generate', TINY, '--days', '1', '--backend', 'postgres', '--database-url', url]);
      rows.push(`${String(run.code).padStart(3)}  sim generate --database-url with ${name}`);
      expect(run.code, run.stderr).toBe(3);
    });
  }

  it('an unstubbed fetch the app does not catch exits 4 and writes no snapshot', async () => {
    const wrapper = join(work, 'binding.mts');
    writeFileSync(
      wrapper,
      `import { hostileBinding } from ${JSON.stringify(join(REPO, 'test/fixtures/bindings/hostile-binding.ts'))};\n` +
        `export default hostileBinding('fetch, not caught', { http: 9, http2: 9, raw: 9, udp: 9 }, 'start');\n`,
    );
    const config = {
      apps: { hostile: { binding: wrapper, scenarios: join(REPO, 'test/fixtures/scenarios'), snapshots: out } },
    };
    writeFileSync(join(work, 'sim.config.ts'), `export default ${JSON.stringify(config)};\n`);
    const run = await runSim(['generate', TINY, '--days', '1', '--checkpoints', 'none', '--quiet'], { cwd: work });
    rows.push(`${String(run.code).padStart(3)}  sim generate with an uncaught unstubbed fetch`);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/unstubbed vendor call/);
    expect(existsSync(join(out, 'tiny', 'dump.sql'))).toBe(false);
  });
});
