import { describe, expect, it } from 'vitest';
import type { Incident } from '../incidents/types.ts';
import { incidentModel, monthFigures, utcMonths } from './incidents.ts';
import { overlayMaintenance } from './maintenance.ts';
import type { Segment } from './timeline.ts';

const M = 60_000;
const t = (s: string) => Date.parse(s);

function incident(p: Partial<Incident>): Incident {
  return {
    id: 'x',
    file: 'incidents/x.md',
    owner: null,
    acknowledged: null,
    checklist: [],
    actions: [],
    title: 'X',
    impact: 'major',
    severity: 'P2',
    components: ['api'],
    auto: true,
    startedAt: t('2026-10-05T10:00:00Z'),
    detectedAt: t('2026-10-05T10:05:00Z'),
    resolvedAt: t('2026-10-05T11:00:00Z'),
    updates: [],
    body: '',
    ...p,
  };
}

describe('incident figures', () => {
  it('per incident: duration and time to detect; open incidents run until now', () => {
    const now = t('2026-10-05T12:00:00Z');
    expect(incidentModel(incident({}), now)).toMatchObject({ durationMs: 60 * M, timeToDetectMs: 5 * M, timeToResolveMs: 55 * M, status: 'resolved' });
    expect(incidentModel(incident({ resolvedAt: null }), now).durationMs).toBe(120 * M);
  });

  it('per month and component: count, MTTD, MTTR and downtime', () => {
    const incidents = [
      incident({}),
      incident({ startedAt: t('2026-10-20T00:00:00Z'), detectedAt: t('2026-10-20T00:15:00Z'), resolvedAt: t('2026-10-20T03:00:00Z') }),
      incident({ startedAt: t('2026-10-25T00:00:00Z'), detectedAt: t('2026-10-25T00:01:00Z'), resolvedAt: null }),
      incident({ components: ['db'] }),
      incident({ startedAt: t('2026-11-01T00:00:00Z'), detectedAt: t('2026-11-01T00:00:00Z'), resolvedAt: t('2026-11-01T00:30:00Z') }),
    ];
    const segments: Segment[] = [
      { start: t('2026-10-31T23:00:00Z'), end: t('2026-11-01T01:00:00Z'), status: 'down' },
      { start: t('2026-11-01T01:00:00Z'), end: t('2026-11-02T00:00:00Z'), status: 'up' },
    ];
    const now = t('2026-11-10T00:00:00Z');
    const months = utcMonths(t('2026-10-01T00:00:00Z'), now);
    expect(months.map((m) => m.month)).toEqual(['2026-10', '2026-11']);
    expect(monthFigures('api', incidents, segments, months, now, { partialOutage: { mode: 'full' } })).toEqual([
      { month: '2026-10', incidents: 3, mttdMs: Math.round((5 + 15 + 1) / 3 * M), mttrMs: Math.round((60 - 5 + 180 - 15) / 2) * M, downtimeMs: 60 * M },
      { month: '2026-11', incidents: 1, mttdMs: 0, mttrMs: 30 * M, downtimeMs: 60 * M },
    ]);
  });
});

describe('overlayMaintenance', () => {
  const seg = (a: number, b: number, status: Segment['status']): Segment => ({ start: a * M, end: b * M, status });
  const occ = (a: number, b: number) => ({ id: 'w', windowId: 'w', title: 'W', description: null, components: ['api'], start: a * M, end: b * M });

  it.each<[string, Segment[], ReturnType<typeof occ>[], [number, number, string][]]>([
    ['no windows', [seg(0, 10, 'down')], [], [[0, 10, 'down']]],
    ['a window inside a segment splits it', [seg(0, 10, 'down')], [occ(3, 5)], [[0, 3, 'down'], [3, 5, 'maintenance'], [5, 10, 'down']]],
    ['a window over several segments', [seg(0, 4, 'up'), seg(4, 8, 'down')], [occ(2, 6)], [[0, 2, 'up'], [2, 6, 'maintenance'], [6, 8, 'down']]],
    ['a window over a gap adds no time', [seg(0, 2, 'up'), seg(8, 10, 'up')], [occ(1, 9)], [[0, 1, 'up'], [1, 2, 'maintenance'], [8, 9, 'maintenance'], [9, 10, 'up']]],
    ['two windows', [seg(0, 10, 'up')], [occ(1, 2), occ(5, 6)], [[0, 1, 'up'], [1, 2, 'maintenance'], [2, 5, 'up'], [5, 6, 'maintenance'], [6, 10, 'up']]],
  ])('%s', (_n, segs, occs, want) => {
    expect(overlayMaintenance(segs, occs).map((s) => [s.start / M, s.end / M, s.status])).toEqual(want);
  });
});
