/**
 * Maintenance in the model: declared windows override the recorded status of a component's
 * time (so a window declared after the fact still excludes that time from availability), and
 * the schedule of active, upcoming and past windows.
 */
import type { MaintenanceWindow, Occurrence } from '../maintenance/windows.ts';
import { expandWindows, schedule } from '../maintenance/windows.ts';
import type { Segment } from './timeline.ts';

/** Re-labels as maintenance every part of the segments that falls inside one of the occurrences. */
export function overlayMaintenance(segments: readonly Segment[], occurrences: readonly Occurrence[]): Segment[] {
  if (occurrences.length === 0) return [...segments];
  const windows = occurrences.map((o) => [o.start, o.end] as const).sort((a, b) => a[0] - b[0]);
  const out: Segment[] = [];
  const push = (s: Segment) => {
    if (s.end <= s.start) return;
    const last = out[out.length - 1];
    if (last && last.status === s.status && last.end === s.start) last.end = s.end;
    else out.push({ ...s });
  };
  for (const seg of segments) {
    let cursor = seg.start;
    for (const [ws, we] of windows) {
      if (we <= cursor || ws >= seg.end) continue;
      push({ start: cursor, end: Math.max(cursor, ws), status: seg.status });
      push({ start: Math.max(cursor, ws), end: Math.min(seg.end, we), status: 'maintenance' });
      cursor = Math.min(seg.end, we);
    }
    push({ start: cursor, end: seg.end, status: seg.status });
  }
  return out;
}

export interface MaintenanceModel {
  id: string;
  windowId: string;
  title: string;
  description: string | null;
  components: string[];
  start: string;
  end: string;
  recurring: boolean;
  /** When the occurrence entered the published schedule: 30 days (AHEAD_MS) before its start. */
  announcedAt: string;
  /**
   * When the occurrence was last updated, never after the model's `now`: when it entered the
   * published schedule (30 days before its start, AHEAD_MS) while upcoming, its start while in
   * progress, its end once completed. Feeds and the API date their entries with it.
   */
  updatedAt: string;
}

export interface MaintenanceScheduleModel {
  active: MaintenanceModel[];
  upcoming: MaintenanceModel[];
  past: MaintenanceModel[];
}

/** How far ahead the schedule lists upcoming maintenance. */
export const AHEAD_MS = 30 * 86_400_000;

/** The model of one occurrence as of `now`. */
export function maintenanceEntry(o: Occurrence, recurring: boolean, now: number): MaintenanceModel {
  const announced = o.start - AHEAD_MS;
  const updated = o.end <= now ? o.end : o.start <= now ? o.start : Math.min(now, announced);
  return {
    id: o.id,
    windowId: o.windowId,
    title: o.title,
    description: o.description,
    components: o.components,
    start: new Date(o.start).toISOString(),
    end: new Date(o.end).toISOString(),
    recurring,
    announcedAt: new Date(announced).toISOString(),
    updatedAt: new Date(updated).toISOString(),
  };
}

/**
 * Occurrences without the recurring ones that ended before monitoring began (`since`, the
 * earliest stored data; null: no data yet): a rule declared today does not make "completed"
 * maintenance of the months before anyone watched. One-off windows are kept: their dates were
 * written down by hand.
 */
export function sinceMonitoring(occurrences: readonly Occurrence[], recurring: ReadonlySet<string>, since: number | null): Occurrence[] {
  return occurrences.filter((o) => !recurring.has(o.windowId) || (since !== null && o.end > since));
}

/**
 * The schedule at `now`: active, upcoming (30 days) and past (`backMs`) occurrences. Past
 * recurring occurrences count only from `monitoringSince` on (see `sinceMonitoring`).
 */
export function maintenanceModel(windows: readonly MaintenanceWindow[], now: number, backMs: number, monitoringSince: number | null): MaintenanceScheduleModel {
  const recurring = new Set(windows.filter((w) => w.recurring).map((w) => w.id));
  const toModel = (o: Occurrence) => maintenanceEntry(o, recurring.has(o.windowId), now);
  const s = schedule(windows, now, backMs, AHEAD_MS);
  return { active: s.active.map(toModel), upcoming: s.upcoming.map(toModel), past: sinceMonitoring(s.past, recurring, monitoringSince).map(toModel) };
}

/** Occurrences per component over [from, to). */
export function occurrencesByComponent(windows: readonly MaintenanceWindow[], from: number, to: number): Map<string, Occurrence[]> {
  const out = new Map<string, Occurrence[]>();
  for (const o of expandWindows(windows, from, to)) {
    for (const c of o.components) {
      let list = out.get(c);
      if (!list) out.set(c, (list = []));
      list.push(o);
    }
  }
  return out;
}
