import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog, type TableCatalog } from '../db/catalog.ts';
import { SEQUENCES_SQL } from '../db/introspect.ts';
import type { SimDatabase } from '../db/sim-database.ts';
import type { SequenceValue } from './canonical-dump.ts';

/**
 * The state of one shard's database at one instant, as files in a private folder: the catalog,
 * every table's COPY text, the sequences and, where the shard has pg_dump of its own (embedded),
 * the schema. The parent merges the shards' states into one canonical dump.
 */
export interface ShardState {
  catalog: TableCatalog[];
  /** COPY text per table, in catalog order. */
  tables: string[];
  sequences: SequenceValue[];
  schema: string | undefined;
}

/** Reads a shard's database and writes its state into `dir`. */
export async function writeShardState(db: SimDatabase, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const catalog = await readCatalog(db);
  const texts = await db.copyOut(catalog.map((t) => `SELECT ${t.columns.join(', ')} FROM ${t.qualified}`));
  texts.forEach((text, i) => writeFileSync(join(dir, `${i}.copy`), text));
  const sequences: SequenceValue[] = [];
  for (const s of await db.query<{ qualified: string }>(SEQUENCES_SQL)) {
    const [row] = await db.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${s.qualified}`,
    );
    sequences.push({ qualifiedName: s.qualified, value: row!.last_value, isCalled: row!.is_called });
  }
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
  writeFileSync(join(dir, 'sequences.json'), JSON.stringify(sequences));
  if (db.dumpSchema) writeFileSync(join(dir, 'schema.sql'), await db.dumpSchema());
}

export function readShardState(dir: string): ShardState {
  const catalog = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as TableCatalog[];
  let schema: string | undefined;
  try {
    schema = readFileSync(join(dir, 'schema.sql'), 'utf8');
  } catch {
    schema = undefined;
  }
  return {
    catalog,
    tables: catalog.map((_, i) => readFileSync(join(dir, `${i}.copy`), 'utf8')),
    sequences: JSON.parse(readFileSync(join(dir, 'sequences.json'), 'utf8')) as SequenceValue[],
    schema,
  };
}
