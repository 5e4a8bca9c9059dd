/** One channel object per configured channel. */
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { discordChannel } from './discord.ts';
import { emailChannel } from './email.ts';
import { githubChannel } from './github.ts';
import { pagerdutyChannel } from './pagerduty.ts';
import { slackChannel } from './slack.ts';
import { teamsChannel } from './teams.ts';
import { webhookChannel } from './webhook.ts';

export function createChannel(settings: ChannelSettings): Channel {
  switch (settings.type) {
    case 'slack':
      return slackChannel(settings);
    case 'discord':
      return discordChannel(settings);
    case 'teams':
      return teamsChannel(settings);
    case 'email':
      return emailChannel(settings);
    case 'pagerduty':
      return pagerdutyChannel(settings);
    case 'webhook':
      return webhookChannel(settings);
    case 'github':
      return githubChannel(settings);
  }
}
