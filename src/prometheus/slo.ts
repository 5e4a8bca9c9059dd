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
import type { PrometheusSliSpec, PrometheusSloSpec } from '../config/resolve-prometheus.ts';
import { durationLabel } from '../config/resolve-prometheus.ts';
import { SELECTOR_RE } from '../config/schema.ts';
import { BURN_MS, type Counts, type WindowSpan, burnDownStep, burnRate, sloFigures, windowFigures, windowSpan } from '../slo/math.ts';
import type { PromClient } from './client.ts';
import { BURN_WINDOWS, type BurnWindow, type SloFigures } from './types.ts';

// The arithmetic is shared with the SLOs on Cairn's own checks; importers of this module keep it.
export * from '../slo/math.ts';

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
export function sliExpressions(sli: PrometheusSliSpec, range: string): { counted: 'good' | 'bad'; a: string; total: string } {
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


function countsOf(values: Map<string, number>, key: string, counted: 'good' | 'bad'): Counts {
  const total = values.get(`t_${key}`) ?? 0;
  const a = values.get(`a_${key}`) ?? 0;
  const good = counted === 'good' ? a : total - a;
  return { good: Math.min(total, Math.max(0, good)), total };
}


/** Queries and computes one SLO at `now`: one instant query and one range query. */
export async function computeSlo(client: PromClient, spec: PrometheusSloSpec, now: number): Promise<SloFigures> {
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

  const first = spans[0] as WindowSpan;
  const step = burnDownStep(first.windowMs);
  const stepsInWindow = Math.floor(first.elapsedMs / step);
  const steps: { t: number; good: number; total: number }[] = [];
  if (stepsInWindow >= 1) {
    steps.push(...(await stepCounts(client, spec.sli, first.from, step, stepsInWindow)));
  }
  return sloFigures(first, windows, burnRates, unit, spec.target, steps, now);
}

/**
 * Good and total events of each of `count` consecutive steps of `stepMs` after `from` (one range
 * query): the increments of a burn-down.
 */
export async function stepCounts(
  client: Pick<PromClient, 'range'>,
  sli: PrometheusSliSpec,
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
