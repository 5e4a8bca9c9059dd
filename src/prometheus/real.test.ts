/**
 * Against a REAL Prometheus (Debian `prometheus` 2.42) started on 127.0.0.1 with data backfilled
 * by promtool, generated so the answers are known exactly. In CI a missing binary fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { PromClient } from './client.ts';
import { takeSnapshot } from './snapshot.ts';
import { type RunningPrometheus, type SeriesSpec, prometheusAvailable, startPrometheus, waitForFiring } from './testing.ts';
import type { SloEntry, SloSnapshot } from './types.ts';

const MIN = 60_000;
const DAY = 86_400_000;
/** Evaluation time: a whole hour, three hours ago (backfilled blocks must be older than the head). */
const T = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;
const M = 31 * 1440;
const START = T - M * MIN;

// The generated counters and gauges, by minute index m (0 … M; m = M is T).
const apiErrors = (m: number) => Math.floor(m / 20);
const apiTotal = (m: number) => 100 * m;
const burstErrors = (m: number) => 2 * Math.max(0, m - (M - 60));
const burstTotal = (m: number) => 100 * m;
const ticketErrors = (m: number) => 4 * Math.max(0, m - (M - 1440));
const ticketTotal = (m: number) => 1000 * m;
const probe = (m: number) => (m >= M - 10_000 && m < M - 9_970 ? 0 : 1);
const buckets: Record<string, number> = { '0.1': 60, '0.3': 95, '1': 99, '+Inf': 100 };

// Capacity: 40 % + 0.5 %/day, a zero-mean wobble per day before T; crosses 90 % at T + 40 d and 95 % at T + 50 d.
const CAP_DAYS = 60;
const capStart = T - CAP_DAYS * DAY;
const wobble = (k: number) => Math.sin(k * 1.7);
const disk = (t: number) => {
  const k = t >= T ? 0 : Math.ceil((T - t) / DAY) - 1;
  return Math.round((40 + (0.5 * (t - capStart)) / DAY + wobble(k)) * 1e6) / 1e6;
};

function minuteSeries(series: string, f: (m: number) => number): SeriesSpec {
  return { series, start: START, stepMs: MIN, count: M + 1, value: f };
}

const SERIES: SeriesSpec[] = [
  minuteSeries('http_requests_total{svc="api",code="500"}', apiErrors),
  minuteSeries('http_requests_total{svc="api",code="200"}', (m) => apiTotal(m) - apiErrors(m)),
  minuteSeries('http_requests_total{svc="burst",code="500"}', burstErrors),
  minuteSeries('http_requests_total{svc="burst",code="200"}', (m) => burstTotal(m) - burstErrors(m)),
  minuteSeries('http_requests_total{svc="ticket",code="500"}', ticketErrors),
  minuteSeries('http_requests_total{svc="ticket",code="200"}', (m) => ticketTotal(m) - ticketErrors(m)),
  minuteSeries('probe_success{target="web"}', probe),
  ...Object.entries(buckets).map(([le, per]) => minuteSeries(`http_request_duration_seconds_bucket{svc="api",le="${le}"}`, (m) => per * m)),
  { series: 'disk_used_percent{mount="/data"}', start: capStart, stepMs: 5 * MIN, count: CAP_DAYS * 288 + 1, value: (i) => disk(capStart + i * 5 * MIN) },
];

const RULES = `groups:
  - name: cairn-test
    rules:
      - alert: ApiErrorsHigh
        expr: vector(1)
        labels: { component: api, severity: page }
        annotations: { summary: API error rate above 2% }
      - alert: Elsewhere
        expr: vector(1)
        labels: { component: not-ours }
`;

function cairnYaml(url: string): string {
  return `site: { title: Test }
prometheus:
  - id: main
    url: ${url}
    timeout: 20s
slos:
  - { id: api-avail, component: api, target: 99.9, sli: { ratio: { errors: 'http_requests_total{svc="api",code="500"}', total: 'http_requests_total{svc="api"}' } } }
  - { id: api-good, component: api, target: 99.9, windows: [30d], sli: { ratio: { good: 'http_requests_total{svc="api",code="200"}', total: 'http_requests_total{svc="api"}' } } }
  - { id: burst, component: api, target: 99.9, windows: [30d], sli: { ratio: { errors: 'http_requests_total{svc="burst",code="500"}', total: 'http_requests_total{svc="burst"}' } } }
  - { id: ticket, component: api, target: 99.9, windows: [30d], sli: { ratio: { errors: 'http_requests_total{svc="ticket",code="500"}', total: 'http_requests_total{svc="ticket"}' } } }
  - { id: web-probe, component: web, target: 99.9, windows: [30d, month], sli: { gauge: 'probe_success{target="web"}' } }
  - { id: api-latency, component: api, target: 95, windows: [7d], sli: { latency: { metric: 'http_request_duration_seconds_bucket{svc="api"}', le: 0.3 } } }
  - { id: api-latency-1s, component: api, target: 99, windows: [7d], sli: { latency: { metric: 'http_request_duration_seconds_bucket{svc="api"}', le: 1 } } }
capacity:
  - { id: data-disk, component: db, type: disk, query: 'disk_used_percent{mount="/data"}', lookback: 60d }
  - { id: data-disk-ts, component: db, type: disk, query: 'disk_used_percent{mount="/data"}', lookback: 60d, method: theil-sen }
checks:
  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: web, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: db, kind: tcp, host: 127.0.0.1, port: 1 }
`;
}

const available = prometheusAvailable();

describe.skipIf(!available)('SLOs and capacity against a real Prometheus', () => {
  let prom: RunningPrometheus;
  let dir: string;
  let config: ResolvedConfig;
  let snap: SloSnapshot;
  let requests = 0;

  beforeAll(async () => {
    prom = await startPrometheus({ series: SERIES, rules: RULES });
    await waitForFiring(prom.url);
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-slo-'));
    await writeFile(path.join(dir, 'cairn.yaml'), cairnYaml(prom.url));
    config = await loadConfig(dir);
    const outcome = await takeSnapshot(config, { now: T });
    snap = outcome.snapshot;
    requests = outcome.stats.requests;
    expect(outcome.failures).toEqual([]);
  });
  afterAll(async () => {
    await prom?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const slo = (id: string): SloEntry => {
    const s = snap.slos.find((x) => x.id === id);
    if (!s?.figures) throw new Error(`no figures for ${id}`);
    return s;
  };
  /** What increase() over the last `minutes` must be for aligned 1-minute samples. */
  const inc = (f: (m: number) => number, minutes: number) => f(M) - f(M - minutes);
  const burnOf = (bad: (m: number) => number, total: (m: number) => number, minutes: number, allowance: number) => inc(bad, minutes) / inc(total, minutes) / allowance;
  const WINDOW_MINUTES = { '5m': 5, '30m': 30, '1h': 60, '2h': 120, '6h': 360, '1d': 1440, '3d': 4320 } as const;

  it('computes the achieved ratio SLI, the budget and each burn rate exactly', () => {
    const s = slo('api-avail');
    const f = s.figures!;
    const w30 = f.windows[0]!;
    expect(w30.window).toBe('30d');
    expect(w30.total).toBe(4_320_000);
    expect(w30.total - w30.good).toBe(2160);
    expect(((w30.achieved ?? 0) * 100).toFixed(4)).toBe('99.9500');
    expect(w30.budget.unit).toBe('events');
    expect(w30.budget.allowed).toBeCloseTo(4320, 6);
    expect(w30.budget.consumed).toBe(2160);
    expect(w30.budget.remaining).toBeCloseTo(2160, 6);
    expect(w30.budget.remainingFraction).toBeCloseTo(0.5, 12);
    expect(w30.met).toBe(true);
    for (const [w, minutes] of Object.entries(WINDOW_MINUTES)) {
      expect(f.burnRates[w as keyof typeof WINDOW_MINUTES], w).toBeCloseTo(burnOf(apiErrors, apiTotal, minutes, 0.001), 9);
    }
    expect(f.burnRates['1h']).toBeCloseTo(0.5, 12);
    expect(f.burnRates['1d']).toBeCloseTo(0.5, 12);
    expect(f.alertState).toBe('ok');
    // Time to exhaustion at the 1h burn rate: half the budget of 30 days at 0.5x lasts 30 days.
    expect(f.exhaustion.ms).toBeCloseTo(30 * DAY, 0);
    // Calendar month: from the first of the month to T.
    const month = f.windows[1]!;
    const elapsedMin = (T - Date.UTC(new Date(T).getUTCFullYear(), new Date(T).getUTCMonth(), 1)) / MIN;
    expect(month.window).toBe('month');
    expect(month.elapsedMs).toBe(elapsedMin * MIN);
    expect(month.total).toBe(inc(apiTotal, elapsedMin));
    expect(month.total - month.good).toBe(inc(apiErrors, elapsedMin));
  });

  it('gives the same figures from good/total as from errors/total', () => {
    const a = slo('api-avail').figures!;
    const b = slo('api-good').figures!;
    expect(b.windows[0]!.achieved).toBeCloseTo(a.windows[0]!.achieved!, 12);
    expect(b.burnRates).toEqual(a.burnRates);
  });

  it('burn-down: one point per day, the cumulative remaining budget, ending at the window figure', () => {
    const f = slo('api-avail').figures!;
    expect(f.burnDown.length).toBe(31);
    expect(f.burnDown[0]).toEqual({ t: T - 30 * DAY, remaining: 1 });
    for (const p of f.burnDown.slice(1)) expect(p.remaining).toBeCloseTo(0.5, 9);
    expect(f.burnDown.at(-1)!.t).toBe(T);
  });

  it('pages on a fast burn (14.4x over 1h and 5m) and tickets on a slow one (3x over 1d and 2h)', () => {
    const burst = slo('burst').figures!;
    expect(burst.burnRates['1h']).toBeCloseTo(20, 9);
    expect(burst.burnRates['5m']).toBeCloseTo(20, 9);
    expect(burst.burnRates['6h']).toBeCloseTo(burnOf(burstErrors, burstTotal, 360, 0.001), 9);
    expect(burst.alertState).toBe('page');
    expect(burst.rules.find((r) => r.long === '1h')!.firing).toBe(true);
    const ticket = slo('ticket').figures!;
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d'] as const) expect(ticket.burnRates[w], w).toBeCloseTo(4, 9);
    expect(ticket.burnRates['3d']).toBeCloseTo(4 / 3, 9);
    expect(ticket.alertState).toBe('ticket');
    expect(ticket.rules.filter((r) => r.firing).map((r) => r.long)).toEqual(['1d', '3d']);
    // 4x burn: the 30-day budget (0.1 % of 43.2M requests = 43,200) minus 1 day at 0.4 % (5,760).
    expect(ticket.windows[0]!.budget.remaining).toBeCloseTo(43_200 - 5_760, 6);
    expect(ticket.exhaustion.ms).toBeCloseTo(((43_200 - 5_760) / 43_200) * 30 * DAY / 4, 0);
  });

  it('computes a gauge SLI (probe_success) in minutes, with the known 30 minutes of failure', () => {
    const f = slo('web-probe').figures!;
    const w = f.windows[0]!;
    // Prometheus 2.x range selectors include both ends: 43,201 samples in 30 days.
    expect(w.total).toBe(43_201);
    expect(w.good).toBe(43_171);
    expect(((w.achieved ?? 0) * 100).toFixed(4)).toBe(((43_171 / 43_201) * 100).toFixed(4));
    expect(w.budget.unit).toBe('minutes');
    expect(w.budget.allowed).toBeCloseTo(43.2, 9);
    expect(w.budget.consumed).toBeCloseTo((30 / 43_201) * 43_200, 9);
    expect(w.met).toBe(true);
    expect(f.burnRates['1h']).toBe(0);
    expect(f.exhaustion.ms).toBeNull();
  });

  it('computes latency SLIs from histogram buckets (le 0.3, and an integer le matching "1")', () => {
    const a = slo('api-latency').figures!;
    expect(a.windows[0]!.achieved).toBeCloseTo(0.95, 12);
    expect(a.burnRates['1d']).toBeCloseTo(1, 9);
    expect(a.windows[0]!.met).toBe(true);
    const b = slo('api-latency-1s').figures!;
    expect(b.windows[0]!.achieved).toBeCloseTo(0.99, 12);
  });

  it('forecasts capacity: the true crossing dates fall inside the reported intervals', () => {
    for (const id of ['data-disk', 'data-disk-ts']) {
      const c = snap.capacity.find((x) => x.id === id)!;
      const f = c.figures!;
      expect(f.daily.length).toBe(60);
      expect(f.growthPerWeek!).toBeGreaterThan(3.2);
      expect(f.growthPerWeek!).toBeLessThan(3.8);
      const truth = { warning: T + 40 * DAY, critical: T + 50 * DAY };
      for (const th of f.thresholds) {
        expect(th.state, `${id} ${th.level}`).toBe('projected');
        const [earliest, likely, latest] = [th.earliest, th.likely, th.latest].map((x) => Date.parse(x!));
        expect(earliest).toBeLessThanOrEqual(likely!);
        expect(likely).toBeLessThanOrEqual(latest!);
        expect(earliest, `${id} ${th.level} earliest`).toBeLessThanOrEqual(truth[th.level]);
        expect(latest, `${id} ${th.level} latest`).toBeGreaterThanOrEqual(truth[th.level]);
      }
    }
  });

  it('attaches firing alerts to the component named by their label', () => {
    expect(snap.alerts.error).toBeNull();
    expect(snap.alerts.firing.map((a) => [a.component, a.name, a.severity, a.summary])).toEqual([['api', 'ApiErrorsHigh', 'page', 'API error rate above 2%']]);
  });

  it('sends a number of requests proportional to the SLOs: 2 per SLO, 1 per resource, 1 for alerts', () => {
    expect(requests).toBe(2 * 7 + 2 + 1);
  });

  it('splits or steps a range query that would exceed 11,000 points, never sending it to fail', async () => {
    const client = new PromClient(config.prometheus.endpoints[0]!);
    const q = 'sum(http_requests_total{svc="api"})';
    const split = await client.range(q, T - 20 * DAY, T, MIN, 'split');
    expect(split[0]!.points.length).toBe(20 * 1440 + 1);
    expect(split[0]!.points.at(-1)).toEqual([T, apiTotal(M)]);
    const stepped = await client.range(q, T - 20 * DAY, T, MIN, 'step');
    expect(stepped[0]!.points.length).toBeLessThanOrEqual(11_000);
    expect(client.stats.requests).toBe(3 + 1);
  });
});
