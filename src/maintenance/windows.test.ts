import { describe, expect, it } from 'vitest';
import { activeFor, expandWindows, schedule, type MaintenanceWindow, type Recurrence } from './windows.ts';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function recurring(r: Partial<Recurrence>, id = 'weekly'): MaintenanceWindow {
  return {
    id,
    title: 'Weekly patching',
    description: null,
    components: ['api'],
    start: null,
    end: null,
    recurring: { every: 'week', on: ['sunday'], at: '02:00', durationMs: 2 * H, timeZone: 'Europe/Berlin', from: null, until: null, ...r },
  };
}

describe('expandWindows', () => {
  it('weekly at 02:00 Berlin stays at 02:00 local time across the October DST change', () => {
    const occ = expandWindows([recurring({})], Date.parse('2026-10-17T00:00:00Z'), Date.parse('2026-11-02T00:00:00Z'));
    expect(occ.map((o) => [iso(o.start), iso(o.end)])).toEqual([
      ['2026-10-18T00:00:00.000Z', '2026-10-18T02:00:00.000Z'], // CEST, UTC+2
      ['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z'], // 02:00 happens twice that night: the first (CEST) counts
      ['2026-11-01T01:00:00.000Z', '2026-11-01T03:00:00.000Z'], // CET, UTC+1
    ]);
  });

  it('a start time that does not exist on the spring-forward day moves to the first valid instant', () => {
    const occ = expandWindows([recurring({ at: '02:30' })], Date.parse('2026-03-28T00:00:00Z'), Date.parse('2026-03-30T00:00:00Z'));
    // 2026-03-29 02:30 does not exist in Berlin (02:00 -> 03:00); luxon gives 03:30 CEST = 01:30Z.
    expect(occ.map((o) => iso(o.start))).toEqual(['2026-03-29T01:30:00.000Z']);
    expect(occ[0]!.end - occ[0]!.start).toBe(2 * H);
  });

  it.each<[string, Partial<Recurrence>, string, string, string[]]>([
    ['daily', { every: 'day', on: null, timeZone: 'UTC' }, '2026-11-01T00:00:00Z', '2026-11-04T00:00:00Z', ['2026-11-01T02:00:00.000Z', '2026-11-02T02:00:00.000Z', '2026-11-03T02:00:00.000Z']],
    ['several weekdays', { on: ['monday', 'thursday'], timeZone: 'UTC' }, '2026-11-02T00:00:00Z', '2026-11-09T00:00:00Z', ['2026-11-02T02:00:00.000Z', '2026-11-05T02:00:00.000Z']],
    ['monthly on the 31st falls on the last day of short months', { every: 'month', on: 31, timeZone: 'UTC' }, '2026-04-01T00:00:00Z', '2026-06-01T00:00:00Z', ['2026-04-30T02:00:00.000Z', '2026-05-31T02:00:00.000Z']],
    ['from and until bound the rule', { every: 'day', on: null, timeZone: 'UTC', from: '2026-11-02', until: '2026-11-03' }, '2026-11-01T00:00:00Z', '2026-11-06T00:00:00Z', ['2026-11-02T02:00:00.000Z', '2026-11-03T02:00:00.000Z']],
    ['an occurrence that started before the range and still runs is included', { every: 'day', on: null, timeZone: 'UTC' }, '2026-11-01T03:00:00Z', '2026-11-01T05:00:00Z', ['2026-11-01T02:00:00.000Z']],
  ])('%s', (_name, r, from, to, want) => {
    expect(expandWindows([recurring(r)], Date.parse(from), Date.parse(to)).map((o) => iso(o.start))).toEqual(want);
  });

  it('one-off windows overlap-filtered and sorted with recurring ones', () => {
    const oneOff: MaintenanceWindow = {
      id: 'db-upgrade',
      title: 'Database upgrade',
      description: null,
      components: ['db'],
      start: Date.parse('2026-11-01T01:00:00Z'),
      end: Date.parse('2026-11-01T01:30:00Z'),
      recurring: null,
    };
    const occ = expandWindows([recurring({ timeZone: 'UTC' }), oneOff], Date.parse('2026-10-31T00:00:00Z'), Date.parse('2026-11-02T00:00:00Z'));
    expect(occ.map((o) => o.id)).toEqual(['db-upgrade@2026-11-01T01:00:00.000Z', 'weekly@2026-11-01T02:00:00.000Z']);
    expect(activeFor(occ, 'db', Date.parse('2026-11-01T01:10:00Z'))?.windowId).toBe('db-upgrade');
    expect(activeFor(occ, 'api', Date.parse('2026-11-01T01:10:00Z'))).toBeNull();
    expect(activeFor(occ, 'api', Date.parse('2026-11-01T04:00:00Z'))).toBeNull(); // end is exclusive
  });
});

describe('schedule', () => {
  it('splits active, upcoming and past', () => {
    const now = Date.parse('2026-11-01T02:30:00Z');
    const s = schedule([recurring({ every: 'day', on: null, timeZone: 'UTC' })], now, 2 * 24 * H, 2 * 24 * H);
    expect(s.active.map((o) => iso(o.start))).toEqual(['2026-11-01T02:00:00.000Z']);
    expect(s.upcoming.map((o) => iso(o.start))).toEqual(['2026-11-02T02:00:00.000Z', '2026-11-03T02:00:00.000Z']);
    expect(s.past.map((o) => iso(o.start))).toEqual(['2026-10-31T02:00:00.000Z', '2026-10-30T02:00:00.000Z']);
  });
});
