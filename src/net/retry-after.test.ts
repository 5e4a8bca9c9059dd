import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2026-11-24T10:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    ['0', 0],
    ['1.5', 1500],
    ['Tue, 24 Nov 2026 10:00:07 GMT', 7000],
    ['Tue, 24 Nov 2026 09:59:00 GMT', 0],
    ['soon', null],
    [undefined, null],
    ['', null],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
