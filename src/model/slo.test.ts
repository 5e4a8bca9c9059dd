import { describe, expect, it } from 'vitest';
import type { SloSnapshot } from '../prometheus/types.ts';
import { computeModel } from './model.ts';
import { entryStale, flooredShare, isStale, sloModel, truncatedShare } from './slo.ts';
import { share } from '../reports/format.ts';
import { fixtureConfig } from './testing.ts';

const AT = '2026-11-24T10:00:00.000Z';
const NOW = Date.parse(AT);

function snapshot(over: Partial<SloSnapshot> = {}): SloSnapshot {
  const figures = null;
  return {
    version: 1,
    generatedAt: AT,
    complete: true,
    endpoints: [{ id: 'main', url: 'http://p', ok: true, errors: [], warnings: ['partial'], requests: 3, points: 10 }],
    slos: [
      { id: 's1', name: 'S1', description: null, component: 'api', endpoint: 'main', sli: 'ratio', target: 99.9, asOf: AT, error: null, figures },
      { id: 's2', name: 'S2', description: null, component: 'gone', endpoint: 'main', sli: 'gauge', target: 99, asOf: AT, error: null, figures },
    ],
    capacity: [{ id: 'c1', name: 'C1', component: 'db', endpoint: 'main', unit: '%', direction: 'up', method: 'least-squares', lookbackDays: 30, asOf: '2026-11-23T10:00:00.000Z', error: 'refused', figures: null }],
    alerts: { asOf: AT, error: null, firing: [{ component: 'api', endpoint: 'main', name: 'High', severity: 'page', summary: null, activeAt: null }] },
    ...over,
  };
}

describe('SLO part of the model', () => {
  it('passes the snapshot through per known component', () => {
    const m = sloModel(snapshot(), ['api', 'db'], NOW, 900_000)!;
    expect(Object.keys(m.byComponent).sort()).toEqual(['api', 'db']);
    expect(m.byComponent['api']!.slos.map((s) => s.id)).toEqual(['s1']);
    expect(m.byComponent['api']!.alerts.map((a) => a.name)).toEqual(['High']);
    expect(m.byComponent['db']!.capacity.map((c) => c.id)).toEqual(['c1']);
    expect(m.stale).toBe(false);
    expect(m.warnings).toEqual(['partial']);
    expect(isStale(m.byComponent['db']!.capacity[0]!, m.generatedAt)).toBe(true);
    expect(isStale(m.byComponent['api']!.slos[0]!, m.generatedAt)).toBe(false);
  });

  it('is stale once the snapshot is older than the max gap, and null without one', () => {
    expect(sloModel(snapshot(), ['api'], NOW + 900_001, 900_000)!.stale).toBe(true);
    expect(sloModel(null, ['api'], NOW, 900_000)).toBeNull();
  });

  it('is filled by computeModel from sloSnapshot', () => {
    const config = fixtureConfig({ checks: [{ id: 'api' }, { id: 'db' }] });
    expect(computeModel({ config, samples: [], now: NOW }).slo).toBeNull();
    expect(computeModel({ config, samples: [], now: NOW, sloSnapshot: snapshot() }).slo?.byComponent['api']?.slos).toHaveLength(1);
  });

  it.each([
    [0.9995, 3, '99.950'],
    [0.99999, 2, '99.99'],
    [1, 2, '100.00'],
    [0.5, 1, '50.0'],
  ])('truncatedShare(%s, %s) = %s', (f, d, s) => expect(truncatedShare(f, d)).toBe(s));
});

describe('flooredShare: the one figure of a budget left (issue 14: the page said "0.0% left", the report "−57.41%")', () => {
  it.each<[number, string]>([
    [1, '100.00'],
    [0.5, '50.00'],
    [0.99999, '99.99'],
    [0.57, '57.00'],
    [0.07, '7.00'],
    [0, '0.00'],
    [-0.0001, '-0.01'],
    [-0.5741, '-57.41'],
    [-0.57415, '-57.42'],
    [-2.5, '-250.00'],
  ])('%d → %s', (fraction, want) => {
    expect(flooredShare(fraction)).toBe(want);
    expect(share(fraction)).toBe(want); // the reports print the same
  });

  it('an entry is stale when the snapshot is, or when it kept an earlier run’s figures', () => {
    const fresh = { stale: false, generatedAt: AT };
    expect(entryStale(fresh, { asOf: AT, error: null })).toBe(false);
    expect(entryStale(fresh, { asOf: '2026-11-20T10:00:00.000Z', error: 'connection refused' })).toBe(true);
    expect(entryStale({ stale: true, generatedAt: AT }, { asOf: AT, error: null })).toBe(true);
  });
});
