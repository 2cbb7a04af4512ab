import { diffSchemas, readCatalog, schemaHashOf, schemaListing, type SchemaListing } from './catalog.ts';
import { SchemaDriftError } from './learn-errors.ts';
import type { Profile } from './profile-types.ts';
import type { SqlSource } from './sql-source.ts';

/** The schema listing of any database the caller can query (a run's freshly migrated database, say). */
export async function readSchemaListing(
  query: (sql: string, params: unknown[]) => Promise<any[]>,
): Promise<SchemaListing> {
  const source: SqlSource = { query: async (sql, params) => query(sql, params) };
  return schemaListing(await readCatalog(source));
}

/**
 * Refuses a profile learned from another schema unless allowed; returns the differences either way
 * (empty when the schemas match), so a caller can print them when it goes on.
 */
export function checkSchemaDrift(
  profile: Profile,
  current: SchemaListing,
  o: { profileFile: string; allowSchemaDrift?: boolean },
): string[] {
  if (profile.source.schemaHash === schemaHashOf(current)) return [];
  const differences = diffSchemas(profile.source.schema, current);
  if (!differences.length) return [];
  if (!o.allowSchemaDrift) throw new SchemaDriftError(o.profileFile, differences);
  return differences;
}
