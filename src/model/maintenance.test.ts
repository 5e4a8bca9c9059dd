import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../maintenance/windows.ts';
import type { Sample } from '../store/samples.ts';
import { computeModel } from './model.ts';
import { computePeriod } from './period.ts';
import { AHEAD_MS, maintenanceModel } from './maintenance.ts';
import { fixtureConfig } from './testing.ts';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-11-24T12:00:00Z');

const daily: MaintenanceWindow = {
  id: 'nightly',
  title: 'Nightly backup',
  description: null,
  components: ['a'],
  start: null,
  end: null,
  recurring: { every: 'day', on: null, at: '03:00', durationMs: H, timeZone: 'UTC', from: null, until: null },
};
const oneOff: MaintenanceWindow = { id: 'move', title: 'Data centre move', description: null, components: ['a'], start: NOW - 60 * D, end: NOW - 60 * D + 2 * H, recurring: null };

function samples(fromMs: number): Sample[] {
  const out: Sample[] = [];
  for (let at = fromMs; at < NOW; at += 15 * 60_000) out.push({ id: 'a', at, status: 'up', responseTimeMs: 10, error: null, statusCode: null });
  return out;
}

describe('maintenance before monitoring began (issue 14)', () => {
  it.each<[string, number | null, number]>([
    ['no data yet: no past recurring occurrence', null, 0],
    ['data for 10 days and 9 hours: the 11 nightly windows since', NOW - 10 * D - 9 * H, 11],
    ['a window running when monitoring began counts', NOW - 9 * D - (9 * H + 30 * 60_000), 10],
    ['monitoring for longer than 90 days: every one of the 90 days', NOW - 200 * D, 90],
  ])('%s', (_name, since, count) => {
    const m = maintenanceModel([daily, oneOff], NOW, 90 * D, since);
    expect(m.past.filter((o) => o.windowId === 'nightly')).toHaveLength(count);
    // A one-off window was written down by hand: listed whenever it was.
    expect(m.past.filter((o) => o.windowId === 'move')).toHaveLength(1);
    expect(m.upcoming.map((o) => o.start)).toContain('2026-11-25T03:00:00.000Z');
  });

  it('the model takes "monitoring began" from the earliest stored sample', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }], maintenance: [daily] });
    const m = computeModel({ config, samples: samples(NOW - 3 * D + 5 * H), now: NOW });
    expect(m.monitoringSince).toBe(new Date(NOW - 3 * D + 5 * H).toISOString());
    // 21, 22, 23 and 24 Nov at 03:00: the 21st began before the data (21 Nov 17:00) and is left out.
    expect(m.maintenance.past.map((o) => o.start)).toEqual(['2026-11-24T03:00:00.000Z', '2026-11-23T03:00:00.000Z', '2026-11-22T03:00:00.000Z']);
    // The report's month lists the same occurrences.
    const month = computePeriod({ config, samples: samples(NOW - 3 * D + 5 * H), now: NOW, period: { label: '2026-11', from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') } });
    expect(month.maintenance.map((o) => o.start)).toEqual(['2026-11-22T03:00:00.000Z', '2026-11-23T03:00:00.000Z', '2026-11-24T03:00:00.000Z']);
  });

  it('dates every occurrence at or before now: announced 30 days ahead, started, ended', () => {
    const m = maintenanceModel([daily], NOW, 90 * D, NOW - 10 * D);
    for (const o of [...m.past, ...m.active, ...m.upcoming]) expect(Date.parse(o.updatedAt)).toBeLessThanOrEqual(NOW);
    expect(m.upcoming[0]).toMatchObject({ start: '2026-11-25T03:00:00.000Z', updatedAt: new Date(Date.parse('2026-11-25T03:00:00Z') - AHEAD_MS).toISOString() });
    expect(m.past[0]).toMatchObject({ start: '2026-11-24T03:00:00.000Z', updatedAt: '2026-11-24T04:00:00.000Z' });
  });
});
