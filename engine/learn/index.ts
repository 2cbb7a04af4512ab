// Learn mode: a masked, aggregate-only profile of a production database, and a fidelity report
// scoring a snapshot against it. Apps plug in through a LearnSpec (AppBinding.learn).
export type { LearnSpec, MetricSpec, LabelRule } from './learn-spec.ts';
export type { Catalog, CatalogTable, SchemaListing } from './catalog.ts';
export { readCatalog, schemaListing, schemaHashOf, diffSchemas } from './catalog.ts';
export { LearnError, ProfileError, SchemaDriftError } from './learn-errors.ts';
export { learnProfile, checkLearnOptions, type LearnOptions } from './learn-profile.ts';
export { learnToFile } from './learn-to-file.ts';
export {
  openReadOnlyServer,
  openReadOnlyPglite,
  sessionStatements,
  type ReadOnlySession,
} from './read-only-session.ts';
export { explainQueries, learnPlan } from './query-plan.ts';
export { validateProfile, readProfile } from './profile-validator.ts';
export { writeProfile, profileText } from './profile-file.ts';
export { readSchemaListing, checkSchemaDrift } from './schema-drift.ts';
export { profileProvenance, type ProfileProvenance } from './profile-provenance.ts';
export { binsToEmpirical, quantilesToEmpirical, paretoAlphaForMean, type Empirical } from './profile-distributions.ts';
export { scoreProfiles, worstFirst, type ScoreReport, type ScoreItem } from './score-profiles.ts';
export { renderReport } from './render-report.ts';
export {
  reportSnapshot,
  learnSnapshot,
  formatSummary,
  type ReportOptions,
  type ReportResult,
} from './report-snapshot.ts';
export * from './profile-types.ts';
export { DEFAULT_K, MIN_K, QUANTILE_POINTS } from './privacy.ts';
