import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { readReportInputs } from '../reports/inputs.ts';
import { MonthColumns } from '../store/month-columns.ts';
import { compactStore } from '../store/compact.ts';
import { DAY_MS } from '../store/layout.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import { type RunRecord, type Sample, STORE_VERSION, appendRuns } from '../store/samples.ts';
import { countAtOrBefore, storedColumnTimeline } from './columns.ts';
import { computePeriods } from './period.ts';
import { storedTimeline } from './stored.ts';
import { fixtureConfig } from './testing.ts';
import { seededRandom } from '../demo/random.ts';

const MIN = 60_000;
const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];

/** Deterministic pseudo-random numbers (the demo's mulberry32). */
const rng = seededRandom;

/** Sorted samples of one check: 5-minute steps, late runs, gaps, repeated times. */
function randomSamples(rand: () => number, from: number, count: number): Sample[] {
  const out: Sample[] = [];
  let at = from;
  for (let i = 0; i < count; i++) {
    const x = rand();
    at += x < 0.05 ? 0 : x < 0.1 ? 40 * MIN + Math.floor(rand() * 3 * 3_600_000) : 5 * MIN + Math.floor(rand() * 90_000);
    const s = STATUSES[rand() < 0.8 ? 0 : Math.floor(rand() * 4)] as CheckStatus;
    out.push({ id: 'a', status: s, at, responseTimeMs: s === 'down' ? null : Math.round(rand() * 900), error: null, statusCode: null });
  }
  return out;
}

function rollup(day: string, last: { t: string; s: CheckStatus; g?: string }): RollupRecord {
  return {
    v: 1,
    d: day,
    id: 'a',
    ms: [0, 0, 0, 0],
    n: [1, 0, 0, 0],
    seg: [[0, DAY_MS - 2 * 60_000, 'u']],
    last: { s: last.s, t: last.t, ms: 5, e: null, ...(last.g ? { g: last.g } : {}) },
    lat: null,
  } as unknown as RollupRecord;
}

describe('the timeline of a check from columns', () => {
  it('equals storedTimeline of the same samples as objects, with and without rollups, up to now', () => {
    const rand = rng(11);
    for (let round = 0; round < 60; round++) {
      const start = Date.parse('2026-04-02T00:00:00.000Z');
      const samples = randomSamples(rand, start - Math.floor(rand() * 3_600_000), 200 + Math.floor(rand() * 400));
      const now = (samples[Math.floor(rand() * samples.length)] as Sample).at + Math.floor(rand() * 2) * 7 * MIN;
      const maxGap = rand() < 0.5 ? 15 * MIN : 60 * MIN;
      const cols = new MonthColumns();
      for (const s of samples) cols.add(s);
      const c = cols.columns('a');
      if (!c) throw new Error('columns expected');
      const upToNow = samples.filter((s) => s.at <= now);
      const n = countAtOrBefore(c.at, c.n, now);
      expect(n).toBe(upToNow.length);
      // The carry: the last compacted sample, before the boundary, on it, after it, after now.
      const carries = ['2026-04-01T23:50:00.000Z', '2026-04-02T00:00:00.000Z', new Date((samples[3] as Sample).at).toISOString(), new Date(now + MIN).toISOString()];
      const cases: RollupRecord[][] = [[], ...carries.map((t, k) => [rollup('2026-04-01', { t, s: STATUSES[k] as CheckStatus })])];
      for (const rollups of cases) {
        const expected = storedTimeline(upToNow, rollups, maxGap, now).segments;
        expect(storedColumnTimeline(c, n, rollups, maxGap, now), `round ${round}, ${rollups[0]?.last.t ?? 'no rollup'}`).toEqual(expected);
      }
      // A carry with a region: left to storedTimeline.
      expect(storedColumnTimeline(c, n, [rollup('2026-04-01', { t: carries[0] as string, s: 'up', g: 'eu' })], maxGap, now)).toBeNull();
    }
  });

  it('gives computePeriods the same figures as the samples as objects, on a store with compacted days', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-columns-'));
    const config = {
      ...fixtureConfig({ checks: [{ id: 'api', component: 'core' }, { id: 'db', component: 'core' }, { id: 'web' }, { id: 'nightly', intervalMs: DAY_MS }] }),
      dir,
    };
    const rand = rng(5);
    const runs: RunRecord[] = [];
    const from = Date.parse('2026-02-20T00:00:00.000Z');
    const to = Date.parse('2026-04-20T00:00:00.000Z');
    for (let t = from; t < to; t += 5 * MIN) {
      if (rand() < 0.02) continue; // a missed run
      const at = new Date(t + Math.floor(rand() * 30_000)).toISOString();
      const ids = ['api', 'db', 'web', ...(t % DAY_MS === 0 ? ['nightly'] : [])];
      runs.push({
        v: STORE_VERSION,
        t: at,
        r: ids.map((id) => {
          const s = STATUSES[rand() < 0.9 ? 0 : Math.floor(rand() * 4)] as CheckStatus;
          return { id, s, t: at, ms: s === 'down' ? null : rand() < 0.002 ? 70_000 : Math.round(20 + rand() * 500), e: s === 'down' ? 'connection refused' : null };
        }),
      });
    }
    await appendRuns(dir, runs);
    // Days before 2026-03-15 become rollups; the rest stays raw.
    await compactStore(dir, { retentionMs: 36 * DAY_MS, now: to, maxGapMs: (id) => (id === 'nightly' ? 3 * DAY_MS : 15 * MIN) });
    const periods = ['2026-02', '2026-03', '2026-04'].map((label) => {
      const [y, m] = label.split('-').map(Number) as [number, number];
      return { label, from: Date.UTC(y, m - 1, 1), to: Date.UTC(y, m, 1) };
    });
    const inputs = await readReportInputs(config, periods[0]!.from, periods[2]!.to, periods[2]!);
    expect(inputs.rollups.length).toBeGreaterThan(0);
    const now = Date.parse('2026-04-18T12:34:56.000Z');
    const base = { config, samples: (id: string) => inputs.samples.of(id), rollups: inputs.rollups, incidents: inputs.incidents, now, periods };
    const objects = computePeriods(base);
    let asObjects = 0;
    const columns = computePeriods({ ...base, samples: (id: string) => (asObjects++, inputs.samples.of(id)), columns: (id) => inputs.samples.columns(id) });
    expect(columns).toEqual(objects);
    expect(asObjects).toBe(0);
    // The same with one set of arrays refilled for every check (as the report reads them).
    const scratch = { n: 0, at: new Float64Array(0), status: new Uint8Array(0), ms: new Float32Array(0) };
    expect(computePeriods({ ...base, columns: (id) => inputs.samples.columns(id, scratch) })).toEqual(objects);
    expect(scratch.at.length).toBeGreaterThan(4000);
    expect(objects[2]?.checks.find((c) => c.id === 'api')?.samples).toBeGreaterThan(4000);
  });
});
