import { describe, expect, it } from 'vitest';
import type { TableCatalog } from '../db/catalog.ts';
import { mergeShards, ShardMergeError } from './merge-shards.ts';
import type { ShardState } from './shard-state.ts';

const table = (name: string, columns: string[], extra: Partial<TableCatalog> = {}): TableCatalog => ({
  qualified: `public.${name}`,
  schema: 'public',
  name,
  columns,
  types: columns.map((c) => (c.endsWith('_at') ? 'timestamp with time zone' : c === 'id' ? 'bigint' : 'text')),
  notNull: columns.map(() => true),
  identity: { column: 'id', sequence: `public.${name}_id_seq` },
  foreignKeys: [],
  ...extra,
});

const catalog: TableCatalog[] = [
  table('coupons', ['id', 'code', 'created_at']),
  table('orgs', ['id', 'slug', 'created_at']),
  table('users', ['id', 'org_id', 'email', 'created_at'], {
    foreignKeys: [{ columns: ['org_id'], refTable: 'public.orgs', refColumns: ['id'] }],
  }),
  table('subs', ['id', 'org_id', 'coupon_id', 'created_at'], {
    foreignKeys: [
      { columns: ['org_id'], refTable: 'public.orgs', refColumns: ['id'] },
      { columns: ['coupon_id'], refTable: 'public.coupons', refColumns: ['id'] },
    ],
  }),
];

const T0 = '2026-01-01 00:00:00+00';
const T1 = '2026-01-02 00:00:00+00';
const T2 = '2026-01-03 00:00:00+00';

/** One shard's state: tables as COPY text, keys as that shard's database handed them out. */
function shard(tables: Record<string, string[]>): ShardState {
  return {
    catalog,
    tables: catalog.map((t) => (tables[t.name] ?? []).map((r) => r + '\n').join('')),
    sequences: catalog.map((t) => ({ qualifiedName: t.identity!.sequence, value: 1, isCalled: false })),
    schema: undefined,
  };
}

const tenantKey = { table: 'orgs', keyColumn: 'slug', fkColumn: 'org_id' };
const rowsOf = (merged: ReturnType<typeof mergeShards>, name: string) =>
  merged.tables.find((t) => t.name === name)!.rows;

describe('mergeShards: the same tables whatever the number of shards', () => {
  // The world as one database would hold it: two tenants, one coupon every shard creates.
  const whole = shard({
    coupons: [`1\tWELCOME\t${T0}`],
    orgs: [`1\tacme\t${T1}`, `2\tbeta\t${T1}`],
    users: [`1\t2\tb@beta.test\t${T1}`, `2\t1\ta@acme.test\t${T1}`, `3\t1\ta2@acme.test\t${T2}`],
    subs: [`1\t1\t1\t${T2}`, `2\t2\t\\N\t${T2}`],
  });
  // The same world split in two: each shard keyed its rows from 1, and both made the coupon.
  const acme = shard({
    coupons: [`1\tWELCOME\t${T0}`],
    orgs: [`1\tacme\t${T1}`],
    users: [`1\t1\ta@acme.test\t${T1}`, `2\t1\ta2@acme.test\t${T2}`],
    subs: [`1\t1\t1\t${T2}`],
  });
  const beta = shard({
    coupons: [`1\tWELCOME\t${T0}`],
    orgs: [`1\tbeta\t${T1}`],
    users: [`1\t1\tb@beta.test\t${T1}`],
    subs: [`1\t1\t\\N\t${T2}`],
  });

  it('assigns keys by time, then tenant, then the tenant’s own order, and follows foreign keys', () => {
    const one = mergeShards([whole], tenantKey);
    const two = mergeShards([acme, beta], tenantKey);
    const swapped = mergeShards([beta, acme], tenantKey);
    for (const name of ['coupons', 'orgs', 'users', 'subs']) {
      expect(rowsOf(two, name).sort()).toEqual(rowsOf(one, name).sort());
      expect(rowsOf(swapped, name).sort()).toEqual(rowsOf(one, name).sort());
    }
    // acme sorts before beta at the same instant, so its rows take the lower keys.
    expect(rowsOf(one, 'orgs').sort()).toEqual([`1\tacme\t${T1}`, `2\tbeta\t${T1}`]);
    expect(rowsOf(one, 'users').sort()).toEqual([
      `1\t1\ta@acme.test\t${T1}`,
      `2\t2\tb@beta.test\t${T1}`,
      `3\t1\ta2@acme.test\t${T2}`,
    ]);
    expect(rowsOf(two, 'coupons')).toEqual([`1\tWELCOME\t${T0}`]);
    expect(two.sequences.find((s) => s.qualifiedName === 'public.users_id_seq')).toMatchObject({
      value: 3,
      isCalled: true,
    });
  });

  it('refuses shards whose rows of no tenant differ: a global actor that depends on tenants', () => {
    const other = shard({ coupons: [`1\tWELCOME\t${T1}`], orgs: [`1\tbeta\t${T1}`] });
    expect(() => mergeShards([acme, other], tenantKey)).toThrow(ShardMergeError);
    expect(() => mergeShards([acme, other], tenantKey)).toThrow(
      /public\.coupons: rows that belong to no tenant differ/,
    );
  });
});
