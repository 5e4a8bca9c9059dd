/**
 * Uptime Kuma notifications (`notificationList` of its JSON backup; each `config` is the
 * notification's settings as a JSON string) to Cairn notification channels. Secrets (webhook
 * URLs, keys, SMTP credentials) become `${ENV}` references named after the channel.
 */
import { envName, IdAllocator, type ChannelConfig, type PeerSkip, type Secrets } from './peer.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

const PAGERDUTY_DEFAULT = 'https://events.pagerduty.com/v2/enqueue';

/** The settings of one notification: `config` (a JSON string in backups, an object in some exports) over the row. */
function settingsOf(row: Obj): Obj {
  let config: unknown = row['config'];
  if (typeof config === 'string') {
    try {
      config = JSON.parse(config);
    } catch {
      config = {};
    }
  }
  return { ...row, ...obj(config) };
}

export function convertNotifications(
  list: unknown,
  secrets: Secrets,
): { channels: Record<string, ChannelConfig>; byKumaId: Map<string, string>; skipped: PeerSkip[]; notes: string[] } {
  const channels: Record<string, ChannelConfig> = {};
  const byKumaId = new Map<string, string>();
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];
  const alloc = new IdAllocator();
  for (const raw of Array.isArray(list) ? list : []) {
    const row = obj(raw);
    const n = settingsOf(row);
    const name = str(row['name']) ?? str(n['name']) ?? `notification ${String(row['id'])}`;
    const type = (str(n['type']) ?? '').toLowerCase();
    if (row['active'] === false || row['active'] === 0) {
      skipped.push({ what: 'notification', message: `notification "${name}": disabled in Uptime Kuma` });
      continue;
    }
    const id = alloc.take(name, `${type || 'channel'}-${String(row['id'])}`);
    const ref = (value: unknown, field: string) => secrets.ref(value, envName(id, field), field.endsWith('url') ? 'url' : 'text');
    let channel: ChannelConfig | null = null;
    let missing: string | null = null;
    switch (type) {
      case 'slack':
        if (str(n['slackwebhookURL'])) channel = { type: 'slack', url: ref(n['slackwebhookURL'], 'webhook url') };
        else missing = 'slackwebhookURL';
        break;
      case 'discord':
        if (str(n['discordWebhookUrl'])) {
          channel = { type: 'discord', url: ref(n['discordWebhookUrl'], 'webhook url'), ...(str(n['discordUsername']) ? { username: str(n['discordUsername']) } : {}) };
        } else missing = 'discordWebhookUrl';
        break;
      case 'teams':
        if (str(n['webhookUrl'])) channel = { type: 'teams', url: ref(n['webhookUrl'], 'webhook url') };
        else missing = 'webhookUrl';
        break;
      case 'pagerduty': {
        const events = str(n['pagerdutyIntegrationUrl']);
        if (str(n['pagerdutyIntegrationKey'])) {
          channel = { type: 'pagerduty', routingKey: ref(n['pagerdutyIntegrationKey'], 'routing key'), ...(events && events !== PAGERDUTY_DEFAULT && /^https?:\/\//.test(events) ? { eventsUrl: events } : {}) };
        } else missing = 'pagerdutyIntegrationKey';
        break;
      }
      case 'smtp': {
        const host = str(n['smtpHost']);
        const from = str(n['smtpFrom']);
        const to = [n['smtpTo'], n['smtpCC'], n['smtpBCC']].flatMap((v) => (str(v) ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
        if (!host || !from || !to.length) {
          missing = 'smtpHost, smtpFrom and smtpTo';
          break;
        }
        const port = Number(n['smtpPort']);
        channel = {
          type: 'email',
          host,
          ...(Number.isInteger(port) && port > 0 && port < 65536 ? { port } : {}),
          ...(n['smtpSecure'] === true ? { secure: true } : {}),
          ...(str(n['smtpUsername']) ? { user: ref(n['smtpUsername'], 'smtp user') } : {}),
          ...(str(n['smtpPassword']) ? { pass: ref(n['smtpPassword'], 'smtp password') } : {}),
          from,
          to: to.length === 1 ? (to[0] as string) : to,
        };
        if (str(n['customSubject']) || str(n['customBody'])) skipped.push({ what: 'notification option', message: `notification "${name}": custom subject/body templates (Cairn writes its own messages)` });
        break;
      }
      case 'webhook':
        if (str(n['webhookURL'])) {
          channel = { type: 'webhook', url: ref(n['webhookURL'], 'webhook url'), secret: secrets.ref(undefined, envName(id, 'webhook secret')) };
          skipped.push({
            what: 'notification option',
            message: `notification "${name}": webhook content type and custom body are not carried over; Cairn's webhook POSTs its own signed JSON (docs/notifications.md): adapt the receiver and set ${envName(id, 'webhook secret')}`,
          });
        } else missing = 'webhookURL';
        break;
      default:
        skipped.push({ what: 'notification', message: `notification "${name}": type "${type || '?'}" has no Cairn channel (Cairn has slack, discord, teams, email, pagerduty, webhook, github)` });
        continue;
    }
    if (!channel) {
      skipped.push({ what: 'notification', message: `notification "${name}" (${type}): no ${missing}` });
      continue;
    }
    channels[id] = channel;
    byKumaId.set(String(row['id']), id);
    if (row['isDefault'] === true || row['is_default'] === true || n['isDefault'] === true) notes.push(`notification "${name}" was the default for new monitors in Uptime Kuma; in Cairn, routes decide (only the monitors that used it are routed to it)`);
  }
  return { channels, byKumaId, skipped, notes };
}
