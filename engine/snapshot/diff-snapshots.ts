import type { Manifest } from './manifest.ts';
import { parseDumpTables, type DumpTable } from './parse-dump.ts';

export interface TenantKey {
  /** Table holding one row per tenant, its key column and the FK column other tables use. */
  table: string;
  keyColumn: string;
  fkColumn: string;
}

export interface SnapshotDiff {
  tables: { table: string; before: number; after: number; added: number; removed: number; changed: number }[];
  tenants?: { added: string[]; removed: string[]; changed: string[] };
  shifts: { table: string; column: string; description: string; magnitude: number }[];
  manifestChanges: string[];
}

const byId = (t: DumpTable | undefined) => new Map((t?.rows ?? []).map((r) => [r.split('\t', 1)[0]!, r]));

export function diffSnapshots(
  beforeText: string,
  afterText: string,
  before?: Partial<Manifest>,
  after?: Partial<Manifest>,
  tenantKey?: TenantKey,
): SnapshotDiff {
  const a = parseDumpTables(beforeText);
  const b = parseDumpTables(afterText);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const tables: SnapshotDiff['tables'] = [];
  const shifts: SnapshotDiff['shifts'] = [];
  const changedTenantIds = new Set<string>();
  for (const name of names) {
    const ra = byId(a.get(name));
    const rb = byId(b.get(name));
    let added = 0,
      removed = 0,
      changed = 0;
    const fkIndex = tenantKey ? (b.get(name) ?? a.get(name))!.columns.indexOf(tenantKey.fkColumn) : -1;
    const touch = (row: string | undefined) => {
      if (fkIndex >= 0 && row) changedTenantIds.add(row.split('\t')[fkIndex]!);
    };
    for (const [id, row] of rb) {
      const old = ra.get(id);
      if (old === undefined) {
        added++;
        touch(row);
      } else if (old !== row) {
        changed++;
        touch(row);
        touch(old);
      }
    }
    for (const [id, row] of ra) {
      if (!rb.has(id)) {
        removed++;
        touch(row);
      }
    }
    if (tenantKey && name === tenantKey.table) {
      for (const [id, row] of rb) if (ra.get(id) !== row) changedTenantIds.add(id);
    }
    tables.push({ table: name, before: ra.size, after: rb.size, added, removed, changed });
    shifts.push(...distributionShifts(name, a.get(name), b.get(name)));
  }
  let tenants: SnapshotDiff['tenants'];
  if (tenantKey) {
    const key = (t: DumpTable | undefined) => {
      const idx = t?.columns.indexOf(tenantKey.keyColumn) ?? -1;
      return new Map(
        (t?.rows ?? []).map((r) => {
          const f = r.split('\t');
          return [f[0]!, f[idx]!];
        }),
      );
    };
    const ka = key(a.get(tenantKey.table));
    const kb = key(b.get(tenantKey.table));
    const slugsA = new Set(ka.values());
    const slugsB = new Set(kb.values());
    tenants = {
      added: [...slugsB].filter((s) => !slugsA.has(s)).sort(),
      removed: [...slugsA].filter((s) => !slugsB.has(s)).sort(),
      changed: [...changedTenantIds]
        .map((id) => kb.get(id) ?? ka.get(id))
        .filter((s): s is string => !!s && slugsA.has(s) && slugsB.has(s))
        .sort(),
    };
  }
  const manifestChanges: string[] = [];
  if (before && after) {
    const fields: [string, unknown, unknown][] = [
      ['seed', before.seed, after.seed],
      ['days', before.days, after.days],
      ['scenario file', before.inputs?.scenario, after.inputs?.scenario],
      ['schema', before.inputs?.schema, after.inputs?.schema],
      ['generatorVersion', before.generatorVersion, after.generatorVersion],
    ];
    for (const [name, a, b] of fields) {
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        manifestChanges.push(`${name}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
      }
    }
  }
  shifts.sort((x, y) => y.magnitude - x.magnitude || (x.table + x.column < y.table + y.column ? -1 : 1));
  return { tables, tenants, shifts: shifts.slice(0, 10), manifestChanges };
}

/**
 * Mean shift of numeric columns and share shift of low-cardinality categories, scaled so they can be ranked together.
 */
function distributionShifts(table: string, a: DumpTable | undefined, b: DumpTable | undefined): SnapshotDiff['shifts'] {
  if (!a || !b || a.rows.length === 0 || b.rows.length === 0) return [];
  const out: SnapshotDiff['shifts'] = [];
  b.columns.forEach((column, idx) => {
    if (idx === 0 || column.endsWith('_id') || a.columns[idx] !== column) return;
    const va = a.rows.map((r) => r.split('\t')[idx]!).filter((v) => v !== '\\N');
    const vb = b.rows.map((r) => r.split('\t')[idx]!).filter((v) => v !== '\\N');
    if (va.length === 0 || vb.length === 0) return;
    if (va.every((v) => /^-?\d+(\.\d+)?$/.test(v)) && vb.every((v) => /^-?\d+(\.\d+)?$/.test(v))) {
      const ma = va.reduce((s, v) => s + Number(v), 0) / va.length;
      const mb = vb.reduce((s, v) => s + Number(v), 0) / vb.length;
      const rel = Math.abs(mb - ma) / Math.max(Math.abs(ma), 1e-9);
      if (rel > 0.01) {
        out.push({
          table,
          column,
          description:
            `mean ${fmt(ma)} -> ${fmt(mb)} ` +
            `(${rel >= 0 ? '+' : ''}${(((mb - ma) / Math.max(Math.abs(ma), 1e-9)) * 100).toFixed(1)}%)`,
          magnitude: Math.min(rel, 10),
        });
      }
      return;
    }
    const ca = counts(va);
    const cb = counts(vb);
    if (ca.size > 20 || cb.size > 20) return;
    let worst = { key: '', delta: 0, sa: 0, sb: 0 };
    for (const key of new Set([...ca.keys(), ...cb.keys()])) {
      const sa = (ca.get(key) ?? 0) / va.length;
      const sb = (cb.get(key) ?? 0) / vb.length;
      if (Math.abs(sb - sa) > Math.abs(worst.delta)) worst = { key, delta: sb - sa, sa, sb };
    }
    if (Math.abs(worst.delta) > 0.005) {
      out.push({
        table,
        column,
        description: `share of '${worst.key}' ${(worst.sa * 100).toFixed(1)}% -> ${(worst.sb * 100).toFixed(1)}%`,
        magnitude: Math.abs(worst.delta) * 5,
      });
    }
  });
  return out;
}

const counts = (vs: string[]) => vs.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());
const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

export function formatDiff(d: SnapshotDiff): string {
  const lines: string[] = ['snapshot diff:'];
  for (const c of d.manifestChanges) lines.push(`  ${c}`);
  lines.push('  table                          before     after    +added  -removed  ~changed');
  for (const t of d.tables) {
    if (t.added + t.removed + t.changed === 0) continue;
    lines.push(
      `  ${t.table.padEnd(28)} ${String(t.before).padStart(8)} ${String(t.after).padStart(9)} ` +
        `${String(t.added).padStart(9)} ${String(t.removed).padStart(9)} ${String(t.changed).padStart(9)}`,
    );
  }
  if (d.tables.every((t) => t.added + t.removed + t.changed === 0)) lines.push('  (no row changes)');
  if (d.tenants) {
    const list = (xs: string[]) =>
      xs.length > 8 ? `${xs.slice(0, 8).join(', ')} … (${xs.length})` : xs.join(', ') || '-';
    lines.push(
      `  tenants added: ${list(d.tenants.added)}`,
      `  tenants removed: ${list(d.tenants.removed)}`,
      `  tenants changed: ${list(d.tenants.changed)}`,
    );
  }
  if (d.shifts.length) {
    lines.push('  largest distribution shifts:');
    for (const s of d.shifts) lines.push(`    ${s.table}.${s.column}: ${s.description}`);
  }
  return lines.join('\n');
}
