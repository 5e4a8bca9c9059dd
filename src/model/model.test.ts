import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import type { Sample } from '../store/samples.ts';
import { MIN_COVERAGE, computeModel, responsePoints, windowData } from './model.ts';
import { computePeriod } from './period.ts';
import { componentBadges } from '../site/badges.ts';
import { dayBarText, uptime90Line } from '../site/format.ts';
import { strings } from '../site/i18n.ts';
import { dayRanges } from './days.ts';
import { fixtureConfig } from './testing.ts';
import { SampleColumns } from '../store/columns.ts';
import { computeRollups } from '../store/compact.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-24T12:00:00.000Z');

function sample(id: string, at: number, status: CheckStatus, ms: number | null = 100): Sample {
  return { id, at, status, responseTimeMs: ms, error: status === 'up' ? null : 'boom', statusCode: null };
}

/** Samples every 5 minutes from `from` to `to` (exclusive). */
function every5m(id: string, from: number, to: number, status: (at: number) => CheckStatus): Sample[] {
  const out: Sample[] = [];
  for (let at = from; at < to; at += 5 * MIN) out.push(sample(id, at, status(at)));
  return out;
}

describe('computeModel', () => {
  it('computes uptime windows with exact figures', () => {
    const config = fixtureConfig({ checks: [{ id: 'api' }] });
    // 2 days of 5-minute samples; down for 30 minutes (6 samples) one hour before now.
    const downFrom = NOW - HOUR;
    const samples = every5m('api', NOW - 2 * DAY, NOW, (at) => (at >= downFrom && at < downFrom + 30 * MIN ? 'down' : 'up'));
    const m = computeModel({ config, samples, now: NOW });
    const api = m.checks[0]!;
    expect(api.status).toBe('up');
    expect(api.uptime['24h'].downMs).toBe(30 * MIN);
    expect(api.uptime['24h'].knownMs).toBe(DAY);
    expect(api.uptime['24h'].percent).toBe('97.91'); // 1 - 30/1440 = 0.979166..., truncated
    expect(api.uptime['24h'].coverage).toBe('100.00');
    expect(api.uptime['7d'].knownMs).toBe(2 * DAY);
    expect(api.uptime['7d'].percent).toBe('98.95'); // 1 - 30/2880 = 0.98958...
    expect(api.uptime['7d'].coverage).toBe('28.57'); // 2/7
    // Two days are less than a tenth of 90: no 90-day figure.
    expect(api.uptime['90d']).toMatchObject({ data: 'insufficient', percent: null, coverage: '2.22' });
  });

  it('excludes maintenance from the denominator and counts degraded as configured', () => {
    const samples = [
      ...every5m('a', NOW - 4 * HOUR, NOW - 30 * MIN, () => 'up'),
      sample('a', NOW - 30 * MIN, 'maintenance'),
      sample('a', NOW - 20 * MIN, 'degraded'),
      sample('a', NOW - 10 * MIN, 'down'),
    ];
    const yes = computeModel({ config: fixtureConfig({ checks: [{ id: 'a' }] }), samples, now: NOW });
    expect(yes.checks[0]!.uptime['24h']).toMatchObject({
      upMs: 210 * MIN,
      maintenanceMs: 10 * MIN,
      degradedMs: 10 * MIN,
      downMs: 10 * MIN,
      knownMs: 240 * MIN,
      percent: '95.65', // 220 / 230
    });
    const no = computeModel({ config: fixtureConfig({ checks: [{ id: 'a' }], degradedCountsAsUp: false }), samples, now: NOW });
    expect(no.checks[0]!.uptime['24h'].percent).toBe('91.30'); // 210 / 230
  });

  it('shows no data when the last sample is older than the max gap', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }, { id: 'b' }] });
    const m = computeModel({
      config,
      samples: [sample('a', NOW - 16 * MIN, 'down'), sample('b', NOW - 14 * MIN, 'degraded')],
      now: NOW,
    });
    expect(m.checks.map((c) => c.status)).toEqual(['nodata', 'degraded']);
    expect(m.checks[0]!.lastCheckedAt).toBe(new Date(NOW - 16 * MIN).toISOString());
    expect(m.status).toBe('degraded');
  });

  it('a component is the worst of its checks and the page the worst component', () => {
    const config = fixtureConfig({
      checks: [
        { id: 'web1', component: 'web' },
        { id: 'web2', component: 'web' },
        { id: 'db' },
      ],
      groups: [{ id: 'core', components: ['web', 'db'] }],
    });
    const m = computeModel({
      config,
      samples: [sample('web1', NOW - MIN, 'up'), sample('web2', NOW - MIN, 'down'), sample('db', NOW - MIN, 'degraded')],
      now: NOW,
    });
    expect(m.components.map((c) => [c.id, c.status])).toEqual([
      ['web', 'down'],
      ['db', 'degraded'],
    ]);
    expect(m.groups[0]!.status).toBe('down');
    expect(m.status).toBe('down');
    expect(m.ungrouped).toEqual([]);
    // Component time: one of two checks down is a partial outage (counted by the rule, `share` here: half).
    expect(m.components[0]!.outage).toBe('partial');
    expect(m.components[0]!.uptime['24h']).toMatchObject({ downMs: 0, partialMs: MIN, downtimeMs: MIN / 2 });
  });

  it('is nodata everywhere without samples', () => {
    const m = computeModel({ config: fixtureConfig({ checks: [{ id: 'a' }] }), samples: [], now: NOW });
    expect(m.status).toBe('nodata');
    expect(m.checks[0]!.uptime['24h'].percent).toBeNull();
    expect(m.checks[0]!.days).toHaveLength(90);
    expect(m.checks[0]!.days.every((d) => d.level === 'nodata')).toBe(true);
  });

  it('builds 90 daily bars in the site time zone, today last', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }], timeZone: 'America/New_York' });
    // 10:00Z on Nov 24 is 05:00 in New York. Down for one hour from 03:00Z (22:00 Nov 23 in NY).
    const samples = every5m('a', NOW - 3 * DAY, NOW, (at) =>
      at >= Date.parse('2026-11-24T03:00:00Z') && at < Date.parse('2026-11-24T04:00:00Z') ? 'down' : 'up',
    );
    const m = computeModel({ config, samples, now: NOW });
    const days = m.checks[0]!.days;
    expect(days).toHaveLength(90);
    expect(days[89]!.date).toBe('2026-11-24');
    expect(days[88]!.date).toBe('2026-11-23');
    expect(days[88]!.downMs).toBe(HOUR);
    expect(days[88]!.level).toBe('down');
    expect(days[88]!.percent).toBe('95.83'); // 23/24
    expect(days[89]!.level).toBe('up');
    expect(days[89]!.windowMs).toBe(7 * HOUR); // midnight NY = 05:00Z, now 12:00Z
  });

  it('response-time series and latency percentiles', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }] });
    const samples = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((ms, i) => ({
      ...sample('a', NOW - (10 - i) * MIN, 'up'),
      responseTimeMs: ms,
    }));
    const m = computeModel({ config, samples, now: NOW });
    expect(m.checks[0]!.latency24h).toEqual({ samples: 10, p50: 50, p95: 100 });
    expect(responsePoints(m.checks[0]!.responseTimes).map((p) => p.ms)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });
});

describe('dayRanges', () => {
  it('handles DST: the day clocks go back lasts 25 hours', () => {
    const now = Date.parse('2026-11-02T12:00:00Z');
    const days = dayRanges(now, 3, 'America/New_York');
    expect(days.map((d) => d.date)).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    expect(days[1]!.end - days[1]!.start).toBe(25 * HOUR);
  });
});

describe('computeModel from the store\'s columns', () => {
  it('gives the model the samples\' objects give, figure for figure', () => {
    const config = fixtureConfig({
      checks: [{ id: 'api' }, { id: 'web', component: 'front' }, { id: 'cdn', component: 'front' }, { id: 'multi' }, { id: 'quiet' }],
      groups: [{ id: 'g', components: ['front', 'api'] }],
      maintenance: [{ id: 'w', title: 'Upgrade', description: null, components: ['api'], start: NOW - 3 * HOUR, end: NOW - 2 * HOUR, recurring: null }],
    });
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const status = (): CheckStatus => {
      const x = rand();
      return x < 0.05 ? 'down' : x < 0.1 ? 'degraded' : 'up';
    };
    const samples: Sample[] = [];
    for (const id of ['api', 'web', 'cdn']) {
      for (let at = NOW - 9 * DAY; at <= NOW + 10 * MIN; at += 5 * MIN) {
        if (rand() < 0.01) continue; // a late run: no data for a while
        const st = status();
        samples.push({ ...sample(id, at + Math.floor(rand() * 3) * 1000, st, st === 'down' ? null : 40 + rand() * 200), statusCode: st === 'down' ? null : 200 });
      }
    }
    // Two regions checking one target, a certificate's expiry on the last sample.
    for (let at = NOW - 2 * DAY; at < NOW; at += 5 * MIN) {
      samples.push({ ...sample('multi', at, status()), region: 'eu' }, { ...sample('multi', at + 30_000, status()), region: 'us', expiresAt: '2027-01-01T00:00:00.000Z' });
    }
    // Stored out of order (shards, merged days).
    for (let i = samples.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [samples[i], samples[j]] = [samples[j]!, samples[i]!];
    }
    const columns = new SampleColumns({ full: true });
    for (const s of samples) columns.add(s);
    const fromObjects = computeModel({ config, samples, now: NOW });
    const fromColumns = computeModel({ config, samples: columns, now: NOW });
    expect(fromColumns).toStrictEqual(fromObjects);
    expect(fromColumns.checks.find((c) => c.id === 'multi')!.regions).toBeDefined();
    expect(fromColumns.components.find((c) => c.id === 'front')!.days.some((d) => d.partialMs > 0)).toBe(true);
    expect(fromColumns.monitoringSince).toBe(new Date(NOW - 9 * DAY).toISOString());
  });

  it('gives the same model from columns in time order (read without an object per sample) with compacted days before them', () => {
    const config = fixtureConfig({ checks: [{ id: 'api' }, { id: 'web', component: 'front' }, { id: 'cdn', component: 'front' }, { id: 'gone' }] });
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const all: Sample[] = [];
    for (let at = NOW - 12 * DAY; at <= NOW + 20 * MIN; at += 5 * MIN) {
      for (const id of ['api', 'web', 'cdn']) {
        if (rand() < 0.02) continue;
        const x = rand();
        const st: CheckStatus = x < 0.05 ? 'down' : x < 0.1 ? 'degraded' : 'up';
        all.push({ ...sample(id, at, st, st === 'down' ? null : Math.round(40 + rand() * 200)), statusCode: 200 });
      }
      // A check that stopped: its last sample is compacted, nothing raw after it.
      if (at < NOW - 10 * DAY) all.push(sample('gone', at, 'up'));
    }
    // The days before the last 8 are compacted into rollups; the raw samples of those days are gone.
    const firstRaw = Date.UTC(2026, 10, 16);
    const days = Array.from({ length: 5 }, (_, i) => new Date(firstRaw - (5 - i) * DAY).toISOString().slice(0, 10));
    const rollups = computeRollups({ days, samples: all.filter((s) => s.at < firstRaw + DAY), carry: new Map(), maxGapMs: () => 15 * MIN, now: NOW });
    const samples = all.filter((s) => s.at >= firstRaw);
    const columns = new SampleColumns({ full: true });
    for (const s of samples) columns.add(s);
    expect(columns.series('api')!.sorted).toBe(true);
    const fromObjects = computeModel({ config, samples, rollups, now: NOW });
    const fromColumns = computeModel({ config, samples: columns, rollups, now: NOW });
    expect(fromColumns).toStrictEqual(fromObjects);
    expect(fromColumns.checks.find((c) => c.id === 'gone')!.lastCheckedAt).not.toBeNull();
    expect(fromColumns.checks[0]!.responseTimes.t.length).toBeGreaterThan(1900);
  });
});

describe('computeModel: maintenance and incidents', () => {
  it('a declared window turns its time into maintenance, excluded from availability, even after the fact', () => {
    const config = fixtureConfig({
      checks: [{ id: 'a' }],
      maintenance: [{ id: 'w', title: 'Upgrade', description: null, components: ['a'], start: NOW - 60 * MIN, end: NOW - 30 * MIN, recurring: null }],
    });
    const samples = every5m('a', NOW - 3 * HOUR, NOW, (at) => (at >= NOW - 60 * MIN && at < NOW - 30 * MIN ? 'down' : 'up'));
    const m = computeModel({ config, samples, now: NOW });
    expect(m.checks[0]!.uptime['24h']).toMatchObject({ downMs: 0, maintenanceMs: 30 * MIN, percent: '100.00' });
    expect(m.components[0]!.uptime['24h'].maintenanceMs).toBe(30 * MIN);
    expect(m.maintenance.past.map((o) => o.windowId)).toEqual(['w']);
    expect(m.components[0]!.status).toBe('up');
  });

  it('an active window puts the component under maintenance; upcoming ones are listed', () => {
    const config = fixtureConfig({
      checks: [{ id: 'a' }],
      maintenance: [
        { id: 'now', title: 'Now', description: null, components: ['a'], start: NOW - MIN, end: NOW + HOUR, recurring: null },
        { id: 'later', title: 'Later', description: null, components: ['a'], start: NOW + DAY, end: NOW + DAY + HOUR, recurring: null },
      ],
    });
    const m = computeModel({ config, samples: [sample('a', NOW - 2 * MIN, 'up')], now: NOW });
    expect(m.components[0]!.status).toBe('maintenance');
    expect(m.maintenance.active.map((o) => o.title)).toEqual(['Now']);
    expect(m.maintenance.upcoming.map((o) => o.title)).toEqual(['Later']);
  });

  it('lists incidents newest first with figures, and the component knows its open ones', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }] });
    const base = { owner: null, acknowledged: null, checklist: [], actions: [], file: 'incidents/x.md', impact: 'major' as const, severity: 'P2' as const, components: ['a'], auto: false, updates: [], body: '' };
    const incidents = [
      { ...base, id: 'old', title: 'Old', startedAt: NOW - 2 * DAY, detectedAt: NOW - 2 * DAY + 5 * MIN, resolvedAt: NOW - 2 * DAY + HOUR },
      { ...base, id: 'open', title: 'Open', startedAt: NOW - HOUR, detectedAt: NOW - HOUR, resolvedAt: null },
    ];
    const m = computeModel({ config, samples: [], incidents, now: NOW });
    expect(m.incidents.map((i) => [i.id, i.status, i.durationMs])).toEqual([
      ['open', 'investigating', HOUR],
      ['old', 'resolved', HOUR],
    ]);
    expect(m.components[0]!.activeIncidents).toEqual(['open']);
    const nov = m.components[0]!.monthly.at(-1)!;
    expect(nov).toMatchObject({ month: '2026-11', incidents: 2, mttdMs: Math.round(2.5 * MIN), mttrMs: HOUR - 5 * MIN });
    expect(m.components[0]!.monthly).toHaveLength(13);
  });
});

describe('not enough data for a figure (MIN_COVERAGE)', () => {
  it.each<[number, number, 'none' | 'insufficient' | 'enough']>([
    [0, DAY, 'none'],
    [1, DAY, 'insufficient'],
    [DAY / 10 - 1, DAY, 'insufficient'],
    [DAY / 10, DAY, 'enough'],
    [DAY, DAY, 'enough'],
    [9 * DAY - 1, 90 * DAY, 'insufficient'],
    [9 * DAY, 90 * DAY, 'enough'],
  ])('%d ms known of %d ms: %s', (known, windowMs, want) => {
    expect(windowData(known, windowMs)).toBe(want);
  });

  it('gives no percentage, no SLA verdict and says why, for a window with data for less than a tenth of it', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }] });
    const m = computeModel({ config, samples: every5m('a', NOW - 3 * HOUR, NOW, () => 'up'), now: NOW });
    const a = m.components[0]!;
    expect(m.minCoverage).toBe(MIN_COVERAGE);
    expect(a.uptime['24h']).toMatchObject({ data: 'enough', percent: '100.00', coverage: '12.50' });
    expect(a.uptime['7d']).toMatchObject({ data: 'insufficient', percent: null, availability: null, coverage: '1.78', upMs: 3 * HOUR });
    expect(a.uptime['90d']).toMatchObject({ data: 'insufficient', percent: null });
    expect(componentBadges(a).find((b) => b.name === 'uptime-90d')?.endpoint.message).toBe('not enough data');
    expect(componentBadges(a).find((b) => b.name === 'uptime-24h')?.endpoint.message).toBe('100.00%');
    expect(uptime90Line(a.uptime['90d'], strings('en'))).toBe('Not enough data for a 90-day uptime (data for 0.13% of the period)');
    const none = computeModel({ config, samples: [], now: NOW }).components[0]!;
    expect(none.uptime['90d'].data).toBe('none');
    expect(uptime90Line(none.uptime['90d'], strings('en'))).toBe('no data uptime over 90 days');
    // The month: 3 hours of the 24 days of November elapsed: no SLA verdict either.
    const month = computePeriod({ config, samples: every5m('a', NOW - 3 * HOUR, NOW, () => 'up'), now: NOW, period: { label: '2026-11', from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') } });
    expect(month.components[0]!.uptime.data).toBe('insufficient');
    expect(month.components[0]!.sla.met).toBeNull();
  });

  it('a day bar with too little data says so', () => {
    const config = fixtureConfig({ checks: [{ id: 'a' }] });
    // Yesterday: one sample held for 15 minutes (1% of the day).
    const m = computeModel({ config, samples: [sample('a', NOW - 20 * HOUR, 'up')], now: NOW });
    const bar = m.checks[0]!.days[88]!;
    expect(bar).toMatchObject({ data: 'insufficient', percent: null, level: 'up' });
    expect(dayBarText(bar, 'en-US', strings('en'))).toBe('Nov 23, 2026: not enough data for an uptime (data for 1.04% of the day)');
  });
});
