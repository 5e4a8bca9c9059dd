import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import type { PartialOutageRule } from '../config/types.ts';
import type { Sample } from '../store/samples.ts';
import { availableMs, countedDowntimeMs, partialOutageText } from './availability.ts';
import { computeModel } from './model.ts';
import { computePeriod } from './period.ts';
import { fixtureConfig } from './testing.ts';
import { EMPTY_TALLY, type Tally, checkSegments, componentCounted, knownMs, mergeComponent, tally } from './timeline.ts';

const M = 60_000;
const FULL: PartialOutageRule = { mode: 'full' };
const SHARE: PartialOutageRule = { mode: 'share' };
const STATUSPAGE: PartialOutageRule = { mode: 'weighted', weight: 0.3 };

describe('componentCounted: when a component is in partial outage', () => {
  // counts: [up, maintenance, degraded, down]
  it.each<[string, number[], CheckStatus, number | undefined]>([
    ['all up', [3, 0, 0, 0], 'up', undefined],
    ['one degraded', [2, 0, 1, 0], 'degraded', undefined],
    ['every check down: full outage', [0, 0, 0, 2], 'down', undefined],
    ['one of two down, the other degraded: partial, half', [0, 0, 1, 1], 'down', 0.5],
    ['one of three down: partial, a third', [2, 0, 0, 1], 'down', 1 / 3],
    ['two of three down: partial, two thirds', [1, 0, 0, 2], 'down', 2 / 3],
    ['a check in maintenance does not count towards the share', [1, 1, 0, 1], 'down', 0.5],
    ['down next to maintenance only: full outage', [0, 1, 0, 1], 'down', undefined],
    ['maintenance only', [0, 2, 0, 0], 'maintenance', undefined],
  ])('%s', (_name, counts, status, share) => {
    const got = componentCounted(counts);
    expect(got.status).toBe(status);
    expect(got.share).toBe(share);
  });
});

describe('counted downtime and availability by rule', () => {
  const t = (over: Partial<Tally>): Tally => ({ ...EMPTY_TALLY, ...over });
  // 100 min known: 60 up, 40 partial (share 0.5 throughout → 20 share-ms), plus variations.
  it.each<[string, Tally, PartialOutageRule, boolean, number, number]>([
    ['full: partial time is downtime', t({ upMs: 60 * M, partialMs: 40 * M, partialShareMs: 20 * M }), FULL, true, 40 * M, 60 * M],
    ['share: half the checks down for 40 min is 20 min', t({ upMs: 60 * M, partialMs: 40 * M, partialShareMs: 20 * M }), SHARE, true, 20 * M, 80 * M],
    ['weighted:0.3 (Statuspage): 12 min', t({ upMs: 60 * M, partialMs: 40 * M, partialShareMs: 20 * M }), STATUSPAGE, true, 12 * M, 88 * M],
    ['weighted:0: partial outages never count', t({ upMs: 60 * M, partialMs: 40 * M, partialShareMs: 20 * M }), { mode: 'weighted', weight: 0 }, true, 0, 100 * M],
    ['full outages count whole under every rule', t({ upMs: 50 * M, downMs: 10 * M, partialMs: 40 * M, partialShareMs: 10 * M }), SHARE, true, 20 * M, 80 * M],
    ['maintenance leaves the denominator', t({ upMs: 50 * M, maintenanceMs: 30 * M, partialMs: 20 * M, partialShareMs: 10 * M }), SHARE, true, 10 * M, 60 * M],
    ['degraded not counted as up is unavailable too', t({ upMs: 50 * M, degradedMs: 10 * M, partialMs: 40 * M, partialShareMs: 20 * M }), SHARE, false, 20 * M, 70 * M],
    ['fractions round the downtime up, never the availability', t({ upMs: 0, partialMs: 1, partialShareMs: 1 / 3 }), SHARE, true, 1, 0],
    ['a third three times is one ms, not two', t({ partialMs: 3, partialShareMs: 1 / 3 + 1 / 3 + 1 / 3 }), SHARE, true, 1, 2],
  ])('%s', (_name, tallied, rule, degradedCountsAsUp, downtime, available) => {
    expect(countedDowntimeMs(tallied, rule)).toBe(downtime);
    expect(availableMs(tallied, knownMs(tallied), { degradedCountsAsUp, partialOutage: rule })).toBe(available);
  });

  it('writes the rule as configured', () => {
    expect([FULL, SHARE, STATUSPAGE].map(partialOutageText)).toEqual(['full', 'share', 'weighted:0.3']);
  });
});

describe('mergeComponent + tally', () => {
  it('keeps the share of a partial outage through merging and tallying', () => {
    const s = (at: number, status: CheckStatus) => ({ at: at * M, status });
    const a = checkSegments([s(0, 'up'), s(10, 'down'), s(20, 'down'), s(30, 'up')], 15 * M, 40 * M);
    const b = checkSegments([s(0, 'up'), s(10, 'degraded'), s(20, 'down'), s(30, 'up')], 15 * M, 40 * M);
    const c = checkSegments([s(0, 'up'), s(40, 'up')], 15 * M, 40 * M); // no data after 15 min
    const merged = mergeComponent([a, b, c]);
    expect(merged.map((x) => [x.start / M, x.end / M, x.status, x.share])).toEqual([
      [0, 10, 'up', undefined],
      [10, 15, 'down', 1 / 3],
      [15, 20, 'down', 1 / 2],
      [20, 30, 'down', undefined],
      [30, 40, 'up', undefined],
    ]);
    const all = tally(merged, 0, 40 * M);
    expect(all).toMatchObject({ upMs: 20 * M, downMs: 10 * M, partialMs: 10 * M, degradedMs: 0 });
    expect(all.partialShareMs).toBeCloseTo((5 / 3 + 5 / 2) * M, 6);
  });
});

describe('computeModel: one check down and another degraded (issue 14)', () => {
  // Noon on the 1st: the four hours of data cover a third of the month so far (enough for a figure).
  const NOW = Date.parse('2026-11-01T12:00:00.000Z');
  const sample = (id: string, at: number, status: CheckStatus): Sample => ({ id, at, status, responseTimeMs: 100, error: status === 'up' ? null : 'x', statusCode: null });
  // The last hour: `web` down, `web-slow` degraded, every 5 minutes; the three hours before, both up.
  const samples: Sample[] = [];
  for (let at = NOW - 240 * M; at < NOW; at += 5 * M) {
    const recent = at >= NOW - 60 * M;
    samples.push(sample('web', at, recent ? 'down' : 'up'), sample('web-slow', at, recent ? 'degraded' : 'up'));
  }
  const config = (partialOutage: PartialOutageRule) =>
    fixtureConfig({ checks: [{ id: 'web', component: 'site' }, { id: 'web-slow', component: 'site' }], partialOutage });

  it.each<[string, PartialOutageRule, string, number]>([
    ['full', FULL, '75.00', 60 * M],
    ['share (default)', SHARE, '87.50', 30 * M],
    ['weighted:0.3', STATUSPAGE, '92.50', 18 * M],
  ])('%s', (_name, rule, percent, downtime) => {
    const m = computeModel({ config: config(rule), samples, now: NOW });
    const site = m.components[0]!;
    expect(site.status).toBe('down');
    expect(site.outage).toBe('partial');
    expect(site.uptime['24h']).toMatchObject({ percent, downtimeMs: downtime, partialMs: 60 * M, downMs: 0 });
    // The 24 h figure, the day bar and the month agree (all of the data lies in today and in this month).
    expect(site.days.at(-1)!.percent).toBe(percent);
    expect(site.monthly.at(-1)!.uptime.percent).toBe(percent);
    expect(site.monthly.at(-1)!.downtimeMs).toBe(downtime);
    expect(m.availability.partialOutage).toEqual(rule);
    // The reports' figures for the month are the same.
    const month = computePeriod({ config: config(rule), samples, now: NOW, period: { label: '2026-11', from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') } });
    expect(month.components[0]!.uptime.percent).toBe(percent);
    expect(month.components[0]!.downtimeMs).toBe(downtime);
    expect(month.components[0]!.sla.consumedMs).toBe(downtime);
    // Checks have no partial outages: `web` was down for the hour whatever the rule.
    expect(m.checks[0]!.uptime['24h'].percent).toBe('75.00');
  });

  it('a full outage stays a full outage', () => {
    const down = samples.map((s) => (s.id === 'web-slow' && s.status === 'degraded' ? { ...s, status: 'down' as const } : s));
    const m = computeModel({ config: config(SHARE), samples: down, now: NOW });
    expect(m.components[0]!.outage).toBe('major');
    expect(m.components[0]!.uptime['24h'].percent).toBe('75.00');
  });
});
