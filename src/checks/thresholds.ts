/**
 * Response-time thresholds: a slow answer is degraded (warning) or down (critical).
 *
 * Pure. Applied by the engine to every attempt, before it decides whether to retry, so a check
 * that is down for slowness is confirmed like any other failure.
 */
import type { Thresholds } from '../config/types.ts';
import type { AttemptOutcome } from './types.ts';

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

/**
 * - `up` or `degraded` slower than `downMs` becomes `down`;
 * - `up` slower than `degradedMs` becomes `degraded`;
 * - an outcome already `degraded` for another reason keeps that reason unless it is critical;
 * - `down`, or an outcome without a response time, is returned unchanged.
 * Comparisons are strict: exactly at the threshold is still fine. An `up` outcome has error null.
 */
export function applyThresholds(outcome: AttemptOutcome, thresholds: Thresholds): AttemptOutcome {
  const time = outcome.responseTimeMs;
  const normalised: AttemptOutcome = outcome.status === 'up' && outcome.error !== null ? { ...outcome, error: null } : outcome;
  if (time === null || normalised.status === 'down') return normalised;
  const { degradedMs, downMs } = thresholds;
  if (downMs !== null && time > downMs) {
    return { ...normalised, status: 'down', error: `response time ${ms(time)} above critical threshold ${ms(downMs)}` };
  }
  if (normalised.status === 'up' && degradedMs !== null && time > degradedMs) {
    return { ...normalised, status: 'degraded', error: `response time ${ms(time)} above warning threshold ${ms(degradedMs)}` };
  }
  return normalised;
}
