/**
 * The timeline of one check from its samples held in columns (src/store/columns.ts), without an
 * object per sample: what the monthly report reads for a month of 1,000 checks (8.6 million
 * samples). The same figures as `storedTimeline` (src/model/stored.ts) over `checkSegments`
 * (src/model/timeline.ts) of the same samples as objects, to the millisecond: the tests beside
 * this file hold both to that.
 *
 * Columns carry no region: a single-region store's timeline is its gap rule alone. A rollup
 * whose last sample has a region is left to `storedTimeline` (the caller reads objects then).
 */
import type { CheckStatus } from '../checks/types.ts';
import { COLUMN_STATUSES, type CheckColumns } from '../store/month-columns.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import { pushSegment, rollupSegments } from './stored.ts';
import type { Segment } from './timeline.ts';

const DAY_MS = 86_400_000;

/** Index of the first of the times [from, n) at or after `t` (times sorted); n when none is. */
export function firstColumnAtOrAfter(at: Float64Array, n: number, t: number, from = 0): number {
  let lo = from;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((at[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the `n` first times (sorted) are at or before `t`. */
export function countAtOrBefore(at: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((at[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The status code of `down` in the columns. */
export const COLUMN_DOWN = COLUMN_STATUSES.indexOf('down');

/**
 * `checkSegments` of the samples [lo, hi) of `c` (sorted, none after `now`), with `carry` (the
 * last compacted sample) put where a stable sort by time puts it when it comes first: before
 * the samples at or after its time.
 */
export function columnSegments(c: CheckColumns, lo: number, hi: number, carry: { at: number; status: CheckStatus } | null, maxGapMs: number, now: number): Segment[] {
  const out: Segment[] = [];
  // A carry after `now` (or not a time) is filtered out, as `checkSegments` does.
  const withCarry = carry !== null && carry.at <= now;
  if (!withCarry) {
    // The same loop over the columns as they are (no carry to put among them).
    const { at: times, status: codes } = c;
    let last: Segment | null = null;
    let lastCode = -1;
    for (let j = lo; j < hi; j++) {
      const at = times[j] as number;
      const end = Math.min(j + 1 < hi ? (times[j + 1] as number) : now, at + maxGapMs, now);
      if (end <= at) continue;
      const code = codes[j] as number;
      if (last !== null && lastCode === code && last.end === at) last.end = end;
      else {
        last = { start: at, end, status: COLUMN_STATUSES[code] as CheckStatus };
        lastCode = code;
        out.push(last);
      }
    }
    return out;
  }
  const q = withCarry ? firstColumnAtOrAfter(c.at, hi, carry.at, lo) : -1;
  const m = hi - lo + (withCarry ? 1 : 0);
  const atOf = (j: number): number => (!withCarry || j < q - lo ? (c.at[lo + j] as number) : j === q - lo ? carry.at : (c.at[lo + j - 1] as number));
  const statusOf = (j: number): CheckStatus =>
    !withCarry || j < q - lo ? (COLUMN_STATUSES[c.status[lo + j] as number] as CheckStatus) : j === q - lo ? carry.status : (COLUMN_STATUSES[c.status[lo + j - 1] as number] as CheckStatus);
  for (let j = 0; j < m; j++) {
    const at = atOf(j);
    const end = Math.min(j + 1 < m ? atOf(j + 1) : now, at + maxGapMs, now);
    if (end <= at) continue;
    const status = statusOf(j);
    const last = out[out.length - 1];
    if (last && last.status === status && last.end === at) last.end = end;
    else out.push({ start: at, end, status });
  }
  return out;
}

/**
 * `storedTimeline(samples, rollups, maxGapMs, now).segments` for the `n` first samples of `c`
 * (sorted, none after `now`; no regions), or null when the last rollup's sample has a region.
 */
export function storedColumnTimeline(c: CheckColumns, n: number, rollups: readonly RollupRecord[], maxGapMs: number, now: number): Segment[] | null {
  if (rollups.length === 0) return columnSegments(c, 0, n, null, maxGapMs, now);
  const lastRollup = rollups[rollups.length - 1] as RollupRecord;
  if (lastRollup.last.g !== undefined) return null;
  const out = rollupSegments(rollups, now);
  const boundary = Date.parse(`${lastRollup.d}T00:00:00.000Z`) + DAY_MS;
  const carry = { at: Date.parse(lastRollup.last.t), status: lastRollup.last.s };
  for (const s of columnSegments(c, firstColumnAtOrAfter(c.at, n, boundary), n, carry, maxGapMs, now)) {
    const start = Math.max(s.start, boundary);
    if (s.end > start) pushSegment(out, { start, end: s.end, status: s.status });
  }
  return out;
}
