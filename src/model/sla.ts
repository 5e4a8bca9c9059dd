/**
 * SLA figures of a window from the status timeline: whether availability met the target, and the
 * error budget in time.
 *
 * With T the target in percent and D the availability denominator (known time − maintenance):
 * allowed = floor(D × (1 − T/100)) ms, consumed = D − available (down time with partial outages
 * counted by the rule of src/model/availability.ts, plus degraded time when it does not count), remaining = allowed − consumed (negative when
 * overspent). Met ⇔ consumed ≤ D × (1 − T/100), computed on integers (the target has at most
 * 4 decimals), so 99.9 is never missed by a rounding error. Shares are truncated percentages.
 */
import type { WindowFigure } from './model.ts';

export interface SlaFigures {
  /** Target in percent, e.g. 99.9. */
  target: number;
  /** `slo`: the component's first SLO's target; `default`: `reports.slaTarget`. */
  targetSource: 'slo' | 'default';
  slo: string | null;
  /** null when the window has not enough data for a verdict (`uptime.data` is not `enough`). */
  met: boolean | null;
  allowedMs: number;
  consumedMs: number;
  /** allowed − consumed; negative once overspent. */
  remainingMs: number;
  /** consumed / allowed as a truncated percentage ("12.50", may exceed 100); null when nothing is allowed. */
  consumedPercent: string | null;
  /** remaining / allowed, truncated towards minus infinity ("87.50", "-20.00"); null when nothing is allowed. */
  remainingPercent: string | null;
}

const SCALE = 1_000_000n; // target × 10^4, percent × 10^2

/** floor(n / d) × 100 as a string with two decimals, for any sign (d > 0). */
export function flooredPercent(n: bigint, d: bigint): string {
  let q = (n * 10_000n) / d;
  if (n * 10_000n < q * d) q -= 1n; // BigInt division truncates towards zero
  const neg = q < 0n;
  const a = neg ? -q : q;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

export function slaFigures(uptime: WindowFigure, target: number, targetSource: 'slo' | 'default', slo: string | null): SlaFigures {
  const denominator = uptime.knownMs - uptime.maintenanceMs;
  const available = uptime.availableMs;
  const consumed = Math.max(0, denominator - available);
  const allowedScaled = BigInt(Math.max(0, denominator)) * (SCALE - BigInt(Math.round(target * 10_000)));
  const allowed = Number(allowedScaled / SCALE);
  const has = denominator > 0 && uptime.data === 'enough';
  return {
    target,
    targetSource,
    slo,
    met: has ? BigInt(consumed) * SCALE <= allowedScaled : null,
    allowedMs: allowed,
    consumedMs: consumed,
    remainingMs: allowed - consumed,
    consumedPercent: allowed > 0 ? flooredPercent(BigInt(consumed), BigInt(allowed)) : null,
    remainingPercent: allowed > 0 ? flooredPercent(BigInt(allowed - consumed), BigInt(allowed)) : null,
  };
}
