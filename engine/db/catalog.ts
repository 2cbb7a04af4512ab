import type { SimDatabase } from './sim-database.ts';

/** A user table as the merge of tenant shards needs to know it. */
export interface TableCatalog {
  /** Schema-qualified and quoted as pg_dump prints it, e.g. public.invoices */
  qualified: string;
  schema: string;
  name: string;
  /** Quoted column names in attribute order (the order of COPY text fields). */
  columns: string[];
  /** Per column: its type, and whether it is NOT NULL (same order as `columns`). */
  types: string[];
  notNull: boolean[];
  /** A single integer primary key filled from a sequence (identity or serial): what shards renumber. */
  identity: { column: string; sequence: string } | undefined;
  foreignKeys: { columns: string[]; refTable: string; refColumns: string[] }[];
}

const TABLES_SQL = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sim_meta')
   AND n.nspname NOT LIKE 'pg\\_%'
 ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`;

const COLUMNS_SQL = `
SELECT a.attrelid::text AS oid, quote_ident(a.attname) AS name, a.attname AS raw,
       format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
  FROM pg_attribute a
 WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
 ORDER BY a.attrelid, a.attnum`;

const CONSTRAINTS_SQL = `
SELECT con.conrelid::text AS oid, con.contype AS kind,
       (SELECT json_agg(quote_ident(a.attname) ORDER BY k.i)::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
       CASE WHEN con.contype = 'f' THEN quote_ident(rn.nspname) || '.' || quote_ident(rc.relname) END AS ref_table,
       (SELECT json_agg(quote_ident(a.attname) ORDER BY k.i)::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS ref_columns
  FROM pg_constraint con
  LEFT JOIN pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
 WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'f')
 ORDER BY con.conrelid, con.conname COLLATE "C"`;

/** Tables, columns, keys and the sequences behind integer keys, in a locale-independent order. */
export async function readCatalog(db: SimDatabase): Promise<TableCatalog[]> {
  const tables = await db.query<{ oid: string; schema: string; name: string; qualified: string }>(TABLES_SQL);
  const oids = `{${tables.map((t) => t.oid).join(',')}}`;
  const columns = await db.query<{ oid: string; name: string; raw: string; type: string; not_null: boolean }>(
    COLUMNS_SQL,
    [oids],
  );
  const constraints = await db.query<{
    oid: string;
    kind: 'p' | 'f';
    columns: string;
    ref_table: string | null;
    ref_columns: string | null;
  }>(CONSTRAINTS_SQL, [oids]);
  const out: TableCatalog[] = [];
  for (const t of tables) {
    const cols = columns.filter((c) => c.oid === t.oid);
    const own = constraints.filter((c) => c.oid === t.oid);
    const pk = own.find((c) => c.kind === 'p');
    let identity: TableCatalog['identity'];
    const pkColumns = pk ? (JSON.parse(pk.columns) as string[]) : [];
    const pkColumn = pkColumns.length === 1 ? cols.find((c) => c.name === pkColumns[0]) : undefined;
    if (pkColumn && /^(bigint|integer|smallint)$/.test(pkColumn.type)) {
      const [seq] = await db.query<{ sequence: string | null }>(`SELECT pg_get_serial_sequence($1, $2) AS sequence`, [
        t.qualified,
        pkColumn.raw,
      ]);
      if (seq?.sequence) identity = { column: pkColumn.name, sequence: seq.sequence };
    }
    out.push({
      qualified: t.qualified,
      schema: t.schema,
      name: t.name,
      columns: cols.map((c) => c.name),
      types: cols.map((c) => c.type),
      notNull: cols.map((c) => c.not_null),
      identity,
      foreignKeys: own
        .filter((c) => c.kind === 'f')
        .map((c) => ({
          columns: JSON.parse(c.columns) as string[],
          refTable: c.ref_table!,
          refColumns: JSON.parse(c.ref_columns!) as string[],
        })),
    });
  }
  return out;
}
