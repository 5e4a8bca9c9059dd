/**
 * A mergeable latency histogram: fixed logarithmic buckets (DDSketch-style, 1% relative accuracy).
 *
 * Bucket `i` holds the values v with gamma^(i-1) < v <= gamma^i, gamma = (1 + a) / (1 - a),
 * a = 0.01; values below 1 ms share the zero bucket. Any two histograms merge by adding bucket
 * counts, so daily rollups add up to exact week, month and year histograms, and a quantile read
 * from one is within 1% of the true nearest-rank quantile of the samples it holds.
 *
 * Serialized compactly as `{"z":zeroCount,"o":firstBucket,"c":[counts from o on]}`.
 */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values below this (ms) count in the zero bucket. */
const MIN_VALUE = 1;

export interface Histogram {
  zero: number;
  /** Bucket index -> count. */
  buckets: Map<number, number>;
  count: number;
}

export interface EncodedHistogram {
  z: number;
  o: number;
  c: number[];
}

export function emptyHistogram(): Histogram {
  return { zero: 0, buckets: new Map(), count: 0 };
}

export function bucketOf(value: number): number | null {
  if (!(value >= MIN_VALUE)) return null;
  // The epsilon keeps exact powers of gamma in their own bucket despite floating point.
  return Math.ceil(Math.log(value) / LOG_GAMMA - 1e-9);
}

/** The value a bucket stands for: the midpoint that bounds the relative error by `a`. */
export function bucketValue(index: number): number {
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
}

export function addValue(h: Histogram, value: number, times = 1): void {
  const b = bucketOf(value);
  if (b === null) h.zero += times;
  else h.buckets.set(b, (h.buckets.get(b) ?? 0) + times);
  h.count += times;
}

export function mergeHistograms(...hs: readonly Histogram[]): Histogram {
  const out = emptyHistogram();
  for (const h of hs) {
    out.zero += h.zero;
    out.count += h.count;
    for (const [b, c] of h.buckets) out.buckets.set(b, (out.buckets.get(b) ?? 0) + c);
  }
  return out;
}

/** Nearest-rank quantile (p in 0..100), within 1% of the exact one; null when empty. */
export function quantile(h: Histogram, p: number): number | null {
  if (h.count === 0) return null;
  const rank = Math.min(h.count, Math.max(1, Math.ceil((p / 100) * h.count)));
  if (rank <= h.zero) return 0;
  let seen = h.zero;
  for (const b of [...h.buckets.keys()].sort((x, y) => x - y)) {
    seen += h.buckets.get(b) as number;
    if (seen >= rank) return Math.round(bucketValue(b) * 10) / 10;
  }
  return null;
}

/** `quantile(h, p)` of each of `ps`, the buckets sorted once. */
export function quantiles(h: Histogram, ps: readonly number[]): (number | null)[] {
  if (h.count === 0) return ps.map(() => null);
  const keys = [...h.buckets.keys()].sort((x, y) => x - y);
  return ps.map((p) => {
    const rank = Math.min(h.count, Math.max(1, Math.ceil((p / 100) * h.count)));
    if (rank <= h.zero) return 0;
    let seen = h.zero;
    for (const b of keys) {
      seen += h.buckets.get(b) as number;
      if (seen >= rank) return Math.round(bucketValue(b) * 10) / 10;
    }
    return null;
  });
}

export function encodeHistogram(h: Histogram): EncodedHistogram | null {
  if (h.count === 0) return null;
  const keys = [...h.buckets.keys()].sort((x, y) => x - y);
  const o = keys[0] ?? 0;
  const last = keys[keys.length - 1] ?? o;
  const c: number[] = [];
  for (let b = o; b <= last; b++) c.push(h.buckets.get(b) ?? 0);
  return { z: h.zero, o, c: keys.length ? c : [] };
}

/** Decodes a serialized histogram; returns a reason when it is malformed. */
export function decodeHistogram(value: unknown): Histogram | string {
  if (typeof value !== 'object' || value === null) return 'expected {"z","o","c"}';
  const x = value as Record<string, unknown>;
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!isCount(x['z'])) return 'field "z": expected a count';
  if (typeof x['o'] !== 'number' || !Number.isInteger(x['o'])) return 'field "o": expected an integer bucket index';
  if (!Array.isArray(x['c']) || !x['c'].every(isCount)) return 'field "c": expected an array of counts';
  const h = emptyHistogram();
  h.zero = x['z'];
  h.count = x['z'];
  (x['c'] as number[]).forEach((c, i) => {
    if (c > 0) {
      h.buckets.set((x['o'] as number) + i, c);
      h.count += c;
    }
  });
  return h;
}
