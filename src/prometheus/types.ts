/**
 * The SLO snapshot: what `cairn slo` writes to data/slo/latest.json and the status model reads.
 * Plain JSON; times are ISO-8601 UTC. Figures are computed by src/prometheus (slo.ts,
 * capacity.ts, alerts.ts); the site only formats them.
 */
export const SNAPSHOT_VERSION = 1;

export const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

export type AlertState = 'ok' | 'ticket' | 'page';

/** One rule of the Google SRE workbook's multiwindow, multi-burn-rate alerts. */
export interface BurnRule {
  severity: 'page' | 'ticket';
  long: BurnWindow;
  short: BurnWindow;
  factor: number;
  firing: boolean;
}

export interface BudgetFigures {
  /** `events` for ratio and latency SLIs, `minutes` for gauge SLIs. */
  unit: 'events' | 'minutes';
  /** Bad events (or minutes) the target allows in the window. */
  allowed: number;
  consumed: number;
  /** allowed − consumed; negative once the budget is overspent. */
  remaining: number;
  /** remaining / allowed (1 = untouched, 0 = exhausted, < 0 overspent); null when nothing is allowed yet. */
  remainingFraction: number | null;
}

export interface SloWindowFigures {
  /** `30d`, `month`, … */
  window: string;
  from: string;
  to: string;
  /** Length of the whole window (a calendar month: the whole month). */
  windowMs: number;
  /** Part of the window elapsed at `to` (rolling: the whole window). */
  elapsedMs: number;
  /** Good and total events (ratio, latency) or samples (gauge) in the window. */
  good: number;
  total: number;
  /** good / total, null without data. */
  achieved: number | null;
  budget: BudgetFigures;
  /** achieved ≥ target. */
  met: boolean | null;
}

export interface BurnDownPoint {
  /** Epoch ms. */
  t: number;
  /** Remaining share of the budget at t (1 = untouched). */
  remaining: number | null;
}

export interface SloFigures {
  windows: SloWindowFigures[];
  /** Burn rate = (bad share over the window) / (1 − target); null without data in that window. */
  burnRates: Record<BurnWindow, number | null>;
  alertState: AlertState;
  rules: BurnRule[];
  /** Time until the first window's budget is spent at the 1h burn rate; 0 when spent, null when not burning. */
  exhaustion: { burnWindow: '1h'; ms: number | null; at: string | null };
  /** Remaining budget of the first window over that window, for the chart. */
  burnDown: BurnDownPoint[];
}

export interface SloEntry {
  id: string;
  name: string;
  description: string | null;
  component: string;
  /**
   * Where the figures come from: Prometheus (`cairn slo`, through the snapshot) or Cairn's own
   * check results (computed by the status model). Absent in snapshots written before it existed:
   * Prometheus.
   */
  source?: 'prometheus' | 'checks';
  /** The Prometheus endpoint queried; null for an SLO computed from the checks. */
  endpoint: string | null;
  sli: 'ratio' | 'gauge' | 'latency' | 'availability' | 'response-time';
  /** Check-based SLOs: the checks whose results count. */
  checks?: string[];
  /** Check-based availability SLOs: `time` (share of known time) or `probes` (share of results). */
  measure?: 'time' | 'probes';
  /** Check-based response-time SLOs: the threshold in ms. */
  thresholdMs?: number;
  /** Percent, e.g. 99.9. */
  target: number;
  /** When the figures were computed; older than the snapshot when this run failed. */
  asOf: string | null;
  /** Why this run could not compute them (redacted); null when it did. */
  error: string | null;
  figures: SloFigures | null;
}

export type CrossingState = 'breached' | 'projected' | 'not-within';

export interface ThresholdCrossing {
  level: 'warning' | 'critical';
  value: number;
  state: CrossingState;
  /** 95% prediction interval of when the daily peak reaches the threshold (ISO), earliest moved back by the day the peak is taken over; null when not within the horizon. */
  earliest: string | null;
  likely: string | null;
  latest: string | null;
}

export interface CapacityFigures {
  /**
   * What is forecast: the daily peak, i.e. each day's highest value (`daily-max`), or lowest for
   * a falling resource (`daily-min`); never the average, which reaches a threshold later.
   * Optional: snapshots written before it was recorded forecast the daily peak too.
   */
  basis?: 'daily-max' | 'daily-min';
  /** Daily maxima (minima when falling): [epoch ms of the day's end, value]. */
  daily: [number, number][];
  current: number | null;
  /** Fitted slope per day and per week, in the resource's unit. */
  slopePerDay: number | null;
  growthPerWeek: number | null;
  /** Fitted value now. */
  fitted: number | null;
  /** Residual spread used for the prediction interval. */
  residualSd: number | null;
  horizonDays: number;
  thresholds: ThresholdCrossing[];
}

export interface CapacityEntry {
  id: string;
  name: string;
  component: string;
  endpoint: string;
  unit: string;
  direction: 'up' | 'down';
  method: 'least-squares' | 'theil-sen';
  lookbackDays: number;
  asOf: string | null;
  error: string | null;
  figures: CapacityFigures | null;
}

export interface AlertEntry {
  component: string;
  endpoint: string;
  name: string;
  severity: string | null;
  summary: string | null;
  activeAt: string | null;
}

export interface EndpointReport {
  id: string;
  url: string;
  ok: boolean;
  errors: string[];
  /** Warnings of partial responses. */
  warnings: string[];
  requests: number;
  points: number;
}

export interface SloSnapshot {
  version: typeof SNAPSHOT_VERSION;
  generatedAt: string;
  /** Every SLO, capacity resource and alert list was computed by this run. */
  complete: boolean;
  endpoints: EndpointReport[];
  slos: SloEntry[];
  capacity: CapacityEntry[];
  alerts: { asOf: string | null; error: string | null; firing: AlertEntry[] };
}
