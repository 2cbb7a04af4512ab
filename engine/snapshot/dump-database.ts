import type { SimDatabase } from '../db/sim-database.ts';
import { SEQUENCES_SQL, USER_TABLES_SQL, type UserTable } from '../db/introspect.ts';
import { buildCanonicalDump, copyTextRows, type SequenceValue, type TableData } from './canonical-dump.ts';

/** Dumps a simulated database to canonical plain SQL, plus the row count of every table. */
export async function dumpDatabase(db: SimDatabase): Promise<{ sql: string; rowCounts: Record<string, number> }> {
  const rawSchema = await db.dumpSchema();
  const tables = await db.query<UserTable>(USER_TABLES_SQL);
  const data: TableData[] = [];
  const rowCounts: Record<string, number> = {};
  const texts = await db.copyOut(tables.map((t) => `SELECT ${t.columns} FROM ${t.qualified}`));
  for (const [i, t] of tables.entries()) {
    const rows = copyTextRows(texts[i]!);
    data.push({ qualifiedName: t.qualified, schema: t.schema, name: t.name, columns: t.columns.split(', '), rows });
    rowCounts[t.schema === 'public' ? t.name : `${t.schema}.${t.name}`] = rows.length;
  }
  const sequences: SequenceValue[] = [];
  for (const s of await db.query<{ qualified: string }>(SEQUENCES_SQL)) {
    const [row] = await db.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${s.qualified}`,
    );
    sequences.push({ qualifiedName: s.qualified, value: row!.last_value, isCalled: row!.is_called });
  }
  return { sql: buildCanonicalDump(rawSchema, data, sequences), rowCounts };
}
