import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { computeModel } from '../model/model.ts';
import { rollupLatency } from '../model/stored.ts';
import { fixtureConfig } from '../model/testing.ts';
import { compactStore } from './compact.ts';
import { decodeHistogram, quantile } from './histogram.ts';
import { DAY_MS } from './layout.ts';
import { readRollups } from './rollup-format.ts';
import { type RunRecord, type StoredResult, appendRuns, listDayFiles } from './samples.ts';
import { readStore } from './store.ts';
import { seededRandom } from '../demo/random.ts';

const MIN = 60_000;
const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const START = Date.parse('2026-07-15T00:00:00.000Z'); // 132 days before NOW, across the October DST change

/** Deterministic pseudo-random numbers (the demo's mulberry32). */
const rng = seededRandom;

const config = fixtureConfig({
  checks: [
    { id: 'api', component: 'core' },
    { id: 'db', component: 'core' },
    { id: 'web' },
    { id: 'nightly', intervalMs: DAY_MS }, // holds for 3 days: across several midnights
  ],
  groups: [{ id: 'g', components: ['core', 'web'] }],
  timeZone: 'Europe/Berlin',
});
const maxGapMs = (id: string) => config.checks.find((c) => c.id === id)?.maxGapMs ?? 900_000;

/** Runs every 5 minutes (late by up to 40 min now and then), statuses that change, whole seconds. */
function fixtureRuns(): RunRecord[] {
  const rand = rng(42);
  const runs: RunRecord[] = [];
  for (let tick = START; tick < NOW; tick += 5 * MIN) {
    const late = rand() < 0.01 ? Math.floor(rand() * 40) * MIN : 0; // a late cron run: a gap, no data
    const t = tick + late + Math.floor(rand() * 30) * 1000;
    if (t >= NOW) break;
    const r: StoredResult[] = [];
    for (const id of ['api', 'db', 'web']) {
      const x = rand();
      const s: CheckStatus = x < 0.02 ? 'down' : x < 0.05 ? 'degraded' : x < 0.06 ? 'maintenance' : 'up';
      r.push({ id, s, t: new Date(t + Math.floor(rand() * 5) * 1000).toISOString(), ms: s === 'down' ? null : 20 + Math.floor(rand() * 400), e: s === 'up' ? null : 'boom' });
    }
    // The nightly check runs once a day at 23:50 UTC, and skips every 7th day.
    const d = new Date(t);
    if (d.getUTCHours() === 23 && d.getUTCMinutes() >= 50 && d.getUTCMinutes() < 55 && Math.floor(t / DAY_MS) % 7 !== 0) {
      r.push({ id: 'nightly', s: rand() < 0.2 ? 'down' : 'up', t: d.toISOString(), ms: 1000, e: null });
    }
    runs.push({ v: 1, t: new Date(t).toISOString(), r });
  }
  return runs;
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of (await readdir(path.join(dir, 'data'), { recursive: true })).sort()) {
    try {
      out[rel] = await readFile(path.join(dir, 'data', rel), 'utf8');
    } catch {
      // a folder
    }
  }
  return out;
}

async function model(dir: string) {
  const { samples, rollups, problems } = await readStore(dir);
  expect(problems).toEqual([]);
  return computeModel({ config, samples, rollups, now: NOW });
}

describe('compaction', () => {
  it('round trip: every model figure is identical before and after compaction, and again after a second run', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-compact-'));
    await appendRuns(dir, fixtureRuns());
    const rawDays = new Set((await listDayFiles(dir)).map((f) => f.day));
    expect(rawDays.size).toBe(133);
    const before = await model(dir);
    // Sanity: the fixture has every status, no-data gaps, and 90 day bars with data.
    expect(before.checks[0]!.uptime['90d'].downMs).toBeGreaterThan(0);
    expect(before.checks[0]!.uptime['90d'].coverage).not.toBe('100.00');
    expect(before.components[0]!.days.filter((d) => d.level === 'nodata')).toHaveLength(0);

    const saved = await mkdtemp(path.join(os.tmpdir(), 'cairn-compact-saved-'));
    await cp(path.join(dir, 'data'), saved, { recursive: true });

    const first = await compactStore(dir, { retentionMs: 30 * DAY_MS, now: NOW, maxGapMs });
    // Days before 2026-10-25 (NOW - 30 d) are compacted: 2026-07-15 .. 2026-10-24.
    expect(first.days).toHaveLength(102);
    expect(first.days[0]).toBe('2026-07-15');
    expect(first.days[first.days.length - 1]).toBe('2026-10-24');
    expect(first.rollupFiles).toEqual(['data/rollups/2026/2026-07.ndjson', 'data/rollups/2026/2026-08.ndjson', 'data/rollups/2026/2026-09.ndjson', 'data/rollups/2026/2026-10.ndjson']);
    expect((await listDayFiles(dir)).map((f) => f.day)[0]).toBe('2026-10-25');

    const after = await model(dir);
    expect(after).toEqual(before);

    // Idempotent: a second run changes nothing.
    const snap = await snapshot(dir);
    const second = await compactStore(dir, { retentionMs: 30 * DAY_MS, now: NOW, maxGapMs });
    expect(second).toEqual({ days: [], lines: 0, rollupFiles: [], removed: [] });
    expect(await snapshot(dir)).toEqual(snap);

    // A crash between writing the rollups and deleting the raw days: the raw day is back, and
    // readers must not count it twice; the next compaction deletes it and writes nothing else.
    for (const f of (await readdir(saved)).filter((n) => n.startsWith('2026-09-'))) await cp(path.join(saved, f), path.join(dir, 'data', f));
    expect(await model(dir)).toEqual(before);
    const third = await compactStore(dir, { retentionMs: 30 * DAY_MS, now: NOW, maxGapMs });
    expect(third.days).toEqual([]);
    expect(third.removed).toHaveLength(30);
    expect(await snapshot(dir)).toEqual(snap);

    // Compaction in two steps (a month, then the rest) gives the same rollups as in one.
    const stepwise = await mkdtemp(path.join(os.tmpdir(), 'cairn-compact-step-'));
    await appendRuns(stepwise, fixtureRuns());
    await compactStore(stepwise, { retentionMs: 100 * DAY_MS, now: NOW, maxGapMs });
    await compactStore(stepwise, { retentionMs: 30 * DAY_MS, now: NOW, maxGapMs });
    expect((await readRollups(stepwise)).rollups).toEqual((await readRollups(dir)).rollups);
    expect(await model(stepwise)).toEqual(before);
  });

  it('rollup lines hold exact tallies, counts, the hold across midnight, and mergeable latency', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-rollup-'));
    const day = '2026-03-10';
    const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;
    const runs: RunRecord[] = [
      // 23:55 the day before: up, holds 5 minutes into the day.
      { v: 1, t: '2026-03-09T23:55:00.000Z', r: [{ id: 'a', s: 'up', t: '2026-03-09T23:55:00.000Z', ms: 100, e: null }] },
      { v: 1, t: at('00:05'), r: [{ id: 'a', s: 'down', t: at('00:05'), ms: null, e: 'HTTP 500' }] },
      { v: 1, t: at('00:10'), r: [{ id: 'a', s: 'degraded', t: at('00:10'), ms: 2000, e: 'slow' }] },
      // Then nothing until 23:50: the 00:10 sample holds 15 minutes (max gap), then no data.
      { v: 1, t: at('23:50'), r: [{ id: 'a', s: 'up', t: at('23:50'), ms: 50, e: null }] },
      // Next day: 00:10; the 23:50 sample holds until 00:05 (max gap), across midnight.
      { v: 1, t: '2026-03-11T00:10:00.000Z', r: [{ id: 'a', s: 'up', t: '2026-03-11T00:10:00.000Z', ms: 60, e: null }] },
    ];
    await appendRuns(dir, runs);
    await compactStore(dir, { retentionMs: 8 * DAY_MS, now: Date.parse('2026-03-20T00:00:00Z'), maxGapMs: () => 15 * MIN });
    const { rollups } = await readRollups(dir);
    const line = rollups.find((r) => r.d === day)!;
    expect(line).toEqual({
      v: 1,
      d: day,
      id: 'a',
      ms: [5 * MIN + 10 * MIN, 15 * MIN, 5 * MIN, 0],
      n: [1, 1, 1, 0],
      seg: [
        [0, 5 * MIN, 'u'],
        [5 * MIN, 10 * MIN, 'd'],
        [10 * MIN, 25 * MIN, 'w'],
        [(23 * 60 + 50) * MIN, DAY_MS, 'u'],
      ],
      last: { t: at('23:50'), s: 'up', ms: 50, e: null },
      lat: expect.anything(),
    });
    const next = rollups.find((r) => r.d === '2026-03-11')!;
    // 23:50 holds for the max gap (15 min: to 00:05), no data until the 00:10 sample, which holds 15 min.
    expect(next.seg).toEqual([
      [0, 5 * MIN, 'u'],
      [10 * MIN, 25 * MIN, 'u'],
    ]);
    expect(next.n).toEqual([1, 0, 0, 0]);
    // The histogram holds the non-down samples with a time: 2000 and 50 ms; p50 within 1%.
    const h = decodeHistogram(line.lat);
    if (typeof h === 'string') throw new Error(h);
    expect(h.count).toBe(2);
    expect(Math.abs(quantile(h, 50)! - 50) / 50).toBeLessThanOrEqual(0.01);
    expect(Math.abs(quantile(h, 100)! - 2000) / 2000).toBeLessThanOrEqual(0.01);
    // A span of days merges: 100 | 2000, 50 | 60 ms. Exact p50 is 60, p95 and p99 2000: within 1%.
    expect(rollupLatency(rollups)).toEqual({ samples: 4, p50: 59.7, p95: 2018.7, p99: 2018.7 });
  });

  it('a truncated or corrupt rollup file is reported and skipped; the rest still reads', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-rollup-bad-'));
    await appendRuns(dir, fixtureRuns().slice(0, 12_000));
    await compactStore(dir, { retentionMs: 30 * DAY_MS, now: NOW, maxGapMs });
    const file = path.join(dir, 'data', 'rollups', '2026', '2026-07.ndjson');
    const text = await readFile(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    const cut = `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 40)}`;
    await writeFile(file, cut);
    const { rollups, problems } = await readStore(dir);
    expect(problems).toEqual([{ file: 'data/rollups/2026/2026-07.ndjson', line: 4, message: expect.stringContaining('invalid JSON') }]);
    expect(rollups.filter((r) => r.d.startsWith('2026-07'))).toHaveLength(3);
    // Rollups of other months are intact.
    expect(rollups.filter((r) => r.d.startsWith('2026-08')).length).toBeGreaterThan(0);
  });
});
