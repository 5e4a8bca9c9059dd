/** Slack incoming webhook with a Block Kit message (header, text, fields, context). */
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { fromHttp, httpRequest, sendHttp } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { factsOf, statusWord, titleOf, truncate, type SiteInfo } from '../format.ts';

/** Slack's mrkdwn needs &, < and > escaped. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(event: NotificationEvent, site: SiteInfo, now?: number) {
  const title = titleOf(event, now);
  const link = event.url ?? site.url;
  const context = [`*${statusWord(event)}*`, esc(site.title), `\`${event.type}\``, `<!date^${Math.floor(event.at / 1000)}^{date_short_pretty} {time}|${new Date(event.at).toISOString()}>`];
  if (link) context.push(`<${link}|Status page>`);
  return {
    text: truncate(`[${statusWord(event)}] ${title}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(title, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(esc(event.text || title), 3000) } },
      { type: 'section', fields: factsOf(event).slice(0, 10).map((f) => ({ type: 'mrkdwn', text: truncate(`*${esc(f.name)}*\n${esc(f.value)}`, 2000) })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ],
  };
}

export function slackChannel(settings: Extract<ChannelSettings, { type: 'slack' }>): Channel {
  return {
    name: settings.name,
    type: 'slack',
    async send(event, ctx) {
      return fromHttp(await sendHttp(httpRequest(settings, settings.url, slackPayload(event, ctx.site, ctx.env.now())), ctx.env));
    },
  };
}
