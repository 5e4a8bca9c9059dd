/**
 * Uptime Kuma maintenance (`maintenanceList` of newer backups) to Cairn maintenance windows:
 * `single` → a one-off window (its local date range in its time zone), `recurring-weekday` →
 * every week on those days, `recurring-day-of-month` → every month on each day,
 * `recurring-interval` of 1 day → every day. `manual` and `cron` have no Cairn equivalent.
 */
import { formatDuration } from '../config/schema.ts';
import { IdAllocator, type PeerSkip } from './peer.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

const WEEKDAY_BY_NUMBER = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The offset (ms) of a zone at an instant. */
function offsetAt(ms: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
  return local - Math.floor(ms / 1000) * 1000;
}

/** A local wall time (`2026-12-05 02:00[:00]`) in a zone to an instant; null when unreadable. */
export function zonedInstant(text: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  let guess = wall - offsetAt(wall, zone);
  guess = wall - offsetAt(guess, zone);
  return guess;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const hhmm = (t: Obj) => `${String(Number(t['hours'] ?? 0)).padStart(2, '0')}:${String(Number(t['minutes'] ?? 0)).padStart(2, '0')}`;

export function convertMaintenance(list: unknown, components: ReadonlyMap<string, string>, reserved: ReadonlySet<string> = new Set()): { windows: Record<string, unknown>[]; skipped: PeerSkip[] } {
  const windows: Record<string, unknown>[] = [];
  const skipped: PeerSkip[] = [];
  const alloc = new IdAllocator(reserved);
  for (const raw of Array.isArray(list) ? list : []) {
    const m = obj(raw);
    const title = str(m['title']) ?? `maintenance ${String(m['id'])}`;
    const no = (reason: string) => skipped.push({ what: 'maintenance', message: `maintenance "${title}": ${reason}` });
    const refs = [m['monitorList'], m['monitors'], m['monitor_list']].find(Array.isArray) as unknown[] | undefined;
    const ids = [...new Set((refs ?? []).map((r) => components.get(String(typeof r === 'object' && r ? (r as Obj)['id'] : r))).filter((c): c is string => c !== undefined))];
    if (!ids.length) {
      no('affects no imported monitor (a Cairn window needs at least one component)');
      continue;
    }
    const rawZone = str(m['timezone']) ?? str(m['timezoneOption']) ?? 'UTC';
    const zone = rawZone === 'SAME_AS_SERVER' || !isZone(rawZone) ? 'UTC' : rawZone;
    const base = { id: alloc.take(`kuma-${title}`, 'maintenance'), title, ...(str(m['description']) ? { description: str(m['description']) } : {}), components: ids };
    const copy = () => ({ ...base, components: [...ids] });
    const strategy = str(m['strategy']) ?? 'manual';
    const dates = Array.isArray(m['dateRange']) ? m['dateRange'].map((d) => (typeof d === 'string' ? d : null)) : [];
    const times = Array.isArray(m['timeRange']) ? m['timeRange'].map(obj) : [];
    if (strategy === 'single') {
      const start = dates[0] ? zonedInstant(dates[0], zone) : null;
      const end = dates[1] ? zonedInstant(dates[1], zone) : null;
      if (start === null || end === null || end <= start) no('no readable date range');
      else windows.push({ ...copy(), start: iso(start), end: iso(end) });
      continue;
    }
    if (strategy === 'manual' || strategy === 'cron') {
      no(strategy === 'manual' ? 'a manual window (switched on and off by hand) has no schedule' : 'a cron schedule has no Cairn equivalent (day, week or month)');
      continue;
    }
    const [from, to] = times;
    if (!from || !to) {
      no('no time range');
      continue;
    }
    const startMin = Number(from['hours'] ?? 0) * 60 + Number(from['minutes'] ?? 0);
    let endMin = Number(to['hours'] ?? 0) * 60 + Number(to['minutes'] ?? 0);
    if (endMin <= startMin) endMin += 24 * 60;
    const rule: Obj = { at: hhmm(from), duration: formatDuration((endMin - startMin) * 60_000), timeZone: zone };
    const first = dates[0]?.slice(0, 10);
    const last = dates[1]?.slice(0, 10);
    if (first && /^\d{4}-\d{2}-\d{2}$/.test(first)) rule['from'] = first;
    if (last && /^\d{4}-\d{2}-\d{2}$/.test(last)) rule['until'] = last;
    if (strategy === 'recurring-weekday') {
      const days = (Array.isArray(m['weekdays']) ? m['weekdays'] : []).map((d) => WEEKDAY_BY_NUMBER[Number(d)]).filter((d): d is string => d !== undefined);
      if (!days.length) no('no weekdays');
      else windows.push({ ...copy(), recurring: { every: 'week', on: days.length === 1 ? days[0] : [...new Set(days)], ...rule } });
    } else if (strategy === 'recurring-day-of-month') {
      const days = (Array.isArray(m['daysOfMonth']) ? m['daysOfMonth'] : []).map(Number).filter((d) => Number.isInteger(d) && d >= 1 && d <= 31);
      if (!days.length) no('no days of the month (or only "last day" forms Cairn reads as 31)');
      days.forEach((d, i) => windows.push({ ...copy(), id: i === 0 ? base.id : alloc.take(`${base.id}-${d}`, 'maintenance'), recurring: { every: 'month', on: d, ...rule } }));
    } else if (strategy === 'recurring-interval') {
      if (Number(m['intervalDay']) === 1) windows.push({ ...copy(), recurring: { every: 'day', ...rule } });
      else no(`every ${String(m['intervalDay'])} days: Cairn repeats a window every day, week or month`);
    } else no(`strategy "${strategy}" has no Cairn equivalent`);
  }
  return { windows, skipped };
}
