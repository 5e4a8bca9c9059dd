/**
 * Capacity forecasts: daily maxima (minima for a falling resource) over the lookback, a trend fit
 * (least squares, or Theil-Sen for robustness), growth per week, and the projected date each
 * threshold is crossed with a 95% prediction interval (earliest, likely, latest).
 *
 * What is forecast is the DAILY PEAK (the highest value of each day; the lowest for a falling
 * resource), not the average: capacity runs out when the peak reaches the limit, and the average
 * reaches it later (by the gap between peak and average over the slope, often a day or more).
 * The interval is a prediction interval of one future daily peak (the residual spread of the
 * peaks, the slope's uncertainty and extrapolation included), not a confidence interval of the
 * fitted line, inverted into dates: earliest where the upper 95% bound reaches the threshold,
 * latest where the lower bound does. A daily peak is measured over the day before its point, so
 * the first instant the resource may touch the threshold is up to that day earlier: earliest is
 * moved one aggregation window (a day) back.
 *
 * The daily extremes are computed by the server in ONE range query per resource at a one-day
 * step (`max_over_time((q)[1d:5m])`), so at most 90 points per series are fetched; the range
 * goes through `PromClient.range`, which never sends a query over the points limit.
 */
import type { CapacitySpec, FitMethod } from '../config/resolve-prometheus.ts';
import { promRange } from './slo.ts';
import type { PromClient } from './client.ts';
import type { CapacityFigures, ThresholdCrossing } from './types.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Fewest daily points a trend is fitted on. */
export const MIN_POINTS = 7;

export interface Fit {
  method: FitMethod;
  n: number;
  /** y = intercept + slope × x, x in days. */
  slope: number;
  intercept: number;
  /** Residual spread: the standard error (least squares) or 1.4826 × MAD (Theil-Sen). */
  sd: number;
  meanX: number;
  sxx: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function leastSquares(xs: readonly number[], ys: readonly number[]): Fit {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += ((xs[i] as number) - meanX) ** 2;
    sxy += ((xs[i] as number) - meanX) * ((ys[i] as number) - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = meanY - slope * meanX;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += ((ys[i] as number) - intercept - slope * (xs[i] as number)) ** 2;
  return { method: 'least-squares', n, slope, intercept, sd: n > 2 ? Math.sqrt(sse / (n - 2)) : 0, meanX, sxx };
}

/** Theil-Sen: the median of the pairwise slopes; intercept the median of y − slope × x. */
export function theilSen(xs: readonly number[], ys: readonly number[]): Fit {
  const n = xs.length;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) slopes.push(((ys[j] as number) - (ys[i] as number)) / dx);
    }
  }
  const slope = slopes.length > 0 ? median(slopes) : 0;
  const intercept = median(ys.map((y, i) => y - slope * (xs[i] as number)));
  const residuals = ys.map((y, i) => y - intercept - slope * (xs[i] as number));
  const mad = median(residuals.map((r) => Math.abs(r - median(residuals))));
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - meanX) ** 2, 0);
  return { method: 'theil-sen', n, slope, intercept, sd: 1.4826 * mad, meanX, sxx };
}

export function fit(method: FitMethod, xs: readonly number[], ys: readonly number[]): Fit {
  return method === 'theil-sen' ? theilSen(xs, ys) : leastSquares(xs, ys);
}

/**
 * The 97.5% quantile of Student's t with `df` degrees of freedom (two-sided 95%), by the
 * Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5); exact table below 8 degrees.
 */
export function t975(df: number): number {
  const table = [Infinity, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365];
  if (df < table.length) return table[Math.max(1, Math.floor(df))] as number;
  const z = 1.959963984540054;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** Half-width of the 95% prediction interval of one new observation at x. */
export function predictionHalfWidth(f: Fit, x: number): number {
  if (f.n < 3 || f.sxx <= 0) return 0;
  return t975(f.n - 2) * f.sd * Math.sqrt(1 + 1 / f.n + (x - f.meanX) ** 2 / f.sxx);
}

/**
 * The first x in [0, horizon] (days from now) where `g(x) ≥ 0`, at hour resolution refined by
 * bisection; null when none. `g` is continuous.
 */
export function firstCrossing(g: (x: number) => number, horizonDays: number): number | null {
  if (g(0) >= 0) return 0;
  const step = HOUR / DAY;
  for (let x = step; x <= horizonDays + 1e-9; x += step) {
    if (g(x) >= 0) {
      let lo = x - step;
      let hi = x;
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (g(mid) >= 0) hi = mid;
        else lo = mid;
      }
      return hi;
    }
  }
  return null;
}

/** Days each daily peak is taken over (`dailyQuery`'s window): the peak at x was reached in (x − 1, x]. */
export const PEAK_WINDOW_DAYS = 1;

/**
 * Crossing of one threshold, x in days from now. Rising: likely where the fitted peak line reaches
 * it, earliest where the upper prediction bound does less the peak's window, latest where the
 * lower bound does (falling: mirrored). `breached` when the latest daily value is already past it.
 */
export function crossing(
  f: Fit,
  threshold: number,
  direction: 'up' | 'down',
  current: number,
  horizonDays: number,
  windowDays = PEAK_WINDOW_DAYS,
): { state: ThresholdCrossing['state']; earliest: number | null; likely: number | null; latest: number | null } {
  const sign = direction === 'up' ? 1 : -1;
  if (sign * (current - threshold) >= 0) return { state: 'breached', earliest: 0, likely: 0, latest: 0 };
  const line = (x: number) => f.intercept + f.slope * x;
  const likely = firstCrossing((x) => sign * (line(x) - threshold), horizonDays);
  const upper = firstCrossing((x) => sign * (line(x) + sign * predictionHalfWidth(f, x) - threshold), horizonDays);
  const earliest = upper === null ? null : Math.max(0, upper - windowDays);
  const latest = firstCrossing((x) => sign * (line(x) - sign * predictionHalfWidth(f, x) - threshold), horizonDays);
  if (likely === null) return { state: 'not-within', earliest, likely: null, latest: null };
  return { state: 'projected', earliest: earliest ?? likely, likely, latest };
}

/** Daily extremes as x (days relative to now, ≤ 0) and y. */
export function forecast(spec: Pick<CapacitySpec, 'direction' | 'warning' | 'critical' | 'method' | 'horizonMs'>, daily: readonly [number, number][], now: number): CapacityFigures {
  const horizonDays = Math.round(spec.horizonMs / DAY);
  const points = daily.filter(([, v]) => Number.isFinite(v));
  const base: CapacityFigures = {
    basis: spec.direction === 'up' ? 'daily-max' : 'daily-min',
    daily: points.map(([t, v]) => [t, v]),
    current: points.length > 0 ? (points[points.length - 1] as [number, number])[1] : null,
    slopePerDay: null,
    growthPerWeek: null,
    fitted: null,
    residualSd: null,
    horizonDays,
    thresholds: [],
  };
  const levels = [
    { level: 'warning' as const, value: spec.warning },
    { level: 'critical' as const, value: spec.critical },
  ];
  if (points.length < MIN_POINTS || base.current === null) {
    base.thresholds = levels.map((l) => ({ ...l, state: 'not-within', earliest: null, likely: null, latest: null }));
    return base;
  }
  const xs = points.map(([t]) => (t - now) / DAY);
  const ys = points.map(([, v]) => v);
  const f = fit(spec.method, xs, ys);
  const iso = (x: number | null) => (x === null ? null : new Date(now + x * DAY).toISOString());
  const current = base.current;
  return {
    ...base,
    slopePerDay: f.slope,
    growthPerWeek: f.slope * 7,
    fitted: f.intercept,
    residualSd: f.sd,
    thresholds: levels.map((l) => {
      const c = crossing(f, l.value, spec.direction, current, horizonDays);
      return { ...l, state: c.state, earliest: iso(c.earliest), likely: iso(c.likely), latest: iso(c.latest) };
    }),
  };
}

/** The PromQL of the daily extremes of a resource: the highest (lowest) series, per rolling day. */
export function dailyQuery(spec: Pick<CapacitySpec, 'query' | 'direction' | 'resolutionMs'>): string {
  const fn = spec.direction === 'up' ? 'max' : 'min';
  return `${fn}(${fn}_over_time((${spec.query})[1d:${promRange(spec.resolutionMs)}]))`;
}

/** One range query: the lookback's daily extremes ending at `now`, then the fit. */
export async function computeCapacity(client: PromClient, spec: CapacitySpec, now: number): Promise<CapacityFigures> {
  const days = Math.round(spec.lookbackMs / DAY);
  const series = await client.range(dailyQuery(spec), now - (days - 1) * DAY, now, DAY);
  const daily = (series[0]?.points ?? []).filter(([t]) => t <= now);
  return forecast(spec, daily, now);
}
