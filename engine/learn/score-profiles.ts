import {
  binsCdf,
  expandOrdinal,
  ksComplement,
  quantilesCdf,
  spreadOrdinalRates,
  tvComplement,
  type Polyline,
} from './distribution-distance.ts';
import {
  ALL_GROUPS,
  type Bin,
  type MetricCell,
  type MetricProfile,
  type Profile,
  type Quantiles,
  type TimeQuantiles,
} from './profile-types.ts';

export type ScoreGroup = 'column shapes' | 'children per parent' | 'app metrics';
export const SCORE_GROUPS: ScoreGroup[] = ['column shapes', 'children per parent', 'app metrics'];

/** What is drawn for one side of an item. */
export type Series =
  | { kind: 'cdf'; line: Polyline; time?: boolean }
  | { kind: 'shares'; shares: Record<string, number>; ordered?: boolean }
  | { kind: 'bins'; bins: Bin[] }
  | { kind: 'rate'; rate: number }
  | { kind: 'rates'; rates: Record<string, number> };

export interface ScoreItem {
  id: string;
  group: ScoreGroup;
  title: string;
  metric: 'KSComplement' | 'TVComplement' | '1 - |difference|';
  /** null: the statistic was suppressed (or missing) on one side, so there is nothing to compare. */
  score: number | null;
  note?: string;
  unit?: string;
  real: Series;
  synthetic: Series | null;
  /** The same item scored between two draws of the source (when a ceiling profile was given). */
  ceiling?: number | null;
  /** Counts behind each side, for the reader. */
  n?: { real: number | null; synthetic: number | null };
}

export interface ScoreReport {
  items: ScoreItem[];
  groups: { group: ScoreGroup; mean: number | null; scored: number; ceiling: number | null }[];
  overall: number | null;
  ceiling: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function compare(
  id: string,
  group: ScoreGroup,
  title: string,
  real: Series,
  synthetic: Series | null,
  unit?: string,
): ScoreItem {
  let score: number | null = null;
  let metric: ScoreItem['metric'] = 'KSComplement';
  if (real.kind === 'shares') metric = 'TVComplement';
  if (real.kind === 'rate' || real.kind === 'rates') metric = '1 - |difference|';
  if (synthetic) {
    if (real.kind === 'cdf' && synthetic.kind === 'cdf') score = ksComplement(real.line, synthetic.line);
    else if (real.kind === 'bins' && synthetic.kind === 'bins') {
      score = ksComplement(binsCdf(real.bins), binsCdf(synthetic.bins));
    } else if (real.kind === 'shares' && synthetic.kind === 'shares') {
      score = real.ordered
        ? tvComplement(expandOrdinal(real.shares), expandOrdinal(synthetic.shares))
        : tvComplement(real.shares, synthetic.shares);
    } else if (real.kind === 'rate' && synthetic.kind === 'rate') score = 1 - Math.abs(real.rate - synthetic.rate);
    else if (real.kind === 'rates' && synthetic.kind === 'rates') {
      const a = spreadOrdinalRates(real.rates);
      const b = spreadOrdinalRates(synthetic.rates);
      const common = Object.keys(a).filter((k) => b[k] !== undefined);
      score = common.length ? 1 - mean(common.map((k) => Math.abs(a[k]! - b[k]!)))! : null;
    }
  }
  const item: ScoreItem = { id, group, title, metric, score, real, synthetic };
  if (unit) item.unit = unit;
  if (!synthetic) item.note = 'suppressed or absent in the snapshot';
  return item;
}

const cdfOf = (q: Quantiles | TimeQuantiles | null | undefined, time: boolean): Series | null =>
  q ? { kind: 'cdf', line: quantilesCdf(q), ...(time ? { time: true } : {}) } : null;

function columnItems(real: Profile, synth: Profile): ScoreItem[] {
  const out: ScoreItem[] = [];
  for (const [t, table] of Object.entries(real.tables)) {
    for (const [c, col] of Object.entries(table.columns)) {
      const other = synth.tables[t]?.columns[c];
      const id = `${t}.${c}`;
      const nulls = `nulls ${col.nullFraction ?? '—'} vs ${other?.nullFraction ?? '—'}`;
      let item: ScoreItem | null = null;
      if ((col.kind === 'numeric' || col.kind === 'time') && col.quantiles) {
        item = compare(
          id,
          'column shapes',
          `${id} (${col.kind === 'time' ? 'time' : 'number'})`,
          cdfOf(col.quantiles, col.kind === 'time')!,
          cdfOf(other?.quantiles, col.kind === 'time'),
        );
      } else if ((col.kind === 'text' || col.kind === 'json') && col.length) {
        item = compare(
          `${id} length`,
          'column shapes',
          `${id} (length of ${col.kind})`,
          cdfOf(col.length, false)!,
          cdfOf(other?.length, false),
          'characters',
        );
      } else if ((col.kind === 'category' || col.kind === 'boolean') && col.categories) {
        item = compare(
          id,
          'column shapes',
          `${id} (${col.kind})`,
          { kind: 'shares', shares: col.categories },
          other?.categories ? { kind: 'shares', shares: other.categories } : null,
        );
      }
      if (item) {
        item.note = [item.note, nulls].filter(Boolean).join('; ');
        out.push(item);
      }
      if (col.kind === 'text' && col.scripts && Object.keys(col.scripts).length > 1) {
        out.push(
          compare(
            `${id} scripts`,
            'column shapes',
            `${id} (script mix)`,
            { kind: 'shares', shares: col.scripts },
            other?.scripts ? { kind: 'shares', shares: other.scripts } : null,
          ),
        );
      }
    }
  }
  return out;
}

function fanoutItems(real: Profile, synth: Profile): ScoreItem[] {
  const out: ScoreItem[] = [];
  for (const [t, table] of Object.entries(real.tables)) {
    for (const [c, f] of Object.entries(table.foreignKeys)) {
      if (!f.bins) continue;
      const other = synth.tables[t]?.foreignKeys[c];
      const item = compare(
        `${t}.${c} -> ${f.parent}`,
        'children per parent',
        `${t} per ${f.parent} (${t}.${c})`,
        { kind: 'bins', bins: f.bins },
        other?.bins ? { kind: 'bins', bins: other.bins } : null,
        t,
      );
      item.n = { real: f.parents, synthetic: other?.parents ?? null };
      out.push(item);
    }
  }
  return out;
}

function seriesOf(m: MetricProfile, cell: MetricCell): Series {
  if ('shares' in cell) {
    return { kind: 'shares', shares: cell.shares, ...(isOrderedLabels(cell.shares) ? { ordered: true } : {}) };
  }
  if ('bins' in cell) return { kind: 'bins', bins: cell.bins };
  if ('quantiles' in cell) return cdfOf(cell.quantiles, !!m.time)!;
  return { kind: 'rate', rate: cell.rate };
}

const isOrderedLabels = (shares: Record<string, number>) =>
  Object.keys(shares).length > 0 &&
  Object.keys(shares).every((k) => /^(\d+|\d{4}-\d{2})(\.\.(\d+|\d{4}-\d{2}))?$/.test(k));

function metricItems(real: Profile, synth: Profile): ScoreItem[] {
  const out: ScoreItem[] = [];
  for (const [name, m] of Object.entries(real.metrics)) {
    const other = synth.metrics[name];
    const groups = Object.keys(m.groups);
    const ordinalRates = m.kind === 'rate' && groups.length > 1 && groups.every((g) => /^\d+(\.\.\d+)?$/.test(g));
    if (ordinalRates) {
      const rates = (p: MetricProfile) =>
        Object.fromEntries(Object.entries(p.groups).map(([g, c]) => [g, (c as { rate: number }).rate]));
      const otherRates =
        other && Object.keys(other.groups).length ? { kind: 'rates' as const, rates: rates(other) } : null;
      out.push(
        compare(`metric ${name}`, 'app metrics', m.title, { kind: 'rates', rates: rates(m) }, otherRates, m.unit),
      );
      continue;
    }
    for (const g of groups) {
      const id = g === ALL_GROUPS ? `metric ${name}` : `metric ${name} ${g}`;
      const title = g === ALL_GROUPS ? m.title : `${m.title}: ${g}`;
      const cell = m.groups[g]!;
      const otherCell = other?.groups[g];
      const item = compare(
        id,
        'app metrics',
        title,
        seriesOf(m, cell),
        otherCell && other ? seriesOf(other, otherCell) : null,
        m.unit,
      );
      item.n = { real: cell.n, synthetic: otherCell?.n ?? null };
      out.push(item);
    }
  }
  return out;
}

/**
 * Scores a synthetic profile against the real one: KSComplement for numbers, times, lengths and
 * children per parent, TVComplement for categories, 1 - |difference| for rates. The overall score
 * is the mean of the three groups' means. With a ceiling profile (a second draw of the source),
 * every item also carries the score two real draws reach against each other.
 */
export function scoreProfiles(real: Profile, synthetic: Profile, ceilingProfile?: Profile): ScoreReport {
  const build = (s: Profile) => [...columnItems(real, s), ...fanoutItems(real, s), ...metricItems(real, s)];
  const items = build(synthetic);
  const ceilingItems = ceilingProfile ? new Map(build(ceilingProfile).map((i) => [i.id, i.score])) : null;
  if (ceilingItems) for (const i of items) i.ceiling = ceilingItems.get(i.id) ?? null;
  const groups = SCORE_GROUPS.map((group) => {
    const mine = items.filter((i) => i.group === group);
    const scored = mine.filter((i) => i.score !== null);
    const ceil = mine.map((i) => i.ceiling).filter((x): x is number => typeof x === 'number');
    return {
      group,
      mean: mean(scored.map((i) => i.score!)),
      scored: scored.length,
      ceiling: ceilingItems ? mean(ceil) : null,
    };
  });
  const present = groups.filter((g) => g.mean !== null);
  const withCeiling = groups.filter((g) => g.ceiling !== null);
  return {
    items,
    groups,
    overall: mean(present.map((g) => g.mean!)),
    ceiling: ceilingItems ? mean(withCeiling.map((g) => g.ceiling!)) : null,
  };
}

/** Items in report order: worst first, items that could not be compared last. */
export const worstFirst = (items: ScoreItem[]) =>
  [...items].sort((a, b) => (a.score ?? 2) - (b.score ?? 2) || (a.id < b.id ? -1 : 1));
