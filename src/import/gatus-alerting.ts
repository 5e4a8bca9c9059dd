/**
 * Gatus `alerting` providers to Cairn notification channels, and the `alerts` of endpoints to
 * routes. Every secret (webhook URLs, keys, passwords) is written as a `${ENV}` reference, never
 * copied; a value that already is `${NAME}` keeps its name.
 */
import { envName, isSecretHeader, type ChannelConfig, type PeerSkip, type RouteConfig, type Secrets } from './peer.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

/** Providers Cairn has a channel for, by Gatus' name. */
const MAPPED = new Set(['slack', 'discord', 'teams', 'teams-workflows', 'pagerduty', 'email', 'custom']);

export function convertAlerting(
  alerting: unknown,
  secrets: Secrets,
): { channels: Record<string, ChannelConfig>; skipped: PeerSkip[]; notes: string[] } {
  const channels: Record<string, ChannelConfig> = {};
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];
  for (const [provider, raw] of Object.entries(obj(alerting))) {
    const p = obj(raw);
    const id = provider.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
    if (!MAPPED.has(provider)) {
      skipped.push({ what: 'alerting provider', message: `alerting provider "${provider}": Cairn has no ${provider} channel (it has slack, discord, teams, email, pagerduty, webhook, github)` });
      continue;
    }
    if (p['overrides'] !== undefined) skipped.push({ what: 'provider option', message: `alerting.${provider}.overrides (per-group destinations): add a channel and a route per group by hand` });
    const url = (field: string) => secrets.ref(p[field], envName(id, field === 'webhook-url' ? 'webhook url' : field), 'url');
    switch (provider) {
      case 'slack':
      case 'discord':
      case 'teams':
      case 'teams-workflows': {
        if (!str(p['webhook-url'])) {
          skipped.push({ what: 'alerting provider', message: `alerting provider "${provider}": no webhook-url` });
          continue;
        }
        const type = provider.startsWith('teams') ? 'teams' : provider;
        channels[id] = { type, url: url('webhook-url') };
        if (provider === 'teams') notes.push('alerting.teams used an Office 365 connector; Cairn posts to a Teams Workflows webhook: create one and set its URL');
        break;
      }
      case 'pagerduty': {
        if (!str(p['integration-key'])) {
          skipped.push({ what: 'alerting provider', message: 'alerting provider "pagerduty": no integration-key' });
          continue;
        }
        channels[id] = { type: 'pagerduty', routingKey: secrets.ref(p['integration-key'], envName(id, 'routing key')) };
        break;
      }
      case 'email': {
        const host = str(p['host']);
        const from = str(p['from']);
        const to = (str(p['to']) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (!host || !from || !to.length) {
          skipped.push({ what: 'alerting provider', message: 'alerting provider "email": expected host, from and to' });
          continue;
        }
        const port = Number(p['port']);
        const user = str(p['username']);
        channels[id] = {
          type: 'email',
          host: secrets.note(host),
          ...(Number.isInteger(port) && port > 0 && port < 65536 ? { port, ...(port === 465 ? { secure: true } : {}) } : {}),
          ...(user ? { user: secrets.ref(user, envName(id, 'smtp user')) } : {}),
          ...(str(p['password']) ? { pass: secrets.ref(p['password'], envName(id, 'smtp password')) } : {}),
          from,
          to: to.length === 1 ? (to[0] as string) : to,
        };
        if (obj(p['client'])['insecure'] === true) skipped.push({ what: 'provider option', message: 'alerting.email.client.insecure: Cairn verifies the SMTP server\'s certificate' });
        break;
      }
      case 'custom': {
        if (!str(p['url'])) {
          skipped.push({ what: 'alerting provider', message: 'alerting provider "custom": no url' });
          continue;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(obj(p['headers']))) {
          if (typeof value !== 'string') continue;
          headers[name] = isSecretHeader(name) ? secrets.ref(value, envName(id, name)) : secrets.note(value);
        }
        channels[id] = {
          type: 'webhook',
          url: url('url'),
          secret: secrets.ref(undefined, envName(id, 'webhook secret')),
          ...(Object.keys(headers).length ? { headers } : {}),
        };
        skipped.push({
          what: 'provider option',
          message: `alerting.custom: its method and body template ([ALERT_DESCRIPTION], [ENDPOINT_NAME], ...) are not carried over; Cairn's webhook POSTs its own signed JSON (docs/notifications.md): adapt the receiver, and set ${envName(id, 'webhook secret')} to a signing secret shared with it`,
        });
        break;
      }
    }
  }
  return { channels, skipped, notes };
}

/** An endpoint's alerts: the channel ids it alerts, after each provider's default-alert. */
export function endpointAlerts(alerts: unknown, alerting: unknown, channels: Record<string, ChannelConfig>, endpoint: string, skipped: PeerSkip[]): string[] {
  const out: string[] = [];
  if (!Array.isArray(alerts)) return out;
  for (const raw of alerts) {
    const a = obj(raw);
    const type = str(a['type']);
    if (!type) continue;
    const merged = { ...obj(obj(obj(alerting)[type])['default-alert']), ...a };
    if (merged['enabled'] === false) continue;
    const id = type.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
    if (!channels[id]) {
      skipped.push({ what: 'alert', message: `endpoint "${endpoint}": alert of type "${type}" has no channel (its provider is missing or was not imported)` });
      continue;
    }
    if (!out.includes(id)) out.push(id);
  }
  return out;
}

/** One route per channel, taking the components whose endpoints alerted it. */
export function routesFor(alerted: ReadonlyMap<string, string[]>): RouteConfig[] {
  const byChannel = new Map<string, string[]>();
  for (const [component, channels] of alerted) for (const c of channels) byChannel.set(c, [...(byChannel.get(c) ?? []), component]);
  return [...byChannel].map(([channel, components]) => ({ components, channels: [channel] }));
}
