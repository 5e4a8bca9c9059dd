/** Discord webhook: one embed (title, description, colour, fields, timestamp). */
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { fromHttp, httpRequest, sendHttp } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { colorOf, factsOf, titleOf, truncate, type SiteInfo } from '../format.ts';

export function discordPayload(event: NotificationEvent, site: SiteInfo, username: string, now?: number) {
  const link = event.url ?? site.url;
  return {
    username,
    // No @everyone or role pings from a status message.
    allowed_mentions: { parse: [] as string[] },
    embeds: [
      {
        title: truncate(titleOf(event, now), 256),
        description: truncate(event.text || titleOf(event, now), 4096),
        ...(link ? { url: link } : {}),
        color: Number.parseInt(colorOf(event).slice(1), 16),
        fields: factsOf(event)
          .slice(0, 25)
          .map((f) => ({ name: truncate(f.name, 256), value: truncate(f.value || '—', 1024), inline: true })),
        timestamp: new Date(event.at).toISOString(),
        footer: { text: truncate(`${site.title} · ${event.type}`, 2048) },
      },
    ],
  };
}

export function discordChannel(settings: Extract<ChannelSettings, { type: 'discord' }>): Channel {
  return {
    name: settings.name,
    type: 'discord',
    async send(event, ctx) {
      // ?wait=true: Discord answers 200 once the message is posted (else 204 before it is).
      const url = new URL(settings.url);
      url.searchParams.set('wait', 'true');
      return fromHttp(await sendHttp(httpRequest(settings, url.toString(), discordPayload(event, ctx.site, settings.username, ctx.env.now())), ctx.env));
    },
  };
}
