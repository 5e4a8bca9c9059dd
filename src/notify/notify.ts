/**
 * Notifications after a round: derive the events (component transitions, automatic incident
 * actions, certificate windows, SLO and capacity alerts, maintenance), plan them against the
 * committed state (routes, cooldowns, reminders, maintenance mutes), deliver them, record what
 * happened, and report every delivery in the log and the job summary. Never throws: a failure
 * here must not fail the run that already stored its results.
 */
import type { ChannelType } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import type { Output } from '../cli/output.ts';
import { Fault } from '../store/fault.ts';
import type { RoundOutcome } from '../cli/round.ts';
import { activeFor, expandWindows } from '../maintenance/windows.ts';
import type { Channel } from './channel.ts';
import { createChannel } from './channels/index.ts';
import { fanOut, realEnv, safeDetail, type DeliveryEnv } from './delivery.ts';
import { deriveRoundEvents, siteLink, testEvent, type EventType, type NotificationEvent } from './events.ts';
import { deriveSloEvents, readSloView, type SloView } from './slo-events.ts';
import { messageId, plan, readNotifyState, settle, writeNotifyState, type NotifyState, type PlannedDelivery, type Purpose } from './state.ts';

export type RecordStatus = 'sent' | 'failed' | 'skipped' | 'muted' | 'deferred' | 'unrouted' | 'dropped';

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
  /** Sleep, clock and backoff bounds of the delivery (tests). */
  env?: Partial<DeliveryEnv>;
  /** Environment for GITHUB_TOKEN (default process.env). */
  processEnv?: Record<string, string | undefined>;
  /** The SLO view to use instead of reading data/slo/latest.json. */
  slo?: SloView | null;
  /** State-file suffix of a shard; each shard keeps its own notification state. */
  stateSuffix?: string;
  /** Whether this run sends SLO and capacity alerts (with shards: the first shard only). */
  sloEvents?: boolean;
}

type NotifyConfig = Pick<ResolvedConfig, 'dir' | 'site' | 'components' | 'checks' | 'incidents' | 'maintenance' | 'notifications' | 'redactor'>;

function registerSecrets(config: NotifyConfig, processEnv: Record<string, string | undefined>): void {
  for (const s of config.notifications.secrets) config.redactor.add(s);
  const token = processEnv['GITHUB_TOKEN'];
  if (token && config.notifications.channels.some((c) => c.type === 'github' && c.token === null)) config.redactor.add(token);
}

/** Sends the planned deliveries: channels in parallel, each channel in order. */
async function deliver(
  config: NotifyConfig,
  deliveries: readonly PlannedDelivery[],
  state: NotifyState,
  env: DeliveryEnv,
  processEnv: Record<string, string | undefined>,
): Promise<{ delivery: PlannedDelivery; record: DeliveryRecord }[]> {
  const channels = new Map<string, Channel>(config.notifications.channels.map((c) => [c.name, createChannel(c)]));
  const groups = new Map<string, PlannedDelivery[]>();
  for (const d of deliveries) groups.set(d.channel, [...(groups.get(d.channel) ?? []), d]);
  const site = { title: config.site.title, url: siteLink(config) };
  const done = await fanOut(groups, async (name, delivery) => {
    const channel = channels.get(name) as Channel;
    const memory = (state.channelData[name] ??= {});
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

const MARK: Record<RecordStatus, string> = { sent: '✓', failed: '✕', skipped: '–', muted: '⚙', deferred: '…', unrouted: '–', dropped: '✕' };

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

/** Derives, routes and delivers the notifications of one round; writes the notification state. */
export async function notifyAfterRound(
  config: NotifyConfig,
  round: Pick<RoundOutcome, 'results' | 'incidents'>,
  out: Output,
  opts: NotifyOptions = {},
): Promise<NotifyReport> {
  if (config.notifications.channels.length === 0) return { events: [], records: [] };
  const processEnv = opts.processEnv ?? process.env;
  registerSecrets(config, processEnv);
  try {
    const now = opts.now ?? Date.now();
    const env: DeliveryEnv = { ...realEnv, ...(opts.now !== undefined ? { now: () => now } : {}), ...opts.env };
    const state = await readNotifyState(config.dir, opts.stateSuffix);
    const round1 = deriveRoundEvents(config, { results: round.results, applied: round.incidents, previous: state.observations, now });
    const view = opts.sloEvents === false ? null : opts.slo !== undefined ? opts.slo : await readSloView(config.dir);
    const slo = deriveSloEvents(config, view, round1.observations, now);
    const events = [...round1.events, ...slo.events].map((e) => config.redactor.redactDeep(e));

    const occurrences = expandWindows(config.maintenance, now, now + 1);
    const planned = plan({
      settings: config.notifications,
      state,
      events,
      now,
      muted: (components) => components.some((c) => activeFor(occurrences, c, now) !== null),
    });
    const delivered = await deliver(config, planned.deliveries, planned.state, env, processEnv);
    const { state: next, gaveUp } = settle(planned.state, delivered.map((d) => ({ delivery: d.delivery, ok: d.record.status === 'sent' || d.record.status === 'skipped' })), now);
    next.observations = slo.observations;
    await writeNotifyState(config.dir, next, opts.stateSuffix);

    const typeOf = new Map(config.notifications.channels.map((c) => [c.name, c.type]));
    const records: DeliveryRecord[] = [
      ...delivered.map((d) => d.record),
      ...planned.held.map((h) => ({ channel: h.channel, channelType: typeOf.get(h.channel) ?? null, key: h.key, event: h.type, purpose: null, status: h.status, attempts: 0, detail: h.detail })),
      ...gaveUp.map((g) => ({
        channel: g.channel,
        channelType: typeOf.get(g.channel) ?? null,
        key: g.event.key,
        event: g.event.type,
        purpose: g.purpose,
        status: 'dropped' as const,
        attempts: 0,
        detail: `${g.purpose} failed in ${g.failures} runs; given up`,
      })),
    ];
    report(out, config, records);
    if (records.length > 0) await out.summary(summaryTable(records, (s) => config.redactor.redact(s)));
    return { events, records };
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
  const env: DeliveryEnv = { ...realEnv, ...(opts.now !== undefined ? { now: () => now } : {}), ...opts.env };
  const event = testEvent(config, channelName, now);
  const state = { channelData: {} } as unknown as NotifyState; // a test leaves no trace in the state
  const [done] = await deliver(config, [{ id: messageId(channelName, 'notice', event, now), channel: channelName, event, purpose: 'notice' }], state, env, processEnv);
  const record = (done as { record: DeliveryRecord }).record;
  report(out, config, [record]);
  await out.summary(summaryTable([record], (s) => config.redactor.redact(s)));
  return record;
}
