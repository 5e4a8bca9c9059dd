/**
 * Maintenance windows: one-off and recurring, expanded into concrete occurrences.
 *
 * A recurring window starts at a wall-clock time in its own time zone (every Sunday 02:00
 * Europe/Berlin) and lasts a fixed duration of real time. Across DST changes the start stays at
 * 02:00 local time; on the day a local time does not exist (clocks spring forward through it)
 * the window starts at the first valid instant after it, and on the night a local time happens
 * twice (clocks fall back) the first of the two counts, as luxon resolves them.
 */
import { DateTime } from 'luxon';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Recurrence {
  every: 'day' | 'week' | 'month';
  /** Weekdays for `week`; day of the month (1-31) for `month`; ignored for `day`. */
  on: Weekday[] | number | null;
  /** Local start time, `HH:MM`. */
  at: string;
  durationMs: number;
  timeZone: string;
  /** First and last calendar dates (inclusive, `YYYY-MM-DD` in the zone) the rule applies to. */
  from: string | null;
  until: string | null;
}

export interface MaintenanceWindow {
  id: string;
  title: string;
  description: string | null;
  components: string[];
  /** One-off window: start and end, epoch ms. */
  start: number | null;
  end: number | null;
  recurring: Recurrence | null;
}

export interface Occurrence {
  /** `<window id>@<start ISO>`: stable across runs. */
  id: string;
  windowId: string;
  title: string;
  description: string | null;
  components: string[];
  start: number;
  end: number;
}

function occurrence(w: MaintenanceWindow, start: number, end: number): Occurrence {
  return {
    id: `${w.id}@${new Date(start).toISOString()}`,
    windowId: w.id,
    title: w.title,
    description: w.description,
    components: w.components,
    start,
    end,
  };
}

function matchesDay(r: Recurrence, day: DateTime): boolean {
  const date = day.toISODate() as string;
  if (r.from && date < r.from) return false;
  if (r.until && date > r.until) return false;
  if (r.every === 'day') return true;
  if (r.every === 'week') {
    const days = Array.isArray(r.on) ? r.on : [];
    return days.includes(WEEKDAYS[day.weekday - 1] as Weekday);
  }
  // `month`: a day beyond the month's length (31 in April) falls on its last day.
  const dom = typeof r.on === 'number' ? r.on : 1;
  return day.day === Math.min(dom, day.daysInMonth as number);
}

/** Occurrences of a recurrence that overlap [from, to). */
function expandRecurrence(w: MaintenanceWindow, r: Recurrence, from: number, to: number): Occurrence[] {
  const [hour, minute] = r.at.split(':').map(Number) as [number, number];
  const out: Occurrence[] = [];
  // Start one duration early so an occurrence that began before `from` and still runs is found.
  let day = DateTime.fromMillis(from - r.durationMs, { zone: r.timeZone }).startOf('day');
  const last = DateTime.fromMillis(to, { zone: r.timeZone }).endOf('day');
  for (; day <= last; day = day.plus({ days: 1 })) {
    if (!matchesDay(r, day)) continue;
    const start = day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    const end = start + r.durationMs;
    if (end > from && start < to) out.push(occurrence(w, start, end));
  }
  return out;
}

/** Every occurrence of the windows that overlaps [from, to), sorted by start. */
export function expandWindows(windows: readonly MaintenanceWindow[], from: number, to: number): Occurrence[] {
  const out: Occurrence[] = [];
  for (const w of windows) {
    if (w.recurring) out.push(...expandRecurrence(w, w.recurring, from, to));
    else if (w.start !== null && w.end !== null && w.end > from && w.start < to) out.push(occurrence(w, w.start, w.end));
  }
  return out.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
}

/** The occurrence covering a component at instant t, if any. */
export function activeFor(occurrences: readonly Occurrence[], component: string, t: number): Occurrence | null {
  return occurrences.find((o) => o.start <= t && t < o.end && o.components.includes(component)) ?? null;
}

export interface MaintenanceSchedule {
  active: Occurrence[];
  upcoming: Occurrence[];
  past: Occurrence[];
}

/** Active, upcoming (within `aheadMs`) and past (within `backMs`) occurrences at `now`. */
export function schedule(windows: readonly MaintenanceWindow[], now: number, backMs: number, aheadMs: number): MaintenanceSchedule {
  const all = expandWindows(windows, now - backMs, now + aheadMs);
  return {
    active: all.filter((o) => o.start <= now && now < o.end),
    upcoming: all.filter((o) => o.start > now),
    past: all.filter((o) => o.end <= now).reverse(),
  };
}
