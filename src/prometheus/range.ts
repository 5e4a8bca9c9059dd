/**
 * Range-query planning: Prometheus refuses a range query of more than 11,000 points per series
 * ("exceeded maximum resolution"). A query is therefore never sent that would: it is either
 * stepped up (fewer, coarser points) or split into consecutive chunks that each stay inside the
 * limit. Pure.
 */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface RangePlan {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, inclusive. */
  end: number;
  stepMs: number;
}

/** Points a range query returns per series at most: one at start, then every step up to end. */
export function pointsPerSeries(start: number, end: number, stepMs: number): number {
  return end < start ? 0 : Math.floor((end - start) / stepMs) + 1;
}

/** The smallest whole-second step, at least `stepMs`, that keeps the range inside `maxPoints`. */
export function steppedUp(start: number, end: number, stepMs: number, maxPoints = MAX_POINTS_PER_SERIES): number {
  let step = Math.max(1000, Math.ceil(stepMs / 1000) * 1000);
  if (pointsPerSeries(start, end, step) <= maxPoints) return step;
  step = Math.ceil((end - start) / (maxPoints - 1) / 1000) * 1000;
  while (pointsPerSeries(start, end, step) > maxPoints) step += 1000;
  return step;
}

/**
 * `step`: one request at a coarser step. `split`: the original step, in as few consecutive chunks
 * as the limit allows; every point of the unsplit query is in exactly one chunk.
 */
export function planRange(start: number, end: number, stepMs: number, mode: 'step' | 'split' = 'step', maxPoints = MAX_POINTS_PER_SERIES): RangePlan[] {
  const step = Math.max(1000, Math.ceil(stepMs / 1000) * 1000);
  if (pointsPerSeries(start, end, step) <= maxPoints) return [{ start, end, stepMs: step }];
  if (mode === 'step') return [{ start, end, stepMs: steppedUp(start, end, step, maxPoints) }];
  const plans: RangePlan[] = [];
  const span = (maxPoints - 1) * step;
  for (let s = start; s <= end; s += span + step) plans.push({ start: s, end: Math.min(end, s + span), stepMs: step });
  return plans;
}
