/**
 * What Cairn remembers about notifications between runs, in the committed state
 * `data/state/notifications.json` (the scheduled job is stateless; the repo is its memory):
 * the previous observations (for transitions), the open alerts and which channel was told what
 * and when (for updates, reminders and resolves), the cooldown anchors, and per-channel data
 * such as GitHub issue numbers.
 *
 * `plan` is pure: events + state + clock → deliveries to make and the next state.
 */
import { createHash } from 'node:crypto';
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
  /**
   * New content is owed (`new`, subject to the cooldown and maintenance), or the latest content
   * again (`retry`, from states written before the outbox). Once decided, it is a message in the outbox.
   */
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

/**
 * A message decided and not yet delivered. Its `id` is fixed when it is decided and is the same
 * on every attempt and in every later run that retries it (`X-Cairn-Delivery`, the webhook body's
 * `id`), so a receiver can de-duplicate.
 */
export interface OutboxMessage {
  id: string;
  channel: string;
  purpose: Purpose;
  event: NotificationEvent;
  /** When it was decided. */
  decidedAt: number;
  /** Runs that tried to deliver it and failed. */
  failures: number;
  /**
   * The run that delivers it, until when. A run claims what is owed in the state it commits; only
   * once that commit has won the push does it deliver, so a run that lost the race has sent
   * nothing. Another run takes a message over only after the claim has run out (its run died).
   */
  claim?: { run: string; until: number } | null;
}

/** @deprecated the shape of failed resolves before the outbox; read and moved into it. */
interface PendingResolve {
  channel: string;
  event: NotificationEvent;
  attempts: number;
}

export interface NotifyState {
  v: 1;
  observations: Observations;
  /** Open alerts by key. */
  alerts: Record<string, AlertState>;
  /** When a trigger of each key last went out, and at which severity: the cooldown's anchor. */
  lastTrigger: Record<string, { at: number; severity: NotifySeverity }>;
  /** Messages decided and not delivered yet (failed ones wait here for the next run), in order. */
  outbox: OutboxMessage[];
  /** Per-channel memory, e.g. GitHub issue numbers by alert key. */
  channelData: Record<string, Record<string, unknown>>;
  /** Subscriber updates already decided (src/notify/subscribers.ts); absent until subscribers are configured. */
  subscriptions?: SubscriptionState;
}

export interface SubscriptionState {
  /** When subscribers were first configured: updates before it were not sent. */
  since: number;
  /** Keys of the updates decided (each to every subscriber following it), with when the update happened. */
  announced: Record<string, number>;
}

export const EMPTY_NOTIFY_STATE: NotifyState = { v: 1, observations: EMPTY_OBSERVATIONS, alerts: {}, lastTrigger: {}, outbox: [], channelData: {} };

/**
 * A resolve or notice that failed in this many runs is given up (and logged). A trigger is
 * retried as long as its alert is open; a reminder is not retried (the next one comes).
 */
export const MAX_RESOLVE_RUNS = 3;

/** The stable id of a message: a digest of what it is and when it was decided. */
export function messageId(channel: string, purpose: Purpose, event: NotificationEvent, decidedAt: number): string {
  return createHash('sha256').update(`${channel}|${purpose}|${event.key}|${event.type}|${event.at}|${decidedAt}`).digest('hex').slice(0, 32);
}

/** The notification state of a shard (`.shard-2-of-4`), or of the whole repo. */
export function notifyStateFile(suffix = ''): string {
  return suffix ? path.join('data', 'state', `notifications${suffix}.json`) : NOTIFY_STATE_FILE;
}

export async function readNotifyState(dir: string, suffix = ''): Promise<NotifyState> {
  const file = path.join(dir, notifyStateFile(suffix));
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<NotifyState>;
    if (value && value.v === 1) {
      const legacy = ((value as { pendingResolves?: PendingResolve[] }).pendingResolves ?? []).map(
        (p): OutboxMessage => ({ id: messageId(p.channel, 'resolve', p.event, p.event.at), channel: p.channel, purpose: 'resolve', event: p.event, decidedAt: p.event.at, failures: p.attempts }),
      );
      return {
        v: 1,
        observations: { ...EMPTY_OBSERVATIONS, ...(value.observations ?? {}) },
        alerts: value.alerts ?? {},
        lastTrigger: value.lastTrigger ?? {},
        outbox: [...(value.outbox ?? []), ...legacy],
        channelData: value.channelData ?? {},
        ...(value.subscriptions ? { subscriptions: value.subscriptions } : {}),
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

/** A message to deliver now. */
export type PlannedDelivery = Pick<OutboxMessage, 'id' | 'channel' | 'event' | 'purpose'>;

/** A decision not to send now, for the log and the job summary. */
export interface HeldBack {
  channel: string;
  key: string;
  type: EventType;
  status: 'muted' | 'deferred' | 'unrouted' | 'dropped' | 'held';
  detail: string;
}

export interface Plan {
  /** The outbox messages to deliver now, in order. */
  deliveries: PlannedDelivery[];
  held: HeldBack[];
  /** The state after planning (the decided messages in its outbox); `settle` records the outcomes into it. */
  state: NotifyState;
}

/** Receivers that keep their own state: always resolved, never reminded. */
const STATEFUL: readonly ChannelType[] = ['pagerduty', 'github'];

export interface PlanInput {
  settings: Pick<NotificationSettings, 'channels' | 'routes' | 'cooldownMs' | 'remindMs' | 'sendResolved'>;
  state: NotifyState;
  events: readonly NotificationEvent[];
  now: number;
  /** This run: it claims what it is to deliver, for `claimMs`. */
  run: string;
  claimMs: number;
  /** True when one of the components is under maintenance now. */
  muted: (components: readonly string[]) => boolean;
  /**
   * Why an alert's trigger is held back now (its component is affected by a dependency's outage,
   * src/model/dependencies.ts), or null. A held trigger stays owed: it goes out once the root
   * cause has recovered and the alert is still open; a resolve of an alert nobody was told of
   * sends nothing. Resolves and notices are never held.
   */
  held?: (event: NotificationEvent) => string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

const TRIGGERING: readonly Purpose[] = ['trigger', 'retry', 'reminder'];

/** Whether another run that is still alive is delivering the message. */
export function claimedElsewhere(m: OutboxMessage, run: string, now: number): boolean {
  return m.claim != null && m.claim.run !== run && m.claim.until > now;
}

/**
 * An escalation told to PagerDuty lands on the incident's own PagerDuty incident (dedup key
 * `incident:<file>`, src/notify/channels/pagerduty.ts), opening it when the incident's alert was
 * routed elsewhere: the channel is marked as told of that alert, so the incident's resolve
 * reaches it and PagerDuty closes what the escalation opened.
 */
function markEscalatedPagerDuty(state: NotifyState, event: NotificationEvent, channel: string, type: ChannelType | undefined, now: number): void {
  if (type !== 'pagerduty' || event.details['kind'] !== 'escalation' || typeof event.details['file'] !== 'string') return;
  const alert = state.alerts[`incident:${event.details['file']}`];
  if (alert && !alert.channels[channel]) alert.channels[channel] = { sentAt: now, owed: null };
}

export function plan(input: PlanInput): Plan {
  const { settings, events, now, run } = input;
  const state = structuredClone(input.state);
  const typeOf = new Map(settings.channels.map((c) => [c.name, c.type]));
  const held: HeldBack[] = [];
  // Messages of channels that are gone are forgotten; so is what is superseded and not in flight.
  state.outbox = state.outbox.filter((m) => typeOf.has(m.channel));
  const inFlight = (m: OutboxMessage) => claimedElsewhere(m, run, now);
  const decide = (channel: string, purpose: Purpose, event: NotificationEvent) => {
    state.outbox.push({ id: messageId(channel, purpose, event, now), channel, purpose, event, decidedAt: now, failures: 0, claim: null });
  };

  for (const event of events) {
    if (event.action === 'notice') {
      const channels = event.to ? settings.channels.filter((c) => event.to?.includes(c.name)).map((c) => c.name) : route(settings, event);
      if (channels.length === 0) held.push({ channel: '-', key: event.key, type: event.type, status: 'unrouted', detail: 'no route matches' });
      const mute = !event.type.startsWith('maintenance.') && input.muted(event.components);
      for (const channel of channels) {
        if (mute) held.push({ channel, key: event.key, type: event.type, status: 'muted', detail: 'maintenance' });
        else {
          decide(channel, 'notice', event);
          markEscalatedPagerDuty(state, event, channel, typeOf.get(channel), now);
        }
      }
      continue;
    }
    const alert = state.alerts[event.key];
    if (event.action === 'resolve') {
      if (!alert) continue; // nobody was told it was open
      delete state.alerts[event.key];
      // What was never delivered of the alert need not be: the resolve supersedes it. What another
      // run is delivering right now may arrive, so its channel is told of the resolve too.
      const flying = new Set(state.outbox.filter((m) => m.event.key === event.key && TRIGGERING.includes(m.purpose) && inFlight(m)).map((m) => m.channel));
      state.outbox = state.outbox.filter((m) => !(m.event.key === event.key && TRIGGERING.includes(m.purpose)) || inFlight(m));
      const resolved = { ...event, severity: alert.event.severity };
      for (const [channel, mark] of Object.entries(alert.channels)) {
        const type = typeOf.get(channel);
        if (!type || (mark.sentAt === null && !flying.has(channel))) continue;
        if (!settings.sendResolved && !STATEFUL.includes(type)) continue;
        decide(channel, 'resolve', resolved);
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
    const heldBy = input.held?.(alert.event) ?? null;
    if (owed.length > 0) {
      if (muted) {
        for (const [channel] of owed) held.push({ channel, key, type: alert.event.type, status: 'muted', detail: 'maintenance' });
        continue;
      }
      if (heldBy !== null) {
        for (const [channel] of owed) held.push({ channel, key, type: alert.event.type, status: 'held', detail: heldBy });
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
        // Newer content replaces what this channel was still owed of the alert (unless in flight).
        state.outbox = state.outbox.filter((m) => !(m.channel === channel && m.event.key === key && TRIGGERING.includes(m.purpose)) || inFlight(m));
        decide(channel, mark.owed === 'new' ? 'trigger' : 'retry', alert.event);
        alert.channels[channel] = { sentAt: mark.sentAt, owed: null };
        if (mark.owed === 'new') sentNew = true;
      }
      if (sentNew) {
        state.lastTrigger[key] = { at: now, severity };
        alert.sentSeverity = severity;
      }
      continue;
    }
    // Reminders: chat, email and webhooks, while the alert stays open and nothing else is owed.
    if (settings.remindMs === null || muted || heldBy !== null) continue;
    for (const [channel, mark] of Object.entries(alert.channels)) {
      const type = typeOf.get(channel);
      if (!type || STATEFUL.includes(type) || mark.sentAt === null || now - mark.sentAt < settings.remindMs) continue;
      if (state.outbox.some((m) => m.channel === channel && m.event.key === key)) continue;
      decide(channel, 'reminder', { ...alert.event, at: now, reminder: { openSince: alert.openedAt } });
    }
  }

  // What this run owes now, claimed: the outbox in order (a failed message again, with its id),
  // except what another living run is delivering and messages of alerts under maintenance.
  const deliveries: PlannedDelivery[] = [];
  for (const m of state.outbox) {
    if (inFlight(m)) continue;
    if (m.purpose !== 'resolve' && m.purpose !== 'notice' && input.muted(m.event.components)) {
      if (m.decidedAt !== now) held.push({ channel: m.channel, key: m.event.key, type: m.event.type, status: 'muted', detail: 'maintenance' });
      m.claim = null;
      continue;
    }
    const heldNow = TRIGGERING.includes(m.purpose) ? (input.held?.(m.event) ?? null) : null;
    if (heldNow !== null) {
      if (m.decidedAt !== now) held.push({ channel: m.channel, key: m.event.key, type: m.event.type, status: 'held', detail: heldNow });
      m.claim = null;
      continue;
    }
    m.claim = { run, until: now + input.claimMs };
    deliveries.push(deliveryOf(m));
  }

  // Cooldown anchors outlive their alert only as long as the longest cooldown.
  const longest = Math.max(...Object.values(settings.cooldownMs));
  for (const [key, t] of Object.entries(state.lastTrigger)) if (!state.alerts[key] && now - t.at >= longest) delete state.lastTrigger[key];
  return { deliveries, held, state };
}

/** How a claimed message is delivered: a failed trigger goes out again as a `retry`, with its id. */
export function deliveryOf(m: OutboxMessage): PlannedDelivery {
  return { id: m.id, channel: m.channel, event: m.event, purpose: m.purpose === 'trigger' && m.failures > 0 ? 'retry' : m.purpose };
}

/** The messages a run claimed in a state, in order. */
export function claimedBy(state: NotifyState, run: string): PlannedDelivery[] {
  return state.outbox.filter((m) => m.claim?.run === run).map(deliveryOf);
}

/** What a delivery came to. */
export interface Outcome {
  delivery: PlannedDelivery;
  ok: boolean;
}

/**
 * Records what was delivered into a state (the one planned, or the newer one a race left):
 * delivered messages leave the outbox and mark their alert's channel as told; failed ones stay
 * for the next run, with the same id, until their kind gives up.
 */
export function settle(state: NotifyState, results: readonly Outcome[], now: number): { state: NotifyState; gaveUp: OutboxMessage[] } {
  const next = structuredClone(state);
  const gaveUp: OutboxMessage[] = [];
  for (const { delivery, ok } of results) {
    const index = next.outbox.findIndex((m) => m.id === delivery.id);
    const message = index >= 0 ? (next.outbox[index] as OutboxMessage) : null;
    if (ok) {
      if (index >= 0) next.outbox.splice(index, 1);
      if (TRIGGERING.includes(delivery.purpose)) {
        const mark = next.alerts[delivery.event.key]?.channels[delivery.channel];
        if (mark) mark.sentAt = now;
      }
      continue;
    }
    if (!message) continue;
    message.failures += 1;
    message.claim = null;
    // A key that opened again supersedes its old resolve.
    if (delivery.purpose === 'resolve' && next.alerts[delivery.event.key]) {
      next.outbox.splice(index, 1);
      continue;
    }
    const givesUp = delivery.purpose === 'reminder' || ((delivery.purpose === 'resolve' || delivery.purpose === 'notice') && message.failures >= MAX_RESOLVE_RUNS);
    if (givesUp) {
      next.outbox.splice(index, 1);
      if (delivery.purpose !== 'reminder') gaveUp.push(message);
    }
  }
  return { state: next, gaveUp };
}
