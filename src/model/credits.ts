/**
 * SLA credits of a period: which credit tier a component's availability reached and the credit
 * owed, in percent of the monthly fee.
 *
 * The method, stated in every report:
 * - Availability is the page's (src/model/model.ts windowFigure): available time / (known time −
 *   maintenance time). Maintenance is excluded; time without data is not counted either way.
 * - A tier is reached when the EXACT availability is strictly below its `below`: "below 99.9" is
 *   `available / denominator < 99.9 / 100`, decided on integers (milliseconds, the threshold with
 *   at most 4 decimals), so no rounding decides a credit. For a boundary of at most two decimals
 *   the truncated figure the report prints always agrees (truncation never rounds up: 99.8999…%
 *   shows as 99.89%); for a finer one (99.995) the shown 99.99% may be on either side, and the
 *   exact value decides.
 * - Of the tiers reached, the harshest (the lowest `below`) is owed; none reached: no credit (0%).
 * - With not enough data for an availability figure (`WindowFigure.data` not `enough`), no credit
 *   is decided: the report says so, it does not guess 0 or 100.
 */
import type { CreditTier } from '../config/resolve-reports.ts';
import type { WindowFigure } from './model.ts';

export type { CreditTier } from '../config/resolve-reports.ts';

export interface CreditFigures {
  /** The tiers that applied, mildest first. */
  tiers: CreditTier[];
  /**
   * `owed`: a tier was reached; `none`: availability met every tier's boundary (0% owed);
   * `undecided`: not enough data (or none) for an availability figure, so no credit is decided.
   */
  outcome: 'owed' | 'none' | 'undecided';
  /** The harshest tier reached; null unless `outcome` is `owed`. */
  tier: CreditTier | null;
  /** Percent of the monthly fee owed (0 when `none`); null when `undecided`. */
  credit: number | null;
  /** Why nothing was decided: the window had too little data, or none. */
  reason: 'insufficient-data' | 'no-data' | null;
}

/** Scale of a percentage with up to 4 decimals: 99.9 → 999_000. */
const SCALE = 10_000;

/** Whether available / denominator < below / 100, exactly (integers, `below` with at most 4 decimals). */
export function strictlyBelow(availableMs: number, denominatorMs: number, below: number): boolean {
  return BigInt(Math.round(availableMs)) * 100n * BigInt(SCALE) < BigInt(Math.round(below * SCALE)) * BigInt(Math.round(denominatorMs));
}

/** The credit of one window's availability under `tiers` (mildest first, as validated by the config). */
export function creditFor(uptime: WindowFigure, tiers: readonly CreditTier[]): CreditFigures {
  const list = tiers.map((t) => ({ below: t.below, credit: t.credit }));
  const denominator = uptime.knownMs - uptime.maintenanceMs;
  if (uptime.data !== 'enough' || denominator <= 0) {
    return { tiers: list, outcome: 'undecided', tier: null, credit: null, reason: uptime.data === 'none' || denominator <= 0 ? 'no-data' : 'insufficient-data' };
  }
  let reached: CreditTier | null = null;
  for (const t of list) {
    if (strictlyBelow(uptime.availableMs, denominator, t.below) && (reached === null || t.below < reached.below)) reached = t;
  }
  return reached ? { tiers: list, outcome: 'owed', tier: reached, credit: reached.credit, reason: null } : { tiers: list, outcome: 'none', tier: null, credit: 0, reason: null };
}
