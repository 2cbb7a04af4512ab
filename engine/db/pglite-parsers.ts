import type { PGlite } from '@electric-sql/pglite';

/**
 * The array types node-postgres (pg-types) parses into JavaScript arrays; any other array comes
 * back as PostgreSQL's text ('{a,b}') there.
 */
const NODE_POSTGRES_ARRAYS = [
  199, 651, 791, 1000, 1001, 1005, 1007, 1008, 1009, 1014, 1015, 1016, 1017, 1021, 1022, 1028, 1040, 1041, 1115, 1182,
  1183, 1185, 1187, 1231, 1270, 2951, 3807, 3907,
];

/**
 * Narrows a PGlite's array parsers to the arrays node-postgres parses, so an app reads arrays from
 * the embedded database as from a server (the two backends must write the same bytes; scalars
 * such as int8 still differ, as they always did), and each query is cheaper: PGlite copies its whole parser map for
 * every query
 * (`{...parsers}` in parseResults), and it holds a parser for every array type in pg_type, about
 * 300 of them. Scalars keep PGlite's own parsers (they are its defaults too).
 */
export async function alignParsersWithNodePostgres(pg: PGlite): Promise<void> {
  const { rows } = await pg.query<{ oid: number }>(`SELECT oid::int AS oid FROM pg_type WHERE typcategory = 'A'`);
  const arrays = new Set(rows.map((r) => r.oid));
  const kept: PGlite['parsers'] = {};
  for (const [key, parser] of Object.entries(pg.parsers)) {
    const oid = Number(key);
    if (!arrays.has(oid) || NODE_POSTGRES_ARRAYS.includes(oid)) (kept as Record<string, unknown>)[key] = parser;
  }
  pg.parsers = kept;
}
