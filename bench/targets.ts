// The issue's performance targets, measured side by side in one run: each round runs every
// variant once, and the order of the round alternates (A B …, … B A) so neither side always meets
// the machine's quieter minutes. Ratios are judged on the medians; every figure prints as a range.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import type { CheckResult } from './consistency-checks.ts';
import { BASELINE_FILE, writeScenarioVariant } from './scenario-variants.ts';
import { median } from './stats.ts';

export interface TargetOptions {
  /** Tenants as a share of the baseline's (1 = the baseline). */
  scale: number;
  /** Window days (default: the baseline's). */
  days?: number;
  seed?: string;
  runs: number;
  serverUrl: string;
  out: string;
}

interface GenerateSample {
  wallMs: number;
  rows: number;
  rowCounts: Record<string, number>;
  treePeakRssMb: number;
  largestProcessRssMb: number;
  dir: string;
  sha256: string;
}

class BenchRunFailed extends Error {}

function runChild(label: string, script: string, args: string[]): any {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, CI: '1' },
  });
  if (r.status !== 0) {
    const why = r.signal ? `was killed by ${r.signal}` : `exited with ${r.status}`;
    throw new BenchRunFailed(`${label}: ${script} ${why}\n${r.stderr.trim().split('\n').slice(-20).join('\n')}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const range = (xs: number[], fmt: (x: number) => string) =>
  xs.length === 1 ? fmt(xs[0]!) : `${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}`;
const ratio = (x: number) => `${x.toFixed(2)}x`;

export function benchTargets(o: TargetOptions, log: (line: string) => void): boolean {
  const baseline = parse(readFileSync(BASELINE_FILE, 'utf8'));
  const seed = o.seed ?? String(baseline.seed);
  const days = o.days ?? baseline.days;
  const windowStart = new Date(Date.parse(baseline.start)).toISOString();
  const history = join(o.out, 'scenarios', 'history.yaml');
  const times4 = join(o.out, 'scenarios', 'tenants-4x.yaml');
  writeScenarioVariant(history, { tenantScale: o.scale });
  writeScenarioVariant(times4, { tenantScale: 4 * o.scale });
  log(
    `\n## Targets: ${BASELINE_FILE} seed=${seed} scale=${o.scale} days=${days} runs=${o.runs} ` +
      `history_start=${baseline.history.start} window_start=${windowStart} server=${o.serverUrl.replace(/:[^:@/]*@/, ':***@')}`,
  );
  log(`  scenarios: ${history} (tenants x${o.scale}), ${times4} (tenants x${4 * o.scale}), no-history derived below`);

  const generateRun = (label: string, scenarioFile: string, backend: 'pglite' | 'postgres', workers = 1) =>
    runChild(label, 'bench/generate-child.ts', [
      JSON.stringify({
        scenarioFile,
        backend,
        out: join(o.out, label),
        days,
        seed,
        workers,
        databaseUrl: backend === 'postgres' ? o.serverUrl : undefined,
      }),
    ]) as GenerateSample;

  // The first run fixes the no-history scenario: it starts with the tenants the history left alive.
  const first = generateRun('history-pglite', history, 'pglite');
  const inspected = runChild('inspect', 'bench/inspect-snapshot-child.ts', [first.dir, windowStart]) as {
    checks: CheckResult;
    tenantsAtStart: number;
  };
  const noHistory = writeScenarioVariant(join(o.out, 'scenarios', 'no-history.yaml'), {
    tenantScale: o.scale,
    withoutHistory: { initialTenants: inspected.tenantsAtStart },
  });
  const seedCounts = Object.fromEntries(Object.entries(first.rowCounts).filter(([t]) => t !== 'schema_migrations'));
  log(`  ${noHistory}: no history, ${inspected.tenantsAtStart} tenants at the window's start (as the history left)`);
  log(`  drizzle-seed row counts (the history run's): ${JSON.stringify(seedCounts)}`);

  const samples: Record<string, GenerateSample[]> = {};
  const seeds: { wallMs: number; checks: CheckResult }[] = [];
  // Each generate variant: its scenario, backend and workers.
  const generateVariants: Record<string, [string, 'pglite' | 'postgres', number]> = {
    'history-pglite': [history, 'pglite', 1],
    'no-history-pglite': [noHistory, 'pglite', 1],
    'history-postgres': [history, 'postgres', 1],
    'no-history-postgres': [noHistory, 'postgres', 1],
    'tenants-4x-pglite': [times4, 'pglite', 1],
    'history-pglite-workers-2': [history, 'pglite', 2],
  };
  const logSample = (name: string, s: GenerateSample) =>
    log(
      `  ${name.padEnd(26)} ${secs(s.wallMs).padEnd(9)} ${String(s.rows).padEnd(8)} rows  ` +
        `peak RSS ${s.treePeakRssMb.toFixed(0)} MB (largest process ${s.largestProcessRssMb.toFixed(0)} MB)  ${s.sha256.slice(0, 12)}`,
    );
  const runVariant = (name: string) => {
    if (name === 'drizzle-seed') {
      seeds.push(runChild(name, 'bench/drizzle-seed-child.ts', [JSON.stringify(seedCounts)]));
      log(`  ${name.padEnd(26)} ${secs(seeds.at(-1)!.wallMs)}`);
      return;
    }
    const [scenarioFile, backend, workers] = generateVariants[name]!;
    const s = generateRun(name, scenarioFile, backend, workers);
    (samples[name] ??= []).push(s);
    logSample(name, s);
  };
  log(`  round 1 (the first history-pglite run above counts)`);
  // The first run may build the caches (simulation bundle, empty cluster image): a warm-up, not a sample.
  logSample('history-pglite (warm-up)', first);
  for (let round = 0; round < o.runs; round++) {
    const names = [...Object.keys(generateVariants), 'drizzle-seed'];
    const order = round % 2 === 0 ? names : [...names].reverse();
    log(`  round ${round + 1}`);
    for (const name of order) runVariant(name);
  }

  const wall = (name: string) => samples[name]!.map((s) => s.wallMs);
  const perRound = (a: string, b: string) => samples[a]!.map((s, i) => s.wallMs / samples[b]![i]!.wallMs);
  const ratioRow = (a: string, b: string) =>
    `${ratio(median(wall(a)) / median(wall(b)))} (rounds ${range(perRound(a, b), ratio)}; ${range(wall(a), secs)} vs ${range(wall(b), secs)})`;
  const shas = new Set([...samples['history-pglite']!, ...samples['history-pglite-workers-2']!].map((s) => s.sha256));
  const rss = samples['history-pglite']!.map((s) => s.treePeakRssMb);
  const ours = wall('history-pglite');
  const theirs = seeds.map((s) => s.wallMs);
  const theirChecks = seeds[0]!.checks;

  const rows: [string, string, string, boolean][] = [
    [
      'history / no history, pglite',
      '<= 2x',
      ratioRow('history-pglite', 'no-history-pglite'),
      median(wall('history-pglite')) / median(wall('no-history-pglite')) <= 2,
    ],
    [
      'history / no history, postgres',
      '<= 2x',
      ratioRow('history-postgres', 'no-history-postgres'),
      median(wall('history-postgres')) / median(wall('no-history-postgres')) <= 2,
    ],
    [
      'peak RSS, pglite (process tree)',
      '< 1 GB',
      `${range(rss, (x) => `${x.toFixed(0)} MB`)}`,
      Math.max(...rss) < 1024,
    ],
    [
      '4x tenants / 1x, pglite',
      '<= 4.4x',
      ratioRow('tenants-4x-pglite', 'history-pglite'),
      median(wall('tenants-4x-pglite')) / median(ours) <= 4.4,
    ],
    [
      'workers 1 / 2, pglite',
      'identical dumps',
      `${ratioRow('history-pglite', 'history-pglite-workers-2')}; sha256 ${[...shas].join(', ')}`,
      shas.size === 1,
    ],
    [
      'facade-sim / drizzle-seed',
      '<= 1.5x, 12 of 12',
      `${ratio(median(ours) / median(theirs))} (${range(ours, secs)} vs ${range(theirs, secs)}); checks ` +
        `facade-sim ${inspected.checks.passed}/${inspected.checks.total}, drizzle-seed ${theirChecks.passed}/${theirChecks.total}`,
      median(ours) / median(theirs) <= 1.5 && inspected.checks.passed === inspected.checks.total,
    ],
  ];
  log(`\nmeasure                            target             figure`);
  for (const [measure, target, figure, met] of rows) {
    log(`${measure.padEnd(34)} ${target.padEnd(18)} ${figure}${met ? '' : '   MISSED'}`);
  }
  if (inspected.checks.failed.length) log(`facade-sim fails: ${inspected.checks.failed.join(', ')}`);
  log(`drizzle-seed fails: ${theirChecks.failed.join(', ') || 'none'}`);
  if (shas.size !== 1) throw new BenchRunFailed(`workers 1 and 2 wrote different dumps: ${[...shas].join(', ')}`);
  return rows.every(([, , , met]) => met);
}

export { BenchRunFailed };
