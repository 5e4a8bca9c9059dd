/**
 * Which channels an event goes to: the configured routes, or the defaults by severity and type.
 */
import type { ChannelSettings, ChannelType, NotificationSettings, NotifyRouteSettings, NotifySeverity } from '../config/notify-types.ts';
import type { NotificationEvent } from './events.ts';

/**
 * Default routing when no `routes:` are written, by channel type: critical → PagerDuty, chat and
 * email; warning → chat and email; info → chat. Discord and Teams count as chat like Slack; the
 * generic webhook takes every severity (a machine decides); GitHub issues take critical and warning.
 */
export const DEFAULT_ROUTING: Record<NotifySeverity, readonly ChannelType[]> = {
  critical: ['pagerduty', 'slack', 'discord', 'teams', 'email', 'webhook', 'github'],
  warning: ['slack', 'discord', 'teams', 'email', 'webhook', 'github'],
  info: ['slack', 'discord', 'teams', 'webhook'],
};

function matches(route: NotifyRouteSettings, event: NotificationEvent): boolean {
  if (route.severity.length > 0 && !route.severity.includes(event.severity)) return false;
  if (route.components.length > 0 && !event.components.some((c) => route.components.includes(c))) return false;
  for (const [k, v] of Object.entries(route.labels)) if (event.labels[k] !== v) return false;
  if (route.events.length > 0) {
    const family = event.type.split('.')[0] as string;
    if (!route.events.some((e) => e === event.type || e === family)) return false;
  }
  return true;
}

/** Channel names for an event, in channel declaration order; a subscriber's channel is never picked (src/notify/subscribers.ts). */
export function route(settings: Pick<NotificationSettings, 'channels' | 'routes'>, event: NotificationEvent): string[] {
  const picked = new Set<string>();
  if (settings.routes === null) {
    const types = DEFAULT_ROUTING[event.severity];
    for (const c of settings.channels) if (types.includes(c.type) && !c.subscriber) picked.add(c.name);
  } else {
    for (const r of settings.routes) {
      if (!matches(r, event)) continue;
      for (const name of r.channels) picked.add(name);
      if (r.stop) break;
    }
  }
  return settings.channels.filter((c: ChannelSettings) => picked.has(c.name) && !c.subscriber).map((c) => c.name);
}
