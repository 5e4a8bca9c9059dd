/**
 * `npm run bench:slo`: 100 SLOs and 20 capacity series over 90 days of backfilled data on a real
 * Prometheus (Debian `prometheus`, promtool backfill), through the same code as `cairn slo`.
 *
 * Data: 20 services × 2 request counters, 10 probe_success gauges, 10 services × 4 histogram
 * buckets, 20 disk gauges: 110 series, one sample every 10 minutes for 87 days and every minute
 * for the last 3 (so the 5-minute burn window has data). SLOs: 40 ratio, 30 gauge, 30 latency.
 *
 * Runs: 100 SLOs with 90-day windows (the figures), the same with 30-day windows, and 50 SLOs
 * with 90-day windows: requests follow the SLO count, not the window length.
 * Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load.ts';
import { takeSnapshot } from '../src/prometheus/snapshot.ts';
import { prometheusAvailable, type SeriesSpec, startPrometheus } from '../src/prometheus/testing.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const T = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;
const DAYS = 90;
const COARSE = 10 * MIN;
const FINE_FROM = T - 3 * DAY;
const START = T - DAYS * DAY;
/** Sample times: every 10 minutes, then every minute for the last 3 days. */
const COARSE_COUNT = (FINE_FROM - START) / COARSE;
const COUNT = COARSE_COUNT + 3 * 1440 + 1;
const timeOf = (i: number) => (i < COARSE_COUNT ? START + i * COARSE : FINE_FROM + (i - COARSE_COUNT) * MIN);
const minutes = (i: number) => (timeOf(i) - START) / MIN;

function series(name: string, value: (minute: number) => number): SeriesSpec {
  return { series: name, start: START, stepMs: COARSE, count: COUNT, value: (i) => value(minutes(i)), timeOf };
}

function buildSeries(): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  for (let s = 0; s < 20; s++) {
    const errPer1000 = 1 + (s % 5);
    out.push(series(`http_requests_total{svc="s${s}",code="500"}`, (m) => Math.floor((m * errPer1000) / 10)));
    out.push(series(`http_requests_total{svc="s${s}",code="200"}`, (m) => 100 * m - Math.floor((m * errPer1000) / 10)));
  }
  for (let p = 0; p < 10; p++) out.push(series(`probe_success{target="t${p}"}`, (m) => (Math.floor(m) % (500 + p * 37) === 0 ? 0 : 1)));
  for (let h = 0; h < 10; h++) {
    for (const [le, per] of [['0.1', 60], ['0.3', 95], ['1', 99], ['+Inf', 100]] as const) out.push(series(`http_request_duration_seconds_bucket{svc="h${h}",le="${le}"}`, (m) => per * m));
  }
  for (let d = 0; d < 20; d++) out.push(series(`disk_used_percent{host="n${d}"}`, (m) => Math.round((30 + d + ((0.2 + d / 40) * m) / 1440 + Math.sin(m / 1440) * 0.8) * 1000) / 1000));
  return out;
}

function cairnYaml(url: string, window: string, slos: number): string {
  const lines = [`prometheus: { id: main, url: '${url}', timeout: 60s, alerts: false }`, 'slos:'];
  let n = 0;
  const add = (line: string) => {
    if (n++ < slos) lines.push(line);
  };
  for (let s = 0; s < 20; s++) {
    for (const target of [99.9, 99.5]) add(`  - { id: r${s}-${String(target).replace(".", "_")}, component: app, target: ${target}, windows: [${window}, month], sli: { ratio: { errors: 'http_requests_total{svc="s${s}",code="500"}', total: 'http_requests_total{svc="s${s}"}' } } }`);
  }
  for (let p = 0; p < 10; p++) for (const target of [99, 99.5, 99.9]) add(`  - { id: g${p}-${String(target).replace(".", "_")}, component: app, target: ${target}, windows: [${window}, month], sli: { gauge: 'probe_success{target="t${p}"}' } }`);
  for (let h = 0; h < 10; h++) for (const le of ['0.1', '0.3', '1']) add(`  - { id: l${h}-${le.replace(".", "_")}, component: app, target: 95, windows: [${window}, month], sli: { latency: { metric: 'http_request_duration_seconds_bucket{svc="h${h}"}', le: ${le} } } }`);
  lines.push('capacity:');
  for (let d = 0; d < 20; d++) lines.push(`  - { id: disk${d}, component: app, type: disk, query: 'disk_used_percent{host="n${d}"}', lookback: ${window} }`);
  lines.push('checks:', '  - { id: app, kind: tcp, host: 127.0.0.1, port: 1 }');
  return `${lines.join('\n')}\n`;
}

async function snapshotRun(url: string, window: string, slos: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-slo-'));
  try {
    await writeFile(path.join(dir, 'cairn.yaml'), cairnYaml(url, window, slos));
    const config = await loadConfig(dir);
    const started = performance.now();
    const outcome = await takeSnapshot(config, { now: T });
    const wall = performance.now() - started;
    return { wall, outcome };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!prometheusAvailable()) throw new Error('prometheus and promtool are needed: apt-get install prometheus');
  const specs = buildSeries();
  process.stderr.write(`backfilling ${specs.length} series × ${COUNT} samples (${DAYS} days)…\n`);
  const b0 = performance.now();
  const prom = await startPrometheus({ series: specs });
  const backfillMs = performance.now() - b0;
  try {
    process.stderr.write(`prometheus ready at ${prom.url} after ${Math.round(backfillMs)} ms; warming up…\n`);
    await snapshotRun(prom.url, '90d', 100);
    const runs: Record<string, Awaited<ReturnType<typeof snapshotRun>>> = {};
    for (const [key, window, slos] of [['90d', '90d', 100], ['30d', '30d', 100], ['90d-50', '90d', 50]] as const) {
      runs[key] = await snapshotRun(prom.url, window, slos);
      const r = runs[key];
      process.stderr.write(`${key}: ${slos} SLOs + 20 capacity, ${r.outcome.stats.requests} requests, ${r.outcome.stats.points} points, ${Math.round(r.wall)} ms, ${r.outcome.failures.length} failures\n`);
      for (const f of r.outcome.failures.slice(0, 3)) process.stderr.write(`  ${f}\n`);
    }
    const main90 = runs['90d']!;
    const result = {
      bench: 'slo',
      slos: 100,
      capacity_series: 20,
      days: DAYS,
      wall_ms: Math.round(main90.wall),
      http_requests: main90.outcome.stats.requests,
      points_fetched: main90.outcome.stats.points,
      failures: main90.outcome.failures.length,
      requests_30d_windows: runs['30d']!.outcome.stats.requests,
      requests_90d_windows: main90.outcome.stats.requests,
      requests_50_slos_90d: runs['90d-50']!.outcome.stats.requests,
      wall_ms_30d_windows: Math.round(runs['30d']!.wall),
      series_backfilled: specs.length,
      samples_backfilled: specs.length * COUNT,
      backfill_and_start_ms: Math.round(backfillMs),
      node: process.version,
    };
    console.log(JSON.stringify(result));
  } finally {
    await prom.stop();
  }
}

await main();
