import { normaliseType, type CatalogColumn, type CatalogTable } from './catalog.ts';

/**
 * What may be learned of a column. Only `category` columns release values, and only those of the
 * domain the app declares; everything else releases shape: null fraction, distinct ratio, quantiles
 * of numbers and times, lengths and scripts of text.
 */
export type ColumnKind = 'key' | 'category' | 'boolean' | 'numeric' | 'time' | 'text' | 'json' | 'opaque';

const NUMERIC = /^(smallint|integer|bigint|real|double precision|numeric(\(.*\))?)$/;
const TIME = /^(timestamp(\(\d\))? with(out)? time zone|date)$/;
const TEXT = /^(text|character varying(\(\d+\))?|character(\(\d+\))?|citext|name)$/;

export function columnKind(
  table: CatalogTable,
  column: CatalogColumn,
  categoricals: Record<string, readonly string[]>,
): ColumnKind {
  if (categoricals[`${table.name}.${column.name}`]) return 'category';
  const type = normaliseType(column.type);
  const isKey =
    table.primaryKey === column.name ||
    table.foreignKeys.some((f) => f.column === column.name) ||
    (table.unique.includes(column.name) && !TEXT.test(type));
  if (isKey) return 'key';
  if (type === 'boolean') return 'boolean';
  if (NUMERIC.test(type)) return 'numeric';
  if (TIME.test(type)) return 'time';
  if (TEXT.test(type)) return 'text';
  if (type === 'json' || type === 'jsonb') return 'json';
  return 'opaque';
}

/** Kinds whose distribution is a quantile sketch (of the value, or of the text length). */
export const hasQuantiles = (kind: ColumnKind) =>
  kind === 'numeric' || kind === 'time' || kind === 'text' || kind === 'json';
