/**
 * The arithmetic of SLOs, whatever measured the events: error budgets, burn rates, the multiwindow
 * alert state of the Google SRE workbook, time to exhaustion and the burn-down. Prometheus SLOs
 * (src/prometheus/slo.ts) and SLOs on Cairn's own checks (src/model/check-slo.ts) both go
 * through these functions, so the same counts give the same figures. Pure; docs/slo.md
 * ("Formulas") writes the formulas down.
 */
import type { SloWindow } from '../config/resolve-prometheus.ts';
import {
  type AlertState,
  type BudgetFigures,
  type BurnDownPoint,
  type BurnRule,
  type BurnWindow,
  type SloFigures,
  type SloWindowFigures,
} from '../prometheus/types.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const BURN_MS: Record<BurnWindow, number> = { '5m': 5 * MINUTE, '30m': 30 * MINUTE, '1h': HOUR, '2h': 2 * HOUR, '6h': 6 * HOUR, '1d': DAY, '3d': 3 * DAY };

/** The workbook's four rules (chapter 5, "Multiwindow, Multi-Burn-Rate Alerts"), for a 30-day budget. */
export const BURN_RULES: readonly Omit<BurnRule, 'firing'>[] = [
  { severity: 'page', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'page', long: '6h', short: '30m', factor: 6 },
  { severity: 'ticket', long: '1d', short: '2h', factor: 3 },
  { severity: 'ticket', long: '3d', short: '6h', factor: 1 },
];

/** The bad share the target allows, 1 − target/100, without binary noise (99.9 → 0.001). */
export function allowance(targetPercent: number): number {
  return Number(((100 - targetPercent) / 100).toPrecision(12));
}

/** (bad / total) / allowance; null when the window holds no event. */
export function burnRate(good: number, total: number, targetPercent: number): number | null {
  if (!(total > 0)) return null;
  const bad = Math.max(0, total - good);
  return bad / total / allowance(targetPercent);
}

/** Page when a page rule fires, else ticket when a ticket rule fires. A rule fires when BOTH windows burn faster than its factor. */
export function alertState(burn: Record<BurnWindow, number | null>): { state: AlertState; rules: BurnRule[] } {
  const rules = BURN_RULES.map((r) => {
    const long = burn[r.long];
    const short = burn[r.short];
    return { ...r, firing: long !== null && short !== null && long > r.factor && short > r.factor };
  });
  const state: AlertState = rules.some((r) => r.firing && r.severity === 'page') ? 'page' : rules.some((r) => r.firing) ? 'ticket' : 'ok';
  return { state, rules };
}

/**
 * Events (ratio, latency): allowed = allowance × total events so far, consumed = bad events.
 * Minutes (gauge): allowed = allowance × whole window, consumed = bad share × elapsed time.
 */
export function budget(unit: 'events' | 'minutes', good: number, total: number, targetPercent: number, windowMs: number, elapsedMs: number): BudgetFigures {
  const a = allowance(targetPercent);
  const bad = Math.max(0, total - good);
  const allowed = unit === 'events' ? a * total : (a * windowMs) / MINUTE;
  const consumed = unit === 'events' ? bad : total > 0 ? ((bad / total) * elapsedMs) / MINUTE : 0;
  return { unit, allowed, consumed, remaining: allowed - consumed, remainingFraction: allowed > 0 ? 1 - consumed / allowed : null };
}

/** At burn rate b the budget of a window W drains at b/W per unit of time. */
export function exhaustionMs(remainingFraction: number | null, windowMs: number, burn: number | null): number | null {
  if (remainingFraction === null) return null;
  if (remainingFraction <= 0) return 0;
  if (burn === null || !(burn > 0)) return null;
  return (remainingFraction * windowMs) / burn;
}

/** First instant of the UTC calendar month holding `now`, and of the next one. */
export function monthBounds(now: number): { start: number; end: number } {
  const d = new Date(now);
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

export interface WindowSpan {
  label: string;
  from: number;
  windowMs: number;
  elapsedMs: number;
}

export function windowSpan(w: SloWindow, now: number): WindowSpan {
  if (w.kind === 'rolling') return { label: w.label, from: now - w.ms, windowMs: w.ms, elapsedMs: w.ms };
  const { start, end } = monthBounds(now);
  return { label: 'month', from: start, windowMs: end - start, elapsedMs: now - start };
}
export interface Counts {
  good: number;
  total: number;
}
/** The burn-down step of a window: a day, or a hundredth of a window longer than 100 days (whole hours). */
export function burnDownStep(windowMs: number): number {
  return windowMs <= 100 * DAY ? DAY : Math.ceil(windowMs / 100 / HOUR) * HOUR;
}

/**
 * Remaining budget share at each step of the window, from per-step increments of good and total:
 * cumulative counts from the window's start to t, through the same `budget` formula.
 */
export function burnDownSeries(
  span: WindowSpan,
  unit: 'events' | 'minutes',
  targetPercent: number,
  steps: readonly { t: number; good: number; total: number }[],
  final: { t: number; good: number; total: number },
): BurnDownPoint[] {
  const out: BurnDownPoint[] = [{ t: span.from, remaining: 1 }];
  let good = 0;
  let total = 0;
  for (const s of steps) {
    if (s.t >= final.t) break;
    good += s.good;
    total += s.total;
    out.push({ t: s.t, remaining: budget(unit, good, total, targetPercent, span.windowMs, s.t - span.from).remainingFraction });
  }
  out.push({ t: final.t, remaining: budget(unit, final.good, final.total, targetPercent, span.windowMs, final.t - span.from).remainingFraction });
  return out;
}

export function windowFigures(span: WindowSpan, unit: 'events' | 'minutes', counts: Counts, targetPercent: number, now: number): SloWindowFigures {
  const achieved = counts.total > 0 ? counts.good / counts.total : null;
  return {
    window: span.label,
    from: new Date(span.from).toISOString(),
    to: new Date(now).toISOString(),
    windowMs: span.windowMs,
    elapsedMs: span.elapsedMs,
    good: counts.good,
    total: counts.total,
    achieved,
    budget: budget(unit, counts.good, counts.total, targetPercent, span.windowMs, span.elapsedMs),
    met: achieved === null ? null : achieved >= 1 - allowance(targetPercent) - 1e-12,
  };
}

/**
 * An SLO's figures from its counted windows, burn rates and burn-down steps: the alert state, the
 * time to exhaustion of the first window at the 1h burn rate, the burn-down. One assembly for the
 * Prometheus SLOs and the SLOs on the checks.
 */
export function sloFigures(
  first: WindowSpan,
  windows: SloWindowFigures[],
  burnRates: Record<BurnWindow, number | null>,
  unit: 'events' | 'minutes',
  targetPercent: number,
  steps: readonly { t: number; good: number; total: number }[],
  now: number,
): SloFigures {
  const { state, rules } = alertState(burnRates);
  const firstFig = windows[0] as SloWindowFigures;
  const exhaust = exhaustionMs(firstFig.budget.remainingFraction, first.windowMs, burnRates['1h']);
  return {
    windows,
    burnRates,
    alertState: state,
    rules,
    exhaustion: { burnWindow: '1h', ms: exhaust, at: exhaust === null ? null : new Date(now + exhaust).toISOString() },
    burnDown: burnDownSeries(first, unit, targetPercent, steps, { t: now, good: firstFig.good, total: firstFig.total }),
  };
}
