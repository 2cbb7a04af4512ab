import type { TableCatalog } from '../db/catalog.ts';
import { copyTextRows, type SequenceValue, type TableData } from './canonical-dump.ts';
import type { ShardState } from './shard-state.ts';
import type { TenantKey } from './diff-snapshots.ts';

/** Shards disagree on something that should not depend on how tenants were split (exit 5). */
export class ShardMergeError extends Error {
  readonly exitCode = 5;
  constructor(message: string) {
    super(message);
    this.name = 'ShardMergeError';
  }
}

/** Columns a table's rows are ordered by before keys are assigned, best first. */
const TIME_COLUMNS = ['created_at', 'occurred_at', 'recorded_at', 'inserted_at', 'issued_at', 'attempted_at'];
const NULL = '\\N';

interface Row {
  shard: number;
  fields: string[];
  localId: number;
  tenant: string;
  /** The row's own instant (COPY text sorts as time), or its parent's new key for a table without one. */
  order: string | number;
  newId?: number;
}

interface TablePlan {
  catalog: TableCatalog;
  index: number;
  idColumn: number;
  /** Foreign keys onto a renumbered key: [column index, referenced table]. */
  refs: [number, string][];
  timeColumn: number;
  rows: Row[];
  /** shard -> old key -> row */
  byId: Map<number, Row>[];
}

/**
 * Merges the states of tenant shards into one set of tables, the same whatever the number of
 * shards. Rows of a tenant are the same in any shard; what differs is the keys a database handed
 * out, which follow the order in which shards happened to insert. So every integer key filled from
 * a sequence is assigned again, in an order that does not depend on the split: the row's own time,
 * then its tenant, then the tenant's own insert order; foreign keys follow. Rows of no tenant (a
 * plan catalogue, coupons an admin created) are written by every shard alike and kept once.
 *
 * The rule this needs from an application: its surrogate keys appear only in key columns (a key
 * copied into JSON or text would keep its old value), and free-standing sequences are not used.
 */
export function mergeShards(
  states: ShardState[],
  tenantKey: TenantKey | undefined,
): { tables: TableData[]; sequences: SequenceValue[] } {
  const catalog = states[0]!.catalog;
  const plans = new Map<string, TablePlan>();
  catalog.forEach((table, index) => {
    const col = (name: string) => table.columns.indexOf(name);
    const timeNames = TIME_COLUMNS.map((n) => `${n}`).filter((n) => col(n) >= 0 && table.notNull[col(n)]);
    const anyTime = table.columns.findIndex((_, i) => table.notNull[i] && /^(timestamp|date)/.test(table.types[i]!));
    plans.set(table.qualified, {
      catalog: table,
      index,
      idColumn: table.identity ? col(table.identity.column) : -1,
      refs: [],
      timeColumn: timeNames.length ? col(timeNames[0]!) : anyTime,
      rows: [],
      byId: states.map(() => new Map()),
    });
  });
  for (const plan of plans.values()) {
    for (const fk of plan.catalog.foreignKeys) {
      const target = plans.get(fk.refTable);
      if (fk.columns.length === 1 && target?.catalog.identity && fk.refColumns[0] === target.catalog.identity.column) {
        plan.refs.push([plan.catalog.columns.indexOf(fk.columns[0]!), fk.refTable]);
      }
    }
  }
  const tenantTable = tenantKey ? catalog.find((t) => t.name === tenantKey.table) : undefined;
  const tenantColumn = tenantTable ? tenantTable.columns.indexOf(quoteName(tenantKey!.keyColumn)) : -1;
  const order = tableOrder(plans);

  for (const qualified of order) {
    const plan = plans.get(qualified)!;
    const globalRows: Row[][] = states.map(() => []);
    states.forEach((state, shard) => {
      for (const text of copyTextRows(state.tables[plan.index]!)) {
        const fields = text.split('\t');
        const localId = plan.idColumn >= 0 ? Number(fields[plan.idColumn]) : 0;
        const row: Row = { shard, fields, localId, tenant: '', order: '' };
        row.tenant = plan.catalog === tenantTable ? fields[tenantColumn]! : tenantOf(plan, row, plans);
        if (plan.idColumn >= 0) plan.byId[shard]!.set(localId, row);
        if (row.tenant === '') globalRows[shard]!.push(row);
        else plan.rows.push(row);
      }
    });
    plan.rows.push(...keepGlobalRowsOnce(plan, globalRows));
    for (const row of plan.rows) row.order = orderOf(plan, row, plans);
    plan.rows.sort(
      (a, b) => compare(a.order, b.order) || compare(a.tenant, b.tenant) || a.localId - b.localId || a.shard - b.shard,
    );
    if (plan.idColumn >= 0) plan.rows.forEach((row, i) => (row.newId = i + 1));
  }

  const tables: TableData[] = catalog.map((table) => {
    const plan = plans.get(table.qualified)!;
    const rows = plan.rows.map((row) => {
      const fields = [...row.fields];
      if (plan.idColumn >= 0) fields[plan.idColumn] = String(row.newId);
      for (const [column, refTable] of plan.refs) {
        if (fields[column] === NULL) continue;
        const target = plans.get(refTable)!.byId[row.shard]!.get(Number(fields[column]));
        if (target?.newId === undefined) {
          throw new ShardMergeError(`${table.qualified}: a row refers to ${refTable} key ${fields[column]}, not found`);
        }
        fields[column] = String(target.newId);
      }
      return fields.join('\t');
    });
    return { qualifiedName: table.qualified, schema: table.schema, name: table.name, columns: table.columns, rows };
  });
  return { tables, sequences: mergeSequences(states, plans) };
}

/** Global rows are written alike by every shard: the k-th of one shard is the k-th of any other. */
function keepGlobalRowsOnce(plan: TablePlan, globalRows: Row[][]): Row[] {
  const [first, ...others] = globalRows.map((rows) => rows.sort((a, b) => a.localId - b.localId));
  for (const [i, rows] of others.entries()) {
    const same =
      rows.length === first!.length && rows.every((row, k) => contentOf(plan, row) === contentOf(plan, first![k]!));
    if (!same) {
      throw new ShardMergeError(
        `${plan.catalog.qualified}: rows that belong to no tenant differ between shard 0 and shard ${i + 1}; ` +
          'a global actor depends on tenants. Run with --workers 1, or make it depend on the scenario alone',
      );
    }
    // Rows of other shards that point at a global row find it under their own old key.
    rows.forEach((row, k) => plan.byId[row.shard]!.set(row.localId, first![k]!));
  }
  return first!;
}

/** A row's fields without its keys, which differ between shards by design. */
function contentOf(plan: TablePlan, row: Row): string {
  const skip = new Set([plan.idColumn, ...plan.refs.map(([c]) => c)]);
  return row.fields.filter((_, i) => !skip.has(i)).join('\t');
}

/** The tenant a row belongs to, through its first foreign key that leads to one ('' for none). */
function tenantOf(plan: TablePlan, row: Row, plans: Map<string, TablePlan>): string {
  for (const [column, refTable] of plan.refs) {
    if (refTable === plan.catalog.qualified || row.fields[column] === NULL) continue;
    const parent = plans.get(refTable)!.byId[row.shard]!.get(Number(row.fields[column]));
    if (parent?.tenant) return parent.tenant;
  }
  return '';
}

function orderOf(plan: TablePlan, row: Row, plans: Map<string, TablePlan>): string | number {
  if (plan.timeColumn >= 0) return row.fields[plan.timeColumn]!;
  for (const [column, refTable] of plan.refs) {
    if (refTable === plan.catalog.qualified || row.fields[column] === NULL) continue;
    const parent = plans.get(refTable)!.byId[row.shard]!.get(Number(row.fields[column]));
    if (parent?.newId !== undefined) return parent.newId;
  }
  return '';
}

/** Tables whose keys others refer to come first, so a child can follow its parent's new key. */
function tableOrder(plans: Map<string, TablePlan>): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (done.has(name) || path.has(name)) return;
    path.add(name);
    for (const [, refTable] of plans.get(name)!.refs) visit(refTable, path);
    done.add(name);
    out.push(name);
  };
  for (const name of [...plans.keys()].sort()) visit(name, new Set());
  return out;
}

/** A key sequence ends at its table's last key; any other sequence must agree across shards. */
function mergeSequences(states: ShardState[], plans: Map<string, TablePlan>): SequenceValue[] {
  const owners = new Map<string, TablePlan>();
  for (const plan of plans.values()) {
    if (plan.catalog.identity) owners.set(plan.catalog.identity.sequence, plan);
  }
  return states[0]!.sequences.map((seq) => {
    const plan = owners.get(seq.qualifiedName);
    if (plan) {
      return plan.rows.length
        ? { qualifiedName: seq.qualifiedName, value: plan.rows.length, isCalled: true }
        : { ...seq, value: String(seq.value) === '0' ? seq.value : 1, isCalled: false };
    }
    const values = new Set(
      states.map((s) => JSON.stringify(s.sequences.find((x) => x.qualifiedName === seq.qualifiedName))),
    );
    if (values.size > 1) {
      throw new ShardMergeError(
        `sequence ${seq.qualifiedName} is used outside a table key, so its value depends on how tenants were split; ` +
          'run with --workers 1',
      );
    }
    return seq;
  });
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
/** A raw column name as the catalog quotes it. */
const quoteName = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
