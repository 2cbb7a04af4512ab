import { createHash } from 'node:crypto';
import type { SqlSource } from './sql-source.ts';

export interface CatalogColumn {
  name: string;
  /** format_type() spelling: 'bigint', 'character(3)', 'timestamp with time zone'. */
  type: string;
  notNull: boolean;
}

export interface CatalogForeignKey {
  column: string;
  parent: string;
  parentColumn: string;
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  /** Single-column primary key, if any. */
  primaryKey: string | null;
  /** Single-column unique constraints (identifiers: shape only, never values). */
  unique: string[];
  foreignKeys: CatalogForeignKey[];
  /** Row-level security is active for the reading role: aggregates would silently see a subset. */
  rowSecurityActive?: boolean;
}

/** The public schema as the learner sees it: tables in name order, columns in attribute order. */
export interface Catalog {
  tables: CatalogTable[];
}

const COLUMNS_SQL =
  `SELECT c.relname AS table_name, a.attname AS column_name, ` +
  `format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null, (c.relrowsecurity AND row_security_active(c.oid)) AS rls
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY c.relname COLLATE "C", a.attnum`;

const CONSTRAINTS_SQL = `SELECT c.relname AS table_name, co.contype AS kind, a.attname AS column_name,
       p.relname AS parent, pa.attname AS parent_column
  FROM pg_catalog.pg_constraint co
  JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
  LEFT JOIN pg_catalog.pg_class p ON p.oid = co.confrelid
  LEFT JOIN pg_catalog.pg_attribute pa ON pa.attrelid = co.confrelid AND pa.attnum = co.confkey[1]
 WHERE n.nspname = 'public' AND co.contype IN ('p', 'u', 'f') AND cardinality(co.conkey) = 1
 ORDER BY c.relname COLLATE "C", co.contype, a.attname COLLATE "C"`;

/** The catalog queries the learner runs first (they read no table data). */
export const CATALOG_QUERIES = { columns: COLUMNS_SQL, constraints: CONSTRAINTS_SQL };

export async function readCatalog(source: SqlSource): Promise<Catalog> {
  const columns = await source.query<{
    table_name: string;
    column_name: string;
    type: string;
    not_null: boolean;
    rls: boolean;
  }>(COLUMNS_SQL, [], 'catalog: tables and columns of the public schema');
  const constraints = await source.query<{
    table_name: string;
    kind: 'p' | 'u' | 'f';
    column_name: string;
    parent: string | null;
    parent_column: string | null;
  }>(CONSTRAINTS_SQL, [], 'catalog: single-column keys and foreign keys');
  const tables = new Map<string, CatalogTable>();
  for (const r of columns) {
    let t = tables.get(r.table_name);
    if (!t) {
      t = { name: r.table_name, columns: [], primaryKey: null, unique: [], foreignKeys: [] };
      if (r.rls) t.rowSecurityActive = true;
      tables.set(r.table_name, t);
    }
    t.columns.push({ name: r.column_name, type: r.type, notNull: r.not_null });
  }
  for (const r of constraints) {
    const t = tables.get(r.table_name);
    if (!t) continue;
    if (r.kind === 'p') t.primaryKey = r.column_name;
    else if (r.kind === 'u') t.unique.push(r.column_name);
    else if (r.parent && r.parent_column && tables.has(r.parent)) {
      t.foreignKeys.push({ column: r.column_name, parent: r.parent, parentColumn: r.parent_column });
    }
  }
  return { tables: [...tables.values()] };
}

/** Spellings drizzle and format_type() disagree on. */
export function normaliseType(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/^char\((\d+)\)$/, 'character($1)')
    .replace(/^varchar\((\d+)\)$/, 'character varying($1)')
    .replace(/^timestamptz$/, 'timestamp with time zone')
    .replace(/^int4$/, 'integer')
    .replace(/^int8$/, 'bigint');
}

/**
 * table -> column -> type, and 'child.column -> parent.column' for each foreign key: what a profile
 * records of its source.
 */
export interface SchemaListing {
  tables: Record<string, Record<string, string>>;
  foreignKeys: string[];
}

export function schemaListing(catalog: Catalog): SchemaListing {
  const tables: Record<string, Record<string, string>> = {};
  const foreignKeys: string[] = [];
  for (const t of [...catalog.tables].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    tables[t.name] = Object.fromEntries(t.columns.map((c) => [c.name, normaliseType(c.type)]));
    for (const fk of t.foreignKeys) foreignKeys.push(`${t.name}.${fk.column} -> ${fk.parent}.${fk.parentColumn}`);
  }
  return { tables, foreignKeys: foreignKeys.sort() };
}

/** sha256 of the listing: the same tables, columns, types and foreign keys give the same hash on any server. */
export function schemaHashOf(listing: SchemaListing): string {
  const canonical = JSON.stringify({
    tables: Object.keys(listing.tables)
      .sort()
      .map((t) => [t, Object.entries(listing.tables[t]!).sort(([a], [b]) => (a < b ? -1 : 1))]),
    foreignKeys: [...listing.foreignKeys].sort(),
  });
  return 'sha256:' + createHash('sha256').update(canonical).digest('hex');
}

/** Differences a person can act on: tables and columns added or missing, types changed, foreign keys. */
export function diffSchemas(from: SchemaListing, to: SchemaListing): string[] {
  const out: string[] = [];
  for (const t of Object.keys(from.tables)) {
    if (!to.tables[t]) {
      out.push(`table ${t} is gone`);
      continue;
    }
    for (const [c, type] of Object.entries(from.tables[t]!)) {
      const now = to.tables[t]![c];
      if (now === undefined) out.push(`column ${t}.${c} is gone`);
      else if (now !== type) out.push(`column ${t}.${c} changed type from ${type} to ${now}`);
    }
    for (const c of Object.keys(to.tables[t]!)) {
      if (from.tables[t]![c] === undefined) out.push(`column ${t}.${c} is new`);
    }
  }
  for (const t of Object.keys(to.tables)) if (!from.tables[t]) out.push(`table ${t} is new`);
  const fromFks = new Set(from.foreignKeys);
  const toFks = new Set(to.foreignKeys);
  for (const f of fromFks) if (!toFks.has(f)) out.push(`foreign key ${f} is gone`);
  for (const f of toFks) if (!fromFks.has(f)) out.push(`foreign key ${f} is new`);
  return out;
}

/** What the app needs and the source lacks: tables, then columns (types are compared by family only). */
export function missingFromSource(expected: Catalog, source: Catalog): string[] {
  const have = new Map(source.tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
  const out: string[] = [];
  for (const t of expected.tables) {
    const cols = have.get(t.name);
    if (!cols) {
      out.push(`table ${t.name}`);
      continue;
    }
    for (const c of t.columns) if (!cols.has(c.name)) out.push(`column ${t.name}.${c.name}`);
  }
  return out;
}
