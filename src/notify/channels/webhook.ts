/**
 * Generic JSON webhook, signed with HMAC-SHA256 so the receiver can tell it came from Cairn:
 *
 *   X-Cairn-Timestamp: <unix seconds>
 *   X-Cairn-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   X-Cairn-Event:     <event type>
 *   X-Cairn-Delivery:  <the message's id: the same on every attempt and every run that retries it>
 *
 * A receiver recomputes the HMAC over the raw body bytes, compares in constant time, and rejects
 * a timestamp more than 5 minutes away from its clock (replays).
 */
import { createHmac } from 'node:crypto';
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { fromHttp, sendHttp } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { titleOf, type SiteInfo } from '../format.ts';
import type { Purpose } from '../state.ts';

export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookBody(event: NotificationEvent, site: SiteInfo, purpose: Purpose, id: string, now?: number) {
  return { version: 1, id, purpose, site, event: { ...event, title: titleOf(event, now) } };
}

export function webhookChannel(settings: Extract<ChannelSettings, { type: 'webhook' }>): Channel {
  return {
    name: settings.name,
    type: 'webhook',
    async send(event, ctx) {
      const now = ctx.env.now();
      const id = ctx.id;
      const body = JSON.stringify(webhookBody(event, ctx.site, ctx.purpose, id, now));
      const timestamp = Math.floor(now / 1000);
      return fromHttp(
        await sendHttp(
          {
            url: settings.url,
            headers: {
              ...settings.headers,
              'content-type': 'application/json',
              'x-cairn-event': event.type,
              'x-cairn-delivery': id,
              'x-cairn-timestamp': String(timestamp),
              // A subscriber's webhook may have no secret: then the body is not signed.
              ...(settings.secret !== '' ? { 'x-cairn-signature': sign(settings.secret, timestamp, body) } : {}),
            },
            body,
            timeoutMs: settings.timeoutMs,
            retries: settings.retries,
          },
          ctx.env,
        ),
      );
    },
  };
}
