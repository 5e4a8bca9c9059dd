import { describe, expect, it } from 'vitest';
import { percentile } from '../model/model.ts';
import { addValue, bucketOf, decodeHistogram, emptyHistogram, encodeHistogram, mergeHistograms, quantile, quantiles } from './histogram.ts';

describe('latency histogram', () => {
  it('quantiles are within 1% of the exact nearest-rank ones, and daily histograms merge exactly', () => {
    const values: number[] = [];
    const days = [emptyHistogram(), emptyHistogram(), emptyHistogram()];
    for (let i = 0; i < 3000; i++) {
      const v = 1 + ((i * 7919) % 5000) / 3; // 1 .. 1667 ms, spread
      values.push(v);
      addValue(days[i % 3]!, v);
    }
    const all = mergeHistograms(...days);
    expect(all.count).toBe(3000);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      const exact = percentile(sorted, p)!;
      expect(Math.abs(quantile(all, p)! - exact) / exact).toBeLessThanOrEqual(0.0101);
    }
    expect(quantiles(all, [50, 95, 99, 100])).toEqual([50, 95, 99, 100].map((p) => quantile(all, p)));
    expect(quantiles(emptyHistogram(), [50, 99])).toEqual([null, null]);
    // Round trip through the compact encoding.
    const decoded = decodeHistogram(JSON.parse(JSON.stringify(encodeHistogram(all))));
    expect(decoded).toEqual(all);
  });

  it('values below 1 ms count in the zero bucket; an empty histogram encodes as null', () => {
    const h = emptyHistogram();
    expect(encodeHistogram(h)).toBeNull();
    expect(quantile(h, 50)).toBeNull();
    addValue(h, 0);
    addValue(h, 0.4);
    addValue(h, 100);
    expect(bucketOf(0.4)).toBeNull();
    expect(encodeHistogram(h)).toEqual({ z: 2, o: bucketOf(100), c: [1] });
    expect(quantile(h, 50)).toBe(0);
    expect(quantile(h, 100)).toBe(100.5); // the bucket's midpoint: within 1% of 100
    expect(decodeHistogram({ z: -1, o: 0, c: [] })).toBe('field "z": expected a count');
  });
});
