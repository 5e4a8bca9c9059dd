/** Email over SMTP with nodemailer: a text part and an HTML part, the severity in the subject. */
import nodemailer from 'nodemailer';
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { DEADLINE_DETAIL, sleepUnlessAborted, type DeliveryOutcome } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { escapeHtml } from '../../text/escape.ts';
import { html, plainText, statusWord, titleOf, type SiteInfo } from '../format.ts';

type Settings = Extract<ChannelSettings, { type: 'email' }>;

export function emailMessage(event: NotificationEvent, site: SiteInfo, settings: Pick<Settings, 'from' | 'to' | 'subscriber'>, now?: number) {
  const base = {
    from: settings.from,
    to: settings.to as string | string[],
    subject: `[${site.title}] ${statusWord(event)}: ${titleOf(event, now)}`,
    text: plainText(event, site, now),
    html: html(event, site, now),
    headers: { 'X-Cairn-Event': event.type, 'X-Cairn-Alert': event.key } as Record<string, string>,
  };
  if (!settings.subscriber) return base;
  // A subscriber list: one message, the addresses only in the SMTP envelope (no subscriber sees
  // another's), the sender in To, and how to leave in the List-Unsubscribe header and the text.
  const leave = settings.subscriber.unsubscribe;
  const line = leave ? `You receive this because you subscribed to ${site.title} updates. To unsubscribe: ${leave.replace(/^mailto:/, '')}` : `You receive this because you subscribed to ${site.title} updates.`;
  return {
    ...base,
    to: settings.from,
    envelope: { from: settings.from, to: settings.to },
    subject: `[${site.title}] ${titleOf(event, now)}`,
    text: `${base.text}\n\n${line}\n`,
    html: base.html.replace('</body>', `<p style="color:#666;font-size:smaller">${escapeHtml(line)}${leave ? ` <a href="${escapeHtml(leave)}">Unsubscribe</a>` : ''}</p>\n</body>`),
    headers: { ...base.headers, 'Precedence': 'list', 'Auto-Submitted': 'auto-generated', ...(leave ? { 'List-Unsubscribe': `<${leave}>` } : {}) },
  };
}

/** SMTP 4xx replies and dropped connections are worth another try; 5xx are not. */
function retryable(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return ['ECONNECTION', 'ECONNREFUSED', 'ECONNRESET', 'ESOCKET', 'EDNS'].includes(e.code ?? '');
}

export function emailChannel(settings: Settings): Channel {
  return {
    name: settings.name,
    type: 'email',
    async send(event, ctx): Promise<DeliveryOutcome> {
      const transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.user !== null ? { auth: { user: settings.user, pass: settings.pass ?? '' } } : {}),
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
      });
      const base = emailMessage(event, ctx.site, settings, ctx.env.now());
      // The same Message-ID on every attempt and every run that retries it: mail systems de-duplicate on it.
      const message = { ...base, messageId: `<${ctx.id}@cairn>`, headers: { ...base.headers, 'X-Cairn-Delivery': ctx.id } };
      // The run's deadline closes the connection: the mail is then owed to a later run.
      const signal = ctx.env.signal;
      const stop = () => transport.close();
      signal?.addEventListener('abort', stop, { once: true });
      try {
        for (let attempt = 1; ; attempt++) {
          if (signal?.aborted) return { status: 'failed', attempts: attempt - 1, detail: DEADLINE_DETAIL };
          try {
            const info = await transport.sendMail(message);
            return { status: 'sent', attempts: attempt, detail: `accepted by ${settings.host}: ${ctx.env.redactor.cut(String(info.response ?? ''), 121)}` };
          } catch (err) {
            if (signal?.aborted) return { status: 'failed', attempts: attempt, detail: DEADLINE_DETAIL };
            const text = err instanceof Error ? err.message : String(err);
            if (!retryable(err) || attempt > settings.retries) return { status: 'failed', attempts: attempt, detail: text };
            await sleepUnlessAborted(ctx.env, Math.min(ctx.env.maxDelayMs, ctx.env.baseDelayMs * 2 ** (attempt - 1)));
          }
        }
      } finally {
        signal?.removeEventListener('abort', stop);
        transport.close();
      }
    },
  };
}
