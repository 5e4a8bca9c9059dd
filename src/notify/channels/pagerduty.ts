/**
 * PagerDuty Events API v2: `trigger` with the alert key as a stable `dedup_key` (updates of the
 * same alert land on the same PagerDuty incident), `resolve` with the same key. Reminders are
 * not sent (PagerDuty escalates on its own); maintenance notices are not alerts.
 */
import { createHash } from 'node:crypto';
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { fromHttp, httpRequest, sendHttp } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { titleOf, truncate, type SiteInfo } from '../format.ts';

/** `cairn/<alert key>`, hashed when longer than PagerDuty's 255 characters. */
export function dedupKey(event: NotificationEvent): string {
  // An escalation lands on the incident's own PagerDuty incident (opened by it when none was).
  return dedupKeyOf(event.details.kind === 'escalation' ? `incident:${event.details.file}` : event.key);
}

/** The dedup_key of an alert key (also PagerDuty's `incident_key`, to read the incident back). */
export function dedupKeyOf(alertKey: string): string {
  const key = `cairn/${alertKey}`;
  return key.length <= 255 ? key : `cairn/${createHash('sha256').update(alertKey).digest('hex')}`;
}

export function pagerdutyPayload(event: NotificationEvent, site: SiteInfo, routingKey: string, action: 'trigger' | 'resolve') {
  if (action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey(event) };
  const link = event.url ?? site.url;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey(event),
    payload: {
      summary: truncate(`${titleOf(event)}: ${event.text.split('\n')[0] ?? ''}`.replace(/: $/, ''), 1024),
      source: site.url ? new URL(site.url).host : site.title,
      severity: event.severity,
      timestamp: new Date(event.at).toISOString(),
      ...(event.components.length > 0 ? { component: event.components.join(',') } : {}),
      group: site.title,
      class: event.type,
      custom_details: { text: event.text, facts: Object.fromEntries(event.facts.map((f) => [f.name, f.value])), labels: event.labels, details: event.details },
    },
    client: 'Cairn',
    ...(link ? { client_url: link, links: [{ href: link, text: 'Status page' }] } : {}),
  };
}

export function pagerdutyChannel(settings: Extract<ChannelSettings, { type: 'pagerduty' }>): Channel {
  return {
    name: settings.name,
    type: 'pagerduty',
    async send(event, ctx) {
      if (ctx.purpose === 'reminder') return { status: 'skipped', attempts: 0, detail: 'PagerDuty escalates on its own; no reminder' };
      if (event.type.startsWith('maintenance.')) return { status: 'skipped', attempts: 0, detail: 'a maintenance notice is not an alert' };
      const post = (action: 'trigger' | 'resolve') => sendHttp(httpRequest(settings, settings.eventsUrl, pagerdutyPayload(event, ctx.site, settings.routingKey, action)), ctx.env);
      if (event.type === 'test') {
        const trigger = await post('trigger');
        if (!trigger.ok) return fromHttp(trigger);
        const resolve = await post('resolve');
        return { ...fromHttp(resolve, 'test event triggered and resolved'), attempts: trigger.attempts + resolve.attempts };
      }
      const action = event.action === 'resolve' ? 'resolve' : 'trigger';
      return fromHttp(await post(action), `${action} ${dedupKey(event)}`);
    },
  };
}
