import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { checkSegments, gapSegments, gapSegmentsOf, mergeWorst, tally } from './timeline.ts';
import { seededRandom } from '../demo/random.ts';

const M = 60_000;
const s = (at: number, status: CheckStatus) => ({ at: at * M, status });

describe('checkSegments (gap rule)', () => {
  it.each<[string, { at: number; status: CheckStatus }[], number, number, [number, number, CheckStatus][]]>([
    ['one sample holds until now when within the gap', [s(0, 'up')], 15, 10, [[0, 10, 'up']]],
    ['one sample holds at most maxGap', [s(0, 'up')], 15, 60, [[0, 15, 'up']]],
    ['consecutive equal statuses merge', [s(0, 'up'), s(5, 'up'), s(10, 'up')], 15, 12, [[0, 12, 'up']]],
    ['a change starts a new segment', [s(0, 'up'), s(5, 'down'), s(10, 'up')], 15, 12, [[0, 5, 'up'], [5, 10, 'down'], [10, 12, 'up']]],
    [
      'a late run leaves a hole of no data, not downtime',
      [s(0, 'up'), s(60, 'up')],
      15,
      65,
      [[0, 15, 'up'], [60, 65, 'up']],
    ],
    ['a down sample before a late run does not stretch', [s(0, 'down'), s(60, 'up')], 15, 61, [[0, 15, 'down'], [60, 61, 'up']]],
    ['samples after now are ignored', [s(0, 'up'), s(20, 'down')], 15, 10, [[0, 10, 'up']]],
    ['unsorted input is sorted', [s(10, 'down'), s(0, 'up')], 15, 12, [[0, 10, 'up'], [10, 12, 'down']]],
  ])('%s', (_name, samples, gap, now, want) => {
    expect(checkSegments(samples, gap * M, now * M).map((x) => [x.start / M, x.end / M, x.status])).toEqual(want);
  });
});

describe('tally', () => {
  const segs = checkSegments([s(0, 'up'), s(10, 'down'), s(20, 'degraded'), s(30, 'maintenance')], 15 * M, 40 * M);
  it.each<[number, number, [number, number, number, number]]>([
    [0, 40, [10, 10, 10, 10]],
    [5, 25, [5, 5, 10, 0]],
    [35, 100, [0, 0, 0, 5]],
    [-100, 0, [0, 0, 0, 0]],
  ])('[%d, %d)', (from, to, [up, degraded, down, maintenance]) => {
    expect(tally(segs, from * M, to * M)).toEqual({
      upMs: up * M,
      degradedMs: degraded * M,
      downMs: down * M,
      partialMs: 0,
      partialShareMs: 0,
      maintenanceMs: maintenance * M,
    });
  });
});

describe('mergeWorst', () => {
  it('takes the worst status where checks overlap and any known status elsewhere', () => {
    const a = checkSegments([s(0, 'up'), s(10, 'down'), s(20, 'up')], 15 * M, 30 * M);
    const b = checkSegments([s(5, 'degraded'), s(15, 'up')], 10 * M, 30 * M);
    expect(mergeWorst([a, b]).map((x) => [x.start / M, x.end / M, x.status])).toEqual([
      [0, 5, 'up'],
      [5, 10, 'degraded'],
      [10, 20, 'down'],
      [20, 30, 'up'],
    ]);
  });

  it('leaves no segment where no check has data', () => {
    const a = checkSegments([s(0, 'up')], 5 * M, 30 * M);
    const b = checkSegments([s(20, 'down')], 5 * M, 30 * M);
    expect(mergeWorst([a, b]).map((x) => [x.start / M, x.end / M, x.status])).toEqual([
      [0, 5, 'up'],
      [20, 25, 'down'],
    ]);
  });

  it('is empty for no timelines', () => {
    expect(mergeWorst([])).toEqual([]);
  });
});

describe('gapSegmentsOf (the gap rule over columns)', () => {
  it('gives the segments gapSegments gives: gaps, equal times, runs of a status, the last sample clipped at now', () => {
    const statuses: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];
    const random = seededRandom(7);
    for (let run = 0; run < 50; run++) {
      const n = Math.floor(random() * 300);
      const at = new Float64Array(n + 5);
      const st = new Uint8Array(n + 5);
      let t = 1_000_000;
      for (let i = 0; i < n; i++) {
        // Steps of 0 (the same time twice), a minute, or a gap beyond maxGap; statuses in runs.
        t += [0, 60_000, 60_000, 60_000, 400_000][Math.floor(random() * 5)]!;
        at[i] = t;
        st[i] = random() < 0.8 && i > 0 ? st[i - 1]! : Math.floor(random() * 4);
      }
      for (const now of [t, t + 30_000, t + 1_000_000]) {
        const want = gapSegments(n, (i) => at[i]!, (i) => statuses[st[i]!]!, 180_000, now);
        expect(gapSegmentsOf(at, st, statuses, n, 180_000, now)).toEqual(want);
      }
    }
  });
});
