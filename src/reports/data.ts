/**
 * The report's content: figures of the model (src/model/period.ts) and of the SLO snapshots,
 * formatted once into plain strings that both templates (markdown and HTML) print as they are.
 * Pure: the same inputs give the same view, so the same files.
 */
import type { ResolvedConfig } from '../config/types.ts';
import type { PeriodComponent, PeriodFigures } from '../model/period.ts';
import { MIN_COVERAGE, type WindowFigure } from '../model/model.ts';
import { describeAvailabilityRule } from '../model/availability.ts';
import { forecastBasis } from '../model/slo.ts';
import type { NotifyState } from '../notify/state.ts';
import type { BurnDownPoint, SloSnapshot, SloWindowFigures } from '../prometheus/types.ts';
import { change, duration, latency, minutes, monthName, num, share, shortMonth, targetText, thousands, utcDate, utcTime } from './format.ts';
import type { MonthSlo } from './prometheus-month.ts';
import { type CheckSloSpec, type PrometheusSloSpec, type SloSpec, checkSlos, isCheckSlo, prometheusSlos } from '../config/resolve-prometheus.ts';
import { monthQueries } from './prometheus-month.ts';
import { burnDownSvg, trendSvg } from './svg.ts';

const DAY = 86_400_000;

export interface ReportSources {
  /** The month's figures. */
  month: PeriodFigures;
  previous: PeriodFigures;
  /** Twelve months ending with the report's month, oldest first. */
  trend: PeriodFigures[];
  /** Daily SLO snapshots of the month, oldest first, and the latest one (used for a current month). */
  history: SloSnapshot[];
  latest: SloSnapshot | null;
  /** Prometheus figures of the exact month, when queried; null when not. */
  prometheus: { slos: MonthSlo[]; error: string | null } | null;
  notifications: NotifyState | null;
  /** Stored errors of every check with one, for certificate facts. */
  errors: Map<string, { at: number; error: string }[]>;
  /** Samples read for the month, raw day files read, store problems. */
  stats: { samples: number; problems: number };
  /** The month is over (`to` ≤ now). */
  complete: boolean;
}

/** `[x](url)` target of an incident page, when the site's public URL is known. */
function incidentLink(config: ResolvedConfig, id: string): string | null {
  if (!config.site.baseUrl) return null;
  const base = config.site.baseUrl.endsWith('/') ? config.site.baseUrl : `${config.site.baseUrl}/`;
  return `${base}incidents/${encodeURIComponent(id)}/`;
}

function list(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What a check-based SLO's figures were computed from, for the report's "Source:" line. */
function checkSloSource(spec: CheckSloSpec): string {
  const of = spec.sli.wholeComponent ? 'the component\'s checks' : `the checks ${spec.sli.checks.join(', ')}`;
  if (spec.sli.kind === 'response-time') return `Cairn's checks (${of}): results at or under ${spec.sli.belowMs} ms among the results neither down nor in maintenance`;
  return spec.sli.measure === 'time'
    ? `Cairn's checks (${of}): available time of the known time outside maintenance, degraded counted as ${spec.sli.degradedGood ? 'good' : 'bad'}`
    : `Cairn's checks (${of}): good results of the results outside maintenance, degraded counted as ${spec.sli.degradedGood ? 'good' : 'bad'}`;
}

/** What "good of total" counts. */
function countedAs(spec: SloSpec): string {
  switch (spec.sli.kind) {
    case 'gauge':
      return 'samples';
    case 'availability':
      return spec.sli.measure === 'time' ? 'minutes' : 'results';
    case 'response-time':
      return 'results';
    default:
      return 'events';
  }
}

function slaSentence(c: PeriodComponent): string {
  return `${c.name} (${c.uptime.percent}% against ${targetText(c.sla.target)}%)`;
}

/** The burn-down and month figures of an SLO from the daily snapshots: its calendar-month window. */
function fromHistory(id: string, monthFrom: string, history: readonly SloSnapshot[]): { figures: SloWindowFigures; burnDown: BurnDownPoint[]; asOf: string } | null {
  const points: BurnDownPoint[] = [];
  let last: { figures: SloWindowFigures; burnDown: BurnDownPoint[]; asOf: string } | null = null;
  for (const snap of history) {
    const e = snap.slos.find((s) => s.id === id);
    const w = e?.figures?.windows.find((x) => x.window === 'month' && x.from === monthFrom);
    if (!e?.figures || !w) continue;
    points.push({ t: Date.parse(w.to), remaining: w.budget.remainingFraction });
    const firstIsMonth = e.figures.windows[0]?.window === 'month';
    last = { figures: w, burnDown: firstIsMonth ? e.figures.burnDown : [], asOf: e.asOf ?? snap.generatedAt };
  }
  if (!last) return null;
  // The last snapshot's own burn-down (daily points since the 1st) when its first window is the month; else one point per day.
  const burnDown = last.burnDown.length ? last.burnDown : [{ t: Date.parse(monthFrom), remaining: 1 }, ...points];
  return { ...last, burnDown };
}

/** An availability as the report prints it: the percentage, or why there is none. */
function availabilityText(u: WindowFigure): string {
  if (u.percent !== null) return `${u.percent}%`;
  return u.data === 'insufficient' ? 'not enough data' : '—';
}

const CERT_RE = /\(notAfter ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z)\)/;
/** Domain checks record their registration's expiry the same way: `(expiration 2026-12-01T00:00:00Z)`. */
const DOMAIN_RE = /\(expiration ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z)\)/;

export function reportView(config: ResolvedConfig, src: ReportSources) {
  const { month, previous } = src;
  const from = Date.parse(month.from);
  const to = Date.parse(month.to);
  const until = Date.parse(month.until);
  const label = month.label;
  // An SLA verdict needs data for at least the model's minimum share of the month (MIN_COVERAGE).
  const withData = month.components.filter((c) => c.uptime.data === 'enough');
  const tooLittle = month.components.filter((c) => c.uptime.data === 'insufficient');
  const hasCheckData = withData.length > 0 || tooLittle.length > 0 || month.rawDays.length > 0 || month.rollupDays.length > 0;

  // Executive summary.
  const met = withData.filter((c) => c.sla.met === true);
  const missed = withData.filter((c) => c.sla.met === false);
  const noData = month.components.filter((c) => c.uptime.data === 'none');
  const sentences: string[] = [];
  if (withData.length) {
    sentences.push(
      met.length === 0
        ? `No component met its SLA this month.`
        : `${met.length} of ${withData.length} components met their SLA: ${list(met.map(slaSentence))}.`,
    );
    sentences.push(
      missed.length === 0
        ? `No component missed its SLA.`
        : `${missed.length} ${missed.length === 1 ? 'component' : 'components'} missed ${missed.length === 1 ? 'its' : 'their'} SLA: ${list(missed.map(slaSentence))}.`,
    );
  }
  if (withData.length || tooLittle.length) {
    if (tooLittle.length)
      sentences.push(`Not enough data for an availability figure or an SLA verdict for ${list(tooLittle.map((c) => `${c.name} (data for ${c.uptime.coverage}% of the period)`))}.`);
    if (noData.length) sentences.push(`No data for ${list(noData.map((c) => c.name))}.`);
  }

  const prevById = new Map(previous.components.map((c) => [c.id, c]));
  const components = month.components.map((c) => ({
    id: c.id,
    name: c.name,
    target: targetText(c.sla.target),
    targetSource: c.sla.targetSource === 'slo' ? `SLO ${c.sla.slo}` : 'default',
    availability: c.uptime.percent ?? '—',
    /** `99.95%`, `not enough data` or `—` (what the built-in templates print). */
    availabilityText: availabilityText(c.uptime),
    coverage: c.uptime.coverage,
    downtime: minutes(c.downtimeMs),
    maintenance: minutes(c.uptime.maintenanceMs),
    allowed: minutes(c.sla.allowedMs),
    consumed: minutes(c.sla.consumedMs),
    consumedPercent: c.sla.consumedPercent ?? '—',
    remaining: minutes(c.sla.remainingMs),
    remainingPercent: c.sla.remainingPercent ?? '—',
    result: c.sla.met === null ? (c.uptime.data === 'insufficient' ? 'not enough data' : 'no data') : c.sla.met ? 'met' : 'missed',
    met: c.sla.met === true,
    missed: c.sla.met === false,
    incidents: c.incidents,
    mttd: c.mttdMs === null ? '—' : duration(c.mttdMs),
    mttr: c.mttrMs === null ? '—' : duration(c.mttrMs),
  }));

  // SLA credits (src/model/credits.ts): components with credit tiers only.
  const credits = month.components
    .filter((c) => c.credit !== null)
    .map((c) => {
      const cr = c.credit as NonNullable<PeriodComponent['credit']>;
      return {
        id: c.id,
        name: c.name,
        availabilityText: availabilityText(c.uptime),
        tiers: cr.tiers.map((t) => `below ${targetText(t.below)}% → ${num(t.credit)}%`).join('; '),
        tier: cr.tier ? `below ${targetText(cr.tier.below)}%` : cr.outcome === 'none' ? 'none' : '—',
        credit: cr.credit === null ? 'not decided' : `${num(cr.credit)}%`,
        owed: cr.outcome === 'owed',
        note:
          cr.reason === 'insufficient-data'
            ? `not enough data (data for ${c.uptime.coverage}% of the period): no credit decided`
            : cr.reason === 'no-data'
              ? 'no data: no credit decided'
              : cr.outcome === 'none'
                ? 'no tier reached'
                : '',
      };
    });
  if (credits.length && (withData.length || tooLittle.length)) {
    const owed = credits.filter((c) => c.owed);
    const undecided = credits.filter((c) => c.credit === 'not decided');
    if (undecided.length < credits.length) {
      sentences.push(
        owed.length === 0
          ? 'No SLA credit is owed.'
          : `SLA credits owed: ${list(owed.map((c) => `${c.name} ${c.credit} of the monthly fee (availability ${c.availabilityText}, ${c.tier})`))}.`,
      );
    }
    if (undecided.length) sentences.push(`No SLA credit decided for ${list(undecided.map((c) => c.name))}: not enough data.`);
  }

  const latencyRows = month.components
    .filter((c) => c.latency.samples > 0 || (prevById.get(c.id)?.latency.samples ?? 0) > 0)
    .map((c) => {
      const p = prevById.get(c.id)?.latency ?? { samples: 0, p50: null, p95: null, p99: null };
      return {
        name: c.name,
        samples: thousands(c.latency.samples),
        p50: latency(c.latency.p50),
        p95: latency(c.latency.p95),
        p99: latency(c.latency.p99),
        prevP50: latency(p.p50),
        prevP95: latency(p.p95),
        prevP99: latency(p.p99),
        d50: change(c.latency.p50, p.p50),
        d95: change(c.latency.p95, p.p95),
        d99: change(c.latency.p99, p.p99),
      };
    });

  const componentName = new Map(config.components.map((c) => [c.id, c.name]));
  const incidents = month.incidents.map((i) => {
    const resolved = i.resolvedAt !== null && Date.parse(i.resolvedAt) <= until;
    return {
      id: i.id,
      title: i.title,
      severity: i.severity,
      impact: i.impact,
      components: i.components.map((c) => componentName.get(c) ?? c).join(', '),
      started: utcTime(i.startedAt),
      detected: utcTime(i.detectedAt),
      resolved: i.resolvedAt === null ? 'open' : utcTime(i.resolvedAt),
      duration: i.resolvedAt === null ? `${duration(i.durationMs)} (open at the period's end)` : duration(i.durationMs),
      ttd: duration(i.timeToDetectMs),
      ttr: i.resolvedAt === null ? '—' : duration(i.timeToResolveMs ?? 0),
      resolvedInPeriod: resolved,
      link: incidentLink(config, i.id),
    };
  });

  // Incident response: time to acknowledge against the severity's target, postmortems, action items.
  const response = responseView(config, month, componentName, until);

  const maintenance = month.maintenance.map((m) => ({
    title: m.title,
    components: m.components.map((c) => componentName.get(c) ?? c).join(', '),
    start: utcTime(m.start),
    end: utcTime(m.end),
    duration: duration(Date.parse(m.end) - Date.parse(m.start)),
    recurring: m.recurring ? 'yes' : 'no',
  }));

  // SLOs: on the checks, from the month's own figures; on Prometheus, Prometheus for the exact
  // month when it answered, else the daily snapshots.
  const promById = new Map((src.prometheus?.slos ?? []).map((s) => [s.id, s]));
  const ownById = new Map(month.slos.map((s) => [s.id, s]));
  const slos = [...config.prometheus.slos]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((spec) => {
      const checkSpec = isCheckSlo(spec) ? spec : null;
      const computed = checkSpec ? (ownById.get(spec.id) ?? null) : null;
      const own = computed && computed.figures.total > 0 ? computed : null;
      const prom = isCheckSlo(spec) ? undefined : promById.get(spec.id);
      const hist = isCheckSlo(spec) ? null : fromHistory(spec.id, month.from, src.history);
      const chosen = own
        ? { source: checkSloSource(checkSpec as CheckSloSpec), figures: own.figures, burnDown: own.burnDown }
        : prom && prom.figures
          ? { source: 'Prometheus (exact calendar month)', figures: prom.figures, burnDown: prom.burnDown }
          : hist
            ? { source: `daily SLO snapshots (as of ${utcTime(hist.asOf)})`, figures: hist.figures, burnDown: hist.burnDown }
            : null;
      const unit = spec.sli.kind === 'gauge' || spec.sli.kind === 'availability' ? 'minutes' : 'events';
      const title = `${spec.name}: remaining error budget in ${monthName(label)}`;
      const q = checkSpec ? null : monthQueries(spec as PrometheusSloSpec, from, to);
      return {
        id: spec.id,
        name: spec.name,
        component: componentName.get(spec.component) ?? spec.component,
        target: targetText(spec.target),
        sli: spec.sli.kind,
        counted: countedAs(spec),
        hasFigures: chosen !== null,
        source: chosen?.source ?? (checkSpec ? 'no data (no check results this month)' : prom?.error ? `no data (Prometheus: ${prom.error}; no snapshot of this month)` : 'no data (no snapshot of this month)'),
        achieved: chosen?.figures.achieved == null ? '—' : share(chosen.figures.achieved),
        met: chosen?.figures.met == null ? '—' : chosen.figures.met ? 'met' : 'missed',
        good: chosen ? num(chosen.figures.good) : '—',
        total: chosen ? num(chosen.figures.total) : '—',
        unit,
        allowed: chosen ? num(chosen.figures.budget.allowed) : '—',
        consumed: chosen ? num(chosen.figures.budget.consumed) : '—',
        remaining: chosen?.figures.budget.remainingFraction == null ? '—' : share(chosen.figures.budget.remainingFraction),
        burnDown: (chosen?.burnDown ?? []).map((p) => ({
          day: utcDate(p.t),
          remaining: share(p.remaining),
          ideal: share(Math.max(0, 1 - (p.t - from) / (to - from))),
        })),
        svg: chosen && chosen.burnDown.length ? burnDownSvg(title, chosen.burnDown, from, to) : '',
        promql: q ? { counted: q.counted === 'good' ? 'good' : 'bad', a: q.a, total: q.total, dailyA: q.daily.a, dailyTotal: q.daily.total } : null,
      };
    });
  // SLO and capacity figures are data of the month too, with or without check samples.
  const sloWithFigures = slos.filter((x) => x.hasFigures);
  if (sloWithFigures.length) {
    const sloMet = sloWithFigures.filter((x) => x.met === 'met');
    sentences.push(
      `${sloMet.length} of ${sloWithFigures.length} ${sloWithFigures.length === 1 ? 'SLO' : 'SLOs'} met ${sloWithFigures.length === 1 ? 'its' : 'their'} target${sloMet.length ? `: ${list(sloMet.map((x) => `${x.name} (${x.achieved}% against ${x.target}%)`))}` : ''}.`,
    );
  }
  if (!hasCheckData && sloWithFigures.length) sentences.push('No check samples this month: no availability or SLA figures, only the SLO figures below.');
  const fromChecks = checkSlos(config.prometheus.slos).length > 0 ? "Cairn's stored check results (SLOs on the checks)" : null;
  const sloSource = prometheusSlos(config.prometheus.slos).length === 0 ? fromChecks : (fromChecks ? `${fromChecks}; ` : '') + (src.prometheus && !src.prometheus.error && src.prometheus.slos.some((s) => s.figures) ? 'Prometheus, queried for the exact calendar month' : `the daily SLO snapshots in data/slo/history (${src.history.length} for this month)${src.prometheus?.error ? `; Prometheus did not answer: ${src.prometheus.error}` : ''}`);

  // Capacity: the last snapshot of the month (for the current month, the latest one).
  const capSnap = src.complete ? src.history[src.history.length - 1] : (src.latest ?? src.history[src.history.length - 1]);
  const capacity = (capSnap?.capacity ?? [])
    .filter((c) => c.figures)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => {
      const fg = c.figures as NonNullable<typeof c.figures>;
      return {
        name: c.name,
        component: componentName.get(c.component) ?? c.component,
        unit: c.unit,
        current: fg.current === null ? '—' : num(fg.current),
        basis: forecastBasis(fg.basis),
        peak: fg.basis === 'daily-min' ? 'daily low' : 'daily peak',
        growth: fg.growthPerWeek === null ? '—' : `${fg.growthPerWeek >= 0 ? '+' : ''}${num(fg.growthPerWeek)}`,
        method: c.method,
        lookback: c.lookbackDays,
        asOf: c.asOf ? utcTime(c.asOf) : '—',
        thresholds: fg.thresholds.map((t) => ({
          level: t.level,
          value: num(t.value),
          state: t.state === 'breached' ? 'reached' : t.state === 'projected' ? 'projected' : `not within ${fg.horizonDays} days`,
          earliest: t.earliest ? utcDate(t.earliest) : '—',
          likely: t.likely ? utcDate(t.likely) : '—',
          latest: t.latest ? utcDate(t.latest) : '—',
        })),
      };
    });

  // Certificates and domains: the latest facts stored in the period (tls checks record notAfter,
  // domain checks the expiration, in their error inside the warning window).
  const certDays = config.reports.certificateDays;
  type Expiring = { check: string; host: string; notAfter: string; at: number; source: string; kind: 'certificate' | 'domain' };
  const certs = new Map<string, Expiring>();
  for (const check of config.checks) {
    const domain = check.kind === 'domain';
    for (const e of src.errors.get(check.id) ?? []) {
      if (e.at < from || e.at >= until) continue;
      const m = (domain ? DOMAIN_RE : CERT_RE).exec(e.error);
      const host = check.kind === 'domain' ? check.domain : 'host' in check ? String(check.host) : check.id;
      if (m) certs.set(check.id, { check: check.id, host, notAfter: m[1] as string, at: e.at, source: 'stored check result', kind: domain ? 'domain' : 'certificate' });
    }
  }
  for (const a of Object.values(src.notifications?.alerts ?? {})) {
    const d = a.event.details;
    if (d.kind !== 'certificate' || a.event.at < from || a.event.at >= until) continue;
    const known = certs.get(d.check);
    if (!known || known.at < a.event.at) certs.set(d.check, { check: d.check, host: d.host ?? d.check, notAfter: d.notAfter, at: a.event.at, source: 'notification state', kind: 'certificate' });
  }
  const certificates = [...certs.values()]
    .filter((c) => Date.parse(c.notAfter) < until + certDays * DAY)
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter) || a.check.localeCompare(b.check))
    .map((c) => ({
      check: c.check,
      host: c.host,
      notAfter: utcTime(c.notAfter),
      daysLeft: Math.floor((Date.parse(c.notAfter) - until) / DAY),
      seen: utcTime(c.at),
      source: c.source,
      kind: c.kind,
    }));
  const expiringTitle = certificates.some((c) => c.kind === 'domain')
    ? certificates.some((c) => c.kind === 'certificate')
      ? 'Certificates and domains'
      : 'Domains'
    : 'Certificates';

  // Alerts: SLO burn-rate alert states and firing Prometheus alerts in the daily snapshots; notifications sent.
  const sloAlerts = new Map<string, { slo: string; state: string; first: string; last: string; days: number }>();
  const promAlerts = new Map<string, { name: string; component: string; severity: string; activeAt: string; seen: string }>();
  for (const snap of src.history) {
    for (const s of snap.slos) {
      const st = s.figures?.alertState;
      if (!st || st === 'ok') continue;
      const key = `${s.id}\n${st}`;
      const day = snap.generatedAt.slice(0, 10);
      const prev = sloAlerts.get(key);
      if (prev) sloAlerts.set(key, { ...prev, last: day, days: prev.days + 1 });
      else sloAlerts.set(key, { slo: s.id, state: st, first: day, last: day, days: 1 });
    }
    for (const a of snap.alerts.firing) {
      const key = `${a.name}\n${a.component}\n${a.activeAt ?? ''}`;
      if (!promAlerts.has(key)) promAlerts.set(key, { name: a.name, component: componentName.get(a.component) ?? a.component, severity: a.severity ?? '—', activeAt: a.activeAt ? utcTime(a.activeAt) : '—', seen: snap.generatedAt.slice(0, 10) });
    }
  }
  const notified = Object.entries(src.notifications?.lastTrigger ?? {})
    .filter(([, v]) => v.at >= from && v.at < until)
    .map(([key, v]) => ({ key, severity: v.severity, at: utcTime(v.at), atMs: v.at, title: src.notifications?.alerts[key]?.event.title ?? key }))
    .sort((a, b) => a.atMs - b.atMs || a.key.localeCompare(b.key));
  const alerts = {
    slo: [...sloAlerts.values()].sort((a, b) => a.first.localeCompare(b.first) || a.slo.localeCompare(b.slo) || a.state.localeCompare(b.state)),
    prometheus: [...promAlerts.values()].sort((a, b) => a.activeAt.localeCompare(b.activeAt) || a.name.localeCompare(b.name) || a.component.localeCompare(b.component)),
    notifications: notified.map(({ atMs: _, ...rest }) => rest),
  };
  const hasAlerts = alerts.slo.length + alerts.prometheus.length + alerts.notifications.length > 0;

  // Twelve-month trend.
  const trendMonths = src.trend.map((p) => p.label);
  const trend = month.components.map((c, ci) => {
    const values = src.trend.map((p) => {
      const pc = p.components[ci] as PeriodComponent;
      return { label: shortMonth(p.label), percent: pc.uptime.percent, met: pc.sla.met };
    });
    return { name: c.name, values: values.map((v) => v.percent ?? '—'), svg: trendSvg(`${c.name}: availability per month, ${trendMonths[0]} to ${label}`, values) };
  });
  const hasTrend = src.trend.some((p) => p.components.some((c) => c.uptime.knownMs > 0));

  const checksWithData = month.checks.filter((c) => c.uptime.knownMs > 0).length;
  const hasData = hasCheckData || month.incidents.length > 0 || sloWithFigures.length > 0 || capacity.length > 0;
  const days = Math.round((to - from) / DAY);
  return {
    title: `${config.site.title}: health report, ${monthName(label)}`,
    siteTitle: config.site.title,
    month: label,
    monthName: monthName(label),
    period: {
      from: utcTime(from),
      to: utcTime(to),
      until: utcTime(until),
      complete: src.complete,
      days,
    },
    hasData,
    hasCheckData,
    sources: {
      rawDays: month.rawDays.length,
      rollupDays: month.rollupDays.length,
      samples: thousands(src.stats.samples),
      checks: config.checks.length,
      checksWithData,
      problems: src.stats.problems,
      slo: sloSource,
      snapshots: src.history.length,
      notifications: src.notifications !== null,
      degradedCountsAsUp: month.availability.degradedCountsAsUp,
      minCoverage: `${Math.round(MIN_COVERAGE * 100)}`,
      availabilityRule: describeAvailabilityRule(month.availability),
    },
    summary: { sentences, met: met.length, missed: missed.length, withData: withData.length },
    components,
    credits,
    hasCredits: credits.length > 0,
    latency: latencyRows,
    previousMonth: monthName(previous.label),
    incidents,
    response,
    maintenance,
    slos,
    hasSlos: slos.length > 0,
    capacity,
    certificates,
    expiringTitle,
    certificateDays: certDays,
    alerts,
    hasAlerts,
    trend: { months: trendMonths.map(shortMonth), range: `${trendMonths[0]} to ${label}`, rows: trend },
    hasTrend,
    appendix: {
      slaDefault: targetText(config.reports.slaTarget),
    },
  };
}

export type ReportView = ReturnType<typeof reportView>;

const OUTCOME_WORD = { met: 'met', missed: 'missed', pending: 'pending' } as const;

/** The "Incident response" section: per incident, per severity, postmortems and open action items. */
function responseView(config: ResolvedConfig, month: PeriodFigures, componentName: Map<string, string>, until: number) {
  const target = (ms: number) => duration(ms);
  const rows = month.incidents.map((i) => {
    const r = i.response;
    const pm = r.postmortem;
    return {
      id: i.id,
      title: i.title,
      link: incidentLink(config, i.id),
      severity: i.severity,
      owner: r.owner ?? '—',
      acknowledged: r.acknowledged ? `${utcTime(r.acknowledged.at)} by ${r.acknowledged.by}${r.acknowledged.via === 'file' ? '' : ` (${r.acknowledged.via})`}` : '—',
      tta: r.timeToAcknowledgeMs === null ? '—' : duration(r.timeToAcknowledgeMs),
      target: target(r.acknowledgeTargetMs),
      result: OUTCOME_WORD[r.acknowledgeTarget],
      met: r.acknowledgeTarget === 'met',
      missed: r.acknowledgeTarget === 'missed',
      checklist: r.checklist.length === 0 ? '—' : `${r.checklist.filter((c) => c.done).length}/${r.checklist.length}`,
      ackBy: r.acknowledged ? `${r.acknowledged.by}${r.acknowledged.via === 'file' ? '' : ` (${r.acknowledged.via})`}` : null,
      postmortemShort: pm === null ? 'not required' : pm.done ? 'done' : pm.dueAt === null ? 'due once resolved' : `${pm.overdue ? 'overdue' : 'due'} ${utcDate(pm.dueAt)}`,
      postmortem: pm === null ? 'not required' : pm.done ? 'done' : pm.dueAt === null ? 'due once resolved' : `${pm.overdue ? 'overdue' : 'due'} ${utcTime(pm.dueAt)}`,
    };
  });
  const bySeverity = SEVERITY_ORDER.map((sev) => {
    const of = month.incidents.filter((i) => i.severity === sev);
    return {
      severity: sev,
      target: target(config.incidents.response[sev].acknowledgeMs),
      incidents: of.length,
      met: of.filter((i) => i.response.acknowledgeTarget === 'met').length,
      missed: of.filter((i) => i.response.acknowledgeTarget === 'missed').length,
      pending: of.filter((i) => i.response.acknowledgeTarget === 'pending').length,
    };
  }).filter((s) => s.incidents > 0);
  const pms = month.incidents.filter((i) => i.response.postmortem !== null);
  const due = pms.filter((i) => i.response.postmortem?.dueAt !== null);
  const actions = month.incidents.flatMap((i) =>
    i.response.actions
      .filter((a) => a.state === 'open')
      .map((a) => ({ incident: i.title, link: incidentLink(config, i.id), title: a.title, owner: a.owner ?? '—', due: a.due ?? '—', overdue: a.due !== null && Date.parse(`${a.due}T23:59:59Z`) < until })),
  );
  return {
    rows,
    hasRows: rows.length > 0,
    bySeverity,
    postmortems: {
      required: due.length,
      done: pms.filter((i) => i.response.postmortem?.done).length,
      overdue: pms.filter((i) => i.response.postmortem?.overdue).length,
      list: pms.filter((i) => !i.response.postmortem?.done && i.response.postmortem?.dueAt).map((i) => ({ title: i.title, link: incidentLink(config, i.id), due: utcTime(i.response.postmortem?.dueAt as string), overdue: i.response.postmortem?.overdue === true })),
    },
    actions,
    openActions: actions.length,
    doneActions: month.incidents.reduce((n, i) => n + i.response.actions.filter((a) => a.state === 'done').length, 0),
    components: [...new Set(month.incidents.flatMap((i) => i.components))].map((c) => componentName.get(c) ?? c),
  };
}

const SEVERITY_ORDER = ['P1', 'P2', 'P3', 'P4'] as const;
