/**
 * Subscriber updates: what the people and systems declared under `subscribers:` in cairn.yaml are
 * told. Unlike alerts (transitions the checks saw), these follow what the page publishes:
 *
 * - every update of every incident, hand-written or automatic (`incident.opened` for the first,
 *   `incident.updated`, `incident.resolved`), from the incident files as committed;
 * - maintenance: `maintenance.scheduled` when an occurrence enters the published schedule (30 days
 *   ahead, as on the page and in the feeds), `maintenance.started` and `maintenance.ended`.
 *
 * Each update has a stable key. The committed notification state remembers the keys decided
 * (`subscriptions.announced`); a key not yet there becomes one outbox message per subscriber that
 * follows one of its components (all components: every subscriber), with a stable id, delivered
 * after the push won exactly like an alert (src/notify/state.ts). A run that lost the race decides
 * again from the winner's state, where the key is already announced: nothing is sent twice.
 *
 * When subscribers are first configured, what was published over an hour before is taken as
 * announced (no burst of old news). An update is news until it expires (an incident update SUBSCRIBER_HORIZON_MS
 * after it was made, a scheduled window when it starts); one dated in the future waits for its time.
 */
import type { ChannelSettings } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { Incident, UpdateStatus } from '../incidents/types.ts';
import { expandWindows } from '../maintenance/windows.ts';
import { AHEAD_MS } from '../model/maintenance.ts';
import { labelsOf, SEVERITY_OF_IMPACT, siteLink, type NotificationEvent } from './events.ts';
import { messageId, type NotifyState } from './state.ts';

/** Updates older than this when first seen are not sent (a run that was down for days does not flood). */
export const SUBSCRIBER_HORIZON_MS = 3 * 86_400_000;
/** When subscribers are first configured, updates older than this are taken as told. */
export const BASELINE_MS = 3_600_000;

const STATUS_WORD: Record<UpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
};

const iso = (ms: number) => new Date(ms).toISOString();

type Config = Pick<ResolvedConfig, 'site' | 'components' | 'maintenance' | 'notifications'>;

/** The subscriber channels of a configuration. */
export function subscriberChannels(config: Pick<ResolvedConfig, 'notifications'>): ChannelSettings[] {
  return config.notifications.channels.filter((c) => c.subscriber !== undefined);
}

/** Whether a subscriber follows an update: it follows all components, or one the update concerns, or the update concerns none (the whole page). */
export function follows(channel: ChannelSettings, event: Pick<NotificationEvent, 'components'>): boolean {
  const chosen = channel.subscriber?.components ?? [];
  return chosen.length === 0 || event.components.length === 0 || event.components.some((c) => chosen.includes(c));
}

/** An update subscribers may be told of, until `expiresAt` (then it is old news and not sent). */
export interface SubscriberUpdate {
  event: NotificationEvent;
  expiresAt: number;
}

function incidentUpdates(config: Config, incidents: readonly Incident[]): SubscriberUpdate[] {
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const events: NotificationEvent[] = [];
  for (const incident of incidents) {
    const affected = incident.components.map((c) => names.get(c) ?? c).join(', ') || 'all services';
    const base = {
      components: incident.components,
      labels: labelsOf(config, incident.components),
      url: siteLink(config, `incidents/${encodeURIComponent(incident.id)}/`),
    };
    const updates = [...incident.updates].sort((a, b) => a.at - b.at);
    const resolvedUpdate = updates.some((u) => u.status === 'resolved');
    updates.forEach((u, i) => {
      const resolved = u.status === 'resolved';
      events.push({
        ...base,
        type: i === 0 ? 'incident.opened' : resolved ? 'incident.resolved' : 'incident.updated',
        action: resolved ? 'resolve' : 'notice',
        key: `update:incident:${incident.id}:${iso(u.at)}:${u.status}`,
        severity: resolved || u.status === 'postmortem' ? 'info' : SEVERITY_OF_IMPACT[incident.impact],
        title: `${STATUS_WORD[u.status]}: ${incident.title}`,
        text: u.text,
        at: u.at,
        facts: [
          { name: 'Affects', value: affected },
          { name: 'Impact', value: incident.impact },
          { name: 'Update', value: `${u.status}, ${iso(u.at)}` },
        ],
        details: { kind: 'incident', file: incident.file, impact: incident.impact, level: null, reason: null },
      });
    });
    // Resolved without a "resolved" update (a file's `resolved:` alone, an automatic resolution).
    if (incident.resolvedAt !== null && !resolvedUpdate) {
      events.push({
        ...base,
        type: 'incident.resolved',
        action: 'resolve',
        key: `update:incident:${incident.id}:${iso(incident.resolvedAt)}:resolved`,
        severity: 'info',
        title: `Resolved: ${incident.title}`,
        text: `This incident has been resolved.`,
        at: incident.resolvedAt,
        facts: [
          { name: 'Affects', value: affected },
          { name: 'Impact', value: incident.impact },
          { name: 'Update', value: `resolved, ${iso(incident.resolvedAt)}` },
        ],
        details: { kind: 'incident', file: incident.file, impact: incident.impact, level: null, reason: null },
      });
    }
  }
  return events.map((event) => ({ event, expiresAt: event.at + SUBSCRIBER_HORIZON_MS }));
}

function maintenanceUpdates(config: Config, now: number): SubscriberUpdate[] {
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const events: SubscriberUpdate[] = [];
  for (const o of expandWindows(config.maintenance, now - SUBSCRIBER_HORIZON_MS, now + AHEAD_MS)) {
    const phase: 'scheduled' | 'started' | 'ended' | null = now < o.start ? (now >= o.start - AHEAD_MS ? 'scheduled' : null) : now < o.end ? 'started' : 'ended';
    if (phase === null) continue;
    // A window is news while it is ahead (scheduled), in progress (started), or just over (ended).
    const at = phase === 'scheduled' ? Math.max(o.start - AHEAD_MS, 0) : phase === 'started' ? o.start : o.end;
    const expiresAt = phase === 'scheduled' ? o.start : phase === 'started' ? o.end : o.end + SUBSCRIBER_HORIZON_MS;
    const affected = o.components.map((c) => names.get(c) ?? c).join(', ');
    const window = `${iso(o.start)} – ${iso(o.end)}`;
    events.push({ expiresAt, event: {
      type: `maintenance.${phase}`,
      action: phase === 'ended' ? 'resolve' : 'notice',
      key: `update:maintenance:${o.id}:${phase}`,
      severity: 'info',
      title: `Maintenance ${phase}: ${o.title}`,
      text:
        phase === 'scheduled'
          ? `${o.description ? `${o.description} ` : ''}Scheduled from ${iso(o.start)} to ${iso(o.end)}.`
          : phase === 'started'
            ? `${o.description ? `${o.description} ` : ''}In progress until ${iso(o.end)}.`
            : `${o.title} is over.`,
      components: o.components,
      labels: labelsOf(config, o.components),
      at,
      url: siteLink(config, 'maintenance/'),
      facts: [
        { name: 'Affects', value: affected },
        { name: 'Window', value: window },
      ],
      details: { kind: 'maintenance', occurrence: o.id, window: o.windowId, start: iso(o.start), end: iso(o.end) },
    } });
  }
  return events;
}

/** Every update a subscriber could be told of now, oldest first (pure). */
export function subscriberUpdates(config: Config, incidents: readonly Incident[], now: number): SubscriberUpdate[] {
  return [...incidentUpdates(config, incidents), ...maintenanceUpdates(config, now)]
    .filter((u) => u.event.at <= now)
    .sort((a, b) => a.event.at - b.event.at || a.event.key.localeCompare(b.event.key));
}

/**
 * Decides the subscriber messages owed: each update not yet announced becomes one outbox message
 * per subscriber following it (unclaimed; `plan` claims it with the rest of the outbox). Returns the
 * new state (the input is not changed) and how many messages were decided.
 */
export function planSubscribers(input: { state: NotifyState; channels: readonly ChannelSettings[]; updates: readonly SubscriberUpdate[]; now: number }): { state: NotifyState; decided: number } {
  const { channels, updates, now } = input;
  const state = structuredClone(input.state);
  const live = updates.filter((u) => u.expiresAt > now);
  if (!state.subscriptions) {
    // First run with subscribers: what was published over an hour ago is not news (no burst of old updates).
    const old = live.filter((u) => u.event.at < now - BASELINE_MS);
    state.subscriptions = { since: now, announced: Object.fromEntries(old.map((u) => [u.event.key, u.expiresAt])) };
  }
  const announced = state.subscriptions.announced;
  let decided = 0;
  for (const { event, expiresAt } of live) {
    if (event.key in announced) continue;
    announced[event.key] = expiresAt;
    for (const channel of channels) {
      if (!follows(channel, event)) continue;
      state.outbox.push({ id: messageId(channel.name, 'notice', event, now), channel: channel.name, purpose: 'notice', event, decidedAt: now, failures: 0, claim: null });
      decided++;
    }
  }
  // An update past its time is never sent again, so its key need not be remembered: the state stays small.
  for (const [key, expiresAt] of Object.entries(announced)) if (expiresAt <= now) delete announced[key];
  return { state, decided };
}
