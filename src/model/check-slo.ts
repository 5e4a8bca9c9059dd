/**
 * SLOs on Cairn's own check results: the same figures as the Prometheus SLOs (achieved, error
 * budget, burn rates over the standard windows, the multiwindow alert state, time to exhaustion,
 * burn-down), computed by the status model from the store, raw days and rollups alike. No
 * Prometheus is needed.
 *
 * What an event is, per SLI (docs/slo.md, "SLOs from the checks"):
 *
 * - `availability`, measure `time` (default): good = time counted as available, total = known
 *   time outside maintenance, over [from, to): the page's availability formula on the same
 *   timeline (a component's partial-outage rule included), so a whole-component SLO over 30 days
 *   achieves exactly the page's 30-day uptime when it counts degraded time the same way. Rollups
 *   keep the timeline losslessly, so the figures do not move when days are compacted.
 * - `availability`, measure `probes`: good = results up (or degraded, when it counts as good),
 *   total = results outside maintenance, over [from, to): what Prometheus computes as
 *   `sum_over_time(probe_success[w]) / count_over_time(probe_success[w])` over the series
 *   `cairn run` remote-writes.
 * - `response-time`: total = results neither down nor in maintenance that have a response time,
 *   good = those at or under the threshold, over [from, to).
 *
 * Every window is [from, to), for results as for time: a result exactly at a window's start
 * counts in it, one exactly at its end in the next; a day's rollup is exactly its results.
 *
 * Counting results on a compacted day: a day wholly inside a window counts its rollup's counts
 * (per status; response times from its histogram, within the histogram's 1% accuracy at the
 * threshold). A day cut by a window's edge counts each status's results in proportion to that
 * status's time inside the window, which is exact for evenly spaced results and close otherwise.
 *
 * Budgets are in minutes for availability (allowed = (1 − target) × the window, as for a
 * Prometheus gauge SLI) and in results (events) for response time.
 */
import { type CheckSloSpec, checkSlos } from '../config/resolve-prometheus.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import type { Sample } from '../store/samples.ts';
import { type Histogram, bucketValue, decodeHistogram } from '../store/histogram.ts';
import { BURN_WINDOWS, type BurnDownPoint, type BurnWindow, type SloEntry, type SloFigures, type SloWindowFigures } from '../prometheus/types.ts';
import {
  BURN_MS,
  type Counts,
  type WindowSpan,
  burnDownSeries,
  burnDownStep,
  burnRate,
  sloFigures,
  windowFigures,
  windowSpan,
} from '../slo/math.ts';
import { type AvailabilityRule, availableMs } from './availability.ts';
import { type Segment, knownMs, mergeComponent, tally } from './timeline.ts';
import { occurrencesByComponent, overlayMaintenance } from './maintenance.ts';
import { firstAtOrAfter, storedTimeline } from './stored.ts';

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

/** What the SLOs of one status model read: the same timelines and samples as its other figures. */
export interface CheckSloInput {
  /** A check's timeline with maintenance laid over it (the model's). */
  segmentsOf(checkId: string): readonly Segment[];
  /** A component's timeline (the model's, by the partial-outage rule). */
  componentSegmentsOf(componentId: string): readonly Segment[];
  /** A check's raw samples, sorted by time. */
  samplesOf(checkId: string): readonly Sample[];
  /** A check's rollup lines, sorted by day. */
  rollupsOf(checkId: string): readonly RollupRecord[];
  /** Whether `t` is inside a maintenance window of the check's component. */
  inMaintenance(checkId: string, t: number): boolean;
  /** The page's rule (its partial-outage rule applies to a component's SLO too). */
  rule: AvailabilityRule;
  now: number;
}

type Counter = (from: number, to: number) => Counts;

const dayStart = (d: string) => Date.parse(`${d}T00:00:00.000Z`);

/** Results counted in a histogram at or under `belowMs` (the bucket holding the threshold counts when its value does). */
export function countAtOrBelow(h: Histogram, belowMs: number): number {
  let n = belowMs >= 0 ? h.zero : 0;
  for (const [i, c] of h.buckets) if (bucketValue(i) <= belowMs) n += c;
  return n;
}

/**
 * Per status (up, degraded, down), the share of a rollup day's time in that status that lies in
 * [from, to) outside maintenance, read off the check's overlaid timeline: 1 for a whole day.
 */
function rollupShares(r: RollupRecord, segments: readonly Segment[], from: number, to: number): [number, number, number] {
  const start = dayStart(r.d);
  const a = Math.max(from, start);
  const b = Math.min(to, start + DAY_MS);
  if (b <= a) return [0, 0, 0];
  const t = tally(segments, a, b);
  const share = (inside: number, whole: number) => (whole > 0 ? Math.min(1, inside / whole) : 0);
  return [share(t.upMs, r.ms[0]), share(t.degradedMs, r.ms[1]), share(t.downMs, r.ms[2])];
}

/** Counts of results in [from, to) of the SLO's checks: `raw` says whether a raw result is good, bad or not counted. */
function resultCounter(
  spec: CheckSloSpec,
  input: CheckSloInput,
  raw: (s: Sample) => 'good' | 'bad' | null,
  rollup: (r: RollupRecord, shares: [number, number, number]) => Counts,
): Counter {
  const checks = spec.sli.checks.map((id) => {
    const rollups = input.rollupsOf(id);
    const last = rollups[rollups.length - 1];
    const boundary = last ? dayStart(last.d) + DAY_MS : -Infinity;
    const samples = input.samplesOf(id);
    return { id, rollups, samples: samples.slice(firstAtOrAfter(samples, boundary)), segments: input.segmentsOf(id) };
  });
  return (from, to) => {
    let good = 0;
    let total = 0;
    for (const c of checks) {
      for (const r of c.rollups) {
        const start = dayStart(r.d);
        if (start + DAY_MS <= from || start >= to) continue;
        const counts = rollup(r, rollupShares(r, c.segments, from, to));
        good += counts.good;
        total += counts.total;
      }
      for (let k = firstAtOrAfter(c.samples, from); k < c.samples.length; k++) {
        const s = c.samples[k] as Sample;
        if (s.at >= to) break;
        if (s.status === 'maintenance' || input.inMaintenance(c.id, s.at)) continue;
        const verdict = raw(s);
        if (verdict === null) continue;
        total += 1;
        if (verdict === 'good') good += 1;
      }
    }
    return { good, total };
  };
}

/** The function that counts good and total of an SLO over a span. */
function counterOf(spec: CheckSloSpec, input: CheckSloInput): Counter {
  const { sli } = spec;
  if (sli.kind === 'availability' && sli.measure === 'time') {
    const segments = sli.wholeComponent
      ? input.componentSegmentsOf(spec.component)
      : sli.checks.length === 1
        ? input.segmentsOf(sli.checks[0] as string)
        : mergeComponent(sli.checks.map((id) => [...input.segmentsOf(id)]));
    const rule: AvailabilityRule = { degradedCountsAsUp: sli.degradedGood, partialOutage: input.rule.partialOutage };
    return (from, to) => {
      const t = tally(segments, from, to);
      const known = knownMs(t);
      // In minutes: the budget is in minutes, and good/total read as minutes of the window.
      return { good: availableMs(t, known, rule) / MINUTE, total: (known - t.maintenanceMs) / MINUTE };
    };
  }
  if (sli.kind === 'availability') {
    return resultCounter(
      spec,
      input,
      (s) => (s.status === 'up' || (s.status === 'degraded' && sli.degradedGood) ? 'good' : 'bad'),
      (r, [up, degraded, down]) => {
        const u = r.n[0] * up;
        const d = r.n[1] * degraded;
        return { good: u + (sli.degradedGood ? d : 0), total: u + d + r.n[2] * down };
      },
    );
  }
  const below = sli.belowMs;
  return resultCounter(
    spec,
    input,
    (s) => (s.status === 'down' || s.responseTimeMs === null ? null : s.responseTimeMs <= below ? 'good' : 'bad'),
    (r, [up, degraded]) => {
      const h = r.lat === null ? null : decodeHistogram(r.lat);
      if (h === null || typeof h === 'string') return { good: 0, total: 0 };
      // The histogram holds the day's working results: its share is that of the up and degraded time.
      const working = r.ms[0] + r.ms[1];
      const share = working > 0 ? (r.ms[0] * up + r.ms[1] * degraded) / working : 0;
      return { good: countAtOrBelow(h, below) * share, total: h.count * share };
    },
  );
}

/** The figures of one check-based SLO at `input.now`. */
export function checkSloFigures(spec: CheckSloSpec, input: CheckSloInput): SloFigures {
  const { now } = input;
  const count = counterOf(spec, input);
  const unit = spec.sli.kind === 'availability' ? 'minutes' : 'events';
  const spans = spec.windows.map((w) => windowSpan(w, now));
  const windows = spans.map((s) => windowFigures(s, unit, count(s.from, now), spec.target, now));
  const burnRates = Object.fromEntries(
    BURN_WINDOWS.map((w) => {
      const c = count(now - BURN_MS[w], now);
      return [w, burnRate(c.good, c.total, spec.target)];
    }),
  ) as Record<BurnWindow, number | null>;
  const first = spans[0] as WindowSpan;
  const step = burnDownStep(first.windowMs);
  const steps: { t: number; good: number; total: number }[] = [];
  for (let k = 1; k <= Math.floor(first.elapsedMs / step); k++) {
    const t = first.from + k * step;
    steps.push({ t, ...count(t - step, t) });
  }
  return sloFigures(first, windows, burnRates, unit, spec.target, steps, now);
}

/** The SLO entries of every check-based SLO, in the shape of the Prometheus ones. */
export function checkSloEntries(specs: readonly CheckSloSpec[], input: CheckSloInput): SloEntry[] {
  const asOf = new Date(input.now).toISOString();
  return specs.map((spec) => ({
    id: spec.id,
    name: spec.name,
    description: spec.description,
    component: spec.component,
    source: 'checks',
    endpoint: null,
    sli: spec.sli.kind,
    checks: [...spec.sli.checks],
    ...(spec.sli.kind === 'availability' ? { measure: spec.sli.measure } : { thresholdMs: spec.sli.belowMs }),
    target: spec.target,
    asOf,
    error: null,
    figures: checkSloFigures(spec, input),
  }));
}

/** Figures of a check-based SLO over one calendar period [from, to), known until `until` (a report's month). */
export function checkSloPeriod(spec: CheckSloSpec, input: Omit<CheckSloInput, 'now'>, from: number, to: number, until: number): { figures: SloWindowFigures; burnDown: BurnDownPoint[] } {
  const count = counterOf(spec, { ...input, now: until });
  const unit = spec.sli.kind === 'availability' ? 'minutes' : 'events';
  const span: WindowSpan = { label: 'month', from, windowMs: to - from, elapsedMs: until - from };
  const figures = windowFigures(span, unit, count(from, until), spec.target, until);
  const steps: { t: number; good: number; total: number }[] = [];
  for (let t = from + DAY_MS; t < until; t += DAY_MS) steps.push({ t, ...count(t - DAY_MS, t) });
  return { figures, burnDown: burnDownSeries(span, unit, spec.target, steps, { t: until, good: figures.good, total: figures.total }) };
}

/**
 * The check-based SLO entries straight from stored samples and rollups, without the rest of the
 * status model (what notifications read after a round). The same timelines as the model's:
 * stored timeline, maintenance overlay, the component merge.
 */
export function checkSloEntriesFromStore(config: ResolvedConfig, samples: readonly Sample[], rollups: readonly RollupRecord[], now: number): SloEntry[] {
  const specs = checkSlos(config.prometheus.slos);
  if (specs.length === 0) return [];
  const rule: AvailabilityRule = { degradedCountsAsUp: config.run.degradedCountsAsUp, partialOutage: config.run.partialOutage };
  const longest = Math.max(...specs.flatMap((s) => s.windows.map((w) => now - windowSpan(w, now).from)), BURN_MS['3d']);
  const occurrences = occurrencesByComponent(config.maintenance, now - longest - DAY_MS, now);
  const checkById = new Map(config.checks.map((c) => [c.id, c]));
  const needed = new Set(specs.flatMap((s) => (s.sli.wholeComponent ? (config.components.find((c) => c.id === s.component)?.checks ?? []) : s.sli.checks)));
  const byCheck = new Map<string, Sample[]>();
  for (const s of samples) {
    if (!needed.has(s.id) || s.at > now) continue;
    let list = byCheck.get(s.id);
    if (!list) byCheck.set(s.id, (list = []));
    list.push(s);
  }
  for (const list of byCheck.values()) list.sort((a, b) => a.at - b.at);
  const rollupsByCheck = new Map<string, RollupRecord[]>();
  for (const r of [...rollups].sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0))) {
    if (!needed.has(r.id)) continue;
    let list = rollupsByCheck.get(r.id);
    if (!list) rollupsByCheck.set(r.id, (list = []));
    list.push(r);
  }
  const segments = new Map<string, Segment[]>();
  const segmentsOf = (id: string): Segment[] => {
    let s = segments.get(id);
    const check = checkById.get(id);
    if (!s && check) {
      const stored = storedTimeline(byCheck.get(id) ?? [], rollupsByCheck.get(id) ?? [], check.maxGapMs, now, config.run.regionRule);
      segments.set(id, (s = overlayMaintenance(stored.segments, occurrences.get(check.component) ?? [])));
    }
    return s ?? [];
  };
  const componentSegments = new Map<string, Segment[]>();
  return checkSloEntries(specs, {
    segmentsOf,
    componentSegmentsOf: (id) => {
      let s = componentSegments.get(id);
      if (!s) componentSegments.set(id, (s = mergeComponent((config.components.find((c) => c.id === id)?.checks ?? []).map(segmentsOf))));
      return s;
    },
    samplesOf: (id) => byCheck.get(id) ?? [],
    rollupsOf: (id) => rollupsByCheck.get(id) ?? [],
    inMaintenance: (id, t) => (occurrences.get(checkById.get(id)?.component ?? '') ?? []).some((o) => o.start <= t && t < o.end),
    rule,
    now,
  });
}

/** How far back the check-based SLOs of a configuration read: their longest window, and the 3-day burn window. */
export function checkSloHistoryMs(config: Pick<ResolvedConfig, 'prometheus'>, now: number): number {
  const specs = checkSlos(config.prometheus.slos);
  return Math.max(0, ...specs.flatMap((s) => [BURN_MS['3d'], ...s.windows.map((w) => now - windowSpan(w, now).from)]));
}
