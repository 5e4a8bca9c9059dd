import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureConfig } from '../model/testing.ts';
import { EMPTY_OBSERVATIONS } from './events.ts';
import { deriveSloEvents, readSloView, SLO_SNAPSHOT_FILE, sloViewOf, withCheckSlos } from './slo-events.ts';

const NOW = Date.parse('2026-11-24T10:00:00Z');
const config = fixtureConfig({ checks: [{ id: 'api' }, { id: 'db' }] });

/** An SLO entry as `cairn slo` writes it (src/prometheus/types.ts SloSnapshot). */
const sloEntry = (alertState: 'ok' | 'ticket' | 'page', error: string | null = null) => ({
  id: 'checkout',
  name: 'Checkout availability',
  description: null,
  component: 'api',
  endpoint: 'main',
  sli: 'ratio',
  target: 99.9,
  asOf: '2026-11-24T10:00:00Z',
  error,
  figures: {
    windows: [{ window: '30d', budget: { unit: 'events', allowed: 100, consumed: 58, remaining: 42, remainingFraction: 0.42 } }],
    burnRates: { '5m': 15.2, '30m': 7, '1h': 14.6, '2h': 6, '6h': 6.3, '1d': 2, '3d': 1 },
    alertState,
    rules: [
      { severity: 'page', long: '1h', short: '5m', factor: 14.4, firing: alertState === 'page' },
      { severity: 'ticket', long: '6h', short: '30m', factor: 6, firing: alertState !== 'ok' },
    ],
  },
});

const capacityEntry = (state: 'projected' | 'not-within', likely: string | null) => ({
  id: 'db-disk',
  name: 'Database disk',
  component: 'db',
  error: null,
  figures: { thresholds: [{ level: 'warning', value: 90, state, earliest: null, likely, latest: null }, { level: 'critical', value: 95, state: 'not-within', earliest: null, likely: null, latest: null }] },
});

describe('SLO snapshot → events', () => {
  it('reads the snapshot cairn slo writes, from data/slo/latest.json', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-slo-notify-'));
    expect(await readSloView(dir)).toBeNull(); // absent: tolerated
    await mkdir(path.join(dir, 'data', 'slo'), { recursive: true });
    await writeFile(path.join(dir, SLO_SNAPSHOT_FILE), JSON.stringify({ version: 1, generatedAt: '2026-11-24T10:00:00Z', slos: [sloEntry('page')], capacity: [capacityEntry('projected', '2026-12-01T00:00:00Z')], alerts: { firing: [] } }));
    const view = await readSloView(dir);
    expect(view!.slos).toEqual([
      { id: 'checkout', name: 'Checkout availability', component: 'api', objective: 0.999, budgetRemaining: 0.42, alert: { state: 'page', burnRate: 14.6, window: '1h/5m' }, stale: false },
    ]);
    const { events, observations } = deriveSloEvents(config, view, EMPTY_OBSERVATIONS, NOW);
    expect(events.map((e) => [e.type, e.key, e.severity, e.title])).toEqual([
      ['slo.burn_rate', 'slo:checkout', 'critical', 'Checkout availability: error budget burning 14.6x'],
      ['capacity.forecast', 'capacity:db-disk', 'info', 'Database disk forecast to reach its warning threshold in 6 days'],
    ]);
    expect(observations.slo).toEqual({ checkout: 'page' });
    expect(observations.capacity).toEqual({ 'db-disk': 'warning' });
  });

  it('page → ticket is an update, ok resolves; a failed (stale) entry keeps its state; beyond the horizon clears', () => {
    const at = (slos: unknown[], capacity: unknown[]) => sloViewOf({ generatedAt: '2026-11-24T10:00:00Z', slos, capacity });
    const prev = { ...EMPTY_OBSERVATIONS, slo: { checkout: 'page' as const }, capacity: { 'db-disk': 'warning' as const } };
    const ticket = deriveSloEvents(config, at([sloEntry('ticket')], [capacityEntry('projected', '2026-12-01T00:00:00Z')]), prev, NOW);
    expect(ticket.events.map((e) => [e.type, e.action, e.severity])).toEqual([['slo.burn_rate', 'trigger', 'warning']]);
    const stale = deriveSloEvents(config, at([sloEntry('ok', 'Prometheus answered 503')], []), prev, NOW);
    expect(stale.events).toEqual([]);
    expect(stale.observations.slo).toEqual({ checkout: 'page' });
    const ok = deriveSloEvents(config, at([sloEntry('ok')], [capacityEntry('projected', '2027-03-01T00:00:00Z')]), prev, NOW);
    expect(ok.events.map((e) => [e.type, e.action, e.severity])).toEqual([
      ['slo.recovered', 'resolve', 'critical'],
      ['capacity.cleared', 'resolve', 'info'],
    ]);
    expect(deriveSloEvents(config, null, prev, NOW)).toEqual({ events: [], observations: prev });
    expect(sloViewOf('garbage')).toBeNull();
  });
});

describe('SLOs on the checks → events (withCheckSlos)', () => {
  // A check-based entry as the status model computes it (source: checks, no endpoint).
  const own = (state: 'ok' | 'page') => ({ ...sloEntry(state), id: 'api-up', name: 'API up', source: 'checks', endpoint: null, sli: 'availability' });

  it('alerts on a check-based SLO like a Prometheus one, without any snapshot', () => {
    const fired = deriveSloEvents(config, withCheckSlos(null, [own('page')], EMPTY_OBSERVATIONS), EMPTY_OBSERVATIONS, NOW);
    expect(fired.events.map((e) => [e.type, e.key, e.severity])).toEqual([['slo.burn_rate', 'slo:api-up', 'critical']]);
    const calm = deriveSloEvents(config, withCheckSlos(null, [own('ok')], fired.observations), fired.observations, NOW);
    expect(calm.events.map((e) => e.type)).toEqual(['slo.recovered']);
  });

  it('keeps the states of Prometheus SLOs and capacity remembered when no snapshot is there', () => {
    const previous = { ...EMPTY_OBSERVATIONS, slo: { checkout: 'ticket' as const }, capacity: { 'db-disk': 'warning' as const } };
    const r = deriveSloEvents(config, withCheckSlos(null, [own('ok')], previous), previous, NOW);
    expect(r.events).toEqual([]);
    expect(r.observations.slo).toEqual({ checkout: 'ticket' });
    expect(r.observations.capacity).toEqual({ 'db-disk': 'warning' });
  });

  it('replaces a snapshot entry of the same id', () => {
    const view = withCheckSlos(sloViewOf({ slos: [{ ...sloEntry('page'), id: 'api-up' }] }), [own('ok')], EMPTY_OBSERVATIONS);
    expect(view?.slos.map((s) => [s.id, s.alert?.state])).toEqual([['api-up', null]]);
  });
});
