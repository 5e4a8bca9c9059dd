/**
 * What Cairn remembers about notifications between runs, in the committed state
 * `data/state/notifications.json` (the scheduled job is stateless; the repo is its memory):
 * the previous observations (for transitions), the open alerts and which channel was told what
 * and when (for updates, reminders and resolves), the cooldown anchors, and per-channel data
 * such as GitHub issue numbers.
 *
 * `plan` is pure: events + state + clock → deliveries to make and the next state.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelType, NotificationSettings, NotifySeverity } from '../config/notify-types.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { fsFault } from '../store/fault.ts';
import { EMPTY_OBSERVATIONS, SEVERITY_RANK, type EventType, type NotificationEvent, type Observations } from './events.ts';
import { route } from './router.ts';

export const NOTIFY_STATE_FILE = path.join('data', 'state', 'notifications.json');

export interface ChannelMark {
  /** When this channel last received a message for the alert; null: never. */
  sentAt: number | null;
  /** A message is owed: `new` content (subject to the cooldown) or a `retry` of a failed delivery. */
  owed: 'new' | 'retry' | null;
}

export interface AlertState {
  /** The latest trigger event of the alert: what updates, reminders and retries send. */
  event: NotificationEvent;
  openedAt: number;
  /** The severity last sent out; null while nothing was. */
  sentSeverity: NotifySeverity | null;
  channels: Record<string, ChannelMark>;
}

export interface PendingResolve {
  channel: string;
  event: NotificationEvent;
  /** Runs that tried and failed. */
  attempts: number;
}

export interface NotifyState {
  v: 1;
  observations: Observations;
  /** Open alerts by key. */
  alerts: Record<string, AlertState>;
  /** When a trigger of each key last went out, and at which severity: the cooldown's anchor. */
  lastTrigger: Record<string, { at: number; severity: NotifySeverity }>;
  /** Resolves whose delivery failed, retried by the next runs. */
  pendingResolves: PendingResolve[];
  /** Per-channel memory, e.g. GitHub issue numbers by alert key. */
  channelData: Record<string, Record<string, unknown>>;
}

export const EMPTY_NOTIFY_STATE: NotifyState = { v: 1, observations: EMPTY_OBSERVATIONS, alerts: {}, lastTrigger: {}, pendingResolves: [], channelData: {} };

/** A resolve that failed this many runs in a row is given up (and logged). */
export const MAX_RESOLVE_RUNS = 3;

/** The notification state of a shard (`.shard-2-of-4`), or of the whole repo. */
export function notifyStateFile(suffix = ''): string {
  return suffix ? path.join('data', 'state', `notifications${suffix}.json`) : NOTIFY_STATE_FILE;
}

export async function readNotifyState(dir: string, suffix = ''): Promise<NotifyState> {
  const file = path.join(dir, notifyStateFile(suffix));
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<NotifyState>;
    if (value && value.v === 1) {
      return {
        v: 1,
        observations: { ...EMPTY_OBSERVATIONS, ...(value.observations ?? {}) },
        alerts: value.alerts ?? {},
        lastTrigger: value.lastTrigger ?? {},
        pendingResolves: value.pendingResolves ?? [],
        channelData: value.channelData ?? {},
      };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw fsFault(err, 'read', file);
  }
  return structuredClone(EMPTY_NOTIFY_STATE);
}

export async function writeNotifyState(dir: string, state: NotifyState, suffix = ''): Promise<void> {
  await writeFileAtomic(path.join(dir, notifyStateFile(suffix)), `${JSON.stringify(state, null, 2)}\n`);
}

export type Purpose = 'trigger' | 'retry' | 'reminder' | 'resolve' | 'notice';

export interface PlannedDelivery {
  channel: string;
  event: NotificationEvent;
  purpose: Purpose;
}

/** A decision not to send now, for the log and the job summary. */
export interface HeldBack {
  channel: string;
  key: string;
  type: EventType;
  status: 'muted' | 'deferred' | 'unrouted' | 'dropped';
  detail: string;
}

export interface Plan {
  deliveries: PlannedDelivery[];
  held: HeldBack[];
  /** The state after planning; `settle` records the outcomes into it. */
  state: NotifyState;
}

/** Receivers that keep their own state: always resolved, never reminded. */
const STATEFUL: readonly ChannelType[] = ['pagerduty', 'github'];

export interface PlanInput {
  settings: Pick<NotificationSettings, 'channels' | 'routes' | 'cooldownMs' | 'remindMs' | 'sendResolved'>;
  state: NotifyState;
  events: readonly NotificationEvent[];
  now: number;
  /** True when one of the components is under maintenance now. */
  muted: (components: readonly string[]) => boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function plan(input: PlanInput): Plan {
  const { settings, events, now } = input;
  const state = structuredClone(input.state);
  const typeOf = new Map(settings.channels.map((c) => [c.name, c.type]));
  const deliveries: PlannedDelivery[] = [];
  const held: HeldBack[] = [];

  // Resolves that failed before: retried first, so a re-opened alert is not resolved after it.
  const pending = state.pendingResolves.filter((p) => typeOf.has(p.channel));
  state.pendingResolves = [];
  for (const p of pending) deliveries.push({ channel: p.channel, event: p.event, purpose: 'resolve' });

  for (const event of events) {
    if (event.action === 'notice') {
      const channels = route(settings, event);
      if (channels.length === 0) held.push({ channel: '-', key: event.key, type: event.type, status: 'unrouted', detail: 'no route matches' });
      const mute = !event.type.startsWith('maintenance.') && input.muted(event.components);
      for (const channel of channels) {
        if (mute) held.push({ channel, key: event.key, type: event.type, status: 'muted', detail: 'maintenance' });
        else deliveries.push({ channel, event, purpose: 'notice' });
      }
      continue;
    }
    const alert = state.alerts[event.key];
    if (event.action === 'resolve') {
      if (!alert) continue; // nobody was told it was open
      delete state.alerts[event.key];
      const resolved = { ...event, severity: alert.event.severity };
      for (const [channel, mark] of Object.entries(alert.channels)) {
        const type = typeOf.get(channel);
        if (!type || mark.sentAt === null) continue;
        if (!settings.sendResolved && !STATEFUL.includes(type)) continue;
        deliveries.push({ channel, event: resolved, purpose: 'resolve' });
      }
      continue;
    }
    // trigger: open the alert, or update it
    const channels = route(settings, event);
    if (channels.length === 0) held.push({ channel: '-', key: event.key, type: event.type, status: 'unrouted', detail: 'no route matches' });
    const next: AlertState = alert
      ? { ...alert, event, channels: { ...alert.channels } }
      : { event, openedAt: event.at, sentSeverity: null, channels: {} };
    for (const c of channels) next.channels[c] = { sentAt: next.channels[c]?.sentAt ?? null, owed: 'new' };
    state.alerts[event.key] = next;
  }

  for (const [key, alert] of Object.entries(state.alerts)) {
    const owed = Object.entries(alert.channels).filter(([c, m]) => m.owed !== null && typeOf.has(c));
    const muted = input.muted(alert.event.components);
    if (owed.length > 0) {
      if (muted) {
        for (const [channel] of owed) held.push({ channel, key, type: alert.event.type, status: 'muted', detail: 'maintenance' });
        continue;
      }
      const last = state.lastTrigger[key];
      const severity = alert.event.severity;
      const escalated = last !== undefined && SEVERITY_RANK[severity] > SEVERITY_RANK[last.severity];
      const until = last === undefined ? 0 : last.at + settings.cooldownMs[severity];
      const cooling = !escalated && now < until;
      let sentNew = false;
      for (const [channel, mark] of owed) {
        if (mark.owed === 'new' && cooling) {
          held.push({ channel, key, type: alert.event.type, status: 'deferred', detail: `cooldown until ${iso(until)}` });
          continue;
        }
        deliveries.push({ channel, event: alert.event, purpose: mark.owed === 'new' ? 'trigger' : 'retry' });
        if (mark.owed === 'new') sentNew = true;
      }
      if (sentNew) {
        state.lastTrigger[key] = { at: now, severity };
        alert.sentSeverity = severity;
      }
      continue;
    }
    // Reminders: chat, email and webhooks, while the alert stays open.
    if (settings.remindMs === null || muted) continue;
    for (const [channel, mark] of Object.entries(alert.channels)) {
      const type = typeOf.get(channel);
      if (!type || STATEFUL.includes(type) || mark.sentAt === null || now - mark.sentAt < settings.remindMs) continue;
      deliveries.push({ channel, event: { ...alert.event, at: now, reminder: { openSince: alert.openedAt } }, purpose: 'reminder' });
    }
  }

  // Cooldown anchors outlive their alert only as long as the longest cooldown.
  const longest = Math.max(...Object.values(settings.cooldownMs));
  for (const [key, t] of Object.entries(state.lastTrigger)) if (!state.alerts[key] && now - t.at >= longest) delete state.lastTrigger[key];
  return { deliveries, held, state };
}

/** Records what was delivered into the state: sent marks, owed retries, failed resolves. */
export function settle(state: NotifyState, results: readonly { delivery: PlannedDelivery; ok: boolean }[], now: number, pendingBefore: readonly PendingResolve[]): { state: NotifyState; gaveUp: PendingResolve[] } {
  const next = structuredClone(state);
  const gaveUp: PendingResolve[] = [];
  for (const { delivery, ok } of results) {
    const { channel, event, purpose } = delivery;
    if (purpose === 'resolve') {
      if (ok) continue;
      const before = pendingBefore.find((p) => p.channel === channel && p.event.key === event.key);
      const attempts = (before?.attempts ?? 0) + 1;
      // A key that opened again supersedes its old resolve.
      if (next.alerts[event.key]) continue;
      if (attempts >= MAX_RESOLVE_RUNS) gaveUp.push({ channel, event, attempts });
      else next.pendingResolves.push({ channel, event, attempts });
      continue;
    }
    if (purpose === 'notice') continue;
    const alert = next.alerts[event.key];
    const mark = alert?.channels[channel];
    if (!alert || !mark) continue;
    alert.channels[channel] = ok ? { sentAt: now, owed: null } : { sentAt: mark.sentAt, owed: purpose === 'reminder' ? null : 'retry' };
  }
  return { state: next, gaveUp };
}
