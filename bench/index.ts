// npm run bench: the performance targets side by side (history, memory, tenants, workers, drizzle-seed);
// by name, generation against an insert floor, per-test provisioning, learn, and a comparison with
// another commit. Figures go to docs/performance.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { closeSnapshotDatabases, snapshotDatabase, type Isolation, type Via } from '../engine/testing/index.ts';
import { restoreToServer } from '../engine/snapshot/restore-server.ts';
import { dropOwnedDatabase } from '../engine/safety/index.ts';
import { benchCompare } from './compare.ts';
import { benchLearn } from './learn.ts';
import { BenchRunFailed, benchTargets } from './targets.ts';
import { parseArgs } from 'node:util';
import { benchDockerProvisioning } from './provisioning.ts';
import { fmtMs, percentile } from './stats.ts';

const SERVER = process.env.SIM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = '.bench';
const USAGE =
  'npm run bench [-- [--scale <x>] [--days <n>] [--runs <n>] [--seed <seed>]]\n' +
  '   or npm run bench [generate | provisioning | learn | compare <git rev> [runs]]';
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { scale: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' } },
});
const only = positionals[0];
const log = (s: string) => process.stdout.write(s + '\n');

function child(script: string, args: string[]): any {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, CI: '1' },
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The same local server over its Unix socket, when there is one: fewer wake-ups per round trip than TCP loopback. */
function socketUrl(): string | undefined {
  if (process.env.SIM_TEST_DATABASE_URL) return undefined;
  const dir = '/var/run/postgresql';
  return existsSync(join(dir, '.s.PGSQL.5432'))
    ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`
    : undefined;
}

function benchGenerate() {
  log(
    '\n## Generation: baseline-45d, side by side with the insert floor (same rows, one INSERT each, same driver and connection)',
  );
  log('engine          wall      events/s  rows/s    peak RSS   floor     ratio   (phases; floor peak RSS)');
  const socket = socketUrl();
  const runs: [string, 'pglite' | 'postgres', string][] = [
    ['pglite', 'pglite', ''],
    ['postgres tcp', 'postgres', SERVER],
  ];
  if (socket) runs.push(['postgres unix', 'postgres', socket]);
  for (const [label, engine, url] of runs) {
    const r = child('bench/generate-child.ts', [
      'scenarios/baseline-45d.yaml',
      engine,
      join(OUT, label.replace(' ', '-')),
      '',
      url,
    ]);
    const f = child('bench/insert-floor.ts', [r.dump, engine, url]);
    const phases = Object.entries(r.phasesMs as Record<string, number>)
      .map(([k, v]) => `${k} ${fmtMs(v)}`)
      .join(', ');
    log(
      `${label.padEnd(15)} ${fmtMs(r.wallMs).padEnd(9)} ${(r.events / (r.wallMs / 1000)).toFixed(0).padEnd(9)} ${(r.rows / (r.wallMs / 1000)).toFixed(0).padEnd(9)} ${(r.peakRssMb.toFixed(0) + ' MB').padEnd(10)} ${fmtMs(f.floorMs).padEnd(9)} ${(r.wallMs / f.floorMs).toFixed(2)}x   (${phases}; ${f.peakRssMb.toFixed(0)} MB; ${r.rows} rows, ${r.events} events)`,
    );
  }
}

async function benchProvisioning() {
  const snapshot = 'snapshots/baseline-45d';
  const n = Number(process.env.SIM_BENCH_TESTS ?? 50);
  log(`\n## Per-test provisioning of ${snapshot} (${n} tests each; one-time setup reported separately)`);
  log('via      isolation    setup      median     p95');
  const vias = (process.env.SIM_BENCH_VIAS?.split(',') as Via[] | undefined) ?? ['url', 'pglite'];
  let stopContainer: (() => Promise<unknown>) | undefined;
  if (process.env.SIM_POSTGRES_IMAGE && !process.env.SIM_DOCKER_ADMIN_URL) {
    const { startDockerPostgres } = await import('../engine/db/docker-server.ts');
    const t0 = performance.now();
    const { adminUrl, dataDirectory, stop } = await startDockerPostgres();
    log(`container start: ${fmtMs(performance.now() - t0)} (data directory: ${dataDirectory})`);
    process.env.SIM_DOCKER_ADMIN_URL = adminUrl;
    stopContainer = stop;
  }
  if (process.env.SIM_DOCKER_ADMIN_URL && !vias.includes('docker')) vias.push('docker');
  // The url via twice when a RAM tablespace is configured: the server's own disk, then memory.
  const ramTablespace = process.env.SIM_TEST_TABLESPACE;
  const variants = vias.flatMap((via): { via: Via; label: string; tablespace?: string }[] =>
    via === 'url' && ramTablespace
      ? [
          { via, label: 'url' },
          { via, label: 'url+ram', tablespace: ramTablespace },
        ]
      : [{ via, label: via }],
  );
  const results: Record<string, number> = {};
  for (const { via, label, tablespace } of variants) {
    const options = { snapshot, via, tablespace: tablespace ?? '' };
    for (const isolation of ['transaction', 'clone'] as Isolation[]) {
      const t0 = performance.now();
      const first = await snapshotDatabase({ ...options, isolation });
      await first.close();
      const setupMs = performance.now() - t0;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        const t = await snapshotDatabase({ ...options, isolation });
        await t.db.execute(`SELECT 1`);
        await t.close();
        times.push(performance.now() - s);
      }
      results[`${label}/${isolation}`] = percentile(times, 50);
      log(
        `${label.padEnd(8)} ${isolation.padEnd(12)} ${fmtMs(setupMs).padEnd(10)} ${fmtMs(percentile(times, 50)).padEnd(10)} ${fmtMs(percentile(times, 95))}`,
      );
    }
  }
  await closeSnapshotDatabases();
  await stopContainer?.();
  const naive: number[] = [];
  const naiveRuns = Number(process.env.SIM_BENCH_NAIVE ?? 5);
  for (let i = 0; i < naiveRuns; i++) {
    const s = performance.now();
    const r = await restoreToServer(snapshot, SERVER, { purpose: 'bench' });
    naive.push(performance.now() - s);
    await dropOwnedDatabase(SERVER, r.name, { project: 'facade-sim' });
  }
  const naiveMedian = percentile(naive, 50);
  log(
    `naive    psql -f      -          ${fmtMs(naiveMedian).padEnd(10)} ${fmtMs(percentile(naive, 95))}   (${naiveRuns} runs)`,
  );
  const best = Math.min(...Object.values(results));
  log(`best mode vs naive restore: ${(naiveMedian / best).toFixed(0)}x faster`);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
log(
  `facade-sim bench: node ${process.version}, ${execFileSync('nproc').toString().trim()} cores, server ${SERVER.replace(/:[^:@/]*@/, ':***@')}`,
);
if (only && !['generate', 'provisioning', 'learn', 'compare'].includes(only)) {
  process.stderr.write(`${USAGE}\nunknown section '${only}'\n`);
  process.exit(2);
}
if (only === 'compare') {
  try {
    benchCompare(positionals[1] ?? '', Number(positionals[2] ?? 3), socketUrl() ?? SERVER, log);
  } catch (error) {
    process.stderr.write(`bench compare: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.exit(0);
}
if (!only) {
  const number = (name: string, text: string | undefined, fallback: number | undefined, whole: boolean) => {
    const x = text === undefined ? fallback : Number(text);
    if (x !== undefined && !(x > 0 && (!whole || Number.isInteger(x)))) {
      process.stderr.write(`${USAGE}\n--${name} must be a ${whole ? 'whole ' : ''}number above 0, got '${text}'\n`);
      process.exit(2);
    }
    return x;
  };
  try {
    const met = benchTargets(
      {
        scale: number('scale', flags.scale, 1, false)!,
        days: number('days', flags.days, undefined, true),
        runs: number('runs', flags.runs, 3, true)!,
        seed: flags.seed,
        serverUrl: socketUrl() ?? SERVER,
        out: OUT,
      },
      log,
    );
    log(met ? '\nall targets met' : '\nsome targets missed (marked MISSED)');
  } catch (error) {
    if (!(error instanceof BenchRunFailed)) throw error;
    process.stderr.write(`bench: a run failed: ${error.message}\n`);
    process.exit(1);
  }
}
if (only === 'generate') benchGenerate();
if (only === 'provisioning') await benchProvisioning();
if (only === 'provisioning' && process.env.SIM_POSTGRES_IMAGE) await benchDockerProvisioning(log);
if (only === 'learn') await benchLearn(SERVER, log);
