import type { Catalog, CatalogTable } from './catalog.ts';

/** How a table's rows reach their tenant: the joins, the tenant key expression, and the path for the ledger. */
export interface TenantPath {
  /** `public."invoices" t JOIN public."subscriptions" j1 ON …`: the FROM clause, with the table as `t`. */
  from: string;
  /** The privacy unit of each row: the tenant key, or the row's own key in a table no tenant owns. */
  unit: string;
  kind: 'tenant' | 'row';
  /** 'invoices.subscription_id -> subscriptions.id', … */
  steps: string[];
}

export const ident = (name: string) => '"' + name.replace(/"/g, '""') + '"';

/**
 * Finds, for every table, the shortest chain of foreign keys to the tenant table, preferring NOT NULL
 * links (a nullable link would leave rows without a tenant). Tables with no chain (catalogues such
 * as plans) are their own unit: each row counts as one.
 */
export function tenantPaths(catalog: Catalog, tenant: { table: string; key: string }): Map<string, TenantPath> {
  const byName = new Map(catalog.tables.map((t) => [t.name, t]));
  const out = new Map<string, TenantPath>();
  for (const table of catalog.tables) {
    const route = shortestRoute(table, tenant.table, byName, true) ?? shortestRoute(table, tenant.table, byName, false);
    const from = [`public.${ident(table.name)} t`];
    if (table.name === tenant.table) {
      out.set(table.name, { from: from[0]!, unit: `t.${ident(tenant.key)}`, kind: 'tenant', steps: [] });
      continue;
    }
    if (!route) {
      const own = table.primaryKey ? `t.${ident(table.primaryKey)}` : 't.ctid';
      out.set(table.name, { from: from[0]!, unit: own, kind: 'row', steps: [] });
      continue;
    }
    let prev = 't';
    let nullable = false;
    const steps: string[] = [];
    route.forEach((step, i) => {
      const alias = `j${i + 1}`;
      nullable ||= !step.notNull;
      const join = nullable ? 'LEFT JOIN' : 'JOIN';
      from.push(
        `${join} public.${ident(step.parent)} ${alias} ON ${alias}.${ident(step.parentColumn)} = ` +
          `${prev}.${ident(step.column)}`,
      );
      steps.push(`${step.table}.${step.column} -> ${step.parent}.${step.parentColumn}`);
      prev = alias;
    });
    const last = route[route.length - 1]!;
    let unit = `j${route.length}.${ident(tenant.key)}`;
    if (last.parentColumn === tenant.key) {
      // The last hop lands on the tenant's key, which the child's column already holds: no join needed.
      from.pop();
      unit = `${route.length === 1 ? 't' : `j${route.length - 1}`}.${ident(last.column)}`;
    }
    out.set(table.name, { from: from.join(' '), unit, kind: 'tenant', steps });
  }
  return out;
}

interface Step {
  table: string;
  column: string;
  parent: string;
  parentColumn: string;
  notNull: boolean;
}

function shortestRoute(
  start: CatalogTable,
  target: string,
  byName: Map<string, CatalogTable>,
  notNullOnly: boolean,
): Step[] | null {
  const queue: { table: CatalogTable; route: Step[] }[] = [{ table: start, route: [] }];
  const seen = new Set([start.name]);
  while (queue.length) {
    const { table, route } = queue.shift()!;
    const fks = [...table.foreignKeys].sort((a, b) => (a.column < b.column ? -1 : 1));
    for (const fk of fks) {
      const notNull = table.columns.find((c) => c.name === fk.column)?.notNull ?? false;
      if (notNullOnly && !notNull) continue;
      const step = { table: table.name, column: fk.column, parent: fk.parent, parentColumn: fk.parentColumn, notNull };
      if (fk.parent === target) return [...route, step];
      const next = byName.get(fk.parent);
      if (next && !seen.has(next.name)) {
        seen.add(next.name);
        queue.push({ table: next, route: [...route, step] });
      }
    }
  }
  return null;
}
