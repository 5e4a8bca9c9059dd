import { describe, expect, it } from 'vitest';
import type { ChannelSettings, NotifyRouteSettings } from '../config/notify-types.ts';
import type { NotificationEvent } from './events.ts';
import { route } from './router.ts';

const c = (name: string, type: ChannelSettings['type']) => ({ name, type, timeoutMs: 1, retries: 0 }) as ChannelSettings;
const channels = [c('pd', 'pagerduty'), c('chat', 'slack'), c('mail', 'email'), c('hook', 'webhook'), c('gh', 'github')];

const ev = (severity: NotificationEvent['severity'], more: Partial<NotificationEvent> = {}): NotificationEvent => ({
  type: 'component.down',
  action: 'trigger',
  key: 'component:api',
  severity,
  title: 't',
  text: '',
  components: ['api'],
  labels: {},
  at: 0,
  url: null,
  facts: [],
  details: { kind: 'test' },
  ...more,
});

const r = (partial: Partial<NotifyRouteSettings>): NotifyRouteSettings => ({ severity: [], components: [], labels: {}, events: [], channels: [], stop: false, ...partial });

describe('routing', () => {
  it.each([
    ['critical', ['pd', 'chat', 'mail', 'hook', 'gh']],
    ['warning', ['chat', 'mail', 'hook', 'gh']],
    ['info', ['chat', 'hook']],
  ] as const)('defaults: %s → %j', (severity, expected) => {
    expect(route({ channels, routes: null }, ev(severity))).toEqual(expected);
  });

  it('defaults use only the channels that exist', () => {
    expect(route({ channels: [c('chat', 'slack')], routes: null }, ev('critical'))).toEqual(['chat']);
    expect(route({ channels: [c('pd', 'pagerduty')], routes: null }, ev('info'))).toEqual([]);
  });

  const routes = [
    r({ severity: ['critical'], channels: ['pd'] }),
    r({ components: ['db'], channels: ['mail'], stop: true }),
    r({ labels: { team: 'payments' }, channels: ['hook'] }),
    r({ events: ['incident'], channels: ['gh'] }),
    r({ events: ['certificate.warning'], channels: ['chat'] }),
  ];
  it.each([
    ['critical api', ev('critical'), ['pd']],
    ['critical db stops', ev('critical', { components: ['db'], labels: { team: 'payments' } }), ['pd', 'mail']],
    ['labels', ev('warning', { labels: { team: 'payments', tier: '1' } }), ['hook']],
    ['label mismatch', ev('warning', { labels: { team: 'core' } }), []],
    ['event family', ev('info', { type: 'incident.updated' }), ['gh']],
    ['exact type', ev('warning', { type: 'certificate.warning' }), ['chat']],
    ['exact type, other', ev('critical', { type: 'certificate.critical' }), ['pd']],
  ] as const)('routes: %s', (_name, event, expected) => {
    expect(route({ channels, routes }, event)).toEqual(expected);
  });
});
