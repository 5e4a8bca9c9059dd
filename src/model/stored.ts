/**
 * The timeline of one check from the store: rollup days (compacted) followed by raw samples.
 *
 * A rollup line holds the day's segments, computed at compaction with the same gap rule; the
 * raw part is computed here from the raw samples, starting with the last compacted sample (the
 * rollup's `last`), whose hold may run into the first raw day. The result equals what the raw
 * samples alone gave before compaction.
 */
import type { RollupRecord } from '../store/rollup-format.ts';
import { LETTER_STATUS } from '../store/rollup-format.ts';
import type { Sample } from '../store/samples.ts';
import type { CheckStatus } from '../checks/types.ts';
import { type Histogram, decodeHistogram, mergeHistograms, quantile } from '../store/histogram.ts';
import { type RegionRule, DEFAULT_REGION_RULE, regionSegments } from './regions.ts';
import { type Segment, gapSegments, gapSegmentsOf } from './timeline.ts';

const DAY_MS = 86_400_000;

/** Appends a segment, extending the last one when it continues it with the same status. */
export function pushSegment(out: Segment[], s: Segment): void {
  const last = out[out.length - 1];
  if (last && last.status === s.status && last.end === s.start) last.end = s.end;
  else out.push({ ...s });
}

export interface StoredTimeline {
  segments: Segment[];
  /** The check's last sample: the newest raw one, else the last compacted one. */
  last: Sample | null;
}

/**
 * `samples`: the check's raw samples, sorted by time; `rollups`: its rollup lines, sorted by day.
 */
export function storedTimeline(
  samples: readonly Sample[],
  rollups: readonly RollupRecord[],
  maxGapMs: number,
  now: number,
  regionRule: RegionRule = DEFAULT_REGION_RULE,
): StoredTimeline {
  if (rollups.length === 0) return { segments: regionSegments(samples, maxGapMs, now, regionRule), last: samples[samples.length - 1] ?? null };
  const { out, boundary, carry } = fromRollups(rollups, now);
  const raw = samples.filter((s) => s.at >= boundary);
  afterRollups(out, boundary, regionSegments([carry, ...raw], maxGapMs, now, regionRule));
  const newest = raw[raw.length - 1];
  return { segments: out, last: newest ?? { ...carry, id: (rollups[rollups.length - 1] as RollupRecord).id } };
}

/** The segments of the rollup days, where the raw days begin, and the last compacted sample (which holds into them). */
function fromRollups(rollups: readonly RollupRecord[], now: number): { out: Segment[]; boundary: number; carry: Sample } {
  const out = rollupSegments(rollups, now);
  const lastRollup = rollups[rollups.length - 1] as RollupRecord;
  const boundary = Date.parse(`${lastRollup.d}T00:00:00.000Z`) + DAY_MS;
  const l = lastRollup.last;
  const carry: Sample = { id: '', status: l.s, at: Date.parse(l.t), responseTimeMs: l.ms, error: l.e, statusCode: l.code ?? null };
  if (l.g !== undefined) carry.region = l.g;
  return { out, boundary, carry };
}

/** Appends the raw part's segments from the boundary on. */
function afterRollups(out: Segment[], boundary: number, raw: readonly Segment[]): void {
  for (const s of raw) {
    const start = Math.max(s.start, boundary);
    if (s.end > start) pushSegment(out, { start, end: s.end, status: s.status });
  }
}

/** A check's samples in time order, none after the model's `now`, all from one region or none, read by index. */
export interface SortedSamples {
  n: number;
  at(i: number): number;
  status(i: number): CheckStatus;
  /** Sample `i` as an object. */
  sample(i: number): Sample;
  /** The store's columns behind `at` and `status` (samples 0 to `n`), when they are: read without a call per sample. */
  columns?: { at: Float64Array; st: Uint8Array; statuses: readonly CheckStatus[] };
}

/**
 * `storedTimeline` of samples read by index (the store's columns: no object per sample), for
 * samples from one region or none; null where that does not give the same timeline as
 * `storedTimeline` (the last compacted sample has a region, or comes after the raw ones), for
 * the caller to take the samples as objects.
 */
export function storedTimelineSorted(samples: SortedSamples, rollups: readonly RollupRecord[], maxGapMs: number, now: number): StoredTimeline | null {
  const { n } = samples;
  if (rollups.length === 0) {
    const c = samples.columns;
    const segments = c ? gapSegmentsOf(c.at, c.st, c.statuses, n, maxGapMs, now) : gapSegments(n, samples.at, samples.status, maxGapMs, now);
    return { segments, last: n > 0 ? samples.sample(n - 1) : null };
  }
  const { out, boundary, carry } = fromRollups(rollups, now);
  // The first raw sample at or after the boundary.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (samples.at(mid) < boundary) lo = mid + 1;
    else hi = mid;
  }
  const k = lo;
  // regionSegments([carry, ...raw]) is the gap rule of carry then raw when they are one region, in order, none after now.
  if (carry.region !== undefined || carry.at > now || (k < n && carry.at > samples.at(k))) return null;
  const m = n - k + 1;
  afterRollups(out, boundary, gapSegments(m, (i) => (i === 0 ? carry.at : samples.at(k + i - 1)), (i) => (i === 0 ? carry.status : samples.status(k + i - 1)), maxGapMs, now));
  return { segments: out, last: n > k ? samples.sample(n - 1) : { ...carry, id: (rollups[rollups.length - 1] as RollupRecord).id } };
}

/** The segments the rollup lines hold (sorted by day), clipped at `now`. */
export function rollupSegments(rollups: readonly RollupRecord[], now: number): Segment[] {
  const out: Segment[] = [];
  for (const r of rollups) {
    const start = Date.parse(`${r.d}T00:00:00.000Z`);
    for (const [a, b, letter] of r.seg) {
      const s = start + a;
      const e = Math.min(start + b, now);
      if (e > s) pushSegment(out, { start: s, end: e, status: LETTER_STATUS[letter] as CheckStatus });
    }
  }
  return out;
}

export interface LatencyPercentiles {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Latency percentiles over any span of compacted days (a week, a month, a year): the days'
 * histograms add up, and each percentile is within 1% of the exact one.
 */
export function rollupLatency(rollups: readonly RollupRecord[]): LatencyPercentiles {
  const hs: Histogram[] = [];
  for (const r of rollups) {
    if (r.lat === null) continue;
    const h = decodeHistogram(r.lat);
    if (typeof h !== 'string') hs.push(h);
  }
  const all = mergeHistograms(...hs);
  return { samples: all.count, p50: quantile(all, 50), p95: quantile(all, 95), p99: quantile(all, 99) };
}

/** Index of the first sample at or after `t` (samples sorted by time). */
export function firstAtOrAfter(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as Sample).at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
