// Public API of the generic engine. Applications plug in through AppBinding; nothing here knows
// about any particular application.
export { RandomStream } from './rng/random-stream.ts';
export { hashLabel } from './rng/hash-label.ts';
export { sample, sampleInt, type Distribution } from './rng/distribution.ts';
export { fakerFor } from './rng/faker-for.ts';
export { installSeededGlobals } from './rng/seeded-globals.ts';
export { SimClock } from './clock/sim-clock.ts';
export { SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS } from './clock/time.ts';
export { Scheduler, SimulationLimitError } from './scheduler/scheduler.ts';
export { EventQueue, compareEvents, type SimEvent } from './scheduler/event-queue.ts';
export { vendorStub, type StubRequest, type StubReply } from './vendors/vendor-stub.ts';
export { startVendorHarness, UnstubbedRequestError } from './vendors/vendor-harness.ts';
export { SideEffectLedger, type SideEffect } from './vendors/side-effect-ledger.ts';
export type { SimDatabase, EngineKind } from './db/sim-database.ts';
export { openEngine, PROJECT_ID } from './db/open-engine.ts';
export { openPglite } from './db/pglite-database.ts';
export { createPglite, emptyClusterImage } from './db/pglite-boot.ts';
export type { AppBinding, LoadedScenario, SimContext } from './run/app-binding.ts';
export { generate, type GenerateOptions, type GenerateResult } from './run/generate.ts';
export { schemaHash } from './run/schema-hash.ts';
export { dumpDatabase } from './snapshot/dump-database.ts';
export { readSnapshot, writeSnapshot, DUMP_FILE, MANIFEST_FILE, SIDE_EFFECTS_FILE } from './snapshot/snapshot-files.ts';
export { IntegrityError, validateDumpText } from './snapshot/snapshot-validator.ts';
export { diffSnapshots, formatDiff, type TenantKey } from './snapshot/diff-snapshots.ts';
export type { Manifest } from './snapshot/manifest.ts';
