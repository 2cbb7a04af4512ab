import { hasQuantiles } from './column-kinds.ts';
import {
  binsFrom,
  cellOf,
  noisyShares,
  num,
  recountByEdges,
  settleQuantiles,
  suppress,
  type Ctx,
} from './learn-cells.ts';
import { DP_ROW_CLIP, OTHER, roundCount, roundShare, roundValue, settleOrdinal, type Thresholds } from './privacy.ts';
import type { ColumnProfile, FanoutProfile, Quantiles, TableProfile } from './profile-types.ts';
import type { TableQueries } from './query-plan.ts';
import { COUNT_EDGES, isUnique } from './table-queries.ts';

export async function learnTable(ctx: Ctx, tq: TableQueries): Promise<TableProfile> {
  const { plan } = tq;
  const name = plan.table.name;
  const dp = ctx.budget !== null;
  const thresholds: Thresholds = { k: ctx.k, userK: ctx.userK, perUser: false };
  const [c] = await ctx.source.query<Record<string, unknown>>(
    tq.counts,
    [],
    `table ${name}: rows, nulls, distinct values`,
  );
  const n = num(c!.n);
  const enough = num(c!.t) >= ctx.k;
  const profile: TableProfile = {
    rows:
      n === 0
        ? 0
        : enough
          ? roundCount(dp ? num(c!.clipped) + ctx.budget!.noise(`rows ${name}`, DP_ROW_CLIP) : n)
          : null,
    unit: plan.path.kind,
    tenantPath: plan.path.steps,
    columns: {},
    foreignKeys: {},
  };
  if (!enough && n > 0) suppress(ctx, `table ${name}`, 1);
  // Under --epsilon a nullable column's null split and its categories (or scripts) are two histograms
  // of the same weights: together one tenant moves them by 2, and both are noised for that.
  const releases = (i: number) =>
    (plan.columns[i]!.notNull ? 0 : 1) + tq.sets.filter((s) => s.column === i && s.what !== 'bins').length;
  const columns: ColumnProfile[] = plan.columns.map((col, i) => {
    const nn = col.notNull ? n : num(c![`nn${i}`]);
    const cp: ColumnProfile = { kind: col.kind, nullFraction: null };
    if (n === 0 || !enough) return cp;
    const nulls = n - nn;
    if (col.notNull || nulls === 0) cp.nullFraction = 0;
    else if (nn === 0) cp.nullFraction = 1;
    else if (num(c![`tnull${i}`]) >= ctx.k && num(c![`tnn${i}`]) >= ctx.k) {
      if (dp) {
        const w = num(c!.w);
        const wnull = num(c![`wnull${i}`]);
        cp.nullFraction = noisyShares(ctx, `column ${name}.${col.name}`, [wnull, w - wnull], releases(i))[0]!;
      } else cp.nullFraction = roundShare(nulls / n);
    } else suppress(ctx, `column ${name}.${col.name} nulls`, 1);
    if (!dp && (c![`nd${i}`] !== undefined || isUnique(plan, col))) {
      const tnn = col.notNull ? num(c!.t) : num(c![`tnn${i}`]);
      const distinct = isUnique(plan, col) ? nn : num(c![`nd${i}`]);
      cp.distinctRatio = nn > 0 && tnn >= ctx.k ? roundShare(distinct / nn) : null;
    }
    return cp;
  });

  if (n > 0 && enough) {
    const q = tq.quantiles
      ? (
          await ctx.source.query<Record<string, number[] | null>>(tq.quantiles, [], `table ${name}: trimmed quantiles`)
        )[0]!
      : {};
    const edgesOf = (i: number) => {
      const values = (q[`q${i}`] ?? []).filter((x) => x !== null && Number.isFinite(x));
      return values.length ? [...new Set(values)].sort((a, b) => a - b) : [0];
    };
    const params: unknown[] = [];
    for (const s of tq.sets) {
      if (s.param === undefined) continue;
      params[s.param - 1] = s.what === 'bins' ? edgesOf(s.column) : [...plan.columns[s.column]!.domain!];
    }
    const rows = tq.cells
      ? await ctx.source.query<Record<string, unknown>>(
          tq.cells,
          params,
          `table ${name}: cells behind each distribution, with distinct tenants`,
        )
      : [];
    for (const [j, s] of tq.sets.entries()) {
      const col = plan.columns[s.column]!;
      const cp = columns[s.column]!;
      const statistic = `column ${name}.${col.name}`;
      const mine = rows.filter((r) => num(r.s) === j && r.b !== null);
      const nonNull = col.notNull ? n : num(c![`nn${s.column}`]);
      if (s.what === 'bins') {
        const recount = tq.recounts.get(s.column)!.bins!;
        const sketch = await settleQuantiles(
          ctx,
          statistic,
          q[`q${s.column}`] ?? null,
          mine.map((r) => cellOf(r, num(r.b))),
          thresholds,
          col.kind === 'time',
          async (edges) =>
            (
              await ctx.source.query<Record<string, unknown>>(
                recount,
                [edges],
                `table ${name}: recount ${col.name} intervals`,
              )
            ).map((r) => cellOf(r, num(r.b))),
        );
        if (col.kind === 'text' || col.kind === 'json') cp.length = sketch as Quantiles | null;
        else cp.quantiles = sketch;
      } else if (s.what === 'categories') {
        cp.categories = await settleCategories(
          ctx,
          statistic,
          mine,
          nonNull,
          col.domain,
          async (domain) =>
            ctx.source.query<Record<string, unknown>>(
              tq.recounts.get(s.column)!.categories!,
              [domain],
              `table ${name}: recount ${col.name} categories`,
            ),
          releases(s.column),
        );
        if (col.domain && cp.categories && Object.keys(cp.categories).some((l) => l !== OTHER)) {
          ctx.valuesReleased.add(`${name}.${col.name}`);
        }
      } else {
        const ok = mine.filter((r) => num(r.t) >= ctx.k);
        suppress(ctx, `${statistic} scripts`, mine.length - ok.length);
        const shares = dp
          ? noisyShares(
              ctx,
              statistic,
              ok.map((r) => num(r.w)),
              releases(s.column),
            )
          : ok.map((r) => roundShare(num(r.n) / nonNull));
        cp.scripts = ok.length ? Object.fromEntries(ok.map((r, x) => [String(r.b), shares[x]!]).sort()) : null;
      }
    }
    for (const [i, col] of plan.columns.entries()) {
      const cp = columns[i]!;
      if (hasQuantiles(col.kind) && !dp) {
        if (col.kind === 'text' || col.kind === 'json') cp.length ??= null;
        else cp.quantiles ??= null;
      }
    }
  }
  plan.columns.forEach((col, i) => (profile.columns[col.name] = columns[i]!));

  for (const f of tq.fanouts) {
    profile.foreignKeys[f.fk.column] = await learnFanout(ctx, name, f.fk.column, f.fk.parent, f.fk.parentColumn, f.sql);
  }
  return profile;
}

/** Declared categories: labels below k fold into __other__ (recounted exactly), which is dropped if still short. */
async function settleCategories(
  ctx: Ctx,
  statistic: string,
  rows: Record<string, unknown>[],
  nonNull: number,
  domain: readonly string[] | undefined,
  recount: (domain: string[]) => Promise<Record<string, unknown>[]>,
  sensitivity = 1,
): Promise<Record<string, number> | null> {
  const ok = (r: Record<string, unknown>) => num(r.t) >= ctx.k;
  const failing = rows.filter((r) => !ok(r)).map((r) => String(r.b));
  let cells = rows;
  if (failing.length && domain) {
    const keep = domain.filter((v) => !failing.includes(v));
    cells = (await recount(keep)).filter((r) => r.b !== null);
  }
  const released = cells.filter(ok);
  suppress(ctx, statistic, failing.length);
  if (!released.length) return null;
  const shares = ctx.budget
    ? noisyShares(
        ctx,
        statistic,
        released.map((r) => num(r.w)),
        sensitivity,
      )
    : released.map((r) => roundShare(num(r.n) / nonNull));
  return Object.fromEntries(
    released.map((r, i) => [String(r.b), shares[i]!] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

async function learnFanout(
  ctx: Ctx,
  child: string,
  column: string,
  parent: string,
  parentColumn: string,
  sql: string,
): Promise<FanoutProfile> {
  const purpose = `children per parent: ${child}.${column} -> ${parent}`;
  const statistic = `children-per-parent ${child}.${column}`;
  const run = async (edges: readonly number[]) =>
    (await ctx.source.query<Record<string, unknown>>(sql, [edges], purpose)).map((r) => cellOf(r, num(r.b)));
  const cells = (await run(COUNT_EDGES)).filter((c) => c.n > 0).sort((a, b) => num(a.at) - num(b.at));
  const out: FanoutProfile = { parent, parentColumn, parents: null, meanChildren: null, bins: null };
  const settled = await settleOrdinal(
    cells,
    (c) => c.tenants >= ctx.k,
    (groups) =>
      recountByEdges(
        groups,
        cells,
        (c) => (num(c.at) === 0 ? null : COUNT_EDGES[num(c.at) - 1]!),
        (e) => run(e as number[]),
      ),
  );
  suppress(ctx, statistic, settled.suppressed);
  if (!settled.groups.length) return out;
  const parents = settled.cells.reduce((a, c) => a + c.n, 0);
  const children = settled.cells.reduce((a, c) => a + num(c.sum), 0);
  let bins = binsFrom(COUNT_EDGES, cells, settled.groups, settled.cells);
  if (ctx.budget) {
    const shares = noisyShares(
      ctx,
      statistic,
      settled.cells.map((c) => num(c.weight)),
    );
    bins = bins.map((b, i) => ({ lo: b.lo, hi: b.hi, share: shares[i]! }));
  }
  out.parents = roundCount(parents);
  out.meanChildren = ctx.budget ? null : roundValue(children / parents);
  out.bins = bins;
  return out;
}
