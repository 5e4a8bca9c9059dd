import { describe, expect, it } from 'vitest';
import { creditFor, strictlyBelow } from './credits.ts';
import type { WindowFigure } from './model.ts';

const TIERS = [
  { below: 99.9, credit: 10 },
  { below: 99, credit: 25 },
  { below: 95, credit: 100 },
];

/** A window of `knownMs` with `maintenanceMs` of maintenance and `availableMs` available, with enough data unless said. */
function window(availableMs: number, knownMs: number, maintenanceMs = 0, data: WindowFigure['data'] = 'enough'): WindowFigure {
  return { availableMs, knownMs, maintenanceMs, data } as WindowFigure;
}

const MONTH = 30 * 86_400_000; // 2,592,000,000 ms

describe('strictlyBelow: exact, on integers', () => {
  it.each([
    // available, denominator, below, expected
    [999, 1000, 99.9, false], // exactly 99.9%: not below
    [998, 1000, 99.9, true],
    [MONTH - 2_592_000, MONTH, 99.9, false], // exactly 99.9% of a month
    [MONTH - 2_592_001, MONTH, 99.9, true], // one millisecond more down
    [99_995, 100_000, 99.995, false], // a 3-decimal boundary, exactly on it
    [99_994, 100_000, 99.995, true],
    [1000, 1000, 100, false], // 100%: below nothing
    [999_999, 1_000_000, 100, true],
  ])('%d / %d below %d → %s', (available, denominator, below, expected) => {
    expect(strictlyBelow(available, denominator, below)).toBe(expected);
  });
});

describe('creditFor: the harshest tier reached', () => {
  it.each([
    // availability (of 1,000,000 ms), tier below, credit
    [1_000_000, null, 0], // 100%
    [999_000, null, 0], // exactly 99.9%: no tier (strictly below)
    [998_999, 99.9, 10], // 99.8999%: shows 99.89%, below 99.9
    [990_000, 99.9, 10], // exactly 99%: the 99.9 tier only
    [989_999, 99, 25],
    [950_000, 99, 25], // exactly 95%
    [949_999, 95, 100],
    [0, 95, 100],
  ])('available %d of 1,000,000 ms → tier below %s, credit %d%%', (available, below, credit) => {
    const c = creditFor(window(available, 1_000_000), TIERS);
    expect(c.credit).toBe(credit);
    expect(c.tier?.below ?? null).toBe(below);
    expect(c.outcome).toBe(below === null ? 'none' : 'owed');
    expect(c.reason).toBeNull();
    expect(c.tiers).toEqual(TIERS);
  });

  it('excludes maintenance from the denominator', () => {
    // 1,000,000 known, 100,000 maintenance, 899,100 available of 900,000 → exactly 99.9%: no credit.
    expect(creditFor(window(899_100, 1_000_000, 100_000), TIERS)).toMatchObject({ outcome: 'none', credit: 0 });
    // One millisecond less available: 99.8998…% → 10%.
    expect(creditFor(window(899_099, 1_000_000, 100_000), TIERS)).toMatchObject({ outcome: 'owed', credit: 10, tier: { below: 99.9, credit: 10 } });
  });

  it('decides nothing without enough data, and says why', () => {
    expect(creditFor(window(0, 1_000, 0, 'insufficient'), TIERS)).toEqual({ tiers: TIERS, outcome: 'undecided', tier: null, credit: null, reason: 'insufficient-data' });
    expect(creditFor(window(0, 0, 0, 'none'), TIERS)).toEqual({ tiers: TIERS, outcome: 'undecided', tier: null, credit: null, reason: 'no-data' });
    // All known time was maintenance: nothing to measure a credit on.
    expect(creditFor(window(0, 1_000, 1_000), TIERS)).toMatchObject({ outcome: 'undecided', credit: null, reason: 'no-data' });
  });

  it('takes tiers in any order and owes the harshest reached', () => {
    const reversed = [...TIERS].reverse();
    expect(creditFor(window(940_000, 1_000_000), reversed)).toMatchObject({ credit: 100, tier: { below: 95 } });
    expect(creditFor(window(940_000, 1_000_000), [{ below: 99.5, credit: 5 }])).toMatchObject({ credit: 5 });
    expect(creditFor(window(940_000, 1_000_000), [])).toMatchObject({ outcome: 'none', credit: 0 });
  });
});
