/**
 * Figures of arbitrary periods [from, to): what the monthly reports show, computed by the same
 * code as the page (stored timelines, the maintenance overlay, the worst-of merge, `tally`,
 * `windowFigure`, the incident figures), so a report's availability for a month is the page's
 * monthly figure for that month, to the digit.
 *
 * Pure, like `computeModel`, and it takes the same inputs. Samples may also be handed over one
 * check at a time (a function), so a month of 1,000 checks never holds every sample as an object.
 *
 * Latency percentiles of a period come from histograms (src/store/histogram.ts): the raw samples
 * go into the same histogram a rollup line holds, so a period reads the same percentiles before
 * and after its days are compacted (each within 1% of the exact nearest-rank value).
 */
import type { ResolvedConfig } from '../config/types.ts';
import type { Incident } from '../incidents/types.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import type { Sample } from '../store/samples.ts';
import { type Histogram, addValue, decodeHistogram, emptyHistogram, mergeHistograms, quantiles } from '../store/histogram.ts';
import { type IncidentModel, incidentModel, monthFigures } from './incidents.ts';
import { type MaintenanceModel, maintenanceEntry, occurrencesByComponent, overlayMaintenance, sinceMonitoring } from './maintenance.ts';
import { type WindowFigure, windowFigure } from './model.ts';
import { type SlaFigures, slaFigures } from './sla.ts';
import { type CreditFigures, creditFor } from './credits.ts';
import { creditTiersOf } from '../config/resolve-reports.ts';
import type { LatencyPercentiles } from './stored.ts';
import { firstAtOrAfter, storedTimeline } from './stored.ts';
import { type Segment, mergeComponent, tally } from './timeline.ts';
import type { AvailabilityRule } from './availability.ts';
import { expandWindows } from '../maintenance/windows.ts';
import { checkSlos } from '../config/resolve-prometheus.ts';
import type { BurnDownPoint, SloWindowFigures } from '../prometheus/types.ts';
import { checkSloPeriod } from './check-slo.ts';
import type { CheckColumns } from '../store/month-columns.ts';
import { COLUMN_DOWN, countAtOrBefore, firstColumnAtOrAfter, storedColumnTimeline } from './columns.ts';

const DAY_MS = 86_400_000;

export interface Period {
  /** Label, e.g. `2026-05`. */
  label: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface PeriodInput {
  config: ResolvedConfig;
  /** Raw samples (any order), or the samples of one check on demand (sorted or not). */
  samples: readonly Sample[] | ((checkId: string) => readonly Sample[]);
  /**
   * Optional: the raw samples of one check as columns in time order (src/store/columns.ts), or
   * null to read `samples` for it. Read instead of `samples` for the checks whose results no
   * SLO counts: the same figures, without an object per sample (a month of 1,000 checks).
   * A check's columns are read before the next check's are asked for, and not kept: the
   * source may hand the same arrays over again, refilled.
   */
  columns?: (checkId: string) => CheckColumns | null;
  /** Daily rollups of compacted days; raw days they cover are not in `samples`. */
  rollups?: readonly RollupRecord[];
  incidents?: readonly Incident[];
  /** Nothing after this instant is known (the current month ends here); epoch ms. */
  now: number;
  /** The periods to compute, usually UTC months. */
  periods: readonly Period[];
}

export interface PeriodCheck {
  id: string;
  name: string;
  component: string;
  uptime: WindowFigure;
  /** Samples taken in the period (raw ones, plus the counts of rollup days). */
  samples: number;
  latency: LatencyPercentiles;
}

export interface PeriodComponent {
  id: string;
  name: string;
  group: string | null;
  checks: string[];
  uptime: WindowFigure;
  /** Incidents that started in the period, their mean time to detect and resolve, and downtime (the page's monthly figures). */
  incidents: number;
  mttdMs: number | null;
  mttrMs: number | null;
  downtimeMs: number;
  /** Response time across the component's checks (down samples excluded). */
  latency: LatencyPercentiles;
  /** SLA target (the component's first SLO target, else `reports.slaTarget`), met or missed, and its budget. */
  sla: SlaFigures;
  /** SLA credit of the period (src/model/credits.ts); null when no credit tiers apply to the component. */
  credit: CreditFigures | null;
}

export interface PeriodFigures {
  label: string;
  from: string;
  to: string;
  /** The period's end clipped to `now` (a current month ends now). */
  until: string;
  components: PeriodComponent[];
  checks: PeriodCheck[];
  /** Incidents open at some time in the period, oldest first. */
  incidents: IncidentModel[];
  /** Maintenance occurrences overlapping the period, oldest first. */
  maintenance: MaintenanceModel[];
  /** The availability rule the figures were computed with (the page's). */
  availability: AvailabilityRule;
  /** UTC days of the period with raw samples / with rollup lines. */
  rawDays: string[];
  rollupDays: string[];
  /** SLOs on the checks (src/model/check-slo.ts) over the period, in configuration order. */
  slos: PeriodSlo[];
}

export interface PeriodSlo {
  id: string;
  figures: SloWindowFigures;
  /** Remaining budget at the end of each day of the period. */
  burnDown: BurnDownPoint[];
}

/** The SLA target of a component: its first SLO's target, else the configured default. */
export function slaTargetOf(config: ResolvedConfig, component: string): { target: number; source: 'slo' | 'default'; slo: string | null } {
  const slo = config.prometheus.slos.find((s) => s.component === component);
  return slo ? { target: slo.target, source: 'slo', slo: slo.id } : { target: config.reports.slaTarget, source: 'default', slo: null };
}

function percentiles(h: Histogram): LatencyPercentiles {
  const [p50, p95, p99] = quantiles(h, [50, 95, 99]) as [number | null, number | null, number | null];
  return { samples: h.count, p50, p95, p99 };
}

/**
 * Counts response times into a histogram, each distinct whole millisecond value counted first and
 * added to the histogram once (`addValue(h, v, times)`: the same histogram as one `addValue` per
 * value, without a logarithm and a map update per sample). Other values go straight in.
 */
class ValueCounter {
  #counts = new Uint32Array(65536);
  #seen: number[] = [];

  add(h: Histogram, v: number): void {
    const u = v | 0;
    if (u === v && u >= 0 && u < 65536) {
      if ((this.#counts[u] as number) === 0) this.#seen.push(u);
      this.#counts[u] = (this.#counts[u] as number) + 1;
    } else addValue(h, v);
  }

  /** Adds what was counted into `h` and starts again. */
  flush(h: Histogram): void {
    for (const u of this.#seen) {
      addValue(h, u, this.#counts[u] as number);
      this.#counts[u] = 0;
    }
    this.#seen.length = 0;
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function computePeriods(input: PeriodInput): PeriodFigures[] {
  const { config, now, periods } = input;
  const rule: AvailabilityRule = { degradedCountsAsUp: config.run.degradedCountsAsUp, partialOutage: config.run.partialOutage };
  const ends = periods.map((p) => ({ ...p, until: Math.max(p.from, Math.min(p.to, now)) }));
  const earliest = Math.min(...periods.map((p) => p.from));
  const latest = Math.max(...ends.map((p) => p.until));
  const occurrences = occurrencesByComponent(config.maintenance, earliest, latest);

  const rollupsByCheck = new Map<string, RollupRecord[]>();
  for (const r of [...(input.rollups ?? [])].sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0))) {
    let list = rollupsByCheck.get(r.id);
    if (!list) rollupsByCheck.set(r.id, (list = []));
    list.push(r);
  }
  let samplesOf: (id: string) => readonly Sample[];
  if (typeof input.samples === 'function') samplesOf = input.samples;
  else {
    const byCheck = new Map<string, Sample[]>();
    for (const s of input.samples) {
      let list = byCheck.get(s.id);
      if (!list) byCheck.set(s.id, (list = []));
      list.push(s);
    }
    samplesOf = (id) => byCheck.get(id) ?? [];
  }

  const sloSpecs = checkSlos(config.prometheus.slos);
  // Results are kept only for the checks of SLOs that count results; time SLOs read the timelines.
  const keepSamples = new Set(sloSpecs.filter((s) => !(s.sli.kind === 'availability' && s.sli.measure === 'time')).flatMap((s) => s.sli.checks));
  const kept = new Map<string, readonly Sample[]>();

  let monitoringSince = Infinity;
  const rawDays = ends.map(() => new Set<number>());
  const rollupDays = ends.map(() => new Set<string>());
  const segmentsByCheck = new Map<string, Segment[]>();
  const histByCheck = new Map<string, Histogram[]>();
  const checks: PeriodCheck[][] = ends.map(() => []);
  let valueCounter: ValueCounter | null = null;
  for (const check of config.checks) {
    const rollups = rollupsByCheck.get(check.id) ?? [];
    // storedTimeline reads raw samples only after the last rollup day: so do the counts here.
    const boundary = rollups.length ? Date.parse(`${(rollups[rollups.length - 1] as RollupRecord).d}T00:00:00.000Z`) + DAY_MS : -Infinity;
    // The samples as columns when the caller has them (and no SLO counts this check's results):
    // the same timeline and counts, without an object per sample.
    const cols = input.columns && !keepSamples.has(check.id) ? input.columns(check.id) : null;
    const nNow = cols ? countAtOrBefore(cols.at, cols.n, now) : 0;
    const fromColumns = cols ? storedColumnTimeline(cols, nNow, rollups, check.maxGapMs, now) : null;
    let storedSegments: Segment[];
    /** Counts the raw samples in [from, until) (after the rollups), their UTC days, and their response times into `h`. */
    let rawCount: (from: number, until: number, days: Set<number>, h: Histogram) => number;
    if (cols && fromColumns) {
      storedSegments = fromColumns;
      const counter = (valueCounter ??= new ValueCounter());
      rawCount = (from, until, days, h) => {
        const { at, status, ms } = cols;
        let count = 0;
        let lastDay = NaN;
        for (let k = firstColumnAtOrAfter(at, nNow, from); k < nNow; k++) {
          const t = at[k] as number;
          if (t >= until) break;
          count += 1;
          const d = Math.floor(t / DAY_MS);
          if (d !== lastDay) days.add((lastDay = d));
          const v = ms[k] as number;
          if (status[k] !== COLUMN_DOWN && !(v < 0)) counter.add(h, v);
        }
        counter.flush(h);
        return count;
      };
    } else {
      const own = samplesOf(check.id);
      let ordered = true;
      for (let k = 1; k < own.length && ordered; k++) ordered = (own[k] as Sample).at >= (own[k - 1] as Sample).at;
      const sorted = ordered ? own : [...own].sort((a, b) => a.at - b.at);
      const samples = sorted.length && (sorted[sorted.length - 1] as Sample).at > now ? sorted.filter((s) => s.at <= now) : sorted;
      if (keepSamples.has(check.id)) kept.set(check.id, samples);
      storedSegments = storedTimeline(samples, rollups, check.maxGapMs, now, config.run.regionRule).segments;
      rawCount = (from, until, days, h) => {
        let count = 0;
        let lastDay = NaN;
        for (let k = firstAtOrAfter(samples, from); k < samples.length; k++) {
          const s = samples[k] as Sample;
          if (s.at >= until) break;
          count += 1;
          const d = Math.floor(s.at / DAY_MS);
          if (d !== lastDay) days.add((lastDay = d));
          if (s.status !== 'down' && s.responseTimeMs !== null) addValue(h, s.responseTimeMs);
        }
        return count;
      };
    }
    if (storedSegments[0]) monitoringSince = Math.min(monitoringSince, storedSegments[0].start);
    const segments = overlayMaintenance(storedSegments, occurrences.get(check.component) ?? []);
    segmentsByCheck.set(check.id, segments);
    const hists = ends.map((p, i) => {
      const h = emptyHistogram();
      let count = 0;
      for (const r of rollups) {
        const start = Date.parse(`${r.d}T00:00:00.000Z`);
        if (start < p.from || start >= p.until) continue;
        rollupDays[i]?.add(r.d);
        count += r.n[0] + r.n[1] + r.n[2] + r.n[3];
        if (r.lat !== null) {
          const decoded = decodeHistogram(r.lat);
          if (typeof decoded !== 'string') Object.assign(h, mergeHistograms(h, decoded));
        }
      }
      count += rawCount(Math.max(p.from, boundary), p.until, rawDays[i] as Set<number>, h);
      checks[i]?.push({
        id: check.id,
        name: check.name,
        component: check.component,
        uptime: windowFigure(tally(segments, p.from, p.until), p.from, p.until, rule),
        samples: count,
        latency: percentiles(h),
      });
      return h;
    });
    histByCheck.set(check.id, hists);
  }

  const incidents = [...(input.incidents ?? [])].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  const months = ends.map((p) => ({ month: p.label, start: p.from, end: p.to }));
  const segmentsByComponent = new Map<string, Segment[]>();
  const components = config.components.map((comp) => {
    const segments = mergeComponent(comp.checks.map((id) => segmentsByCheck.get(id) ?? []));
    segmentsByComponent.set(comp.id, segments);
    const monthly = monthFigures(comp.id, incidents, segments, months, now, rule);
    return ends.map((p, i): PeriodComponent => {
      const uptime = windowFigure(tally(segments, p.from, p.until), p.from, p.until, rule);
      const f = monthly[i] as (typeof monthly)[number];
      const h = mergeHistograms(...comp.checks.map((id) => histByCheck.get(id)?.[i] ?? emptyHistogram()));
      const target = slaTargetOf(config, comp.id);
      const tiers = creditTiersOf(config.reports, comp.id);
      return {
        id: comp.id,
        name: comp.name,
        group: comp.group,
        checks: comp.checks,
        uptime,
        incidents: f.incidents,
        mttdMs: f.mttdMs,
        mttrMs: f.mttrMs,
        downtimeMs: f.downtimeMs,
        latency: percentiles(h),
        sla: slaFigures(uptime, target.target, target.source, target.slo),
        credit: tiers.length > 0 ? creditFor(uptime, tiers) : null,
      };
    });
  });

  const componentOf = new Map(config.checks.map((c) => [c.id, c.component]));
  const sloInput = {
    segmentsOf: (id: string) => segmentsByCheck.get(id) ?? [],
    componentSegmentsOf: (id: string) => segmentsByComponent.get(id) ?? [],
    samplesOf: (id: string) => kept.get(id) ?? [],
    rollupsOf: (id: string) => rollupsByCheck.get(id) ?? [],
    inMaintenance: (id: string, t: number) => (occurrences.get(componentOf.get(id) ?? '') ?? []).some((o) => o.start <= t && t < o.end),
    rule,
  };
  const slos = ends.map((p) => sloSpecs.map((spec): PeriodSlo => ({ id: spec.id, ...checkSloPeriod(spec, sloInput, p.from, p.to, p.until) })));

  const recurring = new Set(config.maintenance.filter((w) => w.recurring).map((w) => w.id));
  return ends.map((p, i) => ({
    label: p.label,
    from: new Date(p.from).toISOString(),
    to: new Date(p.to).toISOString(),
    until: new Date(p.until).toISOString(),
    components: components.map((c) => c[i] as PeriodComponent),
    checks: checks[i] as PeriodCheck[],
    incidents: incidents
      .filter((x) => x.startedAt < p.until && (x.resolvedAt === null || x.resolvedAt >= p.from))
      .map((x) => incidentModel(x, x.resolvedAt === null ? p.until : now, config.incidents.response)),
    // Recurring occurrences before the earliest data read (12 months for a report) are left out, as on the page.
    maintenance: sinceMonitoring(expandWindows(config.maintenance, p.from, p.until), recurring, monitoringSince === Infinity ? null : monitoringSince).map((o) =>
      maintenanceEntry(o, recurring.has(o.windowId), p.until),
    ),
    availability: rule,
    rawDays: [...(rawDays[i] as Set<number>)].sort((a, b) => a - b).map((d) => day(d * DAY_MS)),
    rollupDays: [...(rollupDays[i] as Set<string>)].sort(),
    slos: slos[i] as PeriodSlo[],
  }));
}

/** Figures of one period. */
export function computePeriod(input: Omit<PeriodInput, 'periods'> & { period: Period }): PeriodFigures {
  return computePeriods({ ...input, periods: [input.period] })[0] as PeriodFigures;
}
