// Unbounded input: absurd numbers in a scenario are refused before anything runs, with the
// position of the parameter that drives them; files that are not regular files (FIFOs, links to
// /dev/zero, symlinks out of a snapshot directory) are refused instead of hanging or filling memory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import billingBinding from '../../bindings/billing/index.ts';
import { ConfigError } from '../../engine/config/config-error.ts';
import { generate } from '../../engine/run/generate.ts';
import { readSnapshot, snapshotVersion } from '../../engine/snapshot/snapshot-files.ts';
import { commitSnapshots } from '../../engine/snapshot/snapshot-commit.ts';
import { readProfile } from '../../engine/learn/profile-validator.ts';
import { REPO, runSim } from '../support/run-sim.ts';
import { recordTally } from './tally.ts';

const TINY = readFileSync(join(REPO, 'test/fixtures/scenarios/tiny.yaml'), 'utf8');
const BINDING = join(REPO, 'bindings/billing/index.ts');
const work = mkdtempSync(join(tmpdir(), 'sim-budgets-'));
let tried = 0;
let refusedWell = 0;
const escaped: string[] = [];

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  recordTally({ suite: 'budgets', tried, refused: refusedWell });
  console.log(
    `budgets: ${tried} bad inputs tried: ${refusedWell} refused before running with a position, ` +
      `${escaped.length} ran or hung` +
      (escaped.length ? ` (${escaped.join('; ')})` : ''),
  );
});

/** tiny.yaml with replacements, written where a run would read it. */
function variant(label: string, from: string | RegExp, to: string, ...more: [string | RegExp, string][]): string {
  let text = TINY.replace(from, to);
  for (const [a, b] of more) text = text.replace(a, b);
  expect(text, `${label}: the fixture changed`).not.toBe(TINY);
  const dir = join(work, label.replace(/\W+/g, '-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tiny.yaml'), text);
  return join(dir, 'tiny.yaml');
}

/** Generates from `file` and expects exit 2 at `line` of that file (the parameter's own line) within seconds. */
async function expectRefused(label: string, file: string, line: RegExp | number, extra: { maxRows?: number } = {}) {
  tried++;
  const began = Date.now();
  let error: unknown;
  try {
    await generate(billingBinding, {
      bindingModule: BINDING,
      scenarioFile: file,
      outDir: join(work, 'out'),
      backend: 'pglite',
      quiet: true,
      log: () => {},
      ...extra,
    });
  } catch (e) {
    error = e;
  }
  const ok =
    error instanceof ConfigError &&
    error.exitCode === 2 &&
    (typeof line === 'number'
      ? error.line === line
      : line.test(readFileSync(file, 'utf8').split('\n')[error.line - 1]!)) &&
    Date.now() - began < 20_000;
  if (ok) refusedWell++;
  else escaped.push(`${label}: ${(error as Error | undefined)?.message ?? 'ran'}`);
  expect(error, label).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message, label).toMatch(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`),
  );
  expect(ok, `${label}: ${(error as Error).message}`).toBe(true);
}

describe('absurd scenario parameters are refused before the run', () => {
  const cases: [string, string | RegExp, string, RegExp, ...[string | RegExp, string][]][] = [
    ['arrivals 1e7 a day', 'mean: 0.6 }', 'mean: 1e7 }', /mean/],
    ['arrivals 1e300 a day', 'mean: 0.6 }', 'mean: 1e300 }', /mean/],
    ['arrivals within bounds but too many rows', 'mean: 0.6 }', 'mean: 10000 }', /mean/, ['days: 12', 'days: 60']],
    ['initial tenants 1e9', 'value: 24', 'value: 1000000000', /value/],
    [
      'a billion seats in a bin',
      '{ min: 1001, max: 1500, weight: 0.45 }',
      '{ min: 1001, max: 1e9, weight: 0.45 }',
      /max/,
    ],
    ['seats 1e300', '{ min: 1, max: 1, weight: 38 }', '{ min: 1, max: 1e300, weight: 38 }', /max/],
    [
      'whale tenants everywhere',
      /- \{ min: 1, max: 1, weight: 38 \}/,
      '- { min: 90000, max: 99000, weight: 1e9 }',
      /kind: histogram|seats:/,
      ['value: 24', 'value: 500'],
    ],
    ['users per seat 1e6', 'max: 1.25', 'max: 1e6', /max/],
    ['usage amount 1e300', 'median: 150,', 'median: 1e300,', /median/],
    ['weights 1e300', 'member: 72,', 'member: 1e300,', /member/],
    ['hour weight 1e300', 'weights: [1, 0.6,', 'weights: [1e300, 0.6,', /weights/],
    [
      'poisson-size constant',
      /api_calls:\n      per: activeUser\n      amount: \{[^}]+\}/,
      'api_calls:\n      per: activeUser\n      amount: { kind: constant, value: 1e12, note: "x" }',
      /value/,
    ],
    ['user active chance above one', 'median: 0.35', 'median: 50', /median/],
    ['ten years of sign-ups at the cap', 'days: 12', 'days: 3660', /mean/, ['mean: 0.6 }', 'mean: 10000 }']],
  ];
  for (const [label, from, to, line, ...more] of cases) {
    it(label, async () => {
      await expectRefused(label, variant(label, from, to, ...more), line);
    });
  }

  it('--max-rows refuses a scenario estimated above it, naming the driving parameter', async () => {
    await expectRefused(
      '--max-rows 1000 on tiny',
      variant('max-rows', 'days: 12', 'days: 12'.padEnd(9)),
      /initialTenants|value|mean/,
      {
        maxRows: 1000,
      },
    );
  });

  it('the committed scenarios stay within the default budget', async () => {
    const { estimateBillingScenario } = await import('../../bindings/billing/billing-estimate.ts');
    const { loadScenario } = await import('../../engine/config/scenario-file.ts');
    for (const name of ['baseline-45d', 'growth-365d', 'payment-outage-30d']) {
      const s = loadScenario(billingBinding.scenario, join(REPO, 'scenarios', `${name}.yaml`));
      const e = estimateBillingScenario(s as never);
      const actual = JSON.parse(readFileSync(join(REPO, 'snapshots', name, 'manifest.json'), 'utf8')).totalRows;
      // An upper estimate: never below what the scenario really wrote, never absurdly above.
      expect(e.rows, name).toBeGreaterThanOrEqual(actual);
      expect(e.rows, name).toBeLessThan(actual * 5);
    }
  });

  it('the CLI exits 2 with the position', async () => {
    tried++;
    const file = variant('cli', 'mean: 0.6 }', 'mean: 5000 }');
    const r = await runSim(['generate', file, '--out', join(work, 'out'), '--quiet', '--max-rows', '1000000']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /tiny\.yaml:\d+:\d+: population\.arrivals\.perDay\[0\]\.mean: this scenario would write about/,
    );
    refusedWell++;
  }, 60_000);
});

describe('only regular files are read, with a cap', () => {
  // A manifest sim would write (the storefront example's), so only the file under test is wrong.
  const { files: _files, ...manifest } = JSON.parse(
    readFileSync(join(REPO, 'examples/storefront/snapshots/first-days/manifest.json'), 'utf8'),
  );
  const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

  it('a FIFO or a link to /dev/zero as the scenario is refused at once', async () => {
    for (const [label, make] of [
      ['fifo', (p: string) => mkfifo(p)],
      ['dev-zero', (p: string) => symlinkSync('/dev/zero', p)],
    ] as const) {
      const dir = join(work, `scenario-${label}`);
      mkdirSync(dir);
      make(join(dir, 'tiny.yaml'));
      await expectRefused(`scenario ${label}`, join(dir, 'tiny.yaml'), 1);
    }
  });

  it('a FIFO, /dev/zero or a symlink out of the directory as a snapshot file is refused', () => {
    for (const file of ['dump.sql', 'manifest.json', 'side-effects.jsonl']) {
      for (const [label, make] of [
        ['fifo', (p: string) => mkfifo(p)],
        ['dev-zero', (p: string) => symlinkSync('/dev/zero', p)],
        ['link-out', (p: string) => symlinkSync('/etc/hostname', p)],
      ] as const) {
        tried++;
        const parent = join(work, `snap-${file}-${label}`);
        const version = snapshotVersion(
          join(parent, 'tiny'),
          { 'dump.sql': '--\n-- PostgreSQL database dump complete\n--\n\n', 'side-effects.jsonl': '' },
          { ...manifest, scenario: 'tiny' },
        );
        commitSnapshots([version]);
        rmSync(join(parent, 'tiny', file));
        make(join(parent, 'tiny', file));
        const began = Date.now();
        expect(() => readSnapshot(join(parent, 'tiny')), `${file} as ${label}`).toThrow(
          /not a regular file|symbolic link|FIFO|character device/,
        );
        if (Date.now() - began < 5000) refusedWell++;
        else escaped.push(`${file} as ${label}: slow`);
      }
    }
  });

  it('a FIFO or /dev/zero as a profile is refused', () => {
    for (const [label, make] of [
      ['fifo', (p: string) => mkfifo(p)],
      ['dev-zero', (p: string) => symlinkSync('/dev/zero', p)],
    ] as const) {
      tried++;
      const path = join(work, `profile-${label}.json`);
      make(path);
      expect(() => readProfile(path, {} as never)).toThrow(/FIFO|character device|not a regular file/);
      refusedWell++;
    }
  });
});
