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
import type { Segment } from './timeline.ts';

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
  const out = rollupSegments(rollups, now);
  const lastRollup = rollups[rollups.length - 1] as RollupRecord;
  const boundary = Date.parse(`${lastRollup.d}T00:00:00.000Z`) + DAY_MS;
  const l = lastRollup.last;
  const carry: Sample = { id: '', status: l.s, at: Date.parse(l.t), responseTimeMs: l.ms, error: l.e, statusCode: l.code ?? null };
  const raw = samples.filter((s) => s.at >= boundary);
  if (l.g !== undefined) carry.region = l.g;
  for (const s of regionSegments([carry, ...raw], maxGapMs, now, regionRule)) {
    const start = Math.max(s.start, boundary);
    if (s.end > start) pushSegment(out, { start, end: s.end, status: s.status });
  }
  const newest = raw[raw.length - 1];
  return { segments: out, last: newest ?? { ...carry, id: lastRollup.id } };
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
