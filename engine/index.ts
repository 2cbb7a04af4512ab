// facade-sim: the generic engine. An application plugs in through one AppBinding; nothing here
// knows about any particular application. The exports are grouped by who needs them: binding
// authors, learn-module authors, and readers of snapshots. Test suites use `facade-sim/testing`.

/** For binding authors: the contract between an app and the engine. */
export type { AppBinding, LoadedScenario, SimContext } from './run/app-binding.ts';
export type { TenantWeight } from './run/shard.ts';

/** For binding authors: the scenario file format, strictly validated with file:line:column errors. */
export {
  defineScenarioFormat,
  loadScenario,
  scenarioBase,
  MAX_HISTORY_YEARS,
  type Scenario,
  type ScenarioBase,
  type ScenarioFormat,
} from './config/scenario-file.ts';
export { t, rate, distribution, weighted, validate, type Validator, type Infer } from './config/validator.ts';
export { loadYaml } from './config/load-yaml.ts';
export { ConfigError, type ConfigProblem } from './config/config-error.ts';

/** For binding authors: seeded randomness, the simulated clock and the event loop. */
export { RandomStream } from './rng/random-stream.ts';
export { idSource } from './rng/id-source.ts';
export { meanOf, sample, sampleInt, type Distribution } from './rng/distribution.ts';
export { type ScenarioEstimate } from './run/scenario-budget.ts';
export { fakerFor } from './rng/faker-for.ts';
export { SimClock } from './clock/sim-clock.ts';
export { SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS } from './clock/time.ts';
export { Scheduler, SimulationLimitError } from './scheduler/scheduler.ts';

/** For binding authors: stubbed vendors, the side-effect ledger and the run's database. */
export { vendorStub, type StubRequest, type StubReply, type StubResolver } from './vendors/vendor-stub.ts';
export { SideEffectLedger, type SideEffect } from './vendors/side-effect-ledger.ts';
export type { SimDatabase, Backend } from './db/sim-database.ts';
export { sqlMigrations, type SqlMigrations } from './db/sql-migrations.ts';
export type { TenantKey } from './snapshot/diff-snapshots.ts';

/** For learn-module authors: what to measure in production, and how a profile becomes a scenario. */
export { defineLearn, type AppLearn, type AppliedProfile, type ApplyProfileOptions } from './learn/app-learn.ts';
export type { LearnSpec, MetricSpec, LabelRule } from './learn/learn-spec.ts';
export type {
  Profile,
  MetricCell,
  CategoryCell,
  CountsCell,
  QuantilesCell,
  RateCell,
  TableProfile,
} from './learn/profile-types.ts';
export { ALL_GROUPS } from './learn/profile-types.ts';
export { binsToEmpirical, quantilesToEmpirical, type Empirical } from './learn/profile-distributions.ts';
export { expandOrdinal, spreadOrdinalRates } from './learn/distribution-distance.ts';

/** For readers of snapshots: the manifest's shape. */
export type { Manifest } from './snapshot/manifest.ts';
