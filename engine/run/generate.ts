import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SimClock } from '../clock/sim-clock.ts';
import { DAY_MS } from '../clock/time.ts';
import { openEngine } from '../db/open-engine.ts';
import type { EngineKind, SimDatabase } from '../db/sim-database.ts';
import { RandomStream } from '../rng/random-stream.ts';
import { installSeededGlobals } from '../rng/seeded-globals.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { dumpDatabase } from '../snapshot/dump-database.ts';
import type { Manifest } from '../snapshot/manifest.ts';
import { DUMP_FILE, SIDE_EFFECTS_FILE, readSnapshot, writeSnapshot } from '../snapshot/snapshot-files.ts';
import { acquireDirLock } from '../util/dir-lock.ts';
import { interrupted } from '../util/exit-cleanup.ts';
import { startVendorHarness } from '../vendors/vendor-harness.ts';
import { SideEffectLedger } from '../vendors/side-effect-ledger.ts';
import { assertFakeCredentials, databaseEgress, installEgressGuard, parseServerUrl } from '../safety/index.ts';
import type { AppBinding, LoadedScenario, SimContext } from './app-binding.ts';
import { checkClockLeaks } from './clock-leak-check.ts';
import { loadScenario } from '../config/scenario-file.ts';
import { createProgress } from './progress.ts';
import { schemaHash } from './schema-hash.ts';
import { toolVersions } from './tool-versions.ts';
import { diffSnapshots, formatDiff } from '../snapshot/diff-snapshots.ts';

export interface GenerateOptions {
  scenarioFile: string;
  seed?: string | number;
  days?: number;
  outDir: string;
  engine: EngineKind;
  databaseUrl?: string;
  allowRemoteHosts?: string[];
  maxEvents?: number;
  maxEventsPerInstant?: number;
  /** Inject random real-time latency (ms, upper bound) into database calls and vendor stubs. */
  chaosLatencyMs?: number;
  strictRandom?: boolean;
  quiet?: boolean;
  /** Write nothing: run, dump and return the bytes (sim verify). */
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Formats the command line that reruns this generation (the CLI names the app and config). */
  reproduce?: (args: string[]) => string;
}

export interface GenerateResult {
  dir: string;
  manifest: Manifest;
  files: Record<string, string>;
  wallMs: number;
  /** Wall time per phase (open, simulate, check, dump), for the summary line and the benchmark. */
  phasesMs: Record<string, number>;
  events: number;
}

export function reproduceCommand(o: GenerateOptions, s: Pick<LoadedScenario, 'seed' | 'days'>): string {
  const args = [o.scenarioFile, `--seed ${s.seed}`, `--days ${s.days}`, `--backend ${o.engine}`];
  if (o.engine === 'postgres') args.push('--database-url <url>');
  if (o.chaosLatencyMs) args.push(`--chaos-latency-ms ${o.chaosLatencyMs}`);
  return o.reproduce ? o.reproduce(args) : ['npx sim generate', ...args].join(' ');
}

export async function generate(binding: AppBinding, options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const began = performance.now();
  const phasesMs: Record<string, number> = {};
  let phaseStart = began;
  const phase = (name: string) => {
    const now = performance.now();
    phasesMs[name] = now - phaseStart;
    phaseStart = now;
  };
  const loaded = loadScenario(binding.scenario, options.scenarioFile);
  const scenario: LoadedScenario = {
    ...loaded,
    seed: options.seed ?? loaded.seed,
    days: options.days ?? loaded.days,
  };
  if (!(scenario.days >= 1 && scenario.days <= 3660)) {
    throw Object.assign(new Error(`--days must be between 1 and 3660, got ${scenario.days}`), { exitCode: 2 });
  }
  const startMs = scenario.startMs;
  const endMs = startMs + scenario.days * DAY_MS;
  const historyStartMs = scenario.historyStartMs;
  const dir = resolve(options.outDir, scenario.name);
  const limits = {
    maxEvents: options.maxEvents ?? 5_000_000,
    maxEventsPerInstant: options.maxEventsPerInstant ?? 200_000,
  };
  // A seed or day count given on the command line is a different snapshot than the file's: it
  // is recorded, and the scenario hash covers it so `sim check` can tell.
  const overridden = String(scenario.seed) !== String(loaded.seed) || scenario.days !== loaded.days;
  const scenarioHash = overridden ? `${scenario.hash}+seed=${scenario.seed}+days=${scenario.days}` : scenario.hash;

  // The VOPR habit: the seed and every derived option first, so any log can be replayed.
  log(
    `sim generate: scenario=${scenario.name} seed=${scenario.seed} days=${scenario.days} start=${new Date(startMs).toISOString()} end=${new Date(endMs).toISOString()} history_start=${new Date(historyStartMs).toISOString()}`,
  );
  log(
    `  engine=${options.engine} out=${dir} generator=${binding.generatorVersion} max_events=${limits.maxEvents} max_events_per_instant=${limits.maxEventsPerInstant}${options.chaosLatencyMs ? ` chaos_latency_ms=${options.chaosLatencyMs}` : ''}`,
  );

  assertFakeCredentials(binding.vendorCredentials());
  const release = options.dryRun ? () => {} : acquireDirLock(dir, `${scenario.name}-${scenario.seed}`);
  let db: SimDatabase | undefined;
  try {
    const realRandom = Math.random;
    const latency = options.chaosLatencyMs ? () => realRandom() * options.chaosLatencyMs! : undefined;
    db = await openEngine({
      engine: options.engine,
      databaseUrl: options.databaseUrl,
      allowRemoteHosts: options.allowRemoteHosts,
      latencyMs: latency,
    });
    if (db.url) {
      log(
        `  database=${decodeURIComponent(new URL(db.url).pathname.slice(1))} (this run's own; dropped when it ends${options.engine === 'docker' ? ', with its container' : ''})${db.location ? ` in ${db.location}` : ''}`,
      );
    }
    await binding.migrate(db);
    phase('open');

    const rng = new RandomStream(scenario.seed);
    const clock = new SimClock(startMs);
    const restoreGlobals = installSeededGlobals(rng.fork('globals'), options.strictRandom ? 'strict' : 'seeded');
    const ledger = new SideEffectLedger(() => clock.nowMs());
    const scheduler = new Scheduler(endMs, limits);
    const ctx: SimContext = { scenario, rng, clock, scheduler, db, ledger, startMs, endMs, vendorLatencyMs: latency };
    const guard = installEgressGuard({
      allow: db.url ? [databaseEgress(parseServerUrl(db.url, { allowRemoteHosts: options.allowRemoteHosts }))] : [],
    });
    const harness = startVendorHarness(binding.vendorHandlers(ctx));
    const progress = createProgress(process.stderr, scenario.days, startMs, options.quiet);
    try {
      await binding.start(ctx);
      const maintain = db.maintain?.bind(db);
      await scheduler.run({
        advanceTo: (ms) => clock.advanceTo(ms),
        beforeAdvance: maintain
          ? async (fromMs, toMs) =>
              Math.floor((toMs - startMs) / DAY_MS) > Math.floor((fromMs - startMs) / DAY_MS) ? maintain() : undefined
          : undefined,
        onEvent: (_e, executed) => progress.update(clock.nowMs(), executed),
      });
      clock.advanceTo(endMs);
    } finally {
      progress.done();
      // An interrupt's cleanup fails the run's next statement, and so lands here while the process
      // is still exiting: app code may yet be in flight, so MSW and the guard stay up until exit.
      if (!interrupted()) {
        harness.close();
        guard.uninstall();
        restoreGlobals();
        clock.uninstall();
      }
    }
    harness.assertClean();
    guard.assertClean();
    phase('simulate');

    await checkClockLeaks(db, historyStartMs, endMs, {
      futureColumns: binding.futureColumns?.columns,
      maxFutureDays: binding.futureColumns?.maxDays,
    });
    const invariants = binding.invariants ? await binding.invariants(db) : [];
    const broken = invariants.filter((i) => i.violations > 0);
    if (broken.length > 0) {
      log(`  warning: invariants violated: ${broken.map((b) => `${b.name}=${b.violations}`).join(', ')}`);
    }

    phase('check');
    const { sql, rowCounts } = await dumpDatabase(db);
    const versions = { ...toolVersions(), ...(await db.versions()) };
    const totalRows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
    const files = { [DUMP_FILE]: sql, [SIDE_EFFECTS_FILE]: ledger.toJsonl() };
    const manifestBase: Omit<Manifest, 'files'> = {
      format: 1,
      scenario: scenario.name,
      seed: scenario.seed,
      days: scenario.days,
      engine: options.engine,
      simulated: {
        start: new Date(startMs).toISOString(),
        end: new Date(endMs).toISOString(),
        historyStart: new Date(historyStartMs).toISOString(),
      },
      rowCounts,
      totalRows,
      schemaHash: schemaHash(binding.schemaFiles()),
      scenarioHash,
      generatorVersion: binding.generatorVersion,
      versions,
      invariants: invariants.map((i) => ({ name: i.name, violations: i.violations })),
      provenance: {
        synthetic: true,
        statement: `Synthetic data. Produced by simulating scenario '${scenario.name}' (seed ${scenario.seed}, ${scenario.days} days) through the ${binding.app} with every vendor stubbed (${binding.vendorNames.join(', ')}). No production row is in it, and no learned profile or production statistics were used.`,
        application: binding.app,
        stubbedVendors: binding.vendorNames,
        learnedProfile: null,
        privacyPolicy: null,
        containsProductionData: false,
      },
    };
    phase('dump');
    const wallMs = performance.now() - began;
    if (options.dryRun) {
      return { dir, manifest: { ...manifestBase, files: {} }, files, wallMs, phasesMs, events: scheduler.executed };
    }
    let previous;
    try {
      previous = existsSync(join(dir, 'manifest.json')) ? readSnapshot(dir) : undefined;
    } catch {
      previous = undefined;
    }
    const manifest = writeSnapshot(dir, files, manifestBase);
    log(
      `wrote ${dir}: ${totalRows} rows in ${Object.keys(rowCounts).length} tables, ${ledger.entries.length} side effects, ${scheduler.executed} events, ${(wallMs / 1000).toFixed(1)} s (${Object.entries(
        phasesMs,
      )
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(', ')})`,
    );
    if (previous && previous.manifest.files[DUMP_FILE] !== manifest.files[DUMP_FILE]) {
      log(formatDiff(diffSnapshots(previous.dumpText, sql, previous.manifest, manifest, binding.tenantKey)));
    }
    return { dir, manifest, files, wallMs, phasesMs, events: scheduler.executed };
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    e.message += `\n  seed=${scenario.seed}; reproduce with: ${reproduceCommand(options, scenario)}`;
    throw e;
  } finally {
    await db?.close().catch(() => {});
    release();
  }
}
