/** The outbox of the notification state: stable ids, claims by the run whose push wins, retries. */
import { describe, expect, it } from 'vitest';
import type { ChannelSettings } from '../config/notify-types.ts';
import type { NotificationEvent } from './events.ts';
import { EMPTY_NOTIFY_STATE, plan, settle, type NotifyState, type PlanInput } from './state.ts';

const channels = [{ name: 'hook', type: 'webhook', timeoutMs: 1, retries: 0 } as ChannelSettings];
const settings: PlanInput['settings'] = { channels, routes: null, cooldownMs: { critical: 300_000, warning: 1_800_000, info: 900_000 }, remindMs: null, sendResolved: true };
const T0 = Date.parse('2026-11-24T10:00:00Z');
const CLAIM = 360_000;

const ev = (action: 'trigger' | 'resolve', at: number): NotificationEvent => ({
  type: action === 'trigger' ? 'incident.opened' : 'incident.resolved',
  action,
  key: 'incident:incidents/2026-11-24-api.md',
  severity: 'critical',
  title: 't',
  text: '',
  components: ['api'],
  labels: {},
  at,
  url: null,
  facts: [],
  details: { kind: 'test' },
});

const step = (state: NotifyState, run: string, now: number, events: NotificationEvent[] = []) => plan({ settings, state, events, now, run, claimMs: CLAIM, muted: () => false });

describe('the outbox', () => {
  it('a message is claimed by the run that decided it; a racing run on top of that state sends nothing', () => {
    const a = step(structuredClone(EMPTY_NOTIFY_STATE), 'run-a', T0, [ev('trigger', T0)]);
    expect(a.deliveries).toHaveLength(1);
    const id = a.deliveries[0]!.id;
    expect(a.state.outbox).toMatchObject([{ id, claim: { run: 'run-a', until: T0 + CLAIM } }]);
    // B lost the race to A and decides again on A's state: the alert is open, the message in flight.
    const b = step(a.state, 'run-b', T0 + 2000);
    expect(b.deliveries).toEqual([]);
    expect(b.state.outbox).toEqual(a.state.outbox);
  });

  it('a failed delivery is released and retried by a later run with the same id', () => {
    const a = step(structuredClone(EMPTY_NOTIFY_STATE), 'run-a', T0, [ev('trigger', T0)]);
    const { state } = settle(a.state, [{ delivery: a.deliveries[0]!, ok: false }], T0 + 1000);
    expect(state.outbox).toMatchObject([{ failures: 1, claim: null }]);
    const b = step(state, 'run-b', T0 + 300_000);
    expect(b.deliveries).toEqual([{ ...a.deliveries[0], purpose: 'retry' }]);
    const done = settle(b.state, [{ delivery: b.deliveries[0]!, ok: true }], T0 + 301_000).state;
    expect(done.outbox).toEqual([]);
    expect(done.alerts['incident:incidents/2026-11-24-api.md']!.channels['hook']).toEqual({ sentAt: T0 + 301_000, owed: null });
  });

  it('the claim of a run that died runs out: the next run delivers the message, with the same id', () => {
    const a = step(structuredClone(EMPTY_NOTIFY_STATE), 'run-a', T0, [ev('trigger', T0)]);
    expect(step(a.state, 'run-b', T0 + CLAIM - 1).deliveries).toEqual([]);
    expect(step(a.state, 'run-b', T0 + CLAIM).deliveries.map((d) => d.id)).toEqual([a.deliveries[0]!.id]);
  });

  it('a resolve while another run is still delivering the trigger goes to that channel too', () => {
    const a = step(structuredClone(EMPTY_NOTIFY_STATE), 'run-a', T0, [ev('trigger', T0)]);
    const b = step(a.state, 'run-b', T0 + 1000, [ev('resolve', T0 + 1000)]);
    expect(b.deliveries.map((d) => [d.purpose, d.event.type])).toEqual([['resolve', 'incident.resolved']]);
    expect(b.state.outbox.map((m) => [m.purpose, m.claim?.run])).toEqual([
      ['trigger', 'run-a'],
      ['resolve', 'run-b'],
    ]);
  });

  it('a trigger never delivered is dropped by the resolve, and nobody is told of either', () => {
    const a = step(structuredClone(EMPTY_NOTIFY_STATE), 'run-a', T0, [ev('trigger', T0)]);
    const failed = settle(a.state, [{ delivery: a.deliveries[0]!, ok: false }], T0 + 1000).state;
    const b = step(failed, 'run-b', T0 + 300_000, [ev('resolve', T0 + 300_000)]);
    expect(b.deliveries).toEqual([]);
    expect(b.state.outbox).toEqual([]);
  });

  it('an escalation told to PagerDuty (the alert went elsewhere) is resolved there when the incident resolves', () => {
    const pager = { name: 'pager', type: 'pagerduty', timeoutMs: 1, retries: 0 } as ChannelSettings;
    const both: PlanInput['settings'] = { ...settings, channels: [...channels, pager] };
    const run = (state: NotifyState, now: number, events: NotificationEvent[]) => plan({ settings: both, state, events, now, run: 'r', claimMs: CLAIM, muted: () => false });
    const opened = { ...ev('trigger', T0), severity: 'warning' as const };
    const a = run(structuredClone(EMPTY_NOTIFY_STATE), T0, [opened]);
    expect(a.deliveries.map((d) => d.channel)).toEqual(['hook']); // warning: not PagerDuty
    const sent = settle(a.state, a.deliveries.map((delivery) => ({ delivery, ok: true })), T0 + 1000).state;
    const escalation: NotificationEvent = {
      ...opened,
      type: 'incident.escalated',
      action: 'notice',
      key: 'escalation:incidents/2026-11-24-api.md',
      severity: 'critical',
      to: ['pager'],
      details: { kind: 'escalation', file: 'incidents/2026-11-24-api.md', severity: 'P3', detectedAt: '2026-11-24T10:00:00.000Z', dueAt: '2026-11-24T10:30:00.000Z', targetMs: 1_800_000, owner: null },
    };
    const b = run(sent, T0 + 40 * 60_000, [escalation]);
    expect(b.deliveries.map((d) => [d.channel, d.purpose])).toEqual([['pager', 'notice']]);
    const told = settle(b.state, b.deliveries.map((delivery) => ({ delivery, ok: true })), T0 + 41 * 60_000).state;
    const c = run(told, T0 + 60 * 60_000, [ev('resolve', T0 + 60 * 60_000)]);
    expect(c.deliveries.map((d) => [d.channel, d.purpose, d.event.key]).sort()).toEqual([
      ['hook', 'resolve', 'incident:incidents/2026-11-24-api.md'],
      ['pager', 'resolve', 'incident:incidents/2026-11-24-api.md'],
    ]);
    // An escalation to another kind of channel changes nothing of the alert.
    const d = run(sent, T0 + 40 * 60_000, [{ ...escalation, to: ['hook'] }]);
    expect(Object.keys(d.state.alerts['incident:incidents/2026-11-24-api.md']!.channels)).toEqual(['hook']);
  });
});
