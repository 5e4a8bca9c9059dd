/**
 * The one interface every channel implements (one small file per service under channels/).
 */
import type { ChannelType } from '../config/notify-types.ts';
import type { DeliveryEnv, DeliveryOutcome } from './delivery.ts';
import type { NotificationEvent } from './events.ts';
import type { SiteInfo } from './format.ts';
import type { Purpose } from './state.ts';

export type { DeliveryOutcome } from './delivery.ts';

export interface ChannelContext {
  /**
   * The message's id: the same on every attempt and in every run that retries it (webhooks send
   * it as `X-Cairn-Delivery`), so a receiver can de-duplicate.
   */
  id: string;
  env: DeliveryEnv;
  site: SiteInfo;
  /** Why this message goes out: a new alert or update, a retry, a reminder, a resolve, a notice. */
  purpose: Purpose;
  /** This channel's memory, kept in the committed state (GitHub issue numbers by alert key). Mutable. */
  memory: Record<string, unknown>;
  /** Where a channel reads environment variables it needs at send time (GITHUB_TOKEN). */
  processEnv: Record<string, string | undefined>;
}

export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /** Never throws for a delivery failure: returns `failed` with a reason. */
  send(event: NotificationEvent, ctx: ChannelContext): Promise<DeliveryOutcome>;
}
