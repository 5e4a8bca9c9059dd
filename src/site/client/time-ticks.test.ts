import { describe, expect, it } from 'vitest';
import { timeAxis, zoneOffset } from './time-ticks.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T = Date.parse('2026-11-24T10:03:17Z');

describe('response-time chart axis (issue 14: one tick label six times)', () => {
  it.each([
    ['one sample', T, T],
    ['three samples over ten minutes', T, T + 10 * MIN],
    ['forty seconds', T, T + 40_000],
    ['an hour', T, T + HOUR],
    ['across midnight', Date.parse('2026-11-24T21:00:00Z'), Date.parse('2026-11-25T03:00:00Z')],
    ['seven days', T - 7 * DAY, T],
    ['two days and a bit', T - 2 * DAY - 5 * HOUR, T],
  ])('%s: at most six ticks, every label different, all inside the range', (_name, a, b) => {
    for (const [timeZone, locale] of [['UTC', 'en-US'], ['Europe/Berlin', 'de-DE'], ['Asia/Kolkata', 'en-IN'], ['America/New_York', 'en-US']] as const) {
      const axis = timeAxis(a, b, { timeZone, locale });
      expect(axis.ticks.length, timeZone).toBeGreaterThanOrEqual(2);
      expect(axis.ticks.length, timeZone).toBeLessThanOrEqual(6);
      const labels = axis.ticks.map(axis.label);
      expect(new Set(labels).size, `${timeZone}: ${labels.join(' | ')}`).toBe(labels.length);
      for (const t of axis.ticks) {
        expect(t).toBeGreaterThanOrEqual(axis.min);
        expect(t).toBeLessThanOrEqual(axis.max);
      }
      expect(axis.min).toBeLessThanOrEqual(Math.min(a, b));
      expect(axis.max).toBeGreaterThanOrEqual(Math.max(a, b));
    }
  });

  it('aligns ticks to the page’s wall clock: whole hours and midnights in the zone', () => {
    const day = timeAxis(T - 7 * DAY, T, { timeZone: 'Asia/Kolkata', locale: 'en-IN' });
    expect(day.step).toBe(2 * DAY);
    for (const t of day.ticks) expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' }).format(new Date(t))).toBe('00:00');
    const hours = timeAxis(T, T + 5 * HOUR, { timeZone: 'Europe/Berlin', locale: 'en-GB' });
    expect(hours.ticks.map(hours.label)).toEqual(['12:00', '13:00', '14:00', '15:00', '16:00']);
    expect(zoneOffset(T, 'Europe/Berlin')).toBe(HOUR);
  });
});
