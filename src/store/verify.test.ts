import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRuns, type RunRecord } from './samples.ts';
import { CLOCK_SKEW_MS, verifyTimes } from './verify.ts';

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const DAY = 86_400_000;

function run(at: number, resultAt = at): RunRecord {
  return { v: 1, t: new Date(at).toISOString(), r: [{ id: 'api', s: 'up', t: new Date(resultAt).toISOString(), ms: 10, e: null }] };
}

function rollup(d: string, lastT: string): string {
  return JSON.stringify({ v: 1, d, id: 'api', ms: [86_400_000, 0, 0, 0], n: [1, 0, 0, 0], seg: [[0, 86_400_000, 'u']], last: { t: lastT, s: 'up', ms: 10, e: null }, lat: null });
}

describe('verifyTimes', () => {
  it('flags runs, results and rollups dated in the future, beyond a few minutes of clock skew', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-verify-'));
    await appendRuns(dir, [
      run(NOW - DAY),
      run(NOW + CLOCK_SKEW_MS - 1000), // a runner's clock a little ahead: fine
      run(NOW + 90 * DAY), // months ahead
      run(NOW + 60_000, NOW + 3 * 3_600_000), // the run is fine, one result is not
    ]);
    await mkdir(path.join(dir, 'data', 'rollups', '2026'), { recursive: true });
    await mkdir(path.join(dir, 'data', 'rollups', '2027'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'rollups', '2026', '2026-11.ndjson'), `${rollup('2026-11-30', '2026-11-30T23:55:00.000Z')}\n`);
    await writeFile(path.join(dir, 'data', 'rollups', '2026', '2026-12.ndjson'), `${rollup('2026-12-01', '2026-12-01T23:55:00.000Z')}\n${rollup('2026-12-02', '2026-12-02T23:00:00.000Z')}\n`);
    await writeFile(path.join(dir, 'data', 'rollups', '2027', '2027-03.ndjson'), `${rollup('2027-03-01', '2027-03-01T23:55:00.000Z')}\n`);

    expect(await verifyTimes(dir, NOW)).toEqual([
      { file: 'data/2026-12-02.ndjson', line: 1, message: 'result "api" time 2026-12-02T15:00:00.000Z is in the future (3 hours after now; at most 5 minutes of clock skew are allowed)' },
      { file: 'data/2027-03-02.ndjson', line: 1, message: 'run time 2027-03-02T12:00:00.000Z is in the future (90 days after now; at most 5 minutes of clock skew are allowed)' },
      {
        file: 'data/rollups/2026/2026-12.ndjson',
        line: 2,
        message: 'rollup of check "api" for 2026-12-02: last sample time 2026-12-02T23:00:00.000Z is in the future (11 hours after now; at most 5 minutes of clock skew are allowed)',
      },
      { file: 'data/rollups/2027/2027-03.ndjson', line: 1, message: 'rollup of check "api" for 2027-03-01: the day is in the future' },
    ]);
  });

  it('flags a run in the day file of another day, and a rollup in the month file of another month', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-verify-'));
    await appendRuns(dir, [run(NOW - DAY)]);
    await writeFile(path.join(dir, 'data', '2026-11-20.ndjson'), `${JSON.stringify(run(NOW - 2 * DAY))}\n`);
    await mkdir(path.join(dir, 'data', 'rollups', '2026'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'rollups', '2026', '2026-10.ndjson'), `${rollup('2026-11-01', '2026-11-01T23:55:00.000Z')}\n`);
    expect(await verifyTimes(dir, NOW)).toEqual([
      { file: 'data/2026-11-20.ndjson', line: 1, message: 'run time 2026-11-30T12:00:00.000Z is not on 2026-11-20, the day of its file 2026-11-20.ndjson' },
      { file: 'data/rollups/2026/2026-10.ndjson', line: 1, message: 'rollup of check "api" for 2026-11-01 is not in 2026-10, the month of its file' },
    ]);
  });
});
