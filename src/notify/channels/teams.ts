/** Microsoft Teams incoming webhook (Workflows): a message with one Adaptive Card attachment. */
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { fromHttp, httpRequest, sendHttp } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { factsOf, statusWord, titleOf, type SiteInfo } from '../format.ts';

const TEXT_COLOR = { critical: 'Attention', warning: 'Warning', info: 'Accent' } as const;

export function teamsPayload(event: NotificationEvent, site: SiteInfo, now?: number) {
  const link = event.url ?? site.url;
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: statusWord(event), weight: 'Bolder', color: event.action === 'resolve' ? 'Good' : TEXT_COLOR[event.severity], size: 'Small' },
            { type: 'TextBlock', text: titleOf(event, now), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: event.text, wrap: true },
            { type: 'FactSet', facts: factsOf(event).map((f) => ({ title: f.name, value: f.value })) },
            { type: 'TextBlock', text: `${site.title} · ${event.type} · ${new Date(event.at).toISOString()}`, isSubtle: true, size: 'Small', wrap: true },
          ],
          ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open status page', url: link }] } : {}),
        },
      },
    ],
  };
}

export function teamsChannel(settings: Extract<ChannelSettings, { type: 'teams' }>): Channel {
  return {
    name: settings.name,
    type: 'teams',
    async send(event, ctx) {
      return fromHttp(await sendHttp(httpRequest(settings, settings.url, teamsPayload(event, ctx.site, ctx.env.now())), ctx.env));
    },
  };
}
