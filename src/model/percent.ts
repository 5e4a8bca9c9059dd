/**
 * Availability as a percentage, truncated (never rounded up) to two decimals:
 * 99.9996% shows as 99.99%, and only a perfect record shows 100.00%.
 *
 * Works on integer milliseconds so no floating-point error can push a figure up: the quotient
 * of two integers below 2^53 is exact enough that `floor` never crosses an integer boundary
 * wrongly (the distance of a non-integer quotient from an integer is at least 1/denominator,
 * far above the rounding error for these magnitudes).
 */
export function truncatedPercent(numerator: number, denominator: number, decimals = 2): string | null {
  if (!(denominator > 0)) return null;
  const scale = 10 ** decimals;
  const n = Math.max(0, Math.min(numerator, denominator));
  const basisPoints = Math.floor((Math.round(n) * 100 * scale) / Math.round(denominator));
  const whole = Math.floor(basisPoints / scale);
  const frac = String(basisPoints % scale).padStart(decimals, '0');
  return decimals > 0 ? `${whole}.${frac}` : String(whole);
}
