import { describe, expect, it } from 'vitest';
import { truncatedPercent } from './percent.ts';

describe('truncatedPercent', () => {
  it.each([
    [999_996, 1_000_000, '99.99'],
    [1_000_000, 1_000_000, '100.00'],
    [999_999_999, 1_000_000_000, '99.99'],
    [0, 1000, '0.00'],
    [1, 3, '33.33'],
    [2, 3, '66.66'],
    [9999, 10_000, '99.99'],
    [99_999, 100_000, '99.99'],
    [99_990, 100_000, '99.99'],
    [99_989, 100_000, '99.98'],
    [7, 7, '100.00'],
    [86_399_999, 86_400_000, '99.99'],
  ])('%d / %d = %s', (n, d, want) => {
    expect(truncatedPercent(n, d)).toBe(want);
  });

  it('is null when nothing is known', () => {
    expect(truncatedPercent(0, 0)).toBeNull();
    expect(truncatedPercent(5, -1)).toBeNull();
  });

  it('never shows 100.00 for anything less than perfect, across magnitudes', () => {
    for (const d of [10, 1000, 86_400_000, 90 * 86_400_000]) {
      expect(truncatedPercent(d - 1, d)).not.toBe('100.00');
    }
  });
});
