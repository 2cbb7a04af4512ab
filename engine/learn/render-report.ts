import { expandOrdinal, spreadOrdinalRates } from './distribution-distance.ts';
import type { Profile } from './profile-types.ts';
import { worstFirst, type ScoreItem, type ScoreReport } from './score-profiles.ts';
import {
  REAL_COLOUR,
  SYNTH_COLOUR,
  barsChart,
  binLabel,
  cdfChart,
  escapeHtml,
  rateChart,
  ratesChart,
} from './svg-charts.ts';

const score = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
const grade = (x: number | null) => (x === null ? 'none' : x >= 0.95 ? 'good' : x >= 0.8 ? 'fair' : 'poor');

function chart(item: ScoreItem): string {
  const { real, synthetic: s } = item;
  const title = item.title;
  switch (real.kind) {
    case 'cdf':
      return cdfChart(real.line, s?.kind === 'cdf' ? s.line : null, { time: real.time, title });
    case 'bins': {
      const other = s?.kind === 'bins' ? s.bins : [];
      const edges = [...new Set([...real.bins, ...other].map((b) => `${b.lo}:${b.hi}`))]
        .map((k) => k.split(':').map(Number) as [number, number])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const share = (bins: typeof real.bins, lo: number, hi: number) =>
        bins.find((b) => b.lo === lo && b.hi === hi)?.share ?? 0;
      return barsChart(
        edges.map(([lo, hi]) => binLabel({ lo, hi, share: 0 })),
        edges.map(([lo, hi]) => share(real.bins, lo, hi)),
        s?.kind === 'bins' ? edges.map(([lo, hi]) => share(other, lo, hi)) : null,
        { title, max: 30 },
      );
    }
    case 'shares': {
      const a = real.ordered ? expandOrdinal(real.shares) : real.shares;
      const b = s?.kind === 'shares' ? (real.ordered ? expandOrdinal(s.shares) : s.shares) : null;
      const labels = [...new Set([...Object.keys(a), ...Object.keys(b ?? {})])].sort((x, y) =>
        real.ordered ? x.length - y.length || (x < y ? -1 : 1) : (a[y] ?? 0) - (a[x] ?? 0) || (x < y ? -1 : 1),
      );
      return barsChart(
        labels,
        labels.map((l) => a[l] ?? 0),
        b ? labels.map((l) => b[l] ?? 0) : null,
        { title, max: real.ordered ? 40 : 24 },
      );
    }
    case 'rate':
      return rateChart(real.rate, s?.kind === 'rate' ? s.rate : null, { title });
    case 'rates': {
      const a = spreadOrdinalRates(real.rates);
      const b = s?.kind === 'rates' ? spreadOrdinalRates(s.rates) : null;
      const labels = [...new Set([...Object.keys(a), ...Object.keys(b ?? {})])].sort((x, y) => Number(x) - Number(y));
      return ratesChart(
        labels,
        labels.map((l) => a[l] ?? null),
        b ? labels.map((l) => b[l] ?? null) : null,
        { title },
      );
    }
  }
}

function card(item: ScoreItem): string {
  const meta: string[] = [item.metric];
  if (item.ceiling !== undefined) meta.push(`ceiling ${score(item.ceiling)}`);
  if (item.n) meta.push(`n ${item.n.real ?? '—'} vs ${item.n.synthetic ?? '—'}`);
  if (item.unit) meta.push(item.unit);
  return (
    `<article class="card"><header><h3>${escapeHtml(item.title)}</h3>` +
    `<span class="score ${grade(item.score)}">${score(item.score)}</span></header>` +
    `<p class="meta">${escapeHtml(meta.join(' · '))}</p>${chart(item)}` +
    (item.note ? `<p class="note">${escapeHtml(item.note)}</p>` : '') +
    '</article>'
  );
}

const STYLE =
  '\n' +
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;' +
  'margin:0;background:#f3f4f6;color:#1d1d1f}\n' +
  'main{max-width:1240px;margin:0 auto;padding:24px}\n' +
  'h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}' +
  'h3{font-size:13px;margin:0;font-weight:600;word-break:break-word}\n' +
  '.summary{background:#fff;border-radius:8px;padding:16px 20px;box-shadow:0 1px 2px #0002}\n' +
  '.overall{font-size:40px;font-weight:700}' +
  '.overall small{font-size:14px;font-weight:400;color:#555;margin-left:8px}\n' +
  'table{border-collapse:collapse;margin-top:8px}td,th{padding:4px 14px 4px 0;text-align:left}' +
  'th{font-weight:600;color:#555}\n' +
  '.legend span{display:inline-block;width:22px;height:4px;margin:0 6px 3px 14px;vertical-align:middle}\n' +
  '.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(392px,1fr));gap:12px}\n' +
  '.card{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px #0002}\n' +
  '.card header{display:flex;justify-content:space-between;gap:8px;align-items:baseline}\n' +
  '.score{font-weight:700;font-variant-numeric:tabular-nums;padding:1px 8px;border-radius:10px}\n' +
  '.good{background:#dcf3e3;color:#13622f}.fair{background:#fdf0d2;color:#7a5200}' +
  '.poor{background:#fbe0df;color:#8b1d18}.none{background:#eee;color:#666}\n' +
  '.meta,.note{color:#666;font-size:12px;margin:2px 0}.chart{display:block;max-width:100%;height:auto}\n' +
  'footer{color:#555;font-size:12px;margin-top:32px}';

/**
 * One self-contained HTML file: inline CSS and SVG, no script, no font, no request of any kind, so
 * it opens from disk, from a CI artifact or an email attachment alike.
 */
export function renderReport(
  report: ScoreReport,
  o: { snapshot: string; profileFile: string; profile: Profile; synthetic: Profile; generatedAt: Date },
): string {
  const ordered = worstFirst(report.items);
  const scored = ordered.filter((i) => i.score !== null);
  const worst = scored.slice(0, 10);
  const worstIds = new Set(worst.map((i) => i.id));
  const led = o.profile.privacy;
  const groupsTable =
    '<table><tr><th>group</th><th>mean score</th><th>items scored</th>' +
    (report.ceiling !== null ? '<th>ceiling (two draws)</th>' : '') +
    '</tr>' +
    report.groups
      .map(
        (g) =>
          `<tr><td>${g.group}</td>` +
          `<td><span class="score ${grade(g.mean)}">${score(g.mean)}</span></td><td>${g.scored}</td>` +
          (report.ceiling !== null ? `<td>${score(g.ceiling)}</td>` : '') +
          '</tr>',
      )
      .join('') +
    '</table>';
  const sections = report.groups
    .map((g) => {
      const items = ordered.filter((i) => i.group === g.group && i.score !== null && !worstIds.has(i.id));
      if (!items.length) return '';
      return (
        `<section><h2>${escapeHtml(g.group)} (${items.length} more, worst first)</h2>` +
        `<div class="cards">${items.map(card).join('')}</div></section>`
      );
    })
    .join('');
  const missing = ordered.filter((i) => i.score === null);
  const missingList = missing.length
    ? `<section><h2>Not compared (${missing.length})</h2>` +
      '<p>Suppressed in the profile or absent from the snapshot: ' +
      `${missing.map((i) => escapeHtml(i.id)).join(', ')}.</p>` +
      '</section>'
    : '';
  return (
    '<!doctype html>\n' +
    '<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">\n' +
    `<title>Fidelity report: ${escapeHtml(o.snapshot)}</title><style>${STYLE}</style></head>\n` +
    '<body><main>\n' +
    '<div class="summary"><h1>Fidelity report</h1>\n' +
    `<p>Snapshot <b>${escapeHtml(o.snapshot)}</b> learned with the same extractor and scored against the profile ` +
    `<b>${escapeHtml(o.profileFile)}</b>\n` +
    `(learned ${escapeHtml(o.profile.source.learnedAt)}, k = ${led.k}` +
    (led.epsilon ? `, epsilon = ${led.epsilon.total}` : '') +
    `, ${led.cellsSuppressed} cells suppressed).</p>\n` +
    `<div class="overall">${score(report.overall)}<small>overall: the mean of the group means` +
    (report.ceiling !== null ? `; ceiling ${score(report.ceiling)}` : '') +
    '</small></div>\n' +
    `${groupsTable}\n` +
    '<p class="legend">Drawn over each other:' +
    `<span style="background:${REAL_COLOUR}"></span>production (the profile)` +
    `<span style="background:${SYNTH_COLOUR}"></span>snapshot</p>\n` +
    '</div>\n' +
    `<section><h2>Worst ten</h2><div class="cards">${worst.map(card).join('')}</div></section>\n` +
    `${sections}${missingList}\n` +
    '<footer>KSComplement = 1 - the largest gap between two cumulative distributions ' +
    '(numbers, times, lengths, children per parent);\n' +
    'TVComplement = 1 - half the summed difference of shares (categories); rates score 1 - |difference|. ' +
    'Both sides are aggregates\n' +
    'released under the same privacy rules, so neither holds a row. ' +
    `Generated ${escapeHtml(o.generatedAt.toISOString().slice(0, 19))}Z.</footer>\n` +
    '</main></body></html>\n'
  );
}
