/**
 * SLO figures from Prometheus: achieved SLI, error budget, burn rates, the multiwindow alert
 * state of the Google SRE workbook, time to exhaustion and a burn-down series.
 *
 * Every quantity is a range function over the window evaluated in ONE instant query per SLO
 * (`increase()` of counters, `sum_over_time()`/`count_over_time()` of a 0/1 gauge), plus ONE
 * range query for the burn-down: the number of requests grows with the number of SLOs, never
 * with the length of the window. The math is pure and exported for the table-driven tests;
 * docs/slo.md ("Formulas") writes the formulas down.
 */
import type { SliSpec, SloSpec, SloWindow } from '../config/resolve-prometheus.ts';
import { durationLabel } from '../config/resolve-prometheus.ts';
import { SELECTOR_RE } from '../config/schema.ts';
import type { PromClient } from './client.ts';
import {
  type AlertState,
  BURN_WINDOWS,
  type BudgetFigures,
  type BurnDownPoint,
  type BurnRule,
  type BurnWindow,
  type SloFigures,
  type SloWindowFigures,
} from './types.ts';

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

/** A PromQL range for a span in ms: `30d`, `5m`, else whole seconds. */
export function promRange(ms: number): string {
  const label = durationLabel(ms);
  return /ms$/.test(label) ? `${Math.max(1, Math.round(ms / 1000))}s` : label;
}

/** Adds a matcher to a series selector: `m{job="a"}` + `le="0.3"` → `m{job="a",le="0.3"}`. */
export function withMatcher(selector: string, matcher: string): string {
  const m = SELECTOR_RE.exec(selector);
  if (!m) throw new Error(`not a series selector: ${selector}`);
  const name = m[1] ?? '';
  const inner = (m[2] ?? '{}').slice(1, -1).trim().replace(/,\s*$/, '');
  return `${name}{${inner ? `${inner},` : ''}${matcher}}`;
}

/** The `le` matcher of a bound: integers match both `1` and `1.0`, as exporters differ. */
export function leMatcher(le: string): string {
  return /^\d+$/.test(le) ? `le=~"${le}(\\\\.0)?"` : `le="${le}"`;
}

/** PromQL of the two quantities of an SLI over a range: `good` (or `bad`) and `total`. */
export function sliExpressions(sli: SliSpec, range: string): { counted: 'good' | 'bad'; a: string; total: string } {
  switch (sli.kind) {
    case 'ratio':
      return sli.errors !== null
        ? { counted: 'bad', a: `sum(increase(${sli.errors}[${range}]))`, total: `sum(increase(${sli.total}[${range}]))` }
        : { counted: 'good', a: `sum(increase(${sli.good ?? ''}[${range}]))`, total: `sum(increase(${sli.total}[${range}]))` };
    case 'latency':
      return {
        counted: 'good',
        a: `sum(increase(${withMatcher(sli.metric, leMatcher(sli.le))}[${range}]))`,
        total: `sum(increase(${withMatcher(sli.metric, 'le="+Inf"')}[${range}]))`,
      };
    case 'gauge':
      return { counted: 'good', a: `sum(sum_over_time(${sli.selector}[${range}]))`, total: `sum(count_over_time(${sli.selector}[${range}]))` };
  }
}

export const QUERY_LABEL = 'cairn_q';

/** Several scalar-like expressions in one query, each tagged by a label: `label_replace(e, "cairn_q", "key", "", "") or …`. */
export function combine(parts: readonly { key: string; expr: string }[]): string {
  return parts.map((p) => `label_replace(${p.expr}, "${QUERY_LABEL}", "${p.key}", "", "")`).join(' or ');
}

interface Counts {
  good: number;
  total: number;
}

function countsOf(values: Map<string, number>, key: string, counted: 'good' | 'bad'): Counts {
  const total = values.get(`t_${key}`) ?? 0;
  const a = values.get(`a_${key}`) ?? 0;
  const good = counted === 'good' ? a : total - a;
  return { good: Math.min(total, Math.max(0, good)), total };
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

/** Queries and computes one SLO at `now`: one instant query and one range query. */
export async function computeSlo(client: PromClient, spec: SloSpec, now: number): Promise<SloFigures> {
  const unit = spec.sli.kind === 'gauge' ? 'minutes' : 'events';
  const spans = spec.windows.map((w) => windowSpan(w, now));
  const parts: { key: string; expr: string }[] = [];
  let counted: 'good' | 'bad' = 'good';
  const add = (key: string, ms: number) => {
    if (ms < 1000) return;
    const e = sliExpressions(spec.sli, promRange(ms));
    counted = e.counted;
    parts.push({ key: `a_${key}`, expr: e.a }, { key: `t_${key}`, expr: e.total });
  };
  for (const w of BURN_WINDOWS) add(w, BURN_MS[w]);
  spans.forEach((s, i) => add(`w${i}`, s.elapsedMs));
  const values = new Map<string, number>();
  for (const sample of await client.instant(combine(parts), now)) {
    const key = sample.labels[QUERY_LABEL];
    if (key !== undefined && Number.isFinite(sample.value)) values.set(key, sample.value);
  }

  const burnRates = Object.fromEntries(
    BURN_WINDOWS.map((w) => {
      const c = countsOf(values, w, counted);
      return [w, burnRate(c.good, c.total, spec.target)];
    }),
  ) as Record<BurnWindow, number | null>;
  const windows = spans.map((s, i) => windowFigures(s, unit, countsOf(values, `w${i}`, counted), spec.target, now));
  const { state, rules } = alertState(burnRates);

  const first = spans[0] as WindowSpan;
  const firstFig = windows[0] as SloWindowFigures;
  const step = burnDownStep(first.windowMs);
  const stepsInWindow = Math.floor(first.elapsedMs / step);
  const steps: { t: number; good: number; total: number }[] = [];
  if (stepsInWindow >= 1) {
    steps.push(...(await stepCounts(client, spec.sli, first.from, step, stepsInWindow)));
  }
  const exhaust = exhaustionMs(firstFig.budget.remainingFraction, first.windowMs, burnRates['1h']);
  return {
    windows,
    burnRates,
    alertState: state,
    rules,
    exhaustion: { burnWindow: '1h', ms: exhaust, at: exhaust === null ? null : new Date(now + exhaust).toISOString() },
    burnDown: burnDownSeries(first, unit, spec.target, steps, { t: now, good: firstFig.good, total: firstFig.total }),
  };
}

/**
 * Good and total events of each of `count` consecutive steps of `stepMs` after `from` (one range
 * query): the increments of a burn-down.
 */
export async function stepCounts(
  client: Pick<PromClient, 'range'>,
  sli: SloSpec['sli'],
  from: number,
  stepMs: number,
  count: number,
): Promise<{ t: number; good: number; total: number }[]> {
  if (count < 1) return [];
  const e = sliExpressions(sli, promRange(stepMs));
  const series = await client.range(combine([{ key: 'a', expr: e.a }, { key: 't', expr: e.total }]), from + stepMs, from + count * stepMs, stepMs);
  const byT = new Map<number, { a: number; t: number }>();
  for (const s of series) {
    const key = s.labels[QUERY_LABEL];
    for (const [t, v] of s.points) {
      const row = byT.get(t) ?? { a: 0, t: 0 };
      if (key === 'a') row.a = v;
      if (key === 't') row.t = v;
      byT.set(t, row);
    }
  }
  const steps: { t: number; good: number; total: number }[] = [];
  for (let k = 1; k <= count; k++) {
    const t = from + k * stepMs;
    const row = byT.get(t) ?? { a: 0, t: 0 };
    const good = e.counted === 'good' ? row.a : row.t - row.a;
    steps.push({ t, good: Math.min(row.t, Math.max(0, good)), total: row.t });
  }
  return steps;
}
