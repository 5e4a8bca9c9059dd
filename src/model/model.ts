/**
 * The status model: ONE pure computation from configuration and stored samples to every figure
 * the outputs show. The site, the API JSON, badges and reports read this; none recomputes.
 */
import type { CheckKind, ResolvedConfig, SiteSettings } from '../config/types.ts';
import type { CheckStatus } from '../checks/types.ts';
import type { RollupRecord } from '../store/rollup-format.ts';
import type { Sample, StoreProblem } from '../store/samples.ts';
import { STATUSES, SampleColumns } from '../store/columns.ts';
import type { Incident } from '../incidents/types.ts';
import { dayRanges } from './days.ts';
import { type IncidentModel, incidentModel, type MonthFigures, monthFigures, utcMonths } from './incidents.ts';
import { type MaintenanceScheduleModel, maintenanceModel, occurrencesByComponent, overlayMaintenance } from './maintenance.ts';
import { truncatedPercent } from './percent.ts';
import { type SloModel, sloModel } from './slo.ts';
import { checkSloEntries } from './check-slo.ts';
import { checkSlos } from '../config/resolve-prometheus.ts';
import type { SloSnapshot } from '../prometheus/types.ts';
import type { ReportPage } from '../reports/types.ts';
import { type ShownStatus, worstOf } from './status.ts';
import { regionStatuses } from './regions.ts';
import { type SortedSamples, firstAtOrAfter, storedTimeline, storedTimelineSorted } from './stored.ts';
import { type StateKey, stateOf, worstState } from '../vocabulary/states.ts';
import { type Segment, type Tally, RANK, componentCounted, knownMs, mergeComponent, tally } from './timeline.ts';
import { type AvailabilityRule, availableMs, countedDowntimeMs } from './availability.ts';
import { dependencyMap, rootCauses } from './dependencies.ts';

export const MODEL_VERSION = 2;

export const WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 } as const;
export type WindowKey = keyof typeof WINDOWS;
export const WINDOW_KEYS = Object.keys(WINDOWS) as WindowKey[];
export const DAY_BARS = 90;
/** How far back the response-time series of a check reaches. */
export const SERIES_MS = WINDOWS['7d'];
/** Months of incident figures per component. */
export const MONTHS = 13;

/**
 * A window's availability is a figure only when data covers at least this share of it: below,
 * "100.00% over 90 days" would rest on a few hours. Every output (page, badges, API, reports,
 * SLA verdicts) reads `WindowFigure.data` and says "not enough data" instead.
 */
export const MIN_COVERAGE = 0.1;

export type WindowData = 'none' | 'insufficient' | 'enough';

/** Whether `known` ms of data are enough for a figure of a `windowMs` window (exact on integers). */
export function windowData(known: number, windowMs: number): WindowData {
  if (known <= 0) return 'none';
  return known * 10 >= windowMs * (MIN_COVERAGE * 10) ? 'enough' : 'insufficient';
}

export interface WindowFigure extends Tally {
  /** Start of the window, ISO-8601 UTC. */
  from: string;
  /** End of the window (exclusive), ISO-8601 UTC. */
  to: string;
  windowMs: number;
  knownMs: number;
  /**
   * Whether the window has data enough for a figure: `none` (nothing known), `insufficient`
   * (data for less than MIN_COVERAGE of the window) or `enough`. Outputs show a percentage only
   * for `enough`, and say "not enough data" for `insufficient`.
   */
  data: WindowData;
  /** Available share of known time outside maintenance, 0..1; null unless `data` is `enough` (or all known time was maintenance). */
  availability: number | null;
  /** `availability` as a truncated percentage string ("99.99"); null when `availability` is. */
  percent: string | null;
  /** Share of the window with data, truncated percentage string ("100.00"). */
  coverage: string;
  /** Down time as counted by the partial-outage rule: full outages plus the counted part of partial ones (src/model/availability.ts). */
  downtimeMs: number;
  /** Time counted as available (the numerator of `availability`). */
  availableMs: number;
}

export type DayLevel = 'nodata' | 'up' | 'maintenance' | 'degraded' | 'down';

export interface DayBar extends WindowFigure {
  /** Calendar date in the site's time zone, `YYYY-MM-DD`. */
  date: string;
  level: DayLevel;
  /** Components only: ids of the incidents that were open at some time that day. */
  incidents?: string[];
}

export interface LatencySummary {
  samples: number;
  p50: number | null;
  p95: number | null;
}

export interface ResponsePoint {
  /** Epoch milliseconds. */
  t: number;
  ms: number | null;
  status: ShownStatus;
}

/**
 * A check's response times over SERIES_MS, one entry per sample in time order, held in typed
 * arrays rather than an object per point (200 checks × 7 days of 5-minute samples are 403,200
 * points: ~6.9 MB so, ~35 MB as objects, and they are copied from the worker and read from the
 * cache at every start). `responsePoints` gives them as objects.
 */
export interface ResponseSeries {
  /** Epoch milliseconds. */
  t: Float64Array;
  /** Response time in ms as stored; NaN for none. */
  ms: Float64Array;
  /** The sample's status, by its index in STATUSES (src/store/columns.ts). */
  status: Uint8Array;
}

/** Points `from` to `to` (exclusive; negative counts from the end, as `slice`) of a series, as objects. */
export function responsePoints(series: ResponseSeries, from = 0, to = series.t.length): ResponsePoint[] {
  const n = series.t.length;
  const a = Math.max(0, from < 0 ? n + from : Math.min(from, n));
  const b = Math.max(a, to < 0 ? n + to : Math.min(to, n));
  const out: ResponsePoint[] = new Array(b - a);
  for (let i = a; i < b; i++) {
    const ms = series.ms[i] as number;
    out[i - a] = { t: series.t[i] as number, ms: Number.isNaN(ms) ? null : ms, status: STATUSES[series.status[i] as number] as CheckStatus };
  }
  return out;
}

function responseSeries(samples: readonly Sample[]): ResponseSeries {
  const n = samples.length;
  const series: ResponseSeries = { t: new Float64Array(n), ms: new Float64Array(n), status: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const s = samples[i] as Sample;
    series.t[i] = s.at;
    series.ms[i] = s.responseTimeMs ?? NaN;
    series.status[i] = STATUS_INDEX[s.status];
  }
  return series;
}

const STATUS_INDEX = Object.fromEntries(STATUSES.map((s, i) => [s, i])) as Record<CheckStatus, number>;

export interface CheckModel {
  id: string;
  name: string;
  description: string | null;
  kind: CheckKind;
  component: string;
  enabled: boolean;
  intervalMs: number;
  status: ShownStatus;
  lastCheckedAt: string | null;
  lastResponseTimeMs: number | null;
  lastError: string | null;
  lastStatusCode: number | null;
  /** What the check watches expire (a tls certificate, a domain registration) as of its last sample; null when nothing. */
  expiresAt: string | null;
  uptime: Record<WindowKey, WindowFigure>;
  days: DayBar[];
  latency24h: LatencySummary;
  /** The last SERIES_MS of response times (`responsePoints` gives them as objects). */
  responseTimes: ResponseSeries;
  /** Checks run from several regions only: each region's status now (`status` is by `run.regionRule`). */
  regions?: Record<string, ShownStatus>;
}

export interface ComponentModel {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  status: ShownStatus;
  /** The state in the one vocabulary (src/vocabulary/states.ts): the status, with a partial outage told apart. */
  state: StateKey;
  checks: string[];
  uptime: Record<WindowKey, WindowFigure>;
  days: DayBar[];
  /** When down: `major` if every check with data is down, `partial` if only some are. */
  outage: 'partial' | 'major' | null;
  /** Response time over the last 24 h across the component's checks (down samples excluded). */
  latency24h: LatencySummary;
  /** Ids of the component's unresolved incidents. */
  activeIncidents: string[];
  /**
   * The root causes of its trouble when it is affected by a dependency's outage
   * (src/model/dependencies.ts): "affected by Database". Empty otherwise. Never changes a figure.
   */
  affectedBy: { id: string; name: string; state: StateKey }[];
  /** Ids of the components it depends on (`dependsOn`), in configuration order. */
  dependsOn: string[];
  /** The last 13 UTC months, oldest first: uptime, incidents, MTTD, MTTR, downtime. */
  monthly: (MonthFigures & { uptime: WindowFigure })[];
}

export interface GroupModel {
  id: string;
  name: string;
  description: string | null;
  status: ShownStatus;
  /** The worst state of its components. */
  state: StateKey;
  components: string[];
}

export interface StatusModel {
  version: typeof MODEL_VERSION;
  generatedAt: string;
  site: SiteSettings;
  degradedCountsAsUp: boolean;
  /** The availability rule every figure was computed with (degraded time, partial outages); outputs state it. */
  availability: AvailabilityRule;
  /** MIN_COVERAGE: the share of a window that must have data for its figure to be shown. */
  minCoverage: number;
  status: ShownStatus;
  /** The page's state: the worst component state (banner, API status, feeds and notifications say it in the same words). */
  state: StateKey;
  groups: GroupModel[];
  /** Components outside any declared group, in page order. */
  ungrouped: string[];
  components: ComponentModel[];
  checks: CheckModel[];
  /** Every incident, newest first. */
  incidents: IncidentModel[];
  maintenance: MaintenanceScheduleModel;
  /** The earliest stored data (ISO), null without any: recurring maintenance before it is not listed. */
  monitoringSince: string | null;
  /** Store files or lines that could not be read (skipped). */
  problems: StoreProblem[];
  /** SLOs, capacity forecasts and firing alerts from the latest SLO snapshot; null without one. */
  slo: SloModel | null;
  /** Monthly reports found in the status repo's reports/ folder (set by `cairn build`), newest first. */
  reports?: ReportPage[];
}

export interface ModelInput {
  config: ResolvedConfig;
  /**
   * The raw samples: objects in any order, or the store's columns in the full layout
   * (src/store/columns.ts: `cairn build` reads them so, one check's samples made objects at a time).
   */
  samples: readonly Sample[] | SampleColumns;
  /** Daily rollups of compacted days (src/store/rollup-format.ts); raw days they cover are not in `samples`. */
  rollups?: readonly RollupRecord[];
  problems?: readonly StoreProblem[];
  /** Hand-written and automatic incidents (already validated). */
  incidents?: readonly Incident[];
  /** The latest SLO snapshot (data/slo/latest.json), if any. */
  sloSnapshot?: SloSnapshot | null;
  /** The instant the model describes, epoch milliseconds. */
  now: number;
  /** Day bars of the previous model, to reuse where their inputs are the same (`cairn serve`'s models after rounds). */
  bars?: DayBarMemo;
}

/** A day bar kept by DayBarMemo, with what it was made from. */
interface MemoBar {
  end: number;
  date: string;
  rule: string;
  /** Holds the tally it was made from (windowFigure copies its six fields). */
  bar: DayBar;
}

/**
 * The day bars of one model, kept for the next (`cairn serve` computes a model after every
 * round): a bar is a function of its day, its tally and the availability rule, so a past day's
 * bar is the same object again instead of a new one computed (90 bars for each check and
 * component, most of them past days). The models share those objects, which nothing changes
 * after they are made. Only the bars of the last model are kept.
 */
export class DayBarMemo {
  #previous = new Map<string, Map<number, MemoBar>>();
  #current = new Map<string, Map<number, MemoBar>>();

  /**
   * The bar of `entity` (a check's or a component's key) for the day from `start` to `end`
   * with tally `t` under `rule` (`ruleKey`): the previous model's when every input is the same
   * (the same numbers, not merely equal strings), else `make()`'s.
   */
  bar(entity: string, date: string, start: number, end: number, ruleKey: string, t: Tally, make: () => DayBar): DayBar {
    let mine = this.#current.get(entity);
    if (!mine) this.#current.set(entity, (mine = new Map()));
    const old = this.#previous.get(entity)?.get(start);
    const same =
      old !== undefined &&
      old.end === end &&
      old.date === date &&
      old.rule === ruleKey &&
      Object.is(old.bar.upMs, t.upMs) &&
      Object.is(old.bar.degradedMs, t.degradedMs) &&
      Object.is(old.bar.downMs, t.downMs) &&
      Object.is(old.bar.partialMs, t.partialMs) &&
      Object.is(old.bar.partialShareMs, t.partialShareMs) &&
      Object.is(old.bar.maintenanceMs, t.maintenanceMs);
    const entry = same ? old : { end, date, rule: ruleKey, bar: make() };
    mine.set(start, entry);
    return entry.bar;
  }

  /** After a model: its bars are the ones the next model may reuse. */
  next(): void {
    this.#previous = this.#current;
    this.#current = new Map();
  }
}

/**
 * The strings of window figures, one string for each value: a model has ~40,000 figures (day
 * bars), whose bounds are a few hundred instants and whose percentages a few dozen values, and
 * `cairn serve` keeps its model (and makes one after every round). Bounded: cleared when full.
 */
const ISO = new Map<number, string>();
const STRINGS = new Map<string, string>();
const ONE_STRING_LIMIT = 20_000;

function isoInstant(ms: number): string {
  let s = ISO.get(ms);
  if (s === undefined) {
    if (ISO.size >= ONE_STRING_LIMIT) ISO.clear();
    ISO.set(ms, (s = new Date(ms).toISOString()));
  }
  return s;
}

function oneString<T extends string | null>(s: T): T {
  if (s === null) return s;
  const same = STRINGS.get(s);
  if (same !== undefined) return same as T;
  if (STRINGS.size >= ONE_STRING_LIMIT) STRINGS.clear();
  STRINGS.set(s, s);
  return s;
}

/** The figures of one window from its tally (the page's, the API's and the reports' one formula). */
export function windowFigure(t: Tally, from: number, to: number, rule: AvailabilityRule): WindowFigure {
  const known = knownMs(t);
  const denominator = known - t.maintenanceMs;
  const available = availableMs(t, known, rule);
  const windowMs = Math.max(0, to - from);
  const data = windowData(known, windowMs);
  const shown = data === 'enough' && denominator > 0;
  // Every field written out (not `...t`): an object spread followed by ten more fields costs ~30 µs
  // a call here, and a model has ~40,000 of these figures (day bars).
  return {
    upMs: t.upMs,
    degradedMs: t.degradedMs,
    downMs: t.downMs,
    partialMs: t.partialMs,
    partialShareMs: t.partialShareMs,
    maintenanceMs: t.maintenanceMs,
    from: isoInstant(from),
    to: isoInstant(to),
    windowMs,
    knownMs: known,
    data,
    availability: shown ? available / denominator : null,
    percent: shown ? oneString(truncatedPercent(available, denominator)) : null,
    coverage: oneString(truncatedPercent(known, windowMs) ?? '0.00'),
    downtimeMs: countedDowntimeMs(t, rule.partialOutage),
    availableMs: available,
  };
}

/** A component's status now from its checks' statuses (the same rule as its timeline), and whether an outage is partial. */
function componentNow(statuses: readonly ShownStatus[]): { status: ShownStatus; partial: boolean } {
  const counts = [0, 0, 0, 0];
  for (const s of statuses) if (s !== 'nodata') counts[RANK[s]] = (counts[RANK[s]] as number) + 1;
  if (counts.every((c) => c === 0)) return { status: 'nodata', partial: false };
  const c = componentCounted(counts);
  return { status: c.status, partial: c.share !== undefined };
}

function dayLevel(t: Tally): DayLevel {
  if (t.downMs > 0 || t.partialMs > 0) return 'down';
  if (t.degradedMs > 0) return 'degraded';
  if (t.maintenanceMs > 0) return 'maintenance';
  if (t.upMs > 0) return 'up';
  return 'nodata';
}

function figures(segments: Segment[], now: number, days: { date: string; start: number; end: number }[], rule: AvailabilityRule, memo?: { bars: DayBarMemo; entity: string }) {
  const uptime = {} as Record<WindowKey, WindowFigure>;
  for (const key of WINDOW_KEYS) {
    const from = now - WINDOWS[key];
    uptime[key] = windowFigure(tally(segments, from, now), from, now, rule);
  }
  const ruleKey = memo ? `${rule.degradedCountsAsUp}|${JSON.stringify(rule.partialOutage)}` : '';
  const bars: DayBar[] = days.map(({ date, start, end }) => {
    const t = tally(segments, start, end);
    const make = () => {
      // The figure's object itself, two fields added (as `{ ...figure, date, level }` gives, without copying 16 fields).
      const bar = windowFigure(t, start, end, rule) as DayBar;
      bar.date = date;
      bar.level = dayLevel(t);
      return bar;
    };
    return memo ? memo.bars.bar(memo.entity, date, start, end, ruleKey, t, make) : make();
  });
  return { uptime, days: bars };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function latencySummary(samples: readonly Sample[], from: number): LatencySummary {
  const values = samples
    .filter((s) => s.at >= from && s.responseTimeMs !== null && s.status !== 'down')
    .map((s) => s.responseTimeMs as number)
    .sort((a, b) => a - b);
  return { samples: values.length, p50: percentile(values, 50), p95: percentile(values, 95) };
}

/** Marks each day bar with the component's incidents that were open during that day. */
function withDayIncidents<T extends { days: DayBar[] }>(f: T, component: string, incidents: readonly Incident[], now: number): T {
  const mine = incidents.filter((i) => i.components.includes(component));
  if (mine.length === 0) return f;
  return {
    ...f,
    days: f.days.map((d) => {
      const from = Date.parse(d.from);
      const to = Date.parse(d.to);
      const ids = mine.filter((i) => i.startedAt < to && (i.resolvedAt ?? now) >= from).map((i) => i.id);
      return ids.length ? { ...d, incidents: ids } : d;
    }),
  };
}

/** The earliest instant with stored data (a raw sample, or the first segment of a rollup day) up to `now`; null without any. */
export function earliestData(samples: readonly Sample[] | SampleColumns, rollups: readonly RollupRecord[], now: number): number | null {
  let first = Infinity;
  if (samples instanceof SampleColumns) first = samples.earliest(now) ?? Infinity;
  else for (const s of samples) if (s.at < first && s.at <= now) first = s.at;
  for (const r of rollups) {
    const seg = r.seg[0];
    if (seg) first = Math.min(first, Date.parse(`${r.d}T00:00:00.000Z`) + seg[0]);
  }
  return first === Infinity ? null : first;
}

/** The samples of a sorted list up to `now` (those a filter `at <= now` keeps). */
function upTo(sorted: Sample[], now: number): Sample[] {
  const last = sorted[sorted.length - 1];
  if (last === undefined || last.at <= now) return sorted;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as Sample).at <= now) lo = mid + 1;
    else hi = mid;
  }
  return sorted.slice(0, lo);
}

/**
 * Each check's samples up to `now`, sorted by time: from the columns one check at a time (made
 * objects when asked for, left to the garbage collector after), or grouped from the objects.
 */
function sampleSource(samples: readonly Sample[] | SampleColumns, now: number): (id: string) => Sample[] {
  if (samples instanceof SampleColumns) return (id) => upTo(samples.of(id), now);
  const byCheck = new Map<string, Sample[]>();
  for (const s of samples) {
    if (s.at > now) continue;
    let list = byCheck.get(s.id);
    if (!list) byCheck.set(s.id, (list = []));
    list.push(s);
  }
  return (id) => (byCheck.get(id) ?? []).sort((a, b) => a.at - b.at);
}

/**
 * A check's samples up to `now` read straight from the columns (no object per sample but for
 * the last 7 days), when they are in time order and from one region or none; else null.
 */
function sortedFromColumns(columns: SampleColumns, id: string, now: number): (SortedSamples & { since(t: number): Sample[] }) | null {
  const series = columns.series(id);
  if (!series || !series.sorted || series.regions) return null;
  const { at, st } = series;
  // The samples up to now: those a filter `at <= now` keeps.
  let n = series.n;
  if (n > 0 && (at[n - 1] as number) > now) {
    let lo = 0;
    while (lo < n) {
      const mid = (lo + n) >>> 1;
      if ((at[mid] as number) <= now) lo = mid + 1;
      else n = mid;
    }
  }
  return {
    n,
    at: (i) => at[i] as number,
    status: (i) => STATUSES[st[i] as number] as CheckStatus,
    sample: (i) => columns.range(id, i, i + 1)[0] as Sample,
    columns: { at, st, statuses: STATUSES },
    since: (t) => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((at[mid] as number) < t) lo = mid + 1;
        else hi = mid;
      }
      return columns.range(id, lo, n);
    },
  };
}

export function computeModel(input: ModelInput): StatusModel {
  const { config, now } = input;
  const { degradedCountsAsUp } = config.run;
  const rule: AvailabilityRule = { degradedCountsAsUp, partialOutage: config.run.partialOutage };
  const days = dayRanges(now, DAY_BARS, config.site.timeZone);

  const historyFrom = days[0]?.start ?? now - WINDOWS['90d'];
  const months = utcMonths(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - (MONTHS - 1), 1), now);
  // Maintenance applies to every figure shown, the 13 monthly ones included (reports read the same months).
  const occurrences = occurrencesByComponent(config.maintenance, Math.min(historyFrom, now - WINDOWS['90d'], months[0]?.start ?? now), now);
  const monitoringSince = earliestData(input.samples, input.rollups ?? [], now);
  const maintenance = maintenanceModel(config.maintenance, now, WINDOWS['90d'], monitoringSince);
  const incidents = [...(input.incidents ?? [])].sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
  const inMaintenance = new Set(maintenance.active.flatMap((o) => o.components));

  const rollupsByCheck = new Map<string, RollupRecord[]>();
  for (const r of [...(input.rollups ?? [])].sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0))) {
    let list = rollupsByCheck.get(r.id);
    if (!list) rollupsByCheck.set(r.id, (list = []));
    list.push(r);
  }

  const samplesOf = sampleSource(input.samples, now);
  // A check's samples of the last 24 hours: its component's latency reads them.
  const recentByCheck = new Map<string, Sample[]>();

  const segmentsByCheck = new Map<string, Segment[]>();
  const checks: CheckModel[] = config.checks.map((check) => {
    const rollups = rollupsByCheck.get(check.id) ?? [];
    // From the columns, the 90 days of a check are read without an object per sample where that
    // gives the same figures (src/model/stored.ts); else (and from objects) as they always were.
    const sorted = input.samples instanceof SampleColumns ? sortedFromColumns(input.samples, check.id, now) : null;
    const quick = sorted ? storedTimelineSorted(sorted, rollups, check.maxGapMs, now) : null;
    const samples = quick ? null : samplesOf(check.id);
    const since = (t: number): Sample[] => (samples ? samples.slice(firstAtOrAfter(samples, t)) : (sorted as { since(t: number): Sample[] }).since(t));
    const week = since(now - SERIES_MS);
    const recent = week.slice(firstAtOrAfter(week, now - WINDOWS['24h']));
    recentByCheck.set(check.id, recent);
    const stored = quick ?? storedTimeline(samples as Sample[], rollups, check.maxGapMs, now, config.run.regionRule);
    // Samples from one region or none have no regional statuses.
    const regional = samples ? regionStatuses(samples, check.maxGapMs, now, config.run.regionRule) : null;
    const segments = overlayMaintenance(stored.segments, occurrences.get(check.component) ?? []);
    segmentsByCheck.set(check.id, segments);
    const last = stored.last ?? undefined;
    const fresh = last !== undefined && now - last.at <= check.maxGapMs;
    return {
      id: check.id,
      name: check.name,
      description: check.description,
      kind: check.kind,
      component: check.component,
      enabled: check.enabled,
      intervalMs: check.intervalMs,
      status: regional ? regional.status : fresh ? last.status : 'nodata',
      lastCheckedAt: last ? new Date(last.at).toISOString() : null,
      lastResponseTimeMs: last?.responseTimeMs ?? null,
      lastError: last?.error ?? null,
      lastStatusCode: last?.statusCode ?? null,
      expiresAt: last?.expiresAt ?? null,
      ...figures(segments, now, days, rule, input.bars ? { bars: input.bars, entity: `check ${check.id}` } : undefined),
      latency24h: latencySummary(recent, now - WINDOWS['24h']),
      responseTimes: responseSeries(week),
      ...(regional ? { regions: regional.regions } : {}),
    };
  });
  const checkById = new Map(checks.map((c) => [c.id, c]));
  const componentOf = new Map(config.checks.map((c) => [c.id, c.component]));

  const segmentsByComponent = new Map<string, Segment[]>();
  const components: ComponentModel[] = config.components.map((comp) => {
    const members = comp.checks.map((id) => checkById.get(id)).filter((c): c is CheckModel => c !== undefined);
    const segments = mergeComponent(comp.checks.map((id) => segmentsByCheck.get(id) ?? []));
    segmentsByComponent.set(comp.id, segments);
    const now_ = componentNow(members.map((c) => c.status));
    const status = inMaintenance.has(comp.id) ? 'maintenance' : now_.status;
    const outage = status !== 'down' ? null : now_.partial ? 'partial' : 'major';
    return {
      id: comp.id,
      name: comp.name,
      description: comp.description,
      group: comp.group,
      status,
      state: stateOf(status, outage),
      outage,
      latency24h: latencySummary(
        comp.checks.flatMap((id) => recentByCheck.get(id) ?? []),
        now - WINDOWS['24h'],
      ),
      checks: comp.checks,
      ...withDayIncidents(figures(segments, now, days, rule, input.bars ? { bars: input.bars, entity: `component ${comp.id}` } : undefined), comp.id, incidents, now),
      activeIncidents: incidents.filter((i) => i.resolvedAt === null && i.components.includes(comp.id)).map((i) => i.id),
      affectedBy: [],
      dependsOn: [...(comp.dependsOn ?? [])],
      monthly: monthFigures(comp.id, incidents, segments, months, now, rule).map((f, i) => {
        const { start, end } = months[i] as { start: number; end: number };
        return { ...f, uptime: windowFigure(tally(segments, start, Math.min(end, now)), start, Math.min(end, now), rule) };
      }),
    };
  });
  const componentById = new Map(components.map((c) => [c.id, c]));
  // Dependencies say who is affected by whose outage; no figure changes (src/model/dependencies.ts).
  for (const [id, roots] of rootCauses(dependencyMap(config.components), (id) => componentById.get(id)?.state)) {
    const comp = componentById.get(id);
    if (comp) comp.affectedBy = roots.map((r) => ({ id: r.id, name: componentById.get(r.id)?.name ?? r.id, state: r.state }));
  }

  const groups: GroupModel[] = config.groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    status: worstOf(g.components.map((id) => componentById.get(id)?.status ?? 'nodata')),
    state: worstState(g.components.map((id) => componentById.get(id)?.state ?? 'nodata')),
    components: g.components,
  }));

  input.bars?.next();
  return {
    version: MODEL_VERSION,
    generatedAt: new Date(now).toISOString(),
    site: config.site,
    degradedCountsAsUp,
    availability: rule,
    minCoverage: MIN_COVERAGE,
    status: worstOf(components.map((c) => c.status)),
    state: worstState(components.map((c) => c.state)),
    groups,
    ungrouped: components.filter((c) => c.group === null).map((c) => c.id),
    components,
    checks,
    incidents: incidents.map((i) => incidentModel(i, now, config.incidents.response)),
    maintenance,
    monitoringSince: monitoringSince === null ? null : new Date(monitoringSince).toISOString(),
    problems: [...(input.problems ?? [])],
    slo: sloModel(
      input.sloSnapshot,
      config.components.map((c) => c.id),
      now,
      config.run.maxGapMs,
      checkSloEntries(checkSlos(config.prometheus.slos), {
        segmentsOf: (id) => segmentsByCheck.get(id) ?? [],
        componentSegmentsOf: (id) => segmentsByComponent.get(id) ?? [],
        samplesOf,
        rollupsOf: (id) => rollupsByCheck.get(id) ?? [],
        inMaintenance: (id, t) => (occurrences.get(componentOf.get(id) ?? '') ?? []).some((o) => o.start <= t && t < o.end),
        rule,
        now,
      }),
      config.prometheus.slos.map((s) => s.id),
    ),
  };
}
