import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimClock } from '../clock/sim-clock.ts';
import { DAY_MS } from '../clock/time.ts';
import type { LoadedScenario } from '../config/scenario-file.ts';
import type { ShardTarget } from '../db/open-backend.ts';
import { openPglite } from '../db/pglite-database.ts';
import { openServerDatabase } from '../db/server-database.ts';
import type { SimDatabase } from '../db/sim-database.ts';
import { RandomStream } from '../rng/random-stream.ts';
import { installSeededGlobals } from '../rng/seeded-globals.ts';
import { installEgressGuard, type EgressGuard } from '../safety/egress-guard.ts';
import { sandboxGuard } from '../safety/sandbox-guard.ts';
import { Scheduler, type SchedulerLimits } from '../scheduler/scheduler.ts';
import { writeShardState } from '../snapshot/shard-state.ts';
import { startVendorHarness, UnstubbedRequestError } from '../vendors/vendor-harness.ts';
import { SideEffectLedger } from '../vendors/side-effect-ledger.ts';
import type { AppBinding, SimContext } from './app-binding.ts';
import { checkClockLeaks } from './clock-leak-check.ts';
import { dealTenants, ownsTenant, type Shard } from './shard.ts';

/** What the parent asks one simulation process to do. */
export interface ShardJob {
  /** The scenario as the parent resolved it: the file's value, overrides and any profile applied. */
  scenario: LoadedScenario;
  shard: Shard;
  target: ShardTarget;
  /** Window days whose state is written besides the end's (ascending, each < days). */
  checkpoints: number[];
  /** A private folder the process may write to, and nothing else. */
  outDir: string;
  limits: SchedulerLimits;
  chaosLatencyMs?: number;
  strictRandom?: boolean;
}

/** What a simulation process tells its parent. */
export type ShardMessage =
  | { type: 'progress'; nowMs: number; events: number }
  | { type: 'state'; label: string; dir: string; events: number }
  | { type: 'done'; events: number }
  | { type: 'failed'; name: string; message: string; exitCode?: number; stack?: string };

/** The label of the state at the end of the window, and of a checkpoint at window day `d`. */
export const FINAL_STATE = 'final';
export const checkpointLabel = (day: number) => `d${day}`;

/**
 * The main of a sandboxed simulation process (bundled with the app's binding): it receives one
 * job, simulates its shard of tenants through the app, and writes the database's state at every
 * checkpoint and at the end. It has no network but its database, starts no process and writes
 * only its private folder; a failure is reported with its exit code and the process exits.
 */
export async function runSimulationProcess(binding: AppBinding): Promise<void> {
  const send = (message: ShardMessage) => process.send?.(message);
  let failed = false;
  const fail = (failure: unknown) => {
    // An app that swallowed a refused call and failed on its consequence (in a timer, or a promise
    // nobody awaits) failed because of the call: report that, with its exit code.
    const error = egressCause() ?? failure;
    const e = error instanceof Error ? error : new Error(String(error));
    if (failed) return;
    failed = true;
    send({
      type: 'failed',
      name: e.name,
      message: e.message,
      exitCode: (e as { exitCode?: number }).exitCode,
      stack: e.stack,
    });
    // Exit once the message is out: the channel flushes before disconnect's callback runs.
    process.disconnect?.();
    setTimeout(() => process.exit(1), 100).unref();
  };
  // App code that throws in a timer or leaves a promise rejected fails the run like any error.
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // A refused egress attempt ends the run at once, even when the app swallowed the error; one
  // made while the app's modules loaded is reported now.
  const guard = sandboxGuard();
  guard?.onAttempt(() => fail(undefined));
  if (guard?.attempts.length) fail(undefined);
  // The parent is gone (killed): nothing is left to report to.
  process.on('disconnect', () => process.exit(1));
  const job = await new Promise<ShardJob>((resolve) => process.once('message', (m) => resolve(m as ShardJob)));
  try {
    await simulateShard(binding, job, send);
    // Anything the app set off after its last state was written fails the run too.
    sandboxGuard()?.assertClean();
    process.send?.({ type: 'done', events: 0 } satisfies ShardMessage, () => process.exit(0));
  } catch (error) {
    fail(error);
  }
}

/** The refused call behind a failure, when there was one: a vendor stub missing, or egress. */
function egressCause(): Error | undefined {
  const guard = sandboxGuard();
  if (guard && guard.attempts.length > 0) {
    try {
      guard.assertClean();
    } catch (error) {
      return error as Error;
    }
  }
  return unstubbed[0] ? new UnstubbedRequestError(unstubbed[0]) : undefined;
}

// The vendor calls no stub answered in this process, for a failure reported outside simulateShard.
let unstubbed: string[] = [];

/** Simulates one shard of a scenario, writing its state at each checkpoint and at the end. */
export async function simulateShard(
  binding: AppBinding,
  job: ShardJob,
  send: (message: ShardMessage) => void,
): Promise<void> {
  const scenario = job.scenario;
  const startMs = scenario.startMs;
  const endMs = startMs + scenario.days * DAY_MS;
  const realRandom = Math.random;
  // In a sandboxed process the guard has been up since before any module loaded, letting through
  // only the database endpoint the parent named when it started the process.
  const sandbox = sandboxGuard();
  const latency = job.chaosLatencyMs ? () => realRandom() * job.chaosLatencyMs! : undefined;
  const db: SimDatabase =
    job.target.kind === 'pglite'
      ? await openPglite({ latencyMs: latency })
      : await openServerDatabase({ backend: 'postgres', url: job.target.url, latencyMs: latency });
  try {
    await binding.migrate(db);
    const rng = new RandomStream(scenario.seed);
    const clock = new SimClock(scenario.historyStartMs);
    const restoreGlobals = installSeededGlobals(rng.fork('globals'), job.strictRandom ? 'strict' : 'seeded');
    const ledger = new SideEffectLedger(() => clock.nowMs());
    const scheduler = new Scheduler(endMs, job.limits);
    const ctx: SimContext = {
      scenario,
      rng,
      clock,
      scheduler,
      db,
      ledger,
      historyStartMs: scenario.historyStartMs,
      detailFromMs: scenario.detailFromMs,
      startMs,
      endMs,
      shard: job.shard,
      owns: (label) => ownsTenant(job.shard, label),
      dealTenants: (tenants) => dealTenants(job.shard, tenants),
      vendorLatencyMs: latency,
    };
    const guard: Pick<EgressGuard, 'attempts' | 'assertClean' | 'uninstall'> = sandbox
      ? { attempts: sandbox.attempts, assertClean: () => sandbox.assertClean(), uninstall: () => {} }
      : installEgressGuard({ allow: job.target.kind === 'server' ? [job.target.allow] : [] });
    const harness = startVendorHarness(binding.vendorHandlers(ctx));
    unstubbed = harness.unhandled;
    // The state at an instant: what a run that ended there would hold.
    const writeState = async (label: string, atMs: number) => {
      harness.assertClean();
      guard.assertClean();
      const leaks = binding.futureColumns;
      await checkClockLeaks(db, scenario.historyStartMs, atMs, {
        futureColumns: leaks?.columns,
        maxFutureDays: leaks?.maxDays,
      });
      const dir = join(job.outDir, label);
      await writeShardState(db, dir);
      writeFileSync(join(dir, 'ledger.jsonl'), ledger.toJsonl());
      const invariants = binding.invariants ? await binding.invariants(db) : [];
      writeFileSync(join(dir, 'invariants.json'), JSON.stringify(invariants));
      writeFileSync(join(dir, 'versions.json'), JSON.stringify(await db.versions()));
      send({ type: 'state', label, dir, events: scheduler.executed });
    };
    let lastReportMs = 0;
    try {
      await binding.start(ctx);
      const maintain = db.maintain?.bind(db);
      const dayOf = (ms: number) => Math.floor((ms - scenario.historyStartMs) / DAY_MS);
      await scheduler.run({
        advanceTo: (ms) => clock.advanceTo(ms),
        beforeAdvance: async (fromMs, toMs) => {
          if (dayOf(toMs) === dayOf(fromMs)) return;
          // Once a simulated day, a turn of the real event loop. An embedded run is otherwise one
          // endless chain of microtasks, and V8 keeps every WeakRef target made during a task alive
          // until the task ends (fetch makes several per vendor call): memory grew with every call.
          await new Promise<void>((resolve) => setImmediate(resolve));
          await maintain?.();
        },
        onEvent: () => {
          const now = performance.now();
          if (now - lastReportMs < 200) return;
          lastReportMs = now;
          send({ type: 'progress', nowMs: clock.nowMs(), events: scheduler.executed });
        },
        checkpoints: job.checkpoints.map((day) => startMs + day * DAY_MS),
        onCheckpoint: (atMs) => writeState(checkpointLabel(Math.round((atMs - startMs) / DAY_MS)), atMs),
      });
      await writeState(FINAL_STATE, endMs);
    } catch (error) {
      // The app swallowed a refused vendor call and failed on its consequence: the cause is the call.
      if (harness.unhandled.length > 0) throw new UnstubbedRequestError(harness.unhandled[0]!);
      if (guard.attempts.length > 0) guard.assertClean();
      throw error;
    } finally {
      harness.close();
      guard.uninstall();
      restoreGlobals();
      clock.uninstall();
    }
  } finally {
    await db.close().catch(() => {});
  }
}
