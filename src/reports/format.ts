/**
 * Stable formatting for the reports: no locale, no clock, the same text on every machine, so
 * the same data gives byte-identical files. Times are UTC.
 */
import { flooredShare } from '../model/slo.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-05-03 14:05 UTC` (seconds only when not zero). */
export function utcTime(ms: number | string): string {
  const d = new Date(typeof ms === 'string' ? Date.parse(ms) : ms);
  const s = d.getUTCSeconds();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${s ? `:${pad(s)}` : ''} UTC`;
}

export function utcDate(ms: number | string): string {
  return new Date(typeof ms === 'string' ? Date.parse(ms) : ms).toISOString().slice(0, 10);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2026-05` → `May 2026`. */
export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]} ${y}`;
}

/** `Jan` … `Dec` of a `YYYY-MM`. */
export function shortMonth(month: string): string {
  return (MONTH_NAMES[Number(month.slice(5, 7)) - 1] as string).slice(0, 3);
}

/** A duration in words, to the second: `45 s`, `12 min`, `1 h 05 min`, `2 d 3 h 10 min`. */
export function duration(ms: number): string {
  if (ms < 0) return `-${duration(-ms)}`;
  if (ms < MIN) return `${Math.floor(ms / 1000)} s`;
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MIN);
  const s = Math.floor((ms % MIN) / 1000);
  const parts: string[] = [];
  if (d) parts.push(`${d} d`);
  if (d || h) parts.push(`${h} h`);
  parts.push(d || h ? `${pad(m)} min` : `${m} min`);
  if (s && !d) parts.push(`${pad(s)} s`);
  return parts.join(' ');
}

/** Minutes with one decimal, truncated towards minus infinity: 2,700,000 ms → `45.0`, 3,000 → `0.0`. */
export function minutes(ms: number): string {
  const tenths = Math.floor(ms / 6000);
  const neg = tenths < 0;
  const a = Math.abs(tenths);
  return `${neg ? '-' : ''}${thousands(Math.floor(a / 10))}.${a % 10}`;
}

/** `1234567` → `1,234,567`. */
export function thousands(n: number): string {
  const neg = n < 0;
  const s = String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${s}` : s;
}

/** A latency in ms with one decimal (`84.0`), or `—`. */
export function latency(ms: number | null): string {
  return ms === null ? '—' : ms.toFixed(1);
}

/** Relative change of b against a: `+5.0%`, `-12.3%`, `±0.0%`; `—` without both. */
export function change(now: number | null, before: number | null): string {
  if (now === null || before === null || before === 0) return '—';
  const tenths = Math.round(((now - before) / before) * 1000);
  if (tenths === 0) return '±0.0%';
  return `${tenths > 0 ? '+' : '-'}${Math.floor(Math.abs(tenths) / 10)}.${Math.abs(tenths) % 10}%`;
}

/** A target in percent as written (`99.9`, `99.95`, `99`). */
export function targetText(t: number): string {
  return String(Number(t.toFixed(4)));
}

/** A number with at most `decimals` decimals, trailing zeros dropped (`12.5`, `3`). */
export function num(x: number, decimals = 2): string {
  return String(Number(x.toFixed(decimals)));
}

/** A share (0..1, or below 0 for an overspent budget) as a floored percentage with two decimals (the page's figure); `—` for null. */
export function share(x: number | null): string {
  return x === null ? '—' : flooredShare(x);
}
