import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { computeModel } from './model.ts';
import { type RegionRule, combineRegions, regionSegments, regionStatuses } from './regions.ts';
import { fixtureConfig } from './testing.ts';
import { checkSegments } from './timeline.ts';

const MIN = 60_000;
const GAP = 15 * MIN;

describe('combineRegions', () => {
  const table: [CheckStatus[], RegionRule, CheckStatus][] = [
    [['down', 'up', 'up'], 'any', 'down'],
    [['down', 'up', 'up'], 'majority', 'up'],
    [['down', 'down', 'up'], 'majority', 'down'],
    [['down', 'up'], 'majority', 'up'], // two regions: both must agree
    [['down', 'down'], 'majority', 'down'],
    [['down', 'degraded', 'up'], 'majority', 'degraded'], // two of three see degraded or worse
    [['degraded', 'up', 'up'], 'any', 'degraded'],
    [['up'], 'majority', 'up'],
    [['down'], 'majority', 'down'],
    [['maintenance', 'maintenance', 'up'], 'majority', 'maintenance'],
  ];
  it.each(table)('%j by %s is %s', (statuses, rule, expected) => {
    expect(combineRegions(statuses, rule)).toBe(expected);
  });
});

describe('regionStatuses and regionSegments', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0);
  const s = (region: string | undefined, minutesAgo: number, status: CheckStatus) => ({
    at: now - minutesAgo * MIN,
    status,
    ...(region === undefined ? {} : { region }),
  });

  it('a single region (or none) takes neither rule: null statuses, plain gap rule timeline', () => {
    for (const region of [undefined, 'eu']) {
      const samples = [s(region, 30, 'up'), s(region, 20, 'down'), s(region, 10, 'up')];
      expect(regionStatuses(samples, GAP, now, 'any')).toBeNull();
      expect(regionSegments(samples, GAP, now, 'any')).toEqual(checkSegments(samples, GAP, now));
      expect(regionSegments(samples, GAP, now, 'majority')).toEqual(checkSegments(samples, GAP, now));
    }
  });

  const cases: { name: string; samples: ReturnType<typeof s>[]; rule: RegionRule; status: string; regions: Record<string, string> }[] = [
    { name: 'one of three down, any', samples: [s('eu', 5, 'down'), s('us', 5, 'up'), s('ap', 5, 'up')], rule: 'any', status: 'down', regions: { ap: 'up', eu: 'down', us: 'up' } },
    { name: 'one of three down, majority', samples: [s('eu', 5, 'down'), s('us', 5, 'up'), s('ap', 5, 'up')], rule: 'majority', status: 'up', regions: { ap: 'up', eu: 'down', us: 'up' } },
    { name: 'two of three down, majority', samples: [s('eu', 5, 'down'), s('us', 5, 'down'), s('ap', 5, 'up')], rule: 'majority', status: 'down', regions: { ap: 'up', eu: 'down', us: 'down' } },
    // ap stopped reporting (beyond the max gap): the majority is of the two that report.
    { name: 'a region missing', samples: [s('eu', 5, 'down'), s('us', 5, 'down'), s('ap', 60, 'up')], rule: 'majority', status: 'down', regions: { ap: 'nodata', eu: 'down', us: 'down' } },
    { name: 'every region missing', samples: [s('eu', 60, 'down'), s('us', 60, 'up')], rule: 'any', status: 'nodata', regions: { eu: 'nodata', us: 'nodata' } },
  ];
  it.each(cases)('$name', ({ samples, rule, status, regions }) => {
    expect(regionStatuses(samples, GAP, now, rule)).toEqual({ status, regions });
  });

  it('timeline: majority needs more than half of the regions reporting at each instant', () => {
    const samples = [s('eu', 30, 'up'), s('us', 30, 'up'), s('eu', 20, 'down'), s('us', 20, 'up'), s('us', 10, 'down')];
    expect(regionSegments(samples, GAP, now, 'majority')).toEqual([
      { start: now - 30 * MIN, end: now - 10 * MIN, status: 'up' },
      { start: now - 10 * MIN, end: now, status: 'down' },
    ]);
    expect(regionSegments(samples, GAP, now, 'any')).toEqual([
      { start: now - 30 * MIN, end: now - 20 * MIN, status: 'up' },
      { start: now - 20 * MIN, end: now, status: 'down' },
    ]);
  });
});

describe('the model with regions', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0);
  const sample = (id: string, region: string | undefined, minutesAgo: number, status: CheckStatus) => ({
    id,
    status,
    at: now - minutesAgo * MIN,
    responseTimeMs: 10,
    error: null,
    statusCode: null,
    ...(region === undefined ? {} : { region }),
  });

  it('shows per-region statuses and decides the check by the configured rule', () => {
    const samples = [sample('api', 'eu', 2, 'down'), sample('api', 'us', 3, 'up'), sample('api', 'ap', 4, 'up')];
    const majority = computeModel({ config: fixtureConfig({ checks: [{ id: 'api' }] }), samples, now });
    expect(majority.checks[0]?.regions).toEqual({ ap: 'up', eu: 'down', us: 'up' });
    expect(majority.checks[0]?.status).toBe('up');
    const any = computeModel({ config: fixtureConfig({ checks: [{ id: 'api' }], regionRule: 'any' }), samples, now });
    expect(any.checks[0]?.status).toBe('down');
    expect(any.components[0]?.status).toBe('down');
  });

  it('without regions the model is what it always was (no regions key)', () => {
    const samples = [sample('api', undefined, 2, 'down'), sample('api', undefined, 7, 'up')];
    const model = computeModel({ config: fixtureConfig({ checks: [{ id: 'api' }] }), samples, now });
    expect(model.checks[0]).not.toHaveProperty('regions');
    expect(model.checks[0]?.status).toBe('down');
  });
});
