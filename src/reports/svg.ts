/**
 * Charts of the HTML report as inline SVG: no script, no external resource, fixed coordinates
 * with one decimal (deterministic), readable in print (strokes and text, no colour-only meaning).
 */
import { escapeXml as esc } from '../text/escape.ts';

const f = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

export interface BurnPoint {
  t: number;
  /** Remaining share of the budget (1 = untouched); null: unknown. */
  remaining: number | null;
}

/**
 * Remaining error budget over the period against the ideal line (a straight fall from 100% at
 * the start to 0% at the end). The y axis runs from 100% down to 0%, or lower when overspent.
 */
export function burnDownSvg(title: string, points: readonly BurnPoint[], from: number, to: number): string {
  const W = 640;
  const H = 220;
  const L = 48;
  const R = 12;
  const T = 12;
  const B = 28;
  const known = points.filter((p): p is { t: number; remaining: number } => p.remaining !== null);
  const low = Math.min(0, ...known.map((p) => p.remaining));
  const bottom = low < 0 ? Math.floor(low * 4) / 4 : 0; // quarter steps below 0
  const x = (t: number) => L + ((t - from) / (to - from)) * (W - L - R);
  const y = (v: number) => T + ((1 - v) / (1 - bottom)) * (H - T - B);
  const ticks: number[] = [];
  for (let v = 1; v >= bottom - 1e-9; v -= 0.25) ticks.push(Math.round(v * 100) / 100);
  const grid = ticks
    .map((v) => `<line x1="${L}" y1="${f(y(v))}" x2="${W - R}" y2="${f(y(v))}" class="grid"/><text x="${L - 6}" y="${f(y(v) + 4)}" text-anchor="end">${Math.round(v * 100)}%</text>`)
    .join('');
  const line = known.map((p) => `${f(x(p.t))},${f(y(p.remaining))}`).join(' ');
  const days = Math.round((to - from) / 86_400_000);
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((k) => {
      const t = from + k * (to - from);
      return `<text x="${f(x(t))}" y="${H - 8}" text-anchor="middle">${new Date(t).toISOString().slice(5, 10)}</text>`;
    })
    .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(title)}</title>${grid}${xTicks}` +
    `<line x1="${f(x(from))}" y1="${f(y(1))}" x2="${f(x(to))}" y2="${f(y(0))}" class="ideal"/>` +
    (known.length ? `<polyline points="${line}" class="actual"/>` : '') +
    known.map((p) => `<circle cx="${f(x(p.t))}" cy="${f(y(p.remaining))}" r="2" class="dot"/>`).join('') +
    `<text x="${W - R}" y="${T + 10}" text-anchor="end" class="legend">— remaining   - - ideal (${days} days)</text>` +
    `</svg>`
  );
}

/** Monthly availability bars of one component (twelve months), scaled from `low`% to 100%. */
export function trendSvg(title: string, values: readonly { label: string; percent: string | null; met: boolean | null }[]): string {
  const W = 300;
  const H = 64;
  const nums = values.map((v) => (v.percent === null ? null : Number(v.percent)));
  const min = Math.min(100, ...nums.filter((n): n is number => n !== null));
  const low = min >= 99 ? 99 : min >= 95 ? 95 : min >= 90 ? 90 : 0;
  const bw = W / Math.max(1, values.length);
  const bars = values
    .map((v, i) => {
      const n = nums[i] ?? null;
      const label = `${v.label}: ${v.percent === null ? 'no data' : `${v.percent}%`}`;
      if (n === null) return `<rect x="${f(i * bw + 2)}" y="${H - 16}" width="${f(bw - 4)}" height="2" class="nodata"><title>${esc(label)}</title></rect>`;
      const h = Math.max(2, ((n - low) / (100 - low)) * (H - 18));
      return `<rect x="${f(i * bw + 2)}" y="${f(H - 14 - h)}" width="${f(bw - 4)}" height="${f(h)}" class="${v.met === false ? 'missed' : 'met'}"><title>${esc(label)}</title></rect>`;
    })
    .join('');
  const labels = values.map((v, i) => `<text x="${f(i * bw + bw / 2)}" y="${H - 3}" text-anchor="middle">${esc(v.label.slice(0, 1))}</text>`).join('');
  return `<svg class="spark" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)} (scale ${low}% to 100%)" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>${bars}${labels}</svg>`;
}
