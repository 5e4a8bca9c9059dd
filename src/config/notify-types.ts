/**
 * The resolved `notifications:` section (see resolve-notify.ts): what src/notify reads.
 */
export type NotifySeverity = 'critical' | 'warning' | 'info';

export type ChannelType = 'slack' | 'discord' | 'teams' | 'email' | 'pagerduty' | 'webhook' | 'github';

interface ChannelCommon {
  /** The channel's name in `notifications.channels`. */
  name: string;
  /** Timeout of one delivery attempt. */
  timeoutMs: number;
  /** Extra attempts after a retryable failure (5xx, 429, refused connection). */
  retries: number;
  /**
   * Set on a subscriber's channel (`subscribers:` in cairn.yaml, named `subscriber:<name>`): it
   * takes only the subscriber updates of its components (src/notify/subscribers.ts), never an
   * alert; routes never pick it.
   */
  subscriber?: SubscriberOf;
}

export interface SubscriberOf {
  /** Components followed; empty: all. */
  components: string[];
  /** Where an email subscriber asks to leave (mailto: or a URL); null: none configured. */
  unsubscribe: string | null;
}

export type ChannelSettings = ChannelCommon &
  (
    | { type: 'slack'; url: string }
    | { type: 'discord'; url: string; username: string }
    | { type: 'teams'; url: string }
    | { type: 'email'; host: string; port: number; secure: boolean; user: string | null; pass: string | null; from: string; to: string[] }
    /** `apiToken` null: acknowledgements are not read back from PagerDuty. */
    | { type: 'pagerduty'; routingKey: string; eventsUrl: string; apiToken: string | null; apiUrl: string }
    | { type: 'webhook'; url: string; secret: string; headers: Record<string, string> }
    /** `token` null: the GITHUB_TOKEN environment variable, read at send time. */
    | { type: 'github'; repo: string; token: string | null; apiUrl: string; labels: string[] }
  );

export interface NotifyRouteSettings {
  /** Empty: every severity. */
  severity: NotifySeverity[];
  /** Empty: every component (and events about no component). */
  components: string[];
  labels: Record<string, string>;
  /** Event families or types; empty: all. */
  events: string[];
  channels: string[];
  stop: boolean;
}

export interface NotificationSettings {
  /** In the order written. Empty: notifications are off. */
  channels: ChannelSettings[];
  /** Null: the default routing by severity and channel type. */
  routes: NotifyRouteSettings[] | null;
  componentLabels: Record<string, Record<string, string>>;
  cooldownMs: Record<NotifySeverity, number>;
  /** Null: no reminders. */
  remindMs: number | null;
  sendResolved: boolean;
  maintenanceEvents: boolean;
  forecastWithinMs: number;
  /** Every secret of the channels (URLs, keys, passwords, tokens): redacted from all output. */
  secrets: string[];
}
