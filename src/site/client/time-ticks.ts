/**
 * Ticks of a time axis (the response-time chart): round steps (1 min … 7 d) chosen so that at
 * most `maxTicks` fit the range, aligned to the page's time zone, and a label format that tells
 * every tick apart (a step under a day shows the time, with the date when the range spans
 * days; a step of days shows the date). No two ticks ever get the same label, even over a range
 * of a few minutes or a single sample.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Round steps, smallest first. */
export const TICK_STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY] as const;

export interface TimeAxis {
  /** The range shown: the data's, widened to at least one step each side of a lone point. */
  min: number;
  max: number;
  step: number;
  ticks: number[];
  /** Label of a tick, e.g. `14:30`, `Nov 24, 14:30`, `Nov 24`. */
  label(t: number): string;
}

/** The zone's offset from UTC at `t`, ms (Europe/Berlin in winter: +3,600,000). */
export function zoneOffset(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

export function timeAxis(dataMin: number, dataMax: number, opts: { timeZone: string; locale: string; maxTicks?: number }): TimeAxis {
  const maxTicks = Math.max(2, opts.maxTicks ?? 6);
  let min = Math.min(dataMin, dataMax);
  let max = Math.max(dataMin, dataMax);
  if (max - min < MIN) {
    // One sample (or several within a minute): a quarter of an hour each side.
    min -= 15 * MIN;
    max += 15 * MIN;
  }
  const span = max - min;
  const step = TICK_STEPS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ?? Math.ceil(span / (maxTicks - 1) / DAY) * DAY;
  const offset = zoneOffset(min, opts.timeZone);
  // Multiples of the step in local wall-clock time (midnight, whole hours, quarter hours).
  const first = Math.ceil((min + offset) / step) * step - offset;
  const ticks: number[] = [];
  for (let t = first; t <= max; t += step) ticks.push(t);
  const spansDays = new Intl.DateTimeFormat('en-CA', { timeZone: opts.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const manyDays = spansDays.format(new Date(min)) !== spansDays.format(new Date(max));
  const fmt =
    step >= DAY
      ? new Intl.DateTimeFormat(opts.locale, { timeZone: opts.timeZone, month: 'short', day: 'numeric' })
      : manyDays
        ? new Intl.DateTimeFormat(opts.locale, { timeZone: opts.timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
        : new Intl.DateTimeFormat(opts.locale, { timeZone: opts.timeZone, hour: '2-digit', minute: '2-digit' });
  return { min, max, step, ticks, label: (t) => fmt.format(new Date(t)) };
}
