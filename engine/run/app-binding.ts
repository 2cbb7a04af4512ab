import type { HttpHandler } from 'msw';
import type { SimClock } from '../clock/sim-clock.ts';
import type { SimDatabase } from '../db/sim-database.ts';
import type { RandomStream } from '../rng/random-stream.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { SideEffectLedger } from '../vendors/side-effect-ledger.ts';
import type { TenantKey } from '../snapshot/diff-snapshots.ts';
import type { LoadedScenario, ScenarioFormat } from '../config/scenario-file.ts';
import type { Shard, TenantWeight } from './shard.ts';
import type { ScenarioEstimate } from './scenario-budget.ts';

export type { LoadedScenario };

export interface SimContext<S = unknown> {
  scenario: LoadedScenario<S>;
  rng: RandomStream;
  clock: SimClock;
  scheduler: Scheduler;
  db: SimDatabase;
  ledger: SideEffectLedger;
  /** Where the simulation starts: the history's start, else the window's. */
  historyStartMs: number;
  /** From here on telemetry is recorded in full detail (before it, a binding may record it coarsely). */
  detailFromMs: number;
  /** The detailed window: [startMs, endMs). */
  startMs: number;
  endMs: number;
  /** The part of the tenants this process simulates (several processes run shards in parallel). */
  shard: Shard;
  /**
   * True when this process simulates the tenant with this label. A binding schedules only the
   * tenants it owns; global actors (an admin repricing plans) run in every shard and must not call
   * vendors, so that shards merge into the same snapshot whatever their number.
   */
  owns(tenantLabel: string): boolean;
  /**
   * The labels of `tenants` this process simulates, dealt to shards by weight (the binding's
   * estimate of each tenant's work) instead of by label, so a whale does not hold one shard up.
   * Every shard must pass the same list; a binding uses either this or `owns`, not both.
   */
  dealTenants(tenants: readonly TenantWeight[]): Set<string>;
  /** Real-time latency for vendor stubs (determinism tests inject it). */
  vendorLatencyMs?: () => number;
}

/**
 * Everything application-specific the engine needs, supplied by scenarios/: the engine never
 * imports an application. A second application is simulated by writing another binding.
 */
export interface AppBinding<S = any> {
  /** Application name for provenance, e.g. "billing (domain/ facade)". */
  app: string;
  /** Bumped when actors change output for the same scenario and seed (drizzle-seed's versioned generators). */
  generatorVersion: string;
  /** The app's scenario file format: the engine's shared keys plus the binding's own sections. */
  scenario: ScenarioFormat<S>;
  /** Migration files in order: their normalised hash is the snapshot's schemaHash. */
  schemaFiles(): { name: string; sql: string }[];
  migrate(db: SimDatabase): Promise<void>;
  vendorNames: string[];
  vendorHandlers(ctx: SimContext<S>): HttpHandler[];
  /** Vendor credentials the app will be given (checked against live-key patterns). */
  vendorCredentials(): Record<string, string>;
  start(ctx: SimContext<S>): Promise<void>;
  /**
   * Columns holding scheduled future instants (table.column) and how far ahead they may reach, for the clock-leak
   * check.
   */
  futureColumns?: { columns: string[]; maxDays: number };
  invariants?(db: SimDatabase): Promise<{ name: string; violations: number }[]>;
  /** How `sim diff` attributes rows to tenants. */
  tenantKey?: TenantKey;
  /** A rough upper estimate of a scenario's size, checked against `--max-rows` before a run starts. */
  estimate?(scenario: LoadedScenario<S>): ScenarioEstimate;
}
