import type { PgDatabase } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

/** A drizzle Postgres database over node-postgres or PGlite: the app runs on either. */
export type BillingDb = PgDatabase<any, typeof schema>;
/** The handle a `db.transaction` callback receives; writes that must commit together take it. */
export type BillingTx = Parameters<Parameters<BillingDb['transaction']>[0]>[0];
