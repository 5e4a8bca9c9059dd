import { describe, expect, it } from 'vitest';
import { formatElapsed, relativeText } from './relative-time.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('relative times, computed when the page is viewed', () => {
  it.each([
    [0, '0 s'],
    [9 * S, '9 s'],
    [59 * S + 999, '59 s'],
    [MIN, '1 min'],
    [12 * MIN + 30 * S, '12 min'],
    [H, '1 h'],
    [2 * H + 5 * MIN, '2 h 5 min'],
    [D, '1 d'],
    [3 * D + 4 * H + 59 * MIN, '3 d 4 h'],
    [-5 * S, '0 s'], // a clock behind the build: never negative
  ])('%d ms: %s', (ms, want) => {
    expect(formatElapsed(ms)).toBe(want);
  });

  it('fills the template from the element, in the page’s language', () => {
    const at = '2026-11-24T10:00:00.000Z';
    const now = Date.parse(at) + 2 * H + 5 * MIN;
    expect(relativeText('for {}', at, now)).toBe('for 2 h 5 min');
    expect(relativeText('seit {}', at, now)).toBe('seit 2 h 5 min');
    expect(relativeText('for {}', 'not a time', now)).toBeNull();
  });
});
