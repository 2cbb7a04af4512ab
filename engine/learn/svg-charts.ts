import type { Polyline } from './distribution-distance.ts';
import type { Bin } from './profile-types.ts';

export const REAL_COLOUR = '#1f4e79';
export const SYNTH_COLOUR = '#d9730d';
const W = 380;
const H = 170;
const M = { left: 40, right: 12, top: 10, bottom: 38 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const f1 = (x: number) => (Math.round(x * 10) / 10).toString();

export function compact(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${f1(x / 1e9)}G`;
  if (a >= 1e6) return `${f1(x / 1e6)}M`;
  if (a >= 1e4) return `${f1(x / 1e3)}k`;
  if (a >= 100 || Number.isInteger(x)) return String(Math.round(x));
  return String(Number(x.toPrecision(3)));
}

const dateLabel = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function frame(inner: string, title: string): string {
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" ` +
    `aria-label="${escapeHtml(title)}">` +
    `<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="#fafafa" stroke="#ddd"/>` +
    inner +
    '</svg>'
  );
}

const text = (x: number, y: number, s: string, anchor = 'middle', extra = '') =>
  `<text x="${f1(x)}" y="${f1(y)}" text-anchor="${anchor}" font-size="10" fill="#444"${extra}>${escapeHtml(s)}</text>`;

function yAxis(label = ''): string {
  let out = '';
  for (const v of [0, 0.5, 1]) {
    const y = M.top + PH * (1 - v);
    out += `<line x1="${M.left}" x2="${M.left + PW}" y1="${f1(y)}" y2="${f1(y)}" stroke="#e4e4e4"/>`;
    out += text(M.left - 4, y + 3, label === '%' ? `${v * 100}%` : String(v), 'end');
  }
  return out;
}

/** Two CDFs drawn over each other (production solid, snapshot dashed); log x when values span decades. */
export function cdfChart(real: Polyline, synth: Polyline | null, o: { time?: boolean; title: string }): string {
  const all = [...real, ...(synth ?? [])].map((p) => p[0]);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const log = !o.time && lo > 0 && hi / lo > 50;
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const sx = (x: number) =>
    M.left + PW * (log ? (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (x - lo) / (hi - lo));
  const sy = (y: number) => M.top + PH * (1 - y);
  const path = (line: Polyline) => line.map(([x, y], i) => `${i ? 'L' : 'M'}${f1(sx(x))},${f1(sy(y))}`).join('');
  let inner = yAxis();
  inner += `<path d="${path(real)}" fill="none" stroke="${REAL_COLOUR}" stroke-width="2"/>`;
  if (synth?.length) {
    inner += `<path d="${path(synth)}" fill="none" stroke="${SYNTH_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>`;
  }
  const ticks = log ? [lo, Math.sqrt(lo * hi), hi] : [lo, (lo + hi) / 2, hi];
  ticks.forEach(
    (x, i) =>
      (inner += text(
        sx(x),
        M.top + PH + 13,
        o.time ? dateLabel(x) : compact(x),
        i === 0 ? 'start' : i === 2 ? 'end' : 'middle',
      )),
  );
  inner += text(M.left + PW / 2, H - 6, `cumulative share${log ? ' (log scale)' : ''}`);
  return frame(inner, o.title);
}

/** Paired bars per label; long label lists keep the largest and fold the rest into 'rest'. */
export function barsChart(
  labels: string[],
  real: number[],
  synth: number[] | null,
  o: { title: string; max?: number },
): string {
  let L = labels;
  let R = real;
  let S = synth;
  const limit = o.max ?? 24;
  if (labels.length > limit) {
    const order = labels
      .map((_, i) => i)
      .sort((a, b) => Math.max(real[b]!, synth?.[b] ?? 0) - Math.max(real[a]!, synth?.[a] ?? 0));
    const keep = new Set(order.slice(0, limit - 1));
    const idx = labels.map((_, i) => i).filter((i) => keep.has(i));
    const rest = labels.map((_, i) => i).filter((i) => !keep.has(i));
    L = [...idx.map((i) => labels[i]!), 'rest'];
    R = [...idx.map((i) => real[i]!), rest.reduce((a, i) => a + real[i]!, 0)];
    S = synth ? [...idx.map((i) => synth[i]!), rest.reduce((a, i) => a + synth[i]!, 0)] : null;
  }
  const top = Math.max(0.0001, ...R, ...(S ?? []));
  const slot = PW / L.length;
  const bw = Math.max(1, slot * 0.38);
  let inner = '';
  for (const v of [0, 0.5, 1]) {
    const y = M.top + PH * (1 - v);
    inner += `<line x1="${M.left}" x2="${M.left + PW}" y1="${f1(y)}" y2="${f1(y)}" stroke="#e4e4e4"/>`;
    inner += text(M.left - 4, y + 3, `${Math.round(top * v * 1000) / 10}%`, 'end');
  }
  L.forEach((label, i) => {
    const x = M.left + slot * i + slot / 2;
    const h = (v: number) => (PH * v) / top;
    inner +=
      `<rect x="${f1(x - bw)}" y="${f1(M.top + PH - h(R[i]!))}" width="${f1(bw)}" height="${f1(h(R[i]!))}" ` +
      `fill="${REAL_COLOUR}">` +
      `<title>${escapeHtml(`${label}: ${(R[i]! * 100).toFixed(2)}% in production`)}</title></rect>`;
    if (S) {
      inner +=
        `<rect x="${f1(x)}" y="${f1(M.top + PH - h(S[i]!))}" width="${f1(bw)}" height="${f1(h(S[i]!))}" ` +
        `fill="${SYNTH_COLOUR}">` +
        `<title>${escapeHtml(`${label}: ${(S[i]! * 100).toFixed(2)}% in the snapshot`)}</title></rect>`;
    }
    // Rotated labels when they would not fit side by side (about 6 px a character at this size).
    const rotate = L.length > 8 || Math.max(...L.map((l) => Math.min(12, l.length))) * 6 > slot;
    const short = label.length > 12 ? label.slice(0, 11) + '…' : label;
    inner += rotate
      ? text(x, M.top + PH + 8, short, 'end', ` transform="rotate(-45 ${f1(x)} ${f1(M.top + PH + 8)})"`)
      : text(x, M.top + PH + 13, short);
  });
  return frame(inner, o.title);
}

export const binLabel = (b: Bin) => (b.hi - b.lo === 1 ? String(b.lo) : `${compact(b.lo)}-${compact(b.hi - 1)}`);

/** Two rates as horizontal bars. */
export function rateChart(real: number, synth: number | null, o: { title: string }): string {
  const top = Math.max(0.0001, real, synth ?? 0);
  const bar = (y: number, v: number, colour: string, who: string) =>
    `<rect x="${M.left}" y="${y}" width="${f1((PW * v) / top)}" height="26" fill="${colour}"/>` +
    text(M.left + 4, y + 40, `${who}: ${(v * 100).toFixed(2)}%`, 'start');
  let inner = bar(M.top + 8, real, REAL_COLOUR, 'production');
  if (synth !== null) inner += bar(M.top + 62, synth, SYNTH_COLOUR, 'snapshot');
  return frame(inner, o.title);
}

/** Rates across ordered groups (a hazard curve), one line per side. */
export function ratesChart(
  labels: string[],
  real: (number | null)[],
  synth: (number | null)[] | null,
  o: { title: string },
): string {
  const top = Math.max(0.0001, ...real.map((v) => v ?? 0), ...(synth ?? []).map((v) => v ?? 0));
  const sx = (i: number) => M.left + (labels.length === 1 ? PW / 2 : (PW * i) / (labels.length - 1));
  const sy = (v: number) => M.top + PH * (1 - v / top);
  const path = (vs: (number | null)[]) =>
    vs.map((v, i) => (v === null ? '' : `${i && vs[i - 1] !== null ? 'L' : 'M'}${f1(sx(i))},${f1(sy(v))}`)).join('');
  let inner = '';
  for (const v of [0, 0.5, 1]) {
    const y = M.top + PH * (1 - v);
    inner += `<line x1="${M.left}" x2="${M.left + PW}" y1="${f1(y)}" y2="${f1(y)}" stroke="#e4e4e4"/>`;
    inner += text(M.left - 4, y + 3, `${Math.round(top * v * 1000) / 10}%`, 'end');
  }
  inner += `<path d="${path(real)}" fill="none" stroke="${REAL_COLOUR}" stroke-width="2"/>`;
  if (synth) {
    inner += `<path d="${path(synth)}" fill="none" stroke="${SYNTH_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>`;
  }
  const step = Math.ceil(labels.length / 8);
  labels.forEach((l, i) => {
    if (i % step === 0) inner += text(sx(i), M.top + PH + 13, l);
  });
  return frame(inner, o.title);
}
