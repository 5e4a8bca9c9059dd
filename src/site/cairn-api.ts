/**
 * Cairn's own API (`/api/cairn/v1/`): the figures Statuspage's shape has no room for, as JSON
 * documents rendered from the status model. Every figure is the model's (the page prints the same
 * ones): this file renames and arranges, it never recomputes. The shapes are in
 * src/site/cairn-api-schema.ts, which also publishes them as JSON Schemas.
 *
 *   index.json       version, the page's state, links to every document and its schema
 *   components.json  status, uptime per window and month, latency of every component and check
 *   slos.json        SLOs: windows, error budgets, burn rates, alert state, burn-down
 *   capacity.json    capacity forecasts with their 95% prediction intervals
 *   incidents.json   incidents with their figures; per component and month count, MTTD, MTTR, downtime
 *   reports.json     the monthly reports
 *   schemas/<name>.json
 *
 * Links are relative to the document, so the documents need no `site.baseUrl` and work under any
 * base path.
 */
import type { CheckModel, ComponentModel, StatusModel, WindowFigure } from '../model/model.ts';
import { WINDOWS, type WindowKey } from '../model/model.ts';
import { describeAvailabilityRule, partialOutageText } from '../model/availability.ts';
import { entryStale, flooredShare, forecastBasis, type SloModel, truncatedShare } from '../model/slo.ts';
import type { CapacityEntry, SloEntry } from '../prometheus/types.ts';
import { STATE_WORDS, stateOf } from '../vocabulary/states.ts';
import { CAIRN_API_DOCUMENTS, CAIRN_API_VERSION, type CairnApiDocument, type CairnApiDocuments, DESCRIPTIONS, documentJsonSchema } from './cairn-api-schema.ts';

/** Where the documents are, under the site's base. */
export const CAIRN_API_PATH = 'api/cairn/v1';

/** From a document to the site's root (documents are three folders down: api/cairn/v1/). */
const ROOT = '../../../';
const seg = encodeURIComponent;
const iso = (ms: number) => new Date(ms).toISOString();

type Doc<K extends CairnApiDocument> = CairnApiDocuments[K];
type WindowDoc = Doc<'components'>['components'][number]['uptime']['24h'];

function windowDoc(f: WindowFigure): WindowDoc {
  return {
    from: f.from,
    to: f.to,
    windowMs: f.windowMs,
    knownMs: f.knownMs,
    data: f.data,
    availability: f.availability,
    percent: f.percent,
    // The exact ratio of the model's two figures; the page's string is the model's own.
    coverage: f.windowMs > 0 ? f.knownMs / f.windowMs : 0,
    coveragePercent: f.coverage,
    upMs: f.upMs,
    degradedMs: f.degradedMs,
    downMs: f.downMs,
    partialMs: f.partialMs,
    maintenanceMs: f.maintenanceMs,
    downtimeMs: f.downtimeMs,
    availableMs: f.availableMs,
  };
}

function uptimeDoc(u: Record<WindowKey, WindowFigure>): Doc<'components'>['components'][number]['uptime'] {
  return { '24h': windowDoc(u['24h']), '7d': windowDoc(u['7d']), '30d': windowDoc(u['30d']), '90d': windowDoc(u['90d']) };
}

function checkDoc(c: CheckModel): Doc<'components'>['components'][number]['checks'][number] {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    kind: c.kind,
    enabled: c.enabled,
    intervalMs: c.intervalMs,
    status: c.status,
    state: stateOf(c.status),
    lastCheckedAt: c.lastCheckedAt,
    lastResponseTimeMs: c.lastResponseTimeMs,
    lastStatusCode: c.lastStatusCode,
    lastError: c.lastError,
    uptime: uptimeDoc(c.uptime),
    latency24h: { samples: c.latency24h.samples, p50: c.latency24h.p50, p95: c.latency24h.p95 },
    regions: c.regions ?? null,
  };
}

function componentDoc(c: ComponentModel, checks: Map<string, CheckModel>): Doc<'components'>['components'][number] {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    url: `${ROOT}components/${seg(c.id)}/`,
    group: c.group,
    status: c.status,
    state: c.state,
    outage: c.outage,
    activeIncidents: c.activeIncidents,
    uptime: uptimeDoc(c.uptime),
    latency24h: { samples: c.latency24h.samples, p50: c.latency24h.p50, p95: c.latency24h.p95 },
    monthly: c.monthly.map((m) => ({ month: m.month, uptime: windowDoc(m.uptime) })),
    checks: c.checks.map((id) => checks.get(id)).filter((x): x is CheckModel => x !== undefined).map(checkDoc),
  };
}

function snapshotDoc(slo: SloModel | null): Doc<'slos'>['snapshot'] {
  // Without a Prometheus snapshot (SLOs on the checks only) there is nothing to date: null.
  return slo && slo.snapshot ? { generatedAt: slo.generatedAt, stale: slo.stale, complete: slo.complete, failures: slo.failures, warnings: slo.warnings } : null;
}

/**
 * An SLO entry of the snapshot as the API reads it: check-based SLOs (`source: 'checks'`) have no
 * Prometheus endpoint, and snapshots written before `source` existed are Prometheus ones.
 */
type AnySloEntry = Omit<SloEntry, 'endpoint'> & { source?: 'prometheus' | 'checks'; endpoint: string | null };
type AnyCapacityEntry = Omit<CapacityEntry, 'endpoint'> & { endpoint: string | null };

function sloDoc(slo: SloModel, s: AnySloEntry): Doc<'slos'>['slos'][number] {
  const f = s.figures;
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    component: s.component,
    source: s.source ?? 'prometheus',
    endpoint: s.endpoint,
    sli: s.sli,
    ...(s.checks ? { checks: [...s.checks] } : {}),
    ...(s.measure ? { measure: s.measure } : {}),
    ...(s.thresholdMs !== undefined ? { thresholdMs: s.thresholdMs } : {}),
    target: s.target,
    asOf: s.asOf,
    error: s.error,
    stale: entryStale(slo, s),
    figures: f && {
      windows: f.windows.map((w) => ({
        window: w.window,
        from: w.from,
        to: w.to,
        windowMs: w.windowMs,
        elapsedMs: w.elapsedMs,
        good: w.good,
        total: w.total,
        achieved: w.achieved,
        // The page's strings (src/components/SloPanel.astro, ComponentRow.astro), by the model's functions.
        achievedPercent: w.achieved === null ? null : truncatedShare(w.achieved, 3),
        met: w.met,
        budget: {
          unit: w.budget.unit,
          allowed: w.budget.allowed,
          consumed: w.budget.consumed,
          remaining: w.budget.remaining,
          remainingFraction: w.budget.remainingFraction,
          remainingPercent: w.budget.remainingFraction === null ? null : flooredShare(w.budget.remainingFraction),
        },
      })),
      burnRates: { ...f.burnRates },
      alertState: f.alertState,
      rules: f.rules.map((r) => ({ severity: r.severity, long: r.long, short: r.short, factor: r.factor, firing: r.firing })),
      exhaustion: { burnWindow: f.exhaustion.burnWindow, ms: f.exhaustion.ms, at: f.exhaustion.at },
      burnDown: f.burnDown.map((p) => ({ at: iso(p.t), remaining: p.remaining })),
    },
  };
}

function capacityDoc(slo: SloModel, c: AnyCapacityEntry): Doc<'capacity'>['capacity'][number] {
  const f = c.figures;
  return {
    id: c.id,
    name: c.name,
    component: c.component,
    endpoint: c.endpoint,
    unit: c.unit,
    direction: c.direction,
    method: c.method,
    lookbackDays: c.lookbackDays,
    asOf: c.asOf,
    error: c.error,
    stale: entryStale(slo, c),
    figures: f && {
      // Snapshots written before `basis` was recorded forecast the daily peak too (src/prometheus/types.ts).
      basis: f.basis ?? 'daily-max',
      basisText: forecastBasis(f.basis),
      current: f.current,
      slopePerDay: f.slopePerDay,
      growthPerWeek: f.growthPerWeek,
      fitted: f.fitted,
      residualSd: f.residualSd,
      horizonDays: f.horizonDays,
      daily: f.daily.map(([t, value]) => ({ at: iso(t), value })),
      thresholds: f.thresholds.map((t) => ({ level: t.level, value: t.value, state: t.state, earliest: t.earliest, likely: t.likely, latest: t.latest })),
    },
  };
}

/** The model's SLO parts in page order: components in order, each with its entries in snapshot order. */
function sloParts(model: StatusModel) {
  const slo = model.slo;
  return slo ? model.components.flatMap((c) => (slo.byComponent[c.id] ? [{ slo, part: slo.byComponent[c.id]! }] : [])) : [];
}

export function cairnApi(model: StatusModel): CairnApiDocuments {
  const header = (name: CairnApiDocument) => ({ $schema: `schemas/${name}.json`, generatedAt: model.generatedAt });
  const checks = new Map(model.checks.map((c) => [c.id, c]));
  const parts = sloParts(model);
  const rule = model.availability;
  return {
    index: {
      ...header('index'),
      version: CAIRN_API_VERSION,
      page: { title: model.site.title, description: model.site.description, url: model.site.baseUrl, timeZone: model.site.timeZone, locale: model.site.locale },
      state: model.state,
      description: STATE_WORDS.en[model.state].page,
      monitoringSince: model.monitoringSince,
      documents: CAIRN_API_DOCUMENTS.map((name) => ({ name, href: `${name}.json`, schema: `schemas/${name}.json`, description: DESCRIPTIONS[name] })),
    },
    components: {
      ...header('components'),
      availability: {
        degradedCountsAsUp: rule.degradedCountsAsUp,
        partialOutage: rule.partialOutage.mode === 'weighted' ? { mode: 'weighted', weight: rule.partialOutage.weight } : { mode: rule.partialOutage.mode },
        partialOutageText: partialOutageText(rule.partialOutage),
        description: describeAvailabilityRule(rule),
        minCoverage: model.minCoverage,
      },
      windows: { ...WINDOWS },
      groups: model.groups.map((g) => ({ id: g.id, name: g.name, description: g.description, status: g.status, state: g.state, components: g.components })),
      components: model.components.map((c) => componentDoc(c, checks)),
    },
    slos: {
      ...header('slos'),
      snapshot: snapshotDoc(model.slo),
      slos: parts.flatMap(({ slo, part }) => part.slos.map((s) => sloDoc(slo, s))),
      alerts: parts.flatMap(({ part }) => part.alerts.map((a) => ({ component: a.component, endpoint: a.endpoint, name: a.name, severity: a.severity, summary: a.summary, activeAt: a.activeAt }))),
    },
    capacity: {
      ...header('capacity'),
      snapshot: snapshotDoc(model.slo),
      capacity: parts.flatMap(({ slo, part }) => part.capacity.map((c) => capacityDoc(slo, c))),
    },
    incidents: {
      ...header('incidents'),
      incidents: model.incidents.map((i) => ({
        id: i.id,
        title: i.title,
        url: `${ROOT}incidents/${seg(i.id)}/`,
        impact: i.impact,
        severity: i.severity,
        status: i.status,
        components: i.components,
        auto: i.auto,
        startedAt: i.startedAt,
        detectedAt: i.detectedAt,
        resolvedAt: i.resolvedAt,
        durationMs: i.durationMs,
        timeToDetectMs: i.timeToDetectMs,
        timeToResolveMs: i.timeToResolveMs,
        updates: i.updates.map((u) => ({ at: u.at, status: u.status, text: u.text })),
        body: i.body,
      })),
      monthly: model.components.map((c) => ({
        component: c.id,
        months: c.monthly.map((m) => ({ month: m.month, incidents: m.incidents, mttdMs: m.mttdMs, mttrMs: m.mttrMs, downtimeMs: m.downtimeMs })),
      })),
    },
    reports: {
      ...header('reports'),
      reports: (model.reports ?? []).map((r) => ({
        month: r.month,
        title: r.title,
        summary: r.summary,
        page: `${ROOT}reports/${seg(r.month)}/`,
        html: `${ROOT}reports/${seg(r.month)}.html`,
        markdown: r.markdown === null ? null : `${ROOT}reports/${seg(r.month)}.md`,
      })),
    },
  };
}

let schemas: Record<string, unknown> | undefined;

/** The published JSON Schemas by path under /api/cairn/v1/ (the same for every model). */
export function cairnApiSchemas(): Record<string, unknown> {
  schemas ??= Object.fromEntries(CAIRN_API_DOCUMENTS.map((name) => [`schemas/${name}.json`, documentJsonSchema(name)]));
  return schemas;
}

/** Every document and schema by path under /api/cairn/v1/. */
export function cairnApiFiles(model: StatusModel): Record<string, unknown> {
  const docs = cairnApi(model);
  return { ...Object.fromEntries(CAIRN_API_DOCUMENTS.map((name) => [`${name}.json`, docs[name]])), ...cairnApiSchemas() };
}
