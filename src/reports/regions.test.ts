/**
 * A multi-region store: the report's figures follow the region rule as the page's do. The report
 * reads the store into columns (src/store/month-columns.ts); samples with regions must reach the
 * period figures with their regions, not as one interleaved timeline.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computePeriods } from '../model/period.ts';
import { fixtureConfig } from '../model/testing.ts';
import { type RunRecord, STORE_VERSION, appendRuns, readSamples } from '../store/samples.ts';
import { readReportInputs } from './inputs.ts';

const MIN = 60_000;

describe('the report of a multi-region store', () => {
  it('gives the availability the region rule gives, as the figures from the samples do', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-regions-report-'));
    const from = Date.parse('2026-03-01T00:00:00.000Z');
    const to = Date.parse('2026-03-03T00:00:00.000Z');
    const runs: RunRecord[] = [];
    for (let t = from; t < to; t += 5 * MIN) {
      // eu is down from 06:00 to 12:00 on the first day, us from 09:00 to 10:00; ap always up.
      const hour = (t - from) / 3_600_000;
      for (const [g, lag, down] of [['eu', 0, hour >= 6 && hour < 12], ['us', 20_000, hour >= 9 && hour < 10], ['ap', 40_000, false]] as const) {
        const at = new Date(t + lag).toISOString();
        runs.push({ v: STORE_VERSION, t: at, r: [{ id: 'api', s: down ? 'down' : 'up', t: at, ms: down ? null : 80, e: down ? 'refused' : null, g }] });
      }
    }
    await appendRuns(dir, runs);
    const now = to;
    const config = { ...fixtureConfig({ checks: [{ id: 'api', component: 'core' }] }), dir };
    const periods = [{ label: '2026-03-01', from, to: from + 86_400_000 }, { label: 'two days', from, to }];
    const inputs = await readReportInputs(config, from, to, periods[1]!);
    expect(inputs.problems).toEqual([]);
    // With regions, the report's columns give way to its samples, which keep their regions.
    expect(inputs.samples.columns('api')).toBeNull();
    expect(new Set(inputs.samples.of('api').map((s) => s.region))).toEqual(new Set(['eu', 'us', 'ap']));
    const report = computePeriods({ config, samples: (id) => inputs.samples.of(id), columns: (id) => inputs.samples.columns(id), rollups: inputs.rollups, incidents: inputs.incidents, now, periods });
    const { samples } = await readSamples(dir);
    const page = computePeriods({ config, samples: (id) => samples.filter((s) => s.id === id), rollups: [], incidents: [], now, periods });
    expect(JSON.stringify(report)).toBe(JSON.stringify(page));
    // Majority of three regions: down only while eu and us both are (09:00-10:00), 1 h of 24.
    const day = JSON.stringify(report);
    expect(day).toContain('95.83');
  });
});
