import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DAY_MS } from '../clock/time.ts';
import {
  checkScenarioValue,
  loadScenario,
  type LoadedScenario,
  type ScenarioProfile,
} from '../config/scenario-file.ts';
import type { LoadedLearn } from '../config/sim-config.ts';
import { prepareBackend, type PreparedBackend } from '../db/open-backend.ts';
import { emptyClusterImage } from '../db/pglite-boot.ts';
import type { Backend } from '../db/sim-database.ts';
import { assertFakeCredentials } from '../safety/index.ts';
import type { SchedulerLimits } from '../scheduler/scheduler.ts';
import { buildCanonicalDump } from '../snapshot/canonical-dump.ts';
import { diffSnapshots, formatDiff } from '../snapshot/diff-snapshots.ts';
import { profileProvenance, type ProfileProvenance } from '../learn/profile-provenance.ts';
import { readProfile } from '../learn/profile-validator.ts';
import type { Manifest, ManifestProfile } from '../snapshot/manifest.ts';
import { mergeShards } from '../snapshot/merge-shards.ts';
import { readShardState } from '../snapshot/shard-state.ts';
import { commitSnapshots, groupLockDir, type SnapshotVersion } from '../snapshot/snapshot-commit.ts';
import {
  DUMP_FILE,
  MANIFEST_FILE,
  SIDE_EFFECTS_FILE,
  readSnapshot,
  snapshotVersion,
} from '../snapshot/snapshot-files.ts';
import { acquireDirLock } from '../util/dir-lock.ts';
import { UsageError } from '../util/usage-error.ts';
import type { AppBinding } from './app-binding.ts';
import { releaseBundler } from './module-bundle.ts';
import { bundleSimulation, sandboxArgs, type SimulationBundle } from './simulation-bundle.ts';
import { checkpointLabel, FINAL_STATE, type ShardJob, type ShardMessage } from './simulation-process.ts';
import { createProgress } from './progress.ts';
import { checkScenarioBudget, DEFAULT_MAX_ROWS } from './scenario-budget.ts';
import { schemaHash } from './schema-hash.ts';
import { toolVersions } from './tool-versions.ts';

export interface GenerateOptions {
  /** The module whose default export is the binding: the sandboxed simulation loads it from there. */
  bindingModule: string;
  scenarioFile: string;
  seed?: string | number;
  days?: number;
  /** A learned profile to calibrate the scenario from, instead of the scenario file's `profile`. */
  profile?: ScenarioProfile;
  /** Loads the app's learn module; needed only when a profile is applied. */
  loadLearn?: () => Promise<LoadedLearn>;
  /** The snapshots folder: the run writes `<outDir>/<scenario>/` and `<outDir>/<scenario>@d<day>/`. */
  outDir: string;
  backend: Backend;
  databaseUrl?: string;
  allowRemoteHosts?: string[];
  /** Simulation processes, each running a share of the tenants; the bytes do not depend on it. */
  workers?: number;
  /** Window days written as snapshots of their own (default: the scenario's `checkpoints`). */
  checkpoints?: number[];
  maxEvents?: number;
  /** Refuse, before anything runs, a scenario estimated to write more rows (default DEFAULT_MAX_ROWS). */
  maxRows?: number;
  maxEventsPerInstant?: number;
  /** Inject random real-time latency (ms, upper bound) into database calls and vendor stubs. */
  chaosLatencyMs?: number;
  strictRandom?: boolean;
  quiet?: boolean;
  /** Write nothing: run, dump and return the bytes (sim verify). */
  dryRun?: boolean;
  /** The app's name in sim.config.ts, and the folder source paths are recorded relative to. */
  app?: string;
  projectRoot?: string;
  log?: (line: string) => void;
  /** Formats the command line that reruns this generation (the CLI names the app and config). */
  reproduce?: (args: string[]) => string;
}

/** One snapshot a run produced: the window's end, or a checkpoint. */
export interface GeneratedSnapshot {
  dir: string;
  manifest: Manifest;
  files: Record<string, string>;
}

export interface GenerateResult extends GeneratedSnapshot {
  /** Checkpoint snapshots, by window day. */
  checkpoints: Map<number, GeneratedSnapshot>;
  wallMs: number;
  /** Wall time per phase (prepare, simulate and dump, write), for the summary line and the benchmark. */
  phasesMs: Record<string, number>;
  events: number;
}

export function reproduceCommand(o: GenerateOptions, s: Pick<LoadedScenario, 'seed' | 'days'>): string {
  const args = [o.scenarioFile, `--seed ${s.seed}`, `--days ${s.days}`, `--backend ${o.backend}`];
  if (o.profile) args.push(`--profile ${o.profile.file}`, `--profile-scale ${o.profile.scale}`);
  if (o.backend === 'postgres') args.push('--database-url <url>');
  if ((o.workers ?? 1) > 1) args.push(`--workers ${o.workers}`);
  if (o.chaosLatencyMs) args.push(`--chaos-latency-ms ${o.chaosLatencyMs}`);
  return o.reproduce ? o.reproduce(args) : ['npx sim generate', ...args].join(' ');
}

/**
 * Simulates a scenario and writes its snapshots. This process prepares the databases, starts the
 * simulation in sandboxed processes (one per shard of tenants), merges their states into
 * canonical dumps and commits them; the app's code runs only in the sandboxes.
 */
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
  const profile = options.profile ?? loaded.profile;
  const scenario: LoadedScenario = {
    ...loaded,
    seed: options.seed ?? loaded.seed,
    days: options.days ?? loaded.days,
    profile,
  };
  const workers = options.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
    throw new UsageError(`--workers must be a whole number between 1 and 64, got ${workers}`);
  }
  const checkpoints = [...new Set(options.checkpoints ?? scenario.checkpoints)].sort((a, b) => a - b);
  const outside = checkpoints.find((d) => !(Number.isInteger(d) && d >= 0 && d <= scenario.days));
  if (outside !== undefined) {
    throw new UsageError(`checkpoint day ${outside} lies outside the window (days 0..${scenario.days})`);
  }
  const early = checkpoints.filter((d) => d < scenario.days);
  const startMs = scenario.startMs;
  const endMs = startMs + scenario.days * DAY_MS;
  const limits: SchedulerLimits = {
    maxEvents: options.maxEvents ?? 50_000_000,
    maxEventsPerInstant: options.maxEventsPerInstant ?? 200_000,
  };
  const outDir = resolve(options.outDir);
  const dirOf = (label: string) => join(outDir, label === FINAL_STATE ? scenario.name : `${scenario.name}@${label}`);
  const labels = [...early.map(checkpointLabel), FINAL_STATE];
  const iso = (ms: number) => new Date(ms).toISOString();

  // The VOPR habit: the seed and every derived option first, so any log can be replayed.
  log(
    `sim generate: scenario=${scenario.name} seed=${scenario.seed} days=${scenario.days} ` +
      `start=${iso(startMs)} end=${iso(endMs)} history_start=${iso(scenario.historyStartMs)} ` +
      `detail_from=${iso(scenario.detailFromMs)} timezone=${scenario.timezone}`,
  );
  log(
    `  backend=${options.backend} workers=${workers} out=${dirOf(FINAL_STATE)}` +
      `${early.length ? ` checkpoints=${early.join(',')}` : ''} generator=${binding.generatorVersion} ` +
      `max_events=${limits.maxEvents} max_events_per_instant=${limits.maxEventsPerInstant}` +
      `${options.chaosLatencyMs ? ` chaos_latency_ms=${options.chaosLatencyMs}` : ''}`,
  );

  const calibrated = profile ? await calibrate(binding, loaded, profile, options, log) : undefined;
  if (calibrated) scenario.value = calibrated.value;
  if (binding.estimate) {
    checkScenarioBudget(scenario, binding.estimate(scenario), {
      maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
      maxEvents: limits.maxEvents,
    });
  }
  assertFakeCredentials(binding.vendorCredentials());
  // One lock for the scenario's directories (final state and checkpoints): they are committed together.
  const releases = options.dryRun
    ? []
    : [acquireDirLock(groupLockDir(outDir, scenario.name), `${scenario.name}-${scenario.seed}`)];
  let backend: PreparedBackend | undefined;
  const tmp = mkdtempSync(join(tmpdir(), 'facade-sim-run-'));
  const children: ChildProcess[] = [];
  try {
    const projectRoot = resolve(options.projectRoot ?? dirname(options.bindingModule));
    const bundle = await bundleSimulation(options.bindingModule, projectRoot);
    await releaseBundler();
    // The sandbox cannot start processes: the embedded cluster image is built here, first.
    if (options.backend === 'pglite') emptyClusterImage();
    backend = await prepareBackend({
      backend: options.backend,
      databaseUrl: options.databaseUrl,
      allowRemoteHosts: options.allowRemoteHosts,
      shards: workers,
    });
    log(`  databases: ${backend.describe} (this run's own; removed when it ends)`);
    phase('prepare');

    const progress = createProgress(process.stderr, scenario, endMs, options.quiet);
    const states = new Map<string, string[]>(labels.map((label) => [label, []]));
    const runs = backend.shards.map((target, index) => {
      const job: ShardJob = {
        scenario,
        shard: { index, count: workers },
        target,
        checkpoints: early,
        outDir: join(tmp, `shard-${index}`),
        limits,
        chaosLatencyMs: options.chaosLatencyMs,
        strictRandom: options.strictRandom,
      };
      return runShard(bundle, job, tmp, children, (message) => {
        if (message.type === 'progress') progress.update(index, message.nowMs, message.events);
        if (message.type === 'state') {
          states.get(message.label)![index] = message.dir;
        }
      });
    });
    const writeState = async (label: string): Promise<GeneratedSnapshot> => {
      const dirs = states.get(label)!;
      const shardStates = dirs.map((dir) => readShardState(dir));
      const schema = shardStates[0]!.schema ?? (await backend!.schemaDump!(0));
      const { tables, sequences } = mergeShards(shardStates, binding.tenantKey);
      const sql = buildCanonicalDump(schema, tables, sequences);
      const ledger = dirs
        .flatMap((dir) => readFileSync(join(dir, 'ledger.jsonl'), 'utf8').split('\n'))
        .filter(Boolean)
        .sort();
      const invariants = sumInvariants(
        dirs.map((dir) => JSON.parse(readFileSync(join(dir, 'invariants.json'), 'utf8'))),
      );
      const rowCounts = Object.fromEntries(
        tables.map((t) => [t.schema === 'public' ? t.name : `${t.schema}.${t.name}`, t.rows.length]),
      );
      const checkpoint = label === FINAL_STATE ? null : Number(label.slice(1));
      const atMs = checkpoint === null ? endMs : startMs + checkpoint * DAY_MS;
      const files = { [DUMP_FILE]: sql, [SIDE_EFFECTS_FILE]: ledger.map((l) => l + '\n').join('') };
      const manifest = manifestFor(binding, options, scenario, bundle, calibrated?.record, {
        checkpoint,
        endMs: atMs,
        rowCounts,
        invariants,
        versions: { ...toolVersions(), ...(await databaseVersions(backend!, dirs[0]!)) },
      });
      const dir = dirOf(label);
      const broken = invariants.filter((i) => i.violations > 0);
      if (broken.length) {
        log(`  warning: invariants violated at ${label}: ${broken.map((b) => `${b.name}=${b.violations}`).join(', ')}`);
      }
      if (options.dryRun) return { dir, manifest: { ...manifest, files: {} }, files };
      const version = snapshotVersion(dir, files, manifest);
      staged.push(version);
      if (checkpoint === null) {
        const previous = previousSnapshot(dir);
        if (previous && previous.manifest.files?.[DUMP_FILE] !== version.manifest.files[DUMP_FILE]) {
          diffs.push(
            formatDiff(diffSnapshots(previous.dumpText, sql, previous.manifest, version.manifest, binding.tenantKey)),
          );
        }
      }
      return { dir, manifest: version.manifest, files };
    };
    // Every directory of the run is committed at once, after the last is built: a kill leaves the
    // final state and its checkpoints all old or all new (snapshot-commit.ts).
    const staged: SnapshotVersion[] = [];
    const diffs: string[] = [];
    const results: GeneratedSnapshot[] = [];
    // Nothing is written until every shard has exited cleanly: a shard that reaches out after its
    // last state (a timer the app left behind) fails the run with no snapshot half-committed.
    const events = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
    for (const label of labels) results.push(await writeState(label));
    if (!options.dryRun) commitSnapshots(staged);
    for (const diff of diffs) log(diff);
    progress.done();
    phase('simulate and dump');
    const final = results.find((r) => r.manifest.checkpoint === null)!;
    const wallMs = performance.now() - began;
    if (!options.dryRun) {
      const totalRows = final.manifest.totalRows;
      log(
        `wrote ${final.dir}: ${totalRows} rows in ${Object.keys(final.manifest.rowCounts).length} tables, ` +
          `${final.files[SIDE_EFFECTS_FILE]!.split('\n').length - 1} side effects, ${events} events, ` +
          `${(wallMs / 1000).toFixed(1)} s${results.length > 1 ? ` (and ${results.length - 1} checkpoint(s))` : ''}`,
      );
    }
    return {
      ...final,
      checkpoints: new Map(
        results.filter((r) => r.manifest.checkpoint !== null).map((r) => [r.manifest.checkpoint!, r]),
      ),
      wallMs,
      phasesMs,
      events,
    };
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    const e = error as Error & { exitCode?: number };
    e.message += `\n  seed=${scenario.seed}; reproduce with: ${reproduceCommand(options, scenario)}`;
    throw e;
  } finally {
    await backend?.close().catch((e: Error) => log(`  cleanup failed: ${e.message}`));
    rmSync(tmp, { recursive: true, force: true });
    for (const release of releases) release();
  }
}

/** Runs one shard's simulation process to its end; resolves with its event count. */
function runShard(
  bundle: SimulationBundle,
  job: ShardJob,
  tmp: string,
  children: ChildProcess[],
  onMessage: (message: ShardMessage) => void,
): Promise<number> {
  return new Promise((resolveRun, rejectRun) => {
    const egress = job.target.kind === 'server' ? job.target.allow : undefined;
    const { execArgv, env } = sandboxArgs(bundle, { write: tmp, read: [], egress });
    const child = fork(bundle.file, [], {
      execArgv,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    children.push(child);
    // App output never mixes into the CLI's stdout; it goes to stderr, marked with its shard.
    const prefix = job.shard.count > 1 ? `[shard ${job.shard.index}] ` : '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => process.stderr.write(prefix + d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    let events = 0;
    let failure: Error | undefined;
    child.on('message', (message: ShardMessage) => {
      if (message.type === 'failed') {
        failure = Object.assign(new Error(message.message), {
          name: message.name,
          exitCode: message.exitCode ?? 1,
          stack: `${message.name}: ${message.message}\n${(message.stack ?? '').split('\n').slice(1).join('\n')}`,
        });
      } else if (message.type === 'state') {
        events = message.events;
      }
      onMessage(message);
    });
    child.on('error', (error) => rejectRun(error));
    child.on('exit', (code, signal) => {
      if (failure) return rejectRun(failure);
      if (code === 0 && events >= 0) return resolveRun(events);
      const why = signal ? `was killed by ${signal}` : `exited with ${code}`;
      rejectRun(
        new Error(`simulation process for shard ${job.shard.index} ${why}${stderr ? `:\n${stderr.trim()}` : ''}`),
      );
    });
    child.send(job);
  });
}

function manifestFor(
  binding: AppBinding,
  options: GenerateOptions,
  scenario: LoadedScenario,
  bundle: SimulationBundle,
  profile: CalibratedScenario['record'] | undefined,
  state: {
    checkpoint: number | null;
    endMs: number;
    rowCounts: Record<string, number>;
    invariants: { name: string; violations: number }[];
    versions: Record<string, string>;
  },
): Omit<Manifest, 'files'> {
  const days = state.checkpoint ?? scenario.days;
  const overrides: Manifest['inputs']['overrides'] = {};
  if (String(scenario.seed) !== String(loadedSeed(scenario))) overrides.seed = scenario.seed;
  if (scenario.days !== (scenario.value as { days: number }).days) overrides.days = scenario.days;
  if (options.profile && profile) overrides.profile = { file: profile.inputs.file, scale: profile.inputs.scale };
  const iso = (ms: number) => new Date(ms).toISOString();
  const totalRows = Object.values(state.rowCounts).reduce((a, b) => a + b, 0);
  return {
    format: 2,
    app: options.app ?? 'app',
    scenario: scenario.name,
    seed: scenario.seed,
    days,
    checkpoint: state.checkpoint,
    backend: options.backend,
    simulated: {
      historyStart: iso(scenario.historyStartMs),
      detailFrom: iso(scenario.detailFromMs),
      start: iso(scenario.startMs),
      end: iso(state.endMs),
    },
    rowCounts: state.rowCounts,
    totalRows,
    inputs: {
      scenario: scenario.hash,
      overrides,
      schema: schemaHash(binding.schemaFiles()),
      sources: bundle.sources,
      packages: bundle.packages,
      ...(profile ? { profile: profile.inputs } : {}),
    },
    generatorVersion: binding.generatorVersion,
    versions: state.versions,
    invariants: state.invariants,
    provenance: {
      synthetic: true,
      statement:
        `Synthetic data. Produced by simulating scenario '${scenario.name}' (seed ${scenario.seed}, ` +
        `${days} days after ` +
        `${iso(scenario.historyStartMs === scenario.startMs ? scenario.startMs : scenario.historyStartMs)}` +
        `) through the ${binding.app} with every vendor stubbed (${binding.vendorNames.join(', ')}). ` +
        (profile
          ? `No production row is in it; the scenario was calibrated from the aggregate, k-anonymous profile ` +
            `${profile.inputs.file} (k=${profile.provenance.privacy.k}` +
            `${profile.provenance.privacy.epsilon ? `, epsilon=${profile.provenance.privacy.epsilon}` : ''}).`
          : 'No production row is in it, and no learned profile or production statistics were used.'),
      application: binding.app,
      stubbedVendors: binding.vendorNames,
      learnedProfile: profile?.provenance ?? null,
      privacyPolicy: profile
        ? 'aggregates only: every released cell backed by at least k tenants, minima and maxima never released'
        : null,
      containsProductionData: false,
    },
  };
}

interface CalibratedScenario {
  value: unknown;
  record: { inputs: ManifestProfile; provenance: ProfileProvenance };
}

/**
 * Applies a learned profile to the scenario's value through the app's learn module, checks the
 * result with the scenario format's own rules, and says which parameters the profile replaced.
 */
async function calibrate(
  binding: AppBinding,
  loaded: LoadedScenario,
  profile: ScenarioProfile,
  options: GenerateOptions,
  log: (line: string) => void,
): Promise<CalibratedScenario> {
  if (!options.loadLearn) {
    throw new UsageError(`a profile (${profile.file}) needs the app's learn module; add \`learn:\` to its config`);
  }
  const { learn, sources } = await options.loadLearn();
  const root = resolve(options.projectRoot ?? dirname(options.bindingModule));
  const file = relative(root, profile.file).split(sep).join('/');
  if (file.startsWith('../') || isAbsolute(file)) {
    // The manifest names the profile by its path in the project, where sim check and sim verify
    // read it again; a file elsewhere could not be found on another machine.
    throw new UsageError(
      `the profile ${profile.file} lies outside the project (${root}); ` +
        `copy it under the project (for example profiles/) and pass that path`,
    );
  }
  const learned = readProfile(profile.file, learn.spec);
  const provenance = { ...profileProvenance(profile.file, learn.spec), file };
  const applied = learn.applyProfile(structuredClone(loaded.value), learned, { scale: profile.scale, label: file });
  const value = checkScenarioValue(binding.scenario, applied.scenario, `${loaded.file} with profile ${file}`);
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
  log(`  profile=${file} scale=${profile.scale} ${provenance.sha256} learned_at=${provenance.learnedAt}`);
  log(`    replaced ${applied.covered.length} parameters: ${list(applied.covered)}`);
  log(`    kept ${applied.uncovered.length} from the scenario file: ${list(applied.uncovered)}`);
  if (applied.unused.length) log(`    profile metrics no parameter uses: ${list(applied.unused)}`);
  return {
    value,
    record: { inputs: { file, sha256: provenance.sha256, scale: profile.scale, sources }, provenance },
  };
}

const loadedSeed = (scenario: LoadedScenario) => {
  const seed = (scenario.value as { seed: string }).seed;
  return /^\d+$/.test(seed) ? Number(seed) : seed;
};

function sumInvariants(lists: { name: string; violations: number }[][]): { name: string; violations: number }[] {
  const totals = new Map<string, number>();
  for (const list of lists) for (const i of list) totals.set(i.name, (totals.get(i.name) ?? 0) + i.violations);
  return [...totals].map(([name, violations]) => ({ name, violations }));
}

async function databaseVersions(backend: PreparedBackend, stateDir: string): Promise<Record<string, string>> {
  const fromShard = JSON.parse(readFileSync(join(stateDir, 'versions.json'), 'utf8')) as Record<string, string>;
  const pgDump = await backend.pgDumpVersion();
  return { ...fromShard, ...(pgDump ? { pgDump } : {}) };
}

function previousSnapshot(dir: string) {
  try {
    return existsSync(join(dir, MANIFEST_FILE)) ? readSnapshot(dir) : undefined;
  } catch {
    return undefined;
  }
}
