/** Formatting for the site: dates in the page's zone, durations, figures. Pure. */
import type { ShownStatus } from '../model/status.ts';
import { STATE_GLYPH } from '../vocabulary/states.ts';
import type { DayBar, WindowFigure } from '../model/model.ts';
import type { Strings } from './i18n.ts';

/** A short glyph per status so no status is told by colour alone (the vocabulary's). */
export const STATUS_GLYPH: Record<ShownStatus, string> = STATE_GLYPH;

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * One Intl.DateTimeFormat per locale and options: making one costs far more than using it, and a
 * site formats tens of thousands of dates (90 day bars per component).
 */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}\0${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

export function formatDateTime(iso: string | number, timeZone: string, locale: string): string {
  return dateFormat(locale, {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

export function formatDay(date: string, locale: string): string {
  // `date` is already a calendar date in the page's zone: format it as such, in UTC.
  return dateFormat(locale, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

export function formatDuration(ms: number): string {
  const totalMinutes = Math.floor(ms / 60_000);
  if (totalMinutes < 1) return `${Math.floor(ms / 1000)} s`;
  const d = Math.floor(totalMinutes / 1440);
  const h = Math.floor((totalMinutes % 1440) / 60);
  const m = totalMinutes % 60;
  return [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** `99.95%`, or "not enough data" / "no data" when the model shows no figure for the window. */
export function formatPercent(f: WindowFigure, t: Strings): string {
  if (f.percent !== null) return `${f.percent}%`;
  return f.data === 'insufficient' ? t.notEnoughData : t.noData;
}

/** A table cell: the percentage, "not enough data", or a dash when nothing is known. */
export function percentCell(f: WindowFigure, t: Strings): string {
  return f.percent === null && f.data !== 'insufficient' ? '—' : formatPercent(f, t);
}

/** The line under a component's daily bars: "99.95% uptime over 90 days", or why there is no figure. */
export function uptime90Line(f: WindowFigure, t: Strings): string {
  return f.data === 'insufficient' ? t.notEnoughData90(f.coverage) : t.uptimeOver90(formatPercent(f, t));
}

/** A duration, or "under a minute" when it rounds to nothing. */
export function formatSpan(ms: number, t: Strings): string {
  return formatDuration(ms) || t.underAMinute;
}

/** The text of one daily bar, read by screen readers and shown as its tooltip. */
export function dayBarText(bar: DayBar, locale: string, t: Strings, incidents: readonly string[] = []): string {
  const day = formatDay(bar.date, locale);
  if (bar.level === 'nodata') return t.day.noData(day);
  // Too little data for a percentage: say so, and still tell what was seen.
  const insufficient = bar.data === 'insufficient';
  const parts = [insufficient ? t.day.notEnoughData(day, bar.coverage) : t.day.uptime(day, bar.percent ?? '—')];
  if (bar.downMs > 0) parts.push(t.day.down(formatDuration(bar.downMs) || '<1 min'));
  if (bar.partialMs > 0) parts.push(t.day.partial(formatDuration(bar.partialMs) || '<1 min'));
  if (bar.degradedMs > 0) parts.push(t.day.degraded(formatDuration(bar.degradedMs) || '<1 min'));
  if (bar.maintenanceMs > 0) parts.push(t.day.maintenance(formatDuration(bar.maintenanceMs) || '<1 min'));
  if (bar.coverage !== '100.00' && !insufficient) parts.push(t.day.coverage(bar.coverage));
  if (incidents.length > 0) parts.push(t.day.incidents(incidents.join('; ')));
  return parts.join(', ');
}

/** `Nov 24, 10:00 – 11:30 UTC` style range for maintenance windows. */
export function formatRange(startIso: string, endIso: string, timeZone: string, locale: string): string {
  const fmt = dateFormat(locale, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return `${fmt.formatRange(new Date(startIso), new Date(endIso))} (${timeZone})`;
}
