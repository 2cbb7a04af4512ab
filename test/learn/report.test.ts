import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductionFixture } from '../fixtures/production/create-production-fixture.ts';
import { formatSummary } from '../../engine/learn/report-snapshot.ts';
import { scoreProfiles } from '../../engine/learn/score-profiles.ts';
import type { Profile } from '../../engine/learn/profile-types.ts';
import { fixture, learnCli, runSim, scratch } from './learn-support.ts';

const SNAPSHOT = 'snapshots/payment-outage-30d';
let drawA: ProductionFixture;
let drawB: ProductionFixture;
let dir: string;
let profileA: Profile;
let profileB: Profile;

beforeAll(async () => {
  [drawA, drawB] = await Promise.all([fixture(41), fixture(42)]);
  dir = scratch('report');
  const [a, b] = await Promise.all([
    learnCli(drawA.url, join(dir, 'a.json')),
    learnCli(drawB.url, join(dir, 'b.json')),
  ]);
  expect(a.run.code, a.run.stderr).toBe(0);
  expect(b.run.code, b.run.stderr).toBe(0);
  profileA = a.profile!;
  profileB = b.profile!;
});
afterAll(async () => {
  await Promise.all([drawA?.drop(), drawB?.drop()]);
});

const chromium = ['chromium', 'chromium-browser'].find((c) => spawnSync('which', [c]).status === 0);
// CI installs Chromium and must run the browser check; elsewhere it runs where Chromium is installed.
const browserCheck = chromium || process.env.CI ? it : it.skip;
if (!chromium && !process.env.CI) {
  process.stderr.write('test/learn/report.test.ts: chromium not installed, browser check skipped\n');
}

describe('sim report', () => {
  let html: string;
  let stdout: string;

  it('writes one self-contained HTML file and a text summary, worst first', async () => {
    const out = join(dir, 'report.html');
    const run = await runSim([
      'report',
      SNAPSHOT,
      '--profile',
      join(dir, 'a.json'),
      '--out',
      out,
      '--ceiling-profile',
      join(dir, 'b.json'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    stdout = run.stdout;
    expect(stdout).toMatch(
      /^fidelity of snapshots\/payment-outage-30d against .*a\.json\noverall 0\.\d{3} \(ceiling 0\.\d{3}\)\n/,
    );
    expect(stdout).toMatch(/column shapes +0\.\d{3} +\(\d+ items, ceiling 0\.\d{3}\)/);
    expect(stdout).toMatch(/children per parent +0\.\d{3}/);
    const worst = [...stdout.matchAll(/^ {2}(\d\.\d{3}) {2}/gm)].map((m) => Number(m[1]));
    expect(worst).toHaveLength(10);
    expect(worst).toEqual([...worst].sort((x, y) => x - y));
    html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // Nothing is fetched: no script, stylesheet, image, font or URL of any kind.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=|https?:/i);
    expect(html).toContain('Worst ten');
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThan(50);
  });

  browserCheck('opens in a real browser (headless Chromium parses every chart)', () => {
    if (!chromium) return expect.fail('chromium is not installed: apt-get install -y chromium');
    const out = join(dir, 'report.html');
    const r = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${out}`], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 1 << 26,
    });
    expect(r.status, r.stderr).toBe(0);
    expect((r.stdout.match(/<svg /g) ?? []).length).toBe((html.match(/<svg /g) ?? []).length);
    expect(r.stdout).toContain('<h1>Fidelity report</h1>');
  });

  it('exits 5 below --min-score and still writes the report for CI to keep', async () => {
    const out = join(dir, 'strict.html');
    const below = await runSim([
      'report',
      SNAPSHOT,
      '--profile',
      join(dir, 'a.json'),
      '--out',
      out,
      '--min-score',
      '0.99',
    ]);
    expect(below.code).toBe(5);
    expect(below.stdout).toMatch(/overall score 0\.\d{3} is below --min-score 0\.99/);
    expect(existsSync(out)).toBe(true);
    const above = await runSim([
      'report',
      SNAPSHOT,
      '--profile',
      join(dir, 'a.json'),
      '--out',
      out,
      '--min-score',
      '0.1',
    ]);
    expect(above.code, above.stderr).toBe(0);
  });

  it('restores into PGlite as well, and scores the same', async () => {
    const out = join(dir, 'pglite.html');
    const run = await runSim([
      'report',
      SNAPSHOT,
      '--profile',
      join(dir, 'a.json'),
      '--out',
      out,
      '--backend',
      'pglite',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const overall = (s: string) => /^overall (\S+)/m.exec(s)![1];
    expect(overall(run.stdout)).toBe(overall(stdout));
  });
});

describe('the finite-sample ceiling: two independent draws of the production fixture scored against each other', () => {
  it('is high for every group, and is printed', () => {
    const ceiling = scoreProfiles(profileA, profileB);
    process.stdout.write(
      '\n' + formatSummary(ceiling, { snapshot: 'fixture draw B (seed 42)', profileFile: 'fixture draw A (seed 41)' }),
    );
    const group = (g: string) => ceiling.groups.find((x) => x.group === g)!.mean!;
    expect(group('column shapes')).toBeGreaterThan(0.9);
    expect(group('children per parent')).toBeGreaterThan(0.93);
    expect(group('app metrics')).toBeGreaterThan(0.9);
    expect(ceiling.overall!).toBeGreaterThan(0.93);
  });

  it('a profile scored against itself is a perfect 1 (the extractor is deterministic)', () => {
    const self = scoreProfiles(profileA, profileA);
    expect(self.items.filter((i) => i.score !== null).every((i) => i.score === 1)).toBe(true);
    expect(self.overall).toBe(1);
  });
});
