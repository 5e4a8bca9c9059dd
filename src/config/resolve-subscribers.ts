/**
 * The `subscribers:` section of cairn.yaml, resolved into channels (`subscriber:<name>`) that the
 * notification state delivers to like any other, with exactly-once delivery, but that take only
 * subscriber updates (src/notify/subscribers.ts) and that no route picks. Email addresses come
 * from a secret and are registered for redaction, each one alone: none reaches the committed
 * state, a log or the job summary.
 */
import { DEFAULT_CHANNEL_RETRIES, DEFAULT_CHANNEL_TIMEOUT_MS } from './resolve-notify.ts';
import type { ChannelSettings, NotificationSettings } from './notify-types.ts';
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import type { ResolvedComponent } from './types.ts';
import { formatPath } from './yaml-source.ts';

/** The channel name of a subscriber: no configured channel can have it (ids have no ':'). */
export const SUBSCRIBER_PREFIX = 'subscriber:';

/** Addresses from one string (commas, semicolons, whitespace) or a list. */
export function splitAddresses(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? [value] : value;
  return [...new Set(parts.flatMap((p) => p.split(/[,;\s]+/)).map((a) => a.trim()).filter((a) => a !== ''))];
}

const ADDRESS_RE = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

export interface ResolvedSubscribers {
  channels: ChannelSettings[];
  secrets: string[];
}

export function resolveSubscribers(files: readonly ValidFile[], components: readonly ResolvedComponent[], problems: Problems): ResolvedSubscribers {
  const file = files.find((f) => f.role === 'settings');
  const own = file?.config.subscribers;
  if (!file || !own) return { channels: [], secrets: [] };
  const error = (at: (string | number)[], message: string) => {
    const p = ['subscribers', ...at];
    problems.error(file.locate(p), formatPath(p), message);
  };
  const known = new Set(components.map((c) => c.id));
  const seen = new Set<string>();
  const channels: ChannelSettings[] = [];
  const secrets: string[] = [];
  const unsubscribe = own.unsubscribe ?? null;
  own.list.forEach((s, i) => {
    if (seen.has(s.name)) error(['list', i, 'name'], `duplicate subscriber name "${s.name}"`);
    seen.add(s.name);
    (s.components ?? []).forEach((c, j) => {
      if (!known.has(c)) error(['list', i, 'components', j], `unknown component "${c}" (known: ${[...known].join(', ')})`);
    });
    const common = {
      name: `${SUBSCRIBER_PREFIX}${s.name}`,
      timeoutMs: s.timeout ?? DEFAULT_CHANNEL_TIMEOUT_MS,
      retries: s.retries ?? DEFAULT_CHANNEL_RETRIES,
      subscriber: { components: s.components ?? [], unsubscribe },
    };
    if (s.webhook !== undefined) {
      channels.push({ ...common, type: 'webhook', url: s.webhook, secret: s.secret ?? '', headers: {} });
      secrets.push(s.webhook, ...(s.secret ? [s.secret] : []));
    } else if (s.slack !== undefined) {
      channels.push({ ...common, type: 'slack', url: s.slack });
      secrets.push(s.slack);
    } else if (s.discord !== undefined) {
      channels.push({ ...common, type: 'discord', url: s.discord, username: 'Cairn' });
      secrets.push(s.discord);
    } else if (s.emails !== undefined) {
      const to = splitAddresses(s.emails);
      // Never quote an address in a message: the list is a secret.
      const bad = to.filter((a) => !ADDRESS_RE.test(a)).length;
      if (to.length === 0) error(['list', i, 'emails'], 'expected at least one email address');
      else if (bad > 0) error(['list', i, 'emails'], `expected email addresses such as name@example.com; ${bad} of ${to.length} ${bad === 1 ? 'is' : 'are'} not (not shown: the list is a secret)`);
      secrets.push(...to);
      if (!own.smtp) {
        error(['list', i, 'emails'], 'expected "subscribers.smtp" (host, from, …): it says how subscriber emails are sent');
        return;
      }
      const secure = own.smtp.secure ?? false;
      channels.push({
        ...common,
        type: 'email',
        host: own.smtp.host,
        port: own.smtp.port ?? (secure ? 465 : 587),
        secure,
        user: own.smtp.user ?? null,
        pass: own.smtp.pass ?? null,
        from: own.smtp.from,
        to,
      });
      if (own.smtp.pass) secrets.push(own.smtp.pass);
    }
  });
  return { channels, secrets };
}

/** The notification settings with the subscribers' channels after the configured ones. */
export function withSubscribers(settings: NotificationSettings, subscribers: ResolvedSubscribers): NotificationSettings {
  if (subscribers.channels.length === 0) return settings;
  return { ...settings, channels: [...settings.channels, ...subscribers.channels], secrets: [...settings.secrets, ...subscribers.secrets] };
}
