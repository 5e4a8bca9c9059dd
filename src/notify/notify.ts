/**
 * Notifications after a round: derive the events (component transitions, automatic incident
 * actions, certificate windows, SLO and capacity alerts, maintenance), plan them against the
 * committed state (routes, cooldowns, reminders, maintenance mutes), deliver them, record what
 * happened, and report every delivery in the log and the job summary. Never throws: a failure
 * here must not fail the run that already stored its results.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelType } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { Output } from '../cli/output.ts';
import { Fault } from '../store/fault.ts';
import { activeFor, expandWindows } from '../maintenance/windows.ts';
import type { Channel } from './channel.ts';
import { createChannel } from './channels/index.ts';
import { fanOut, realEnv, safeDetail, type DeliveryEnv } from './delivery.ts';
import { deriveRoundEvents, heldByDependency, siteLink, testEvent, type EventType, type NotificationEvent } from './events.ts';
import type { SloEntry } from '../prometheus/types.ts';
import { deriveSloEvents, readSloView, type SloView, withCheckSlos } from './slo-events.ts';
import { claimedBy, messageId, plan, readNotifyState, settle, writeNotifyState, type NotifyState, type OutboxMessage, type Outcome, type PlannedDelivery, type Purpose } from './state.ts';
import type { CheckResult } from '../checks/types.ts';
import type { AppliedAction } from '../incidents/auto-run.ts';
import type { Incident } from '../incidents/types.ts';
import { escalationEvents } from './escalation.ts';
import { findAcknowledgements, recordAcknowledgements, type FoundAck } from './acks.ts';
import { loadIncidents } from '../incidents/store.ts';
import { planSubscribers, subscriberChannels, subscriberUpdates } from './subscribers.ts';

/** What a round of checks saw and changed, as notifications need it. */
export interface RoundSeen {
  results: CheckResult[];
  incidents: AppliedAction[];
  /** Every incident file as it stands after the round (for escalations); absent: no escalation is decided. */
  files?: readonly Incident[];
}

export type RecordStatus = 'sent' | 'failed' | 'skipped' | 'muted' | 'deferred' | 'unrouted' | 'dropped' | 'held';

/** One line of the delivery report. */
export interface DeliveryRecord {
  channel: string;
  channelType: ChannelType | null;
  key: string;
  event: EventType;
  purpose: Purpose | null;
  status: RecordStatus;
  attempts: number;
  /** Redacted. */
  detail: string;
}

export interface NotifyReport {
  events: NotificationEvent[];
  records: DeliveryRecord[];
}

export interface NotifyOptions {
  /** The clock (default: now). */
  now?: number;
  /** Sleep, clock and backoff bounds of the delivery (tests). The redactor is always the config's. */
  env?: Partial<Omit<DeliveryEnv, 'redactor'>>;
  /** Environment for GITHUB_TOKEN (default process.env). */
  processEnv?: Record<string, string | undefined>;
  /** The SLO view to use instead of reading data/slo/latest.json. */
  slo?: SloView | null;
  /** State-file suffix of a shard; each shard keeps its own notification state. */
  stateSuffix?: string;
  /** Whether this run sends SLO and capacity alerts (with shards: the first shard only). */
  sloEvents?: boolean;
  /** The SLO entries computed from the checks (src/model/check-slo.ts), in the snapshot's shape. */
  checkSlos?: readonly SloEntry[];
}

type NotifyConfig = Pick<ResolvedConfig, 'dir' | 'site' | 'components' | 'checks' | 'incidents' | 'maintenance' | 'notifications' | 'redactor'>;

function registerSecrets(config: NotifyConfig, processEnv: Record<string, string | undefined>): void {
  for (const s of config.notifications.secrets) config.redactor.add(s);
  const token = processEnv['GITHUB_TOKEN'];
  if (token && config.notifications.channels.some((c) => c.type === 'github' && c.token === null)) config.redactor.add(token);
}

/** Per-channel memory changes made by deliveries: keys set (a value) or deleted (undefined). */
export type MemoryChanges = Record<string, Record<string, unknown>>;

/** Sends the deliveries: channels in parallel, each channel in order. Channels may change `memory`. */
async function deliver(
  config: NotifyConfig,
  deliveries: readonly PlannedDelivery[],
  channelData: NotifyState['channelData'],
  env: DeliveryEnv,
  processEnv: Record<string, string | undefined>,
): Promise<{ delivery: PlannedDelivery; record: DeliveryRecord }[]> {
  const channels = new Map<string, Channel>(config.notifications.channels.map((c) => [c.name, createChannel(c)]));
  const groups = new Map<string, PlannedDelivery[]>();
  for (const d of deliveries) groups.set(d.channel, [...(groups.get(d.channel) ?? []), d]);
  const site = { title: config.site.title, url: siteLink(config) };
  const done = await fanOut(groups, async (name, delivery) => {
    const channel = channels.get(name) as Channel;
    const memory = (channelData[name] ??= {});
    let outcome;
    try {
      outcome = await channel.send(config.redactor.redactDeep(delivery.event), { id: delivery.id, env, site, purpose: delivery.purpose, memory, processEnv });
    } catch (err) {
      outcome = { status: 'failed' as const, attempts: 1, detail: `internal error: ${err instanceof Error ? err.message : String(err)}` };
    }
    const record: DeliveryRecord = {
      channel: name,
      channelType: channel.type,
      key: delivery.event.key,
      event: delivery.event.type,
      purpose: delivery.purpose,
      status: outcome.status,
      attempts: outcome.attempts,
      detail: safeDetail(config.redactor, outcome.detail),
    };
    return { delivery, record };
  });
  return [...done.values()].flat();
}

const MARK: Record<RecordStatus, string> = { sent: '✓', failed: '✕', skipped: '–', muted: '⚙', deferred: '…', unrouted: '–', dropped: '✕', held: '↳' };

export function logLine(r: DeliveryRecord): string {
  const attempts = r.attempts > 0 && !r.detail.includes('attempt') ? `, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}` : '';
  return `notify ${MARK[r.status]} ${r.channel}: ${r.status} ${r.purpose ?? ''} ${r.event} ${r.key}${r.detail ? ` (${r.detail}${attempts})` : ''}`.replace(/\s+/g, ' ');
}

export function summaryTable(records: readonly DeliveryRecord[], redact: (s: string) => string): string {
  const cell = (s: string) => redact(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '### Cairn notifications',
    '',
    '| Channel | Event | Alert | Result | Attempts | Detail |',
    '| --- | --- | --- | --- | ---: | --- |',
    ...records.map(
      (r) =>
        `| ${cell(r.channel)}${r.channelType ? ` (${r.channelType})` : ''} | ${cell(`${r.event}${r.purpose && r.purpose !== 'trigger' && r.purpose !== 'notice' ? ` (${r.purpose})` : ''}`)} | ${cell(r.key)} | ${MARK[r.status]} ${r.status} | ${r.attempts} | ${cell(r.detail)} |`,
    ),
    '',
  ].join('\n');
}

function report(out: Output, config: NotifyConfig, records: readonly DeliveryRecord[]): void {
  for (const r of records) {
    const line = config.redactor.redact(logLine(r));
    if (r.status === 'failed' || r.status === 'dropped') out.warn(line);
    else out.info(line);
  }
}

/** What `decideNotifications` decided: the events, what it held back, and how many messages this run owes. */
export interface NotifyDecision {
  events: NotificationEvent[];
  held: DeliveryRecord[];
  /** Messages this run claimed (to deliver once its state is committed and pushed). */
  owed: number;
}

/** How long a run's claim on a message holds: its deadline and a minute (a run never outlives it). */
export function claimMsFor(config: { run: { deadlineMs: number } }): number {
  return config.run.deadlineMs + 60_000;
}

function newRunId(): string {
  return randomUUID();
}

/**
 * Step 1 of 2: derives the events of a round, plans them against the committed state (routes,
 * cooldowns, reminders, maintenance) and writes the state with the messages owed, claimed by
 * `opts.run`. Nothing is sent: `cairn run` first commits and pushes this state, and delivers only
 * when its push won (`deliverOwed`). Throws a `Fault` when the state cannot be read or written.
 */
export async function decideNotifications(
  config: NotifyConfig & { run: { deadlineMs: number } },
  round: RoundSeen,
  opts: NotifyOptions & { run: string },
): Promise<NotifyDecision> {
  if (config.notifications.channels.length === 0) return { events: [], held: [], owed: 0 };
  registerSecrets(config, opts.processEnv ?? process.env);
  const now = opts.now ?? Date.now();
  const state = await readNotifyState(config.dir, opts.stateSuffix);
  const round1 = deriveRoundEvents(config, { results: round.results, applied: round.incidents, previous: state.observations, now });
  const snapshot = opts.sloEvents === false ? null : opts.slo !== undefined ? opts.slo : await readSloView(config.dir);
  const view = opts.sloEvents === false ? null : withCheckSlos(snapshot, opts.checkSlos ?? [], round1.observations);
  const slo = deriveSloEvents(config, view, round1.observations, now);
  // Escalations are decided by one writer (with shards: the first, like SLO alerts).
  const esc = opts.sloEvents === false || !round.files ? { events: [], escalated: state.observations.escalated } : escalationEvents(config, round.files, state.observations.escalated, now);
  const events = [...round1.events, ...slo.events, ...esc.events].map((e) => config.redactor.redactDeep(e));
  const occurrences = expandWindows(config.maintenance, now, now + 1);
  // Subscriber updates (one run decides them: with shards, the first), into the outbox before the plan claims it.
  const subscribers = subscriberChannels(config);
  let withUpdates = state;
  if (subscribers.length > 0 && opts.sloEvents !== false) {
    const { incidents } = await loadIncidents(config);
    const updates = subscriberUpdates(config, incidents, now).map((u) => ({ ...u, event: config.redactor.redactDeep(u.event) }));
    withUpdates = planSubscribers({ state, channels: subscribers, updates, now }).state;
  }
  const planned = plan({
    settings: config.notifications,
    state: withUpdates,
    events,
    now,
    run: opts.run,
    claimMs: claimMsFor(config),
    muted: (components) => components.some((c) => activeFor(occurrences, c, now) !== null),
    // A dependent's own outage alerts wait while the root cause's go out (src/model/dependencies.ts).
    held: heldByDependency(config, round1.causes),
  });
  planned.state.observations = { ...slo.observations, escalated: esc.escalated };
  await writeNotifyState(config.dir, planned.state, opts.stateSuffix);
  const typeOf = new Map(config.notifications.channels.map((c) => [c.name, c.type]));
  const held = planned.held.map((h): DeliveryRecord => ({ channel: h.channel, channelType: typeOf.get(h.channel) ?? null, key: h.key, event: h.type, purpose: null, status: h.status, attempts: 0, detail: h.detail }));
  return { events, held, owed: planned.deliveries.length };
}

/**
 * Before the escalations are decided: reads acknowledgements back from PagerDuty and GitHub for
 * the open incidents they were told of, records them into the incident files, and returns every
 * incident file as it then stands. A channel that cannot be asked is a warning.
 */
export async function acknowledgeFromChannels(
  config: NotifyConfig,
  out: Output,
  opts: Pick<NotifyOptions, 'env' | 'processEnv' | 'stateSuffix'> = {},
): Promise<{ incidents: Incident[]; acknowledged: FoundAck[] }> {
  const loaded = await loadIncidents(config);
  if (config.notifications.channels.length === 0) return { incidents: loaded.incidents, acknowledged: [] };
  const processEnv = opts.processEnv ?? process.env;
  registerSecrets(config, processEnv);
  const state = await readNotifyState(config.dir, opts.stateSuffix);
  const env: DeliveryEnv = { ...realEnv, ...opts.env, redactor: config.redactor };
  const { found, errors } = await findAcknowledgements(config, loaded.incidents, state, env, processEnv);
  for (const e of errors) out.warn(config.redactor.redact(`could not read acknowledgements: ${e}`));
  const written = await recordAcknowledgements(config.dir, found);
  for (const f of written) out.info(config.redactor.redact(`Incident acknowledged by ${f.ack.by} (${f.ack.via}, ${new Date(f.ack.at).toISOString()}): ${f.file}`));
  if (written.length === 0) return { incidents: loaded.incidents, acknowledged: [] };
  return { incidents: (await loadIncidents(config)).incidents, acknowledged: written };
}

/** What `deliverOwed` did, to be recorded into the state by `recordDeliveries`. */
export interface DeliveredRound {
  records: DeliveryRecord[];
  outcomes: Outcome[];
  memory: MemoryChanges;
}

function memoryChanges(before: NotifyState['channelData'], after: NotifyState['channelData']): MemoryChanges {
  const changes: MemoryChanges = {};
  for (const channel of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[channel] ?? {};
    const a = after[channel] ?? {};
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) (changes[channel] ??= {})[key] = a[key];
    }
  }
  return changes;
}

/**
 * Step 2 of 2: delivers the messages the state on disk says this run owes (claimed by
 * `opts.run`; after a lost race and a new decision, that state is the winner's plus this run's),
 * and reports every outcome with what the decision held back. Never throws for a delivery.
 */
export async function deliverOwed(config: NotifyConfig, out: Output, opts: NotifyOptions & { run: string; held?: readonly DeliveryRecord[] }): Promise<DeliveredRound> {
  if (config.notifications.channels.length === 0) return { records: [], outcomes: [], memory: {} };
  const processEnv = opts.processEnv ?? process.env;
  registerSecrets(config, processEnv);
  const now = opts.now ?? Date.now();
  const env: DeliveryEnv = { ...realEnv, ...(opts.now !== undefined ? { now: () => now } : {}), ...opts.env, redactor: config.redactor };
  const state = await readNotifyState(config.dir, opts.stateSuffix);
  const channelData = structuredClone(state.channelData);
  const delivered = await deliver(config, claimedBy(state, opts.run), channelData, env, processEnv);
  const outcomes = delivered.map((d) => ({ delivery: d.delivery, ok: d.record.status === 'sent' || d.record.status === 'skipped' }));
  const records = [...delivered.map((d) => d.record), ...(opts.held ?? [])];
  report(out, config, records);
  if (records.length > 0) await out.summary(summaryTable(records, (s) => config.redactor.redact(s)));
  return { records, outcomes, memory: memoryChanges(state.channelData, channelData) };
}

/**
 * Records deliveries into the state on disk (whichever it is now: after a lost race, the
 * winner's): delivered messages leave the outbox, failed ones stay with their id for a later
 * run, channel memory changes are applied. Returns the messages given up, also reported.
 */
export async function recordDeliveries(config: NotifyConfig, delivered: Pick<DeliveredRound, 'outcomes' | 'memory'>, out: Output, opts: Pick<NotifyOptions, 'now' | 'stateSuffix'> = {}): Promise<OutboxMessage[]> {
  if (delivered.outcomes.length === 0 && Object.keys(delivered.memory).length === 0) return [];
  const now = opts.now ?? Date.now();
  const state = await readNotifyState(config.dir, opts.stateSuffix);
  const { state: next, gaveUp } = settle(state, delivered.outcomes, now);
  for (const [channel, changes] of Object.entries(delivered.memory)) {
    const memory = (next.channelData[channel] ??= {});
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete memory[key];
      else memory[key] = value;
    }
  }
  await writeNotifyState(config.dir, next, opts.stateSuffix);
  for (const g of gaveUp) out.warn(config.redactor.redact(logLine({ channel: g.channel, channelType: null, key: g.event.key, event: g.event.type, purpose: g.purpose, status: 'dropped', attempts: 0, detail: `failed in ${g.failures} runs; given up` })));
  return gaveUp;
}

/**
 * Decides, delivers and records the notifications of one round in one go: for a single writer
 * (`cairn check`, `serve`, `run --no-commit`), where no push has to win first.
 */
export async function notifyAfterRound(
  config: NotifyConfig & { run?: { deadlineMs: number } },
  round: RoundSeen,
  out: Output,
  opts: NotifyOptions & { run?: string } = {},
): Promise<NotifyReport> {
  if (config.notifications.channels.length === 0) return { events: [], records: [] };
  const run = opts.run ?? newRunId();
  const now = opts.now ?? Date.now();
  const withRun = { ...config, run: config.run ?? { deadlineMs: 0 } };
  try {
    const decision = await decideNotifications(withRun, round, { ...opts, now, run });
    const delivered = await deliverOwed(config, out, { ...opts, now, run, held: decision.held });
    const gaveUp = await recordDeliveries(config, delivered, out, { now, ...(opts.stateSuffix !== undefined ? { stateSuffix: opts.stateSuffix } : {}) });
    const dropped = gaveUp.map((g): DeliveryRecord => ({ channel: g.channel, channelType: null, key: g.event.key, event: g.event.type, purpose: g.purpose, status: 'dropped', attempts: 0, detail: `failed in ${g.failures} runs; given up` }));
    return { events: decision.events, records: [...delivered.records, ...dropped] };
  } catch (err) {
    // The state cannot be read or written: the round reports it (nothing is sent that cannot be remembered).
    if (err instanceof Fault) throw err;
    out.warn(config.redactor.redact(`notifications failed (the run's results are stored): ${err instanceof Error ? err.message : String(err)}`));
    return { events: [], records: [] };
  }
}

/** `cairn notify test`: one test message to one channel, with the usual retries; reported like a run's. */
export async function sendTest(config: NotifyConfig, channelName: string, out: Output, opts: NotifyOptions = {}): Promise<DeliveryRecord> {
  const settings = config.notifications.channels.find((c) => c.name === channelName);
  if (!settings) throw new Error(`unknown channel "${channelName}"`);
  const processEnv = opts.processEnv ?? process.env;
  registerSecrets(config, processEnv);
  const now = opts.now ?? Date.now();
  const env: DeliveryEnv = { ...realEnv, ...(opts.now !== undefined ? { now: () => now } : {}), ...opts.env, redactor: config.redactor };
  const event = testEvent(config, channelName, now);
  // A test leaves no trace in the state.
  const [done] = await deliver(config, [{ id: messageId(channelName, 'notice', event, now), channel: channelName, event, purpose: 'notice' }], {}, env, processEnv);
  const record = (done as { record: DeliveryRecord }).record;
  report(out, config, [record]);
  await out.summary(summaryTable([record], (s) => config.redactor.redact(s)));
  return record;
}
