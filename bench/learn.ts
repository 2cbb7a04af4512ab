// npm run bench learn: sim learn on a ~300k-row production-like fixture (target <= 30 s), sim report
// (target <= 10 s), and the fidelity scores next to the fixture's finite-sample ceiling.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createProductionFixture } from '../test/fixtures/production/create-production-fixture.ts';
import { billingLearnSpec } from '../bindings/billing/learn-metrics.ts';
import { readProfile } from '../engine/learn/profile-validator.ts';
import { scoreProfiles, type ScoreReport } from '../engine/learn/score-profiles.ts';
import { learnSnapshot } from '../engine/learn/report-snapshot.ts';
import { fmtMs } from './stats.ts';

const OUT = join('.bench', 'learn');
const TARGETS = { learnMs: 30_000, reportMs: 10_000, columnShapes: 0.95, childrenPerParent: 0.93 };

/** Runs the real CLI, as a user would, and times it from spawn to exit (node and tsx start-up included). */
function sim(args: string[]): { ms: number; stdout: string; stderr: string } {
  const began = performance.now();
  const r = spawnSync(process.execPath, ['bin/sim.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - began;
  if (r.status !== 0) throw new Error(`sim ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const group = (r: ScoreReport, name: string) => r.groups.find((g) => g.group === name)?.mean ?? null;
const f3 = (x: number | null) => (x === null ? '  —  ' : x.toFixed(3));

export async function benchLearn(server: string, log: (line: string) => void): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  log('\n## Learn mode: production-like fixture (plain SQL, seeds 1 and 2), the committed baseline-45d snapshot');
  const [a, b] = await Promise.all([
    createProductionFixture(server, { seed: 1, size: 'bench' }),
    createProductionFixture(server, { seed: 2, size: 'bench' }),
  ]);
  try {
    const rows = Object.values(a.rows).reduce((x, y) => x + y, 0);
    const fileA = join(OUT, 'fixture-a.json');
    const fileB = join(OUT, 'fixture-b.json');
    const learn = sim(['learn', '--database-url', a.url, '--out', fileA, '--quiet']);
    sim(['learn', '--database-url', b.url, '--out', fileB, '--quiet']);
    const inside = /in (\d+\.\d) s/.exec(learn.stdout)?.[1];
    log(
      `sim learn   ${fmtMs(learn.ms).padEnd(9)} (target <= ${TARGETS.learnMs / 1000} s) on ${rows} rows, ${a.rows.organizations} tenants; ${inside} s inside the command`,
    );
    const report = sim(['report', 'snapshots/baseline-45d', '--profile', fileA, '--out', join(OUT, 'baseline.html')]);
    log(
      `sim report  ${fmtMs(report.ms).padEnd(9)} (target <= ${TARGETS.reportMs / 1000} s) snapshots/baseline-45d against the fixture's profile`,
    );

    const profileA = readProfile(fileA, billingLearnSpec);
    const profileB = readProfile(fileB, billingLearnSpec);
    const ceiling = scoreProfiles(profileA, profileB);
    const generated = sim([
      'generate',
      'baseline-45d',
      '--profile',
      fileA,
      '--profile-scale',
      '0.25',
      '--backend',
      'postgres',
      '--database-url',
      server,
      '--out',
      join(OUT, 'snapshots'),
    ]);
    const covered = /replaced (\d+) parameters/.exec(generated.stderr)?.[1] ?? '?';
    const snapshot = join(OUT, 'snapshots', 'baseline-45d');
    const synthetic = await learnSnapshot(billingLearnSpec, snapshot, { databaseUrl: server, k: 10, userK: 10 });
    const calibratedScores = scoreProfiles(profileA, synthetic, profileB);
    const uncalibrated = scoreProfiles(
      profileA,
      await learnSnapshot(billingLearnSpec, 'snapshots/baseline-45d', { databaseUrl: server, k: 10, userK: 10 }),
    );

    log(`\nscores against fixture draw A          column shapes  children/parent  app metrics  overall`);
    const row = (label: string, r: ScoreReport) =>
      log(
        `${label.padEnd(38)} ${f3(group(r, 'column shapes')).padEnd(14)} ${f3(group(r, 'children per parent')).padEnd(16)} ${f3(group(r, 'app metrics')).padEnd(12)} ${f3(r.overall)}`,
      );
    row('ceiling: fixture draw B (seed 2)', ceiling);
    row('baseline-45d as committed', uncalibrated);
    row(`baseline-45d calibrated (--profile)`, calibratedScores);
    const untimed = calibratedScores.items.filter(
      (i) => i.group === 'column shapes' && i.score !== null && !/\(time\)$/.test(i.title),
    );
    log(
      `  column shapes without time columns: ${f3(untimed.reduce((x, i) => x + i.score!, 0) / untimed.length)} ` +
        `over ${untimed.length} columns`,
    );
    const shapes = group(calibratedScores, 'column shapes') ?? 0;
    const cpp = group(calibratedScores, 'children per parent') ?? 0;
    log(
      `targets: column shapes >= ${TARGETS.columnShapes} (${shapes >= TARGETS.columnShapes ? 'met' : 'not met'}), ` +
        `children per parent >= ${TARGETS.childrenPerParent} (${cpp >= TARGETS.childrenPerParent ? 'met' : 'not met'}); ` +
        `the calibrated run replaced ${covered} parameters, generated in ${fmtMs(generated.ms)} (scale 0.25)`,
    );
  } finally {
    await Promise.all([a.drop(), b.drop()]);
  }
}
