/** Catalog queries shared by every engine; results ordered with COLLATE "C" so they never depend on locale. */
export const USER_TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified,
       (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
          FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sim_meta')
   AND n.nspname NOT LIKE 'pg\\_%'
 ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`;

export const SEQUENCES_SQL = `
SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS qualified
  FROM pg_sequences
 WHERE schemaname NOT IN ('sim_meta')
 ORDER BY schemaname COLLATE "C", sequencename COLLATE "C"`;

/** Session settings pg_dump itself uses, so our COPY text matches what pg_dump would print. */
export const DUMP_SESSION_SQL =
  `SET datestyle = ISO; SET intervalstyle = postgres; SET extra_float_digits = 3; ` +
  `SET timezone = 'UTC'; SET search_path = ''`;

export interface UserTable {
  schema: string;
  name: string;
  qualified: string;
  columns: string;
}
