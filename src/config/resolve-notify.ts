/**
 * The `notifications:` section of cairn.yaml, resolved: defaults applied, routes checked against
 * the declared channels and components.
 */
import type { NotificationSettings, ChannelSettings, NotifyRouteSettings, NotifySeverity } from './notify-types.ts';
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import type { CairnFileConfig } from './schema.ts';
import type { ResolvedComponent } from './types.ts';
import { formatPath } from './yaml-source.ts';

type NotificationsConfig = NonNullable<CairnFileConfig['notifications']>;
type ChannelConfig = NotificationsConfig['channels'][string];

export const DEFAULT_COOLDOWN_MS: Record<NotifySeverity, number> = { critical: 5 * 60_000, warning: 30 * 60_000, info: 15 * 60_000 };
export const DEFAULT_REMIND_MS = 4 * 3_600_000;
export const DEFAULT_FORECAST_WITHIN_MS = 14 * 86_400_000;
export const DEFAULT_CHANNEL_TIMEOUT_MS = 10_000;
export const DEFAULT_CHANNEL_RETRIES = 3;
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const GITHUB_API_URL = 'https://api.github.com';
export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';

/** Notifications off: no channel. */
export function noNotifications(): NotificationSettings {
  return {
    channels: [],
    routes: null,
    componentLabels: {},
    cooldownMs: { ...DEFAULT_COOLDOWN_MS },
    remindMs: DEFAULT_REMIND_MS,
    sendResolved: true,
    maintenanceEvents: false,
    forecastWithinMs: DEFAULT_FORECAST_WITHIN_MS,
    secrets: [],
  };
}

function resolveChannel(name: string, c: ChannelConfig): { channel: ChannelSettings; secrets: string[] } {
  const common = { name, timeoutMs: c.timeout ?? DEFAULT_CHANNEL_TIMEOUT_MS, retries: c.retries ?? DEFAULT_CHANNEL_RETRIES };
  switch (c.type) {
    case 'slack':
    case 'teams':
      return { channel: { ...common, type: c.type, url: c.url }, secrets: [c.url] };
    case 'discord':
      return { channel: { ...common, type: 'discord', url: c.url, username: c.username ?? 'Cairn' }, secrets: [c.url] };
    case 'email': {
      const secure = c.secure ?? false;
      const channel: ChannelSettings = {
        ...common,
        type: 'email',
        host: c.host,
        port: c.port ?? (secure ? 465 : 587),
        secure,
        user: c.user ?? null,
        pass: c.pass ?? null,
        from: c.from,
        to: typeof c.to === 'string' ? [c.to] : c.to,
      };
      return { channel, secrets: c.pass ? [c.pass] : [] };
    }
    case 'pagerduty':
      return {
        channel: { ...common, type: 'pagerduty', routingKey: c.routingKey, eventsUrl: c.eventsUrl ?? PAGERDUTY_EVENTS_URL, apiToken: c.apiToken ?? null, apiUrl: (c.apiUrl ?? PAGERDUTY_API_URL).replace(/\/+$/, '') },
        secrets: [c.routingKey, ...(c.apiToken ? [c.apiToken] : [])],
      };
    case 'webhook':
      return {
        channel: { ...common, type: 'webhook', url: c.url, secret: c.secret, headers: c.headers ?? {} },
        secrets: [c.secret, ...Object.values(c.headers ?? {})],
      };
    case 'github':
      return {
        channel: { ...common, type: 'github', repo: c.repo, token: c.token ?? null, apiUrl: (c.apiUrl ?? GITHUB_API_URL).replace(/\/+$/, ''), labels: c.labels ?? ['incident'] },
        secrets: c.token ? [c.token] : [],
      };
  }
}

export function resolveNotifications(files: readonly ValidFile[], components: readonly ResolvedComponent[], problems: Problems): NotificationSettings {
  const file = files.find((f) => f.role === 'settings');
  const own = file?.config.notifications;
  if (!file || !own) return noNotifications();
  const channels: ChannelSettings[] = [];
  const secrets: string[] = [];
  for (const [name, c] of Object.entries(own.channels)) {
    const resolved = resolveChannel(name, c);
    channels.push(resolved.channel);
    secrets.push(...resolved.secrets);
  }
  const names = new Set(channels.map((c) => c.name));
  const known = new Set(components.map((c) => c.id));
  const unknownComponent = (at: (string | number)[], id: string) => {
    const p = ['notifications', ...at];
    problems.error(file.locate(p), formatPath(p), `unknown component "${id}" (known: ${[...known].join(', ')})`);
  };
  const routes: NotifyRouteSettings[] | null =
    own.routes?.map((r, i) => {
      r.channels.forEach((ch, j) => {
        if (!names.has(ch)) {
          const at = ['notifications', 'routes', i, 'channels', j];
          problems.error(file.locate(at), formatPath(at), `unknown channel "${ch}" (declared: ${[...names].join(', ') || 'none'})`);
        }
      });
      (r.components ?? []).forEach((c, j) => {
        if (!known.has(c)) unknownComponent(['routes', i, 'components', j], c);
      });
      return {
        severity: r.severity === undefined ? [] : typeof r.severity === 'string' ? [r.severity] : r.severity,
        components: r.components ?? [],
        labels: r.labels ?? {},
        events: r.events ?? [],
        channels: r.channels,
        stop: r.stop ?? false,
      };
    }) ?? null;
  for (const id of Object.keys(own.componentLabels ?? {})) if (!known.has(id)) unknownComponent(['componentLabels', id], id);
  const remind = own.remind;
  return {
    channels,
    routes,
    componentLabels: own.componentLabels ?? {},
    cooldownMs: {
      critical: own.cooldown?.critical ?? DEFAULT_COOLDOWN_MS.critical,
      warning: own.cooldown?.warning ?? DEFAULT_COOLDOWN_MS.warning,
      info: own.cooldown?.info ?? DEFAULT_COOLDOWN_MS.info,
    },
    remindMs: remind === undefined ? DEFAULT_REMIND_MS : remind === false || remind === 0 ? null : remind,
    sendResolved: own.sendResolved ?? true,
    maintenanceEvents: own.maintenanceEvents ?? false,
    forecastWithinMs: own.forecastWithin ?? DEFAULT_FORECAST_WITHIN_MS,
    secrets,
  };
}
