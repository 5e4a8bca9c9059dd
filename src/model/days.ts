/**
 * Calendar days in the page's time zone (DST-correct: a day may last 23 or 25 hours).
 */
import { DateTime } from 'luxon';

export interface DayRange {
  /** `YYYY-MM-DD` in the time zone. */
  date: string;
  /** Start of the day, epoch ms. */
  start: number;
  /** End of the day (exclusive), epoch ms, clipped to `now` for today. */
  end: number;
}

/** The last `count` days ending with today (the day containing `now`), oldest first. */
export function dayRanges(now: number, count: number, timeZone: string): DayRange[] {
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf('day');
  if (!today.isValid) throw new Error(`invalid time zone ${JSON.stringify(timeZone)}`);
  const out: DayRange[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const start = today.minus({ days: i });
    const end = start.plus({ days: 1 });
    out.push({ date: start.toISODate() as string, start: start.toMillis(), end: Math.min(end.toMillis(), now) });
  }
  return out;
}
