/**
 * SLOs on the checks, against answers computed by hand: a 5-minute check over 31 days with a
 * known outage and a known degraded spell; the same after compacting most days into rollups;
 * and a weekly maintenance window in Europe/Berlin across the end of summer time.
 */
import { describe, expect, it } from 'vitest';
import type { CheckSloSpec } from '../config/resolve-prometheus.ts';
import type { CheckStatus } from '../checks/types.ts';
import type { MaintenanceWindow } from '../maintenance/windows.ts';
import { computeRollups } from '../store/compact.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import type { Sample } from '../store/samples.ts';
import { allowance } from '../slo/math.ts';
import { computeModel } from './model.ts';
import { computePeriod } from './period.ts';
import { checkSloEntriesFromStore } from './check-slo.ts';
import { fixtureConfig } from './testing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP = 5 * MIN;

function slo(over: Partial<CheckSloSpec> & { sli: CheckSloSpec['sli'] }): CheckSloSpec {
  return {
    id: 'avail',
    name: 'Availability',
    description: null,
    component: 'api',
    endpoint: null,
    target: 99.9,
    windows: [{ kind: 'rolling', ms: 30 * DAY, label: '30d' }, { kind: 'month', label: 'month' }],
    source: { file: 'cairn.yaml', line: 1, column: 1 },
    ...over,
  };
}

const time = (degradedGood = true): CheckSloSpec['sli'] => ({ kind: 'availability', checks: ['api'], wholeComponent: true, degradedGood, measure: 'time' });
const probes = (degradedGood = true): CheckSloSpec['sli'] => ({ kind: 'availability', checks: ['api'], wholeComponent: true, degradedGood, measure: 'probes' });

/** A sample every 5 minutes on [from, to], with `status(t)` and a response time of `ms(t)`. */
function series(from: number, to: number, status: (t: number) => CheckStatus, ms: (t: number) => number = () => 100): Sample[] {
  const out: Sample[] = [];
  for (let t = from; t <= to; t += STEP) {
    const s = status(t);
    out.push({ id: 'api', status: s, at: t, responseTimeMs: s === 'down' ? null : ms(t), error: s === 'down' ? 'refused' : null, statusCode: null });
  }
  return out;
}

const inside = (t: number, a: number, b: number) => t >= a && t < b;

// Midnight, so that the 30-day window starts at a midnight too.
const NOW = Date.parse('2026-11-24T00:00:00.000Z');
// Down for an hour, three hours before now; degraded for 30 minutes ten days earlier.
const DOWN_FROM = NOW - 3 * HOUR;
const DOWN_TO = NOW - 2 * HOUR;
const SLOW_FROM = NOW - 10 * DAY;
const SLOW_TO = SLOW_FROM + 30 * MIN;
const statusAt = (t: number): CheckStatus => (inside(t, DOWN_FROM, DOWN_TO) ? 'down' : inside(t, SLOW_FROM, SLOW_TO) ? 'degraded' : 'up');
const SAMPLES = series(NOW - 31 * DAY, NOW, statusAt, (t) => (t % (2 * STEP) === 0 ? 100 : 400));

function entries(specs: CheckSloSpec[], samples: readonly Sample[] = SAMPLES, rollups: readonly RollupRecord[] = [], extra: Parameters<typeof fixtureConfig>[0] = { checks: [{ id: 'api' }] }) {
  const config = fixtureConfig(extra);
  config.prometheus.slos = specs;
  const model = computeModel({ config, samples, rollups, now: NOW });
  return { model, slos: model.slo?.byComponent['api']?.slos ?? [], config };
}

describe('availability SLO on the checks, measured in time', () => {
  it('gives the hand-computed figures: achieved, budget, burn rates, alert state', () => {
    const { slos, model } = entries([slo({ sli: time() })]);
    const f = slos[0]!.figures!;
    const w = f.windows[0]!;
    // 30 days known (43,200 min), 60 min down: degraded time counts as good.
    expect(w.total).toBe(43_200);
    expect(w.good).toBe(43_140);
    expect(w.achieved).toBe(43_140 / 43_200);
    expect(w.met).toBe(false);
    expect(w.budget).toEqual({ unit: 'minutes', allowed: 43.2, consumed: 60, remaining: 43.2 - 60, remainingFraction: 1 - 60 / 43.2 });
    // Burn rates: bad share / 0.001 over each window; the outage ended 2 h ago.
    expect(f.burnRates['5m']).toBe(0);
    expect(f.burnRates['1h']).toBe(0);
    expect(f.burnRates['2h']).toBe(0);
    expect(f.burnRates['6h']).toBeCloseTo(60 / 360 / 0.001, 9);
    expect(f.burnRates['1d']).toBeCloseTo(60 / 1440 / 0.001, 9);
    expect(f.burnRates['3d']).toBeCloseTo(60 / 4320 / 0.001, 9);
    // Only the slow-burn ticket rule (3d and 6h above 1) fires.
    expect(f.alertState).toBe('ticket');
    expect(f.rules.filter((r) => r.firing).map((r) => `${r.long}/${r.short}`)).toEqual(['3d/6h']);
    // The budget is overspent already.
    expect(f.exhaustion.ms).toBe(0);
    // The calendar month: November 1 to now, 23 days, of a 30-day month.
    const m = f.windows[1]!;
    expect(m.window).toBe('month');
    expect(m.total).toBe(23 * 1440);
    expect(m.good).toBe(23 * 1440 - 60);
    expect(m.budget.allowed).toBeCloseTo(0.001 * 30 * 1440, 9);
    // The page's 30-day uptime is the same figure (same timeline, same rule).
    expect(model.components[0]!.uptime['30d'].availability).toBeCloseTo(w.achieved!, 12);
    // Burn-down: a point per day from the window's start; the budget is whole until the degraded spell (not bad) and the outage.
    expect(f.burnDown[0]).toEqual({ t: NOW - 30 * DAY, remaining: 1 });
    expect(f.burnDown).toHaveLength(31);
    expect(f.burnDown[29]!.remaining).toBe(1);
    expect(f.burnDown[30]).toEqual({ t: NOW, remaining: w.budget.remainingFraction });
  });

  it('counts degraded time as bad when told to', () => {
    const { slos } = entries([slo({ sli: time(false) })]);
    const w = slos[0]!.figures!.windows[0]!;
    expect(w.good).toBe(43_200 - 90);
    expect(w.budget.consumed).toBe(90);
  });

  it('gives the same figures after most days are compacted into rollups', () => {
    const before = entries([slo({ sli: time() }), slo({ id: 'p', sli: probes() })]).slos;
    const { samples, rollups } = compactBefore(SAMPLES, NOW - 5 * DAY);
    const after = entries([slo({ sli: time() }), slo({ id: 'p', sli: probes() })], samples, rollups).slos;
    expect(rollups.length).toBeGreaterThan(20);
    expect(samples.length).toBeLessThan(SAMPLES.length / 5);
    expect(after[0]!.figures).toEqual(before[0]!.figures);
    // The 30-day window starts at a midnight: whole rollup days, so the results count exactly too.
    expect(after[1]!.figures!.windows[0]).toEqual(before[1]!.figures!.windows[0]);
    expect(after[1]!.figures!.burnRates).toEqual(before[1]!.figures!.burnRates);
  });
});

describe('availability SLO on the checks, measured in results', () => {
  it('counts the results in [from, to): what avg_over_time(probe_success) gives', () => {
    const f = entries([slo({ sli: probes() })]).slos[0]!.figures!;
    const w = f.windows[0]!;
    // Samples at now − k × 5 min for k = 1 … 8,640; 12 of them down.
    expect(w.total).toBe(8640);
    expect(w.good).toBe(8640 - 12);
    expect(w.achieved).toBe(8628 / 8640);
    // Budget in minutes, like a Prometheus gauge SLI: consumed = bad share × elapsed.
    expect(w.budget.allowed).toBeCloseTo(43.2, 12);
    expect(w.budget.consumed).toBeCloseTo((12 / 8640) * 43_200, 9);
    const degradedBad = entries([slo({ sli: probes(false) })]).slos[0]!.figures!.windows[0]!;
    expect(degradedBad.good).toBe(8640 - 12 - 6);
  });
});

describe('response-time SLO on the checks', () => {
  it('counts the working results at or under the threshold, down results excluded', () => {
    const spec = slo({ id: 'fast', target: 99, sli: { kind: 'response-time', checks: ['api'], wholeComponent: true, belowMs: 300 } });
    const f = entries([spec]).slos[0]!.figures!;
    const w = f.windows[0]!;
    // 8,640 results, 12 down (no response time); every other one takes 400 ms.
    expect(w.total).toBe(8628);
    const fast = SAMPLES.filter((s) => s.at >= NOW - 30 * DAY && s.at < NOW && s.status !== 'down' && s.responseTimeMs! <= 300).length;
    expect(w.good).toBe(fast);
    expect(w.budget.unit).toBe('events');
    expect(w.budget.allowed).toBeCloseTo(allowance(99) * 8628, 9);
  });
});

describe('maintenance across the end of summer time (Europe/Berlin)', () => {
  // Weekly on Sunday at 04:00 local for an hour: 02:00 UTC in summer time, 03:00 UTC after 25 October.
  const weekly: MaintenanceWindow = {
    id: 'patching',
    title: 'Patching',
    description: null,
    components: ['api'],
    start: null,
    end: null,
    recurring: { every: 'week', on: ['sunday'], at: '04:00', durationMs: HOUR, timeZone: 'Europe/Berlin', from: null, until: null },
  };
  const now = Date.parse('2026-11-02T00:00:00.000Z');
  // Down during the window of 25 October in winter time (03:00–04:00 UTC), stored before the window
  // was declared; down for an hour on 20 October outside any window.
  const oct25 = Date.parse('2026-10-25T03:00:00.000Z');
  const oct20 = Date.parse('2026-10-20T10:00:00.000Z');
  const samples = series(now - 31 * DAY, now, (t) => (inside(t, oct25, oct25 + HOUR) || inside(t, oct20, oct20 + HOUR) ? 'down' : 'up'));

  function at(specs: CheckSloSpec[]) {
    const config = fixtureConfig({ checks: [{ id: 'api' }], timeZone: 'Europe/Berlin', maintenance: [weekly] });
    config.prometheus.slos = specs;
    return { model: computeModel({ config, samples, now }), config };
  }

  it('excludes exactly the five window hours of the 30 days, whichever the offset', () => {
    const { model, config } = at([slo({ sli: time() }), slo({ id: 'p', sli: probes() })]);
    const [t, p] = model.slo!.byComponent['api']!.slos;
    // Sundays 4, 11, 18 October (02:00 UTC), 25 October and 1 November (03:00 UTC): 300 minutes.
    const w = t!.figures!.windows[0]!;
    expect(w.total).toBe(43_200 - 300);
    expect(w.good).toBe(43_200 - 300 - 60);
    // Results: 8,640 in the window, 60 in maintenance, 12 down outside it.
    const pw = p!.figures!.windows[0]!;
    expect(pw.total).toBe(8640 - 60);
    expect(pw.good).toBe(8640 - 60 - 12);
    // Notifications compute the same entries from the store alone.
    const fromStore = checkSloEntriesFromStore(config, samples, [], now);
    expect(fromStore.map((e) => e.figures)).toEqual([t!.figures, p!.figures]);
  });

  it('gives the report month the same way, before and after compaction', () => {
    const specs = [slo({ sli: time(), windows: [{ kind: 'month', label: 'month' }] })];
    const config = fixtureConfig({ checks: [{ id: 'api' }], timeZone: 'Europe/Berlin', maintenance: [weekly] });
    config.prometheus.slos = specs;
    const period = { label: '2026-10', from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z') };
    const raw = computePeriod({ config, samples, now, period });
    const { samples: rest, rollups } = compactBefore(samples, Date.parse('2026-10-30T00:00:00Z'));
    const compacted = computePeriod({ config, samples: rest, rollups, now, period });
    const f = raw.slos[0]!.figures;
    // The samples start on 2 October at 00:00: 30 days known in October, four Sunday windows (240 min), 60 min down.
    expect(f.total).toBe(30 * 1440 - 240);
    expect(f.good).toBe(30 * 1440 - 240 - 60);
    expect(f.windowMs).toBe(31 * DAY);
    expect(compacted.slos[0]).toEqual(raw.slos[0]);
    // The month's availability in the report is the SLO's achieved share.
    expect(raw.components[0]!.uptime.availability).toBeCloseTo(f.achieved!, 12);
  });
});

/** Compacts the days before `cutoff` into rollups, as `cairn run` does beyond the retention. */
function compactBefore(samples: readonly Sample[], cutoff: number): { samples: Sample[]; rollups: RollupRecord[] } {
  const days: string[] = [];
  for (let t = Math.floor(samples[0]!.at / DAY) * DAY; t < cutoff; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  const rollups = computeRollups({ days, samples, carry: new Map(), maxGapMs: () => 3 * STEP, now: NOW + DAY });
  return { samples: samples.filter((s) => s.at >= cutoff), rollups };
}
