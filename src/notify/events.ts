/**
 * Notification events: what happened, in one shape every channel formats.
 *
 * Every event belongs to an **alert** named by a stable `key` (`component:api`,
 * `incident:incidents/2026-11-24-api.md`, `certificate:api-tls`, `slo:checkout-availability`,
 * `capacity:db-disk`), except notices (`maintenance.*`, `test`) that stand alone. An alert is
 * opened and updated by `trigger` events and closed by one `resolve` event; PagerDuty's dedup_key
 * and GitHub's issue follow the key, cooldowns and reminders are kept per key.
 *
 * The derivation from one round is pure: results, the automatic incident actions and the
 * previous observations in, events and the new observations out.
 */
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import type { NotifySeverity } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { AppliedAction } from '../incidents/auto-run.ts';
import type { Impact, Severity } from '../incidents/types.ts';
import { expandWindows } from '../maintenance/windows.ts';
import { type StateKey, stateOf, stateWord } from '../vocabulary/states.ts';
import { HELD_WHILE_AFFECTED, type RootCause, causeText, dependencyMap, rootCauses } from '../model/dependencies.ts';

export type { NotifySeverity } from '../config/notify-types.ts';

export const SEVERITY_RANK: Record<NotifySeverity, number> = { info: 0, warning: 1, critical: 2 };

export type EventType =
  | 'component.down'
  | 'component.degraded'
  | 'component.recovered'
  | 'incident.opened'
  | 'incident.updated'
  | 'incident.resolved'
  | 'incident.escalated'
  | 'certificate.warning'
  | 'certificate.critical'
  | 'certificate.renewed'
  | 'slo.burn_rate'
  | 'slo.recovered'
  | 'capacity.forecast'
  | 'capacity.cleared'
  | 'maintenance.scheduled'
  | 'maintenance.started'
  | 'maintenance.ended'
  | 'test';

/** `trigger` opens or updates the alert `key`; `resolve` closes it; `notice` stands alone. */
export type EventAction = 'trigger' | 'resolve' | 'notice';

export interface Fact {
  name: string;
  value: string;
}

/** Type-specific data, plain JSON (also sent as is to webhooks and PagerDuty custom_details). */
export type EventDetails =
  | { kind: 'component'; status: CheckStatus; checks: { id: string; name: string; status: CheckStatus; error: string | null }[] }
  | { kind: 'incident'; file: string; impact: Impact; level: 'degraded' | 'partial' | 'down' | null; reason: 'healthy' | 'removed' | null }
  | { kind: 'escalation'; file: string; severity: Severity; detectedAt: string; dueAt: string; targetMs: number; owner: string | null }
  | { kind: 'certificate'; check: string; host: string | null; notAfter: string; daysLeft: number; warningDays: number; criticalDays: number }
  | { kind: 'slo'; slo: string; alert: 'page' | 'ticket' | null; burnRate: number | null; window: string | null; objective: number | null; budgetRemaining: number | null }
  | { kind: 'capacity'; resource: string; level: 'warning' | 'critical'; threshold: number | null; crossingAt: string; earliestAt: string | null; latestAt: string | null }
  | { kind: 'maintenance'; occurrence: string; window: string; start: string; end: string }
  | { kind: 'test' };

export interface NotificationEvent {
  type: EventType;
  action: EventAction;
  /** The alert this event belongs to; for a notice, a unique id of the notice. */
  key: string;
  /** For a resolve: the severity of the alert it resolves (so it goes where the alert went). */
  severity: NotifySeverity;
  /** One line, e.g. `Public API is down`. */
  title: string;
  /** A few sentences; already redacted. */
  text: string;
  /** Components concerned (routing matches any); empty for none. */
  components: string[];
  /** Labels for routing: the components' labels and those of the source (SLO labels). */
  labels: Record<string, string>;
  /** When it happened, epoch ms. */
  at: number;
  /** Link to more: the status page, the incident page. */
  url: string | null;
  facts: Fact[];
  details: EventDetails;
  /** Set on a reminder of an open alert. */
  reminder?: { openSince: number };
  /** These channels take the event instead of the routes (an escalation's `escalateTo`). */
  to?: string[];
}

/** What the previous run saw, for transitions; kept in the notification state. */
export interface Observations {
  /** Component status, by id. */
  components: Record<string, CheckStatus>;
  /** Certificate window by check id (absent: outside both windows). */
  certificates: Record<string, 'warning' | 'critical'>;
  /** Active maintenance occurrence ids. */
  maintenance: string[];
  /** Firing burn-rate alerts by SLO id. */
  slo: Record<string, 'page' | 'ticket'>;
  /** Capacity resources forecast to cross a threshold within the horizon, by id. */
  capacity: Record<string, 'warning' | 'critical'>;
  /** Open incidents already escalated (their acknowledgement target passed), by file: when. */
  escalated: Record<string, number>;
}

export const EMPTY_OBSERVATIONS: Observations = { components: {}, certificates: {}, maintenance: [], slo: {}, capacity: {}, escalated: {} };

const STATUS_RANK: Record<CheckStatus, number> = { up: 0, maintenance: 1, degraded: 2, down: 3 };

/** Incident impact → severity: critical and major page, minor warns, none informs. */
export const SEVERITY_OF_IMPACT: Record<Impact, NotifySeverity> = { critical: 'critical', major: 'critical', minor: 'warning', none: 'info' };

type EventConfig = Pick<ResolvedConfig, 'components' | 'checks' | 'site' | 'incidents' | 'maintenance' | 'notifications'>;

export function siteLink(config: Pick<ResolvedConfig, 'site'>, rel = ''): string | null {
  if (!config.site.baseUrl) return null;
  const base = config.site.baseUrl.endsWith('/') ? config.site.baseUrl : `${config.site.baseUrl}/`;
  return base + rel;
}

export function labelsOf(config: Pick<ResolvedConfig, 'notifications'>, components: readonly string[], own: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const c of components) Object.assign(labels, config.notifications.componentLabels[c] ?? {});
  return { ...labels, ...own };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Each component's state after the round: from this round's results (a partial outage told
 * apart), else from the previous observations (components another shard checks).
 */
export function roundStates(config: Pick<ResolvedConfig, 'components'>, results: readonly CheckResult[], previous: Observations): Map<string, StateKey> {
  const byId = new Map(results.map((r) => [r.id, r]));
  const states = new Map<string, StateKey>();
  for (const comp of config.components) {
    const rs = comp.checks.map((id) => byId.get(id)).filter((r): r is CheckResult => r !== undefined);
    if (rs.length === 0) {
      const before = previous.components[comp.id];
      if (before !== undefined) states.set(comp.id, stateOf(before));
      continue;
    }
    const status = rs.reduce<CheckStatus>((worst, r) => (STATUS_RANK[r.status] > STATUS_RANK[worst] ? r.status : worst), 'up');
    states.set(comp.id, stateOf(status, status === 'down' && rs.some((r) => r.status !== 'down') ? 'partial' : 'major'));
  }
  return states;
}

/** Which components are affected by a dependency's outage after the round, with their root causes (src/model/dependencies.ts). */
export function roundCauses(config: Pick<ResolvedConfig, 'components'>, results: readonly CheckResult[], previous: Observations): Map<string, RootCause[]> {
  const states = roundStates(config, results, previous);
  return rootCauses(dependencyMap(config.components), (id) => states.get(id));
}

/**
 * Whether an event is held back because its component is affected by a dependency's outage, and
 * why (for the log); null when it goes out. Only the dependent's own outage alerts are held
 * (HELD_WHILE_AFFECTED); resolves, recoveries, notices and every other alert never are.
 */
export function heldByDependency(config: Pick<ResolvedConfig, 'components'>, causes: ReadonlyMap<string, readonly RootCause[]>): (event: NotificationEvent) => string | null {
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  return (event) => {
    if (event.action !== 'trigger' || !(HELD_WHILE_AFFECTED as readonly string[]).includes(event.type) || event.components.length === 0) return null;
    const roots = event.components.map((c) => causes.get(c));
    if (roots.some((r) => r === undefined)) return null;
    const all = roots.flat() as RootCause[];
    const unique = all.filter((r, i) => all.findIndex((x) => x.id === r.id) === i);
    return `affected by ${causeText(unique, (id) => names.get(id) ?? id)}: the root cause's alert goes out instead`;
  };
}

function componentEvents(config: EventConfig, results: readonly CheckResult[], previous: Observations, now: number, causes: ReadonlyMap<string, readonly RootCause[]>) {
  const byId = new Map(results.map((r) => [r.id, r]));
  const checkName = new Map(config.checks.map((c) => [c.id, c.name]));
  const compName = new Map(config.components.map((c) => [c.id, c.name]));
  const nameOf = (id: string) => compName.get(id) ?? id;
  const events: NotificationEvent[] = [];
  const seen: Record<string, CheckStatus> = { ...previous.components };
  // The components each root cause affects, for "Also affected" on the root's alert.
  const affects = new Map<string, string[]>();
  for (const [id, roots] of causes) for (const r of roots) affects.set(r.id, [...(affects.get(r.id) ?? []), id]);
  for (const comp of config.components) {
    const rs = comp.checks.map((id) => byId.get(id)).filter((r): r is CheckResult => r !== undefined);
    if (rs.length === 0) continue; // not checked this round (another shard): nothing changes
    const status = rs.reduce<CheckStatus>((worst, r) => (STATUS_RANK[r.status] > STATUS_RANK[worst] ? r.status : worst), 'up');
    const before = previous.components[comp.id];
    seen[comp.id] = status;
    // With automatic incidents on, the incident is the alert (opened, updated, resolved); a
    // component event beside it would say the same thing twice, and flapping would be noisy.
    if (config.incidents.auto || status === before || status === 'maintenance') continue;
    const failing = rs.filter((r) => r.status === 'down' || r.status === 'degraded');
    const checks = rs.map((r) => ({ id: r.id, name: checkName.get(r.id) ?? r.id, status: r.status, error: r.error }));
    const base = {
      key: `component:${comp.id}`,
      components: [comp.id],
      labels: labelsOf(config, [comp.id]),
      at: now,
      url: siteLink(config, `components/${comp.id}/`),
      details: { kind: 'component' as const, status, checks },
    };
    const roots = causes.get(comp.id) ?? [];
    const affected = affects.get(comp.id) ?? [];
    const dependencyFacts = [
      ...(roots.length ? [{ name: 'Affected by', value: causeText(roots, nameOf) }] : []),
      ...(affected.length ? [{ name: 'Also affected', value: affected.map(nameOf).join(', ') }] : []),
    ];
    const dependencyText = [
      ...(roots.length ? [`Detected while ${causeText(roots, nameOf)} ${roots.length === 1 ? 'was' : 'were'} in an outage: affected by ${roots.map((r) => nameOf(r.id)).join(', ')} (root cause).`] : []),
      ...(affected.length ? [`Also affected (depend on ${comp.name}): ${affected.map(nameOf).join(', ')}.`] : []),
    ];
    const facts = [{ name: 'Component', value: comp.name }, ...failing.map((r) => ({ name: checkName.get(r.id) ?? r.id, value: `${r.status}: ${r.error ?? 'no detail'}` })), ...dependencyFacts];
    if (status === 'down' || status === 'degraded') {
      events.push({
        ...base,
        type: status === 'down' ? 'component.down' : 'component.degraded',
        action: 'trigger',
        severity: status === 'down' ? 'critical' : 'warning',
        // The state in the one vocabulary: some checks down and others working is a partial outage.
        title: `${comp.name}: ${stateWord(stateOf(status, status === 'down' && rs.some((r) => r.status !== 'down') ? 'partial' : 'major'))}`,
        text: [...failing.map((r) => `${checkName.get(r.id) ?? r.id}: ${r.error ?? r.status}`), ...dependencyText].join('\n'),
        facts,
      });
    } else if (before === 'down' || before === 'degraded') {
      events.push({
        ...base,
        type: 'component.recovered',
        action: 'resolve',
        severity: before === 'down' ? 'critical' : 'warning',
        title: `${comp.name} has recovered`,
        text: `${comp.name} is operational again.`,
        facts: [{ name: 'Component', value: comp.name }],
      });
    }
  }
  return { events, components: seen };
}


function incidentEvents(config: EventConfig, applied: readonly AppliedAction[], now: number, causes: ReadonlyMap<string, readonly RootCause[]>): NotificationEvent[] {
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const affects = new Map<string, string[]>();
  for (const [id, roots] of causes) for (const r of roots) affects.set(r.id, [...(affects.get(r.id) ?? []), names.get(id) ?? id]);
  return applied.map(({ action, file, causes }) => {
    const name = names.get(action.component) ?? action.component;
    const cause = causes && causes.length ? causeText(causes, (id) => names.get(id) ?? id) : null;
    const alsoAffected = action.type === 'resolve' ? [] : (affects.get(action.component) ?? []);
    const id = file.replace(/^incidents\//, '').replace(/\.md$/, '');
    const base = {
      key: `incident:${file}`,
      components: [action.component],
      labels: labelsOf(config, [action.component]),
      at: action.at,
      url: siteLink(config, `incidents/${id}/`),
    };
    if (action.type === 'resolve') {
      return {
        ...base,
        type: 'incident.resolved',
        action: 'resolve',
        // The alert's own severity is recorded in the state; this one is a fallback.
        severity: 'critical',
        title: `Resolved: ${name} incident`,
        text:
          action.reason === 'healthy'
            ? `${name} has been operational for ${action.healthyRuns} checks in a row. Resolved automatically.`
            : `${name} was removed from the configuration. Resolved automatically.`,
        facts: [{ name: 'Component', value: name }, { name: 'Incident', value: file }],
        details: { kind: 'incident', file, impact: 'none', level: null, reason: action.reason },
      } satisfies NotificationEvent;
    }
    const opened = action.type === 'open';
    return {
      ...base,
      at: opened ? action.at : now,
      type: opened ? 'incident.opened' : 'incident.updated',
      action: 'trigger',
      severity: SEVERITY_OF_IMPACT[action.impact],
      title: opened ? `Incident: ${name}: ${stateWord(action.level)}` : `Incident update: ${name}: now ${stateWord(action.level)}`,
      text: [action.summary, ...(cause ? [`Caused by: ${cause}.`] : []), ...(alsoAffected.length ? [`Also affected (depend on ${name}): ${alsoAffected.join(', ')}.`] : [])].join('\n'),
      facts: [
        { name: 'Component', value: name },
        ...(cause ? [{ name: 'Caused by', value: cause }] : []),
        ...(alsoAffected.length ? [{ name: 'Also affected', value: alsoAffected.join(', ') }] : []),
        { name: 'Impact', value: action.impact },
        { name: opened ? 'Started' : 'Updated', value: iso(opened ? action.at : now) },
      ],
      details: { kind: 'incident', file, impact: action.impact, level: action.level, reason: null },
    } satisfies NotificationEvent;
  });
}

/** A certificate's facts in a result's details (tls checks; any kind that reports them). */
function certificateOf(r: CheckResult): { notAfter: string; daysLeft: number } | null {
  const d = r.details;
  if (!d) return null;
  const cert = (typeof d['certificate'] === 'object' && d['certificate'] !== null ? d['certificate'] : d) as Record<string, unknown>;
  const notAfter = cert['notAfter'];
  const daysLeft = cert['daysLeft'];
  return typeof notAfter === 'string' && typeof daysLeft === 'number' ? { notAfter, daysLeft } : null;
}

function certificateEvents(config: EventConfig, results: readonly CheckResult[], previous: Observations, now: number) {
  const checks = new Map(config.checks.map((c) => [c.id, c]));
  const seen: Record<string, 'warning' | 'critical'> = { ...previous.certificates };
  const events: NotificationEvent[] = [];
  for (const r of results) {
    const check = checks.get(r.id);
    const cert = certificateOf(r);
    if (!check || !cert) continue;
    const warningDays = check.kind === 'tls' ? check.warningDays : 14;
    const criticalDays = check.kind === 'tls' ? check.criticalDays : 7;
    const left = Date.parse(cert.notAfter) - now;
    const level = left < criticalDays * 86_400_000 ? 'critical' : left < warningDays * 86_400_000 ? 'warning' : null;
    const before = previous.certificates[r.id] ?? null;
    if (level) seen[r.id] = level;
    else delete seen[r.id];
    if (level === before) continue;
    const host = check.kind === 'tls' ? (check.servername ?? check.host) : null;
    const base = {
      key: `certificate:${r.id}`,
      components: [check.component],
      labels: labelsOf(config, [check.component]),
      at: now,
      url: siteLink(config, `components/${check.component}/`),
      details: { kind: 'certificate' as const, check: r.id, host, notAfter: cert.notAfter, daysLeft: cert.daysLeft, warningDays, criticalDays },
      facts: [
        { name: 'Check', value: check.name },
        ...(host ? [{ name: 'Host', value: host }] : []),
        { name: 'Expires', value: cert.notAfter },
        { name: 'Days left', value: String(cert.daysLeft) },
      ],
    };
    const what = host ? `The certificate of ${host}` : `The certificate checked by ${check.name}`;
    if (level === null) {
      events.push({ ...base, type: 'certificate.renewed', action: 'resolve', severity: before ?? 'warning', title: `${what} was renewed`, text: `${what} now expires ${cert.notAfter}.` });
    } else {
      const expired = left < 0;
      events.push({
        ...base,
        type: level === 'critical' ? 'certificate.critical' : 'certificate.warning',
        action: 'trigger',
        severity: level,
        title: expired ? `${what} has expired` : `${what} expires in ${cert.daysLeft} day${cert.daysLeft === 1 ? '' : 's'}`,
        text: `${what} ${expired ? 'expired' : 'expires'} ${cert.notAfter}, inside the ${level} window of ${level === 'critical' ? criticalDays : warningDays} days.`,
      });
    }
  }
  return { events, certificates: seen };
}

function maintenanceEvents(config: EventConfig, previous: Observations, now: number) {
  const active = expandWindows(config.maintenance, now, now + 1).filter((o) => o.start <= now && now < o.end);
  const ids = active.map((o) => o.id);
  if (!config.notifications.maintenanceEvents) return { events: [], maintenance: ids };
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const events: NotificationEvent[] = [];
  const event = (o: { id: string; windowId: string; title: string; description: string | null; components: string[]; start: number; end: number }, started: boolean): NotificationEvent => ({
    type: started ? 'maintenance.started' : 'maintenance.ended',
    action: 'notice',
    key: `maintenance:${o.id}:${started ? 'start' : 'end'}`,
    severity: 'info',
    title: `Maintenance ${started ? 'started' : 'ended'}: ${o.title}`,
    text: started ? `${o.description ?? o.title}. Scheduled until ${iso(o.end)}.` : `${o.title} is over.`,
    components: o.components,
    labels: labelsOf(config, o.components),
    at: now,
    url: siteLink(config),
    facts: [
      { name: 'Components', value: o.components.map((c) => names.get(c) ?? c).join(', ') },
      { name: 'Window', value: `${iso(o.start)} – ${iso(o.end)}` },
    ],
    details: { kind: 'maintenance', occurrence: o.id, window: o.windowId, start: iso(o.start), end: iso(o.end) },
  });
  for (const o of active) if (!previous.maintenance.includes(o.id)) events.push(event(o, true));
  const ended = previous.maintenance.filter((id) => !ids.includes(id));
  if (ended.length > 0) {
    // Find the ended occurrences again (they ended before now) to describe them.
    const past = expandWindows(config.maintenance, now - 400 * 86_400_000, now + 1);
    for (const id of ended) {
      const o = past.find((p) => p.id === id);
      if (o) events.push(event(o, false));
    }
  }
  return { events, maintenance: ids };
}

export interface RoundInput {
  results: readonly CheckResult[];
  applied: readonly AppliedAction[];
  previous: Observations;
  now: number;
}

/** Events of one round (components, incidents, certificates, maintenance) and what it observed. */
export function deriveRoundEvents(config: EventConfig, input: RoundInput): { events: NotificationEvent[]; observations: Observations; causes: Map<string, RootCause[]> } {
  const causes = roundCauses(config, input.results, input.previous);
  const comps = componentEvents(config, input.results, input.previous, input.now, causes);
  const certs = certificateEvents(config, input.results, input.previous, input.now);
  const maint = maintenanceEvents(config, input.previous, input.now);
  return {
    events: [...incidentEvents(config, input.applied, input.now, causes), ...comps.events, ...certs.events, ...maint.events],
    observations: { ...input.previous, components: comps.components, certificates: certs.certificates, maintenance: maint.maintenance },
    causes,
  };
}

/** The message `cairn notify test` sends. */
export function testEvent(config: Pick<ResolvedConfig, 'site'>, channel: string, now: number): NotificationEvent {
  return {
    type: 'test',
    action: 'notice',
    key: `test:${channel}:${now}`,
    severity: 'info',
    title: `Test notification from ${config.site.title}`,
    text: `This is a test of the "${channel}" channel, sent by \`cairn notify test\`. If you can read it, the channel works.`,
    components: [],
    labels: {},
    at: now,
    url: siteLink(config),
    facts: [{ name: 'Channel', value: channel }],
    details: { kind: 'test' },
  };
}
