/**
 * The report's exact-month SLO query against a REAL Prometheus with backfilled data whose answers
 * are known: one error every 20 minutes out of 100 requests a minute, over a whole past calendar
 * month. In CI a missing prometheus or promtool fails.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { type RunningPrometheus, prometheusAvailable, startPrometheus } from '../prometheus/testing.ts';
import { queryMonthSlos } from './prometheus-month.ts';

const MIN = 60_000;
const now = new Date();
// The last complete UTC month [FROM, TO), or the one before it in the first hours of a month:
// backfilled blocks must end a few hours before Prometheus's head.
const back = Date.now() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) < 6 * 3_600_000 ? 1 : 0;
const FROM = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1 - back, 1);
const TO = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1);
const MINUTES = (TO - FROM) / MIN;
const PAD = 60;
// Minute k counted from FROM - PAD minutes; one error every 20 minutes, 100 requests a minute.
const errors = (k: number) => Math.floor(k / 20);
const total = (k: number) => 100 * k;

const available = prometheusAvailable();
let prom: RunningPrometheus;

beforeAll(async () => {
  if (!available) return;
  const spec = (series: string, f: (k: number) => number) => ({ series, start: FROM - PAD * MIN, stepMs: MIN, count: MINUTES + 2 * PAD + 1, value: f });
  prom = await startPrometheus({
    series: [spec('req_total{code="500"}', errors), spec('req_total{code="200"}', (k) => total(k) - errors(k))],
  });
}, 180_000);

afterAll(async () => {
  await prom?.stop();
});

describe.skipIf(!available)('exact calendar month from Prometheus', () => {
  it('gives the known availability, budget and a burn-down that ends where the month does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-prom-'));
    await writeFile(
      path.join(dir, 'cairn.yaml'),
      `site: { title: T }\nprometheus: { id: main, url: ${prom.url} }\nslos:\n  - { id: api, component: api, target: 99.9, windows: [month], sli: { ratio: { errors: 'req_total{code="500"}', total: 'req_total' } } }\nchecks:\n  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }\n`,
    );
    const config = await loadConfig(dir, { env: {} });
    const [slo] = await queryMonthSlos(config, FROM, TO);
    expect(slo!.error).toBeNull();
    const f = slo!.figures!;
    // Prometheus 2.x range selectors include both ends; samples sit exactly on them: no extrapolation.
    const bad = errors(MINUTES + PAD) - errors(PAD);
    const all = total(MINUTES + PAD) - total(PAD);
    expect(f.total).toBeCloseTo(all, 6);
    expect(f.good).toBeCloseTo(all - bad, 6);
    expect(f.achieved).toBeCloseTo(1 - bad / all, 12);
    expect(f.budget.allowed).toBeCloseTo(0.001 * all, 6);
    expect(f.budget.consumed).toBeCloseTo(bad, 6);
    expect(f.budget.remainingFraction).toBeCloseTo(1 - bad / (0.001 * all), 9);
    expect(f.met).toBe(true);
    const days = Math.floor((TO - FROM) / 86_400_000);
    const points = slo!.burnDown.filter((p) => p.remaining !== null);
    expect(points.length).toBeGreaterThanOrEqual(days);
    expect(points.at(-1)!.remaining).toBeCloseTo(f.budget.remainingFraction!, 6);
    // An event budget is (1 − target) × the events so far; a steady error ratio keeps the remaining
    // share constant through the month (and equal to the month's figure) after the first day.
    expect(points[0]).toEqual({ t: FROM, remaining: 1 }); // the month starts untouched
    for (const p of points.slice(1)) expect(p.remaining!).toBeCloseTo(f.budget.remainingFraction!, 2);
  });
});
