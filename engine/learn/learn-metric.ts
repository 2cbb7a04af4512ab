import {
  cellOf,
  noisyShares,
  num,
  recountByEdges,
  settleQuantiles,
  suppress,
  binsFrom,
  type Ctx,
  type OrderedCell,
} from './learn-cells.ts';
import type { MetricSpec } from './learn-spec.ts';
import type { MetricQueries } from './metric-queries.ts';
import { releasable, roundCount, roundShare, roundValue, settleOrdinal, type Thresholds } from './privacy.ts';
import { ALL_GROUPS, type MetricCell, type MetricProfile } from './profile-types.ts';
import { COUNT_EDGES } from './table-queries.ts';

const ordinalLabel = (values: (number | string)[]) =>
  values.length === 1 ? String(values[0]) : `${values[0]}..${values[values.length - 1]}`;

export async function learnMetric(ctx: Ctx, m: MetricSpec, mq: MetricQueries): Promise<MetricProfile> {
  const statistic = `metric ${m.name}`;
  const purpose = `metric ${m.name}: ${m.title}`;
  const thresholds: Thresholds = { k: ctx.k, userK: ctx.userK, perUser: !!m.perUser };
  const params: unknown[] = [];
  const domainOf = (rule: MetricSpec['labels']) =>
    rule && 'domain' in rule ? [...(ctx.domains[rule.domain] ?? [])] : rule && 'values' in rule ? [...rule.values] : [];
  if (mq.params.labels) params[mq.params.labels - 1] = domainOf(m.labels);
  if (mq.params.groups) params[mq.params.groups - 1] = domainOf(m.groups);
  if (m.kind === 'counts') params[mq.params.edges! - 1] = COUNT_EDGES;
  const run = (sql: string, p: unknown[], what = purpose) => ctx.source.query<Record<string, unknown>>(sql, p, what);
  const rows = await run(mq.cells, params);
  const profile: MetricProfile = { kind: m.kind, title: m.title, groups: {} };
  if (m.unit) profile.unit = m.unit;
  if (m.time) profile.time = true;
  const groupKeyOf = (r: Record<string, unknown>) => (r.g === null || r.g === undefined ? ALL_GROUPS : String(r.g));
  const byGroup = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    if (m.groups && (r.g === null || r.g === undefined)) continue;
    const key = groupKeyOf(r);
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  const groups = [...byGroup.keys()].sort();
  const released: Record<string, MetricCell> = {};

  if (m.kind === 'rate') {
    const rateOk = (c: OrderedCell) =>
      releasable(c, thresholds) &&
      (num(c.te) === 0 || num(c.te) >= ctx.k) &&
      (num(c.tne) === 0 || num(c.tne) >= ctx.k) &&
      (!m.perUser ||
        ((num(c.use) === 0 || num(c.use) >= ctx.userK) && (num(c.usne) === 0 || num(c.usne) >= ctx.userK)));
    const rateCell = (r: Record<string, unknown>, at: number | string): OrderedCell => ({
      ...cellOf(r, at),
      ne: num(r.ne),
      te: num(r.te),
      tne: num(r.tne),
      use: num(r.use),
      usne: num(r.usne),
      we: num(r.we),
    });
    let cells: { label: string; cell: OrderedCell }[];
    if (m.groups && 'ordinal' in m.groups) {
      const sorted = rows
        .filter((r) => r.g !== null)
        .map((r) =>
          rateCell(r, m.groups && 'ordinal' in m.groups && m.groups.ordinal === 'integer' ? num(r.g) : String(r.g)),
        )
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const settled = await settleOrdinal(sorted, rateOk, (gs) =>
        recountByEdges(
          gs,
          sorted,
          (c, j) => (j === 0 ? null : (c.at as number | string)),
          async (edges) => (await run(mq.recount!, [edges], `${purpose} (merged)`)).map((r) => rateCell(r, num(r.g))),
        ),
      );
      suppress(ctx, statistic, settled.suppressed);
      cells = settled.groups.map((g, j) => ({
        label: ordinalLabel(g.map((i) => sorted[i]!.at)),
        cell: settled.cells[j]!,
      }));
    } else {
      cells = [];
      for (const g of groups) {
        const cell = rateCell(byGroup.get(g)![0]!, g);
        if (rateOk(cell)) cells.push({ label: g, cell });
        else suppress(ctx, statistic, 1);
      }
    }
    for (const { label, cell } of cells) {
      if (ctx.budget) {
        const [e, ne] = [cell.we as number, (cell.weight ?? 0) - (cell.we as number)].map((w) =>
          Math.max(0, w + ctx.budget!.noise(statistic)),
        );
        released[label] = { n: roundCount(e! + ne!), rate: e! + ne! > 0 ? roundShare(e! / (e! + ne!)) : 0 };
      } else released[label] = { n: roundCount(cell.n), rate: roundShare(num(cell.ne) / cell.n) };
    }
  } else if (m.kind === 'category') {
    if (m.labels && 'ordinal' in m.labels) {
      const integer = m.labels.ordinal === 'integer';
      const sorted = rows
        .filter((r) => r.x !== null)
        .map((r) => cellOf(r, integer ? num(r.x) : String(r.x)))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const settled = await settleOrdinal(
        sorted,
        (c) => releasable(c, thresholds),
        (gs) =>
          recountByEdges(
            gs,
            sorted,
            (c, j) => (j === 0 ? null : (c.at as number | string)),
            async (edges) =>
              (await run(mq.recount!, [...params, edges], `${purpose} (merged)`)).map((r) => cellOf(r, num(r.x))),
          ),
      );
      suppress(ctx, statistic, settled.suppressed);
      if (settled.groups.length) {
        const total = settled.cells.reduce((a, c) => a + c.n, 0);
        const labels = settled.groups.map((g) => ordinalLabel(g.map((i) => sorted[i]!.at)));
        const shares = ctx.budget
          ? noisyShares(
              ctx,
              statistic,
              settled.cells.map((c) => num(c.weight)),
            )
          : settled.cells.map((c) => roundShare(c.n / total));
        released[ALL_GROUPS] = {
          n: roundCount(total),
          shares: Object.fromEntries(labels.map((l, i) => [l, shares[i]!])),
        };
      }
    } else {
      for (const g of groups) {
        const mine = byGroup.get(g)!.filter((r) => r.x !== null);
        const total = mine.reduce((a, r) => a + num(r.n), 0);
        const ok = (r: Record<string, unknown>) => releasable(cellOf(r, 0), thresholds);
        let cells = mine;
        const failing = mine.filter((r) => !ok(r)).map((r) => String(r.x));
        if (failing.length && mq.params.labels) {
          const p = [...params];
          p[mq.params.labels - 1] = (p[mq.params.labels - 1] as string[]).filter((v) => !failing.includes(v));
          cells = (await run(mq.cells, p, `${purpose} (merged)`)).filter((r) => groupKeyOf(r) === g && r.x !== null);
        }
        suppress(ctx, statistic, failing.length);
        const kept = cells.filter(ok);
        if (!kept.length) continue;
        const shares = ctx.budget
          ? noisyShares(
              ctx,
              statistic,
              kept.map((r) => num(r.w)),
            )
          : kept.map((r) => roundShare(num(r.n) / total));
        released[g] = {
          n: roundCount(total),
          shares: Object.fromEntries(
            kept.map((r, i) => [String(r.x), shares[i]!] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
          ),
        };
        if (m.labels && 'domain' in m.labels) ctx.valuesReleased.add(m.labels.domain);
      }
    }
  } else if (m.kind === 'counts') {
    for (const g of groups) {
      const cells = byGroup
        .get(g)!
        .map((r) => cellOf(r, num(r.x)))
        .filter((c) => c.n > 0)
        .sort((a, b) => num(a.at) - num(b.at));
      const recountParams = (edges: (number | string)[]) => {
        const p = [...params];
        p[mq.params.edges! - 1] = edges;
        return p;
      };
      const settled = await settleOrdinal(
        cells,
        (c) => releasable(c, thresholds),
        (gs) =>
          recountByEdges(
            gs,
            cells,
            (c) => (num(c.at) === 0 ? null : COUNT_EDGES[num(c.at) - 1]!),
            async (edges) =>
              (await run(mq.cells, recountParams(edges), `${purpose} (merged)`))
                .filter((r) => groupKeyOf(r) === g)
                .map((r) => cellOf(r, num(r.x))),
          ),
      );
      suppress(ctx, statistic, settled.suppressed);
      if (!settled.groups.length) continue;
      const total = settled.cells.reduce((a, c) => a + c.n, 0);
      let bins = binsFrom(COUNT_EDGES, cells, settled.groups, settled.cells);
      if (ctx.budget) {
        const shares = noisyShares(
          ctx,
          statistic,
          settled.cells.map((c) => num(c.weight)),
        );
        bins = bins.map((b, i) => ({ lo: b.lo, hi: b.hi, share: shares[i]! }));
      }
      const sum = settled.cells.reduce((a, c) => a + num(c.sum), 0);
      released[g] = { n: roundCount(total), mean: ctx.budget ? null : roundValue(sum / total), bins };
    }
  } else {
    for (const g of groups) {
      const r = byGroup.get(g)![0]!;
      if (!releasable(cellOf(r, 0), thresholds)) {
        suppress(ctx, statistic, 1);
        continue;
      }
      const groupParam = g === ALL_GROUPS ? null : g;
      const sketch = await settleQuantiles(
        ctx,
        statistic,
        r.q as number[],
        null,
        thresholds,
        !!m.time,
        async (edges) => {
          const p: unknown[] = [];
          p[mq.params.edges! - 1] = edges;
          p[mq.params.group! - 1] = groupParam;
          if (mq.params.groups) p[mq.params.groups - 1] = params[mq.params.groups - 1];
          return (await run(mq.bins!, p, `metric ${m.name}: intervals between knots`)).map((x) => cellOf(x, num(x.x)));
        },
      );
      if (sketch) released[g] = { n: roundCount(num(r.n)), quantiles: sketch };
    }
  }
  profile.groups = released;
  return profile;
}
