/**
 * The words and colours every channel shares: title, status word, facts, plain text and HTML.
 * Channels only lay these out in their own format.
 */
import { escapeHtml } from '../text/escape.ts';
import type { NotificationEvent, Fact } from './events.ts';

export interface SiteInfo {
  title: string;
  url: string | null;
}

export const COLORS = { critical: '#d73a49', warning: '#dbab09', info: '#0366d6', resolved: '#28a745' } as const;

export function colorOf(event: NotificationEvent): string {
  return event.action === 'resolve' ? COLORS.resolved : COLORS[event.severity];
}

/** `RESOLVED`, `CRITICAL`, `WARNING`, `INFO`. */
export function statusWord(event: NotificationEvent): string {
  return event.action === 'resolve' ? 'RESOLVED' : event.severity.toUpperCase();
}

function since(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}

/** The title as shown: reminders say so and for how long the alert has been open. */
export function titleOf(event: NotificationEvent, now: number = event.at): string {
  return event.reminder ? `Reminder: ${event.title} (open for ${since(now - event.reminder.openSince)})` : event.title;
}

export function factsOf(event: NotificationEvent): Fact[] {
  return [
    { name: 'Status', value: statusWord(event) },
    ...event.facts,
    ...(event.reminder ? [{ name: 'Open since', value: new Date(event.reminder.openSince).toISOString() }] : []),
  ];
}

export function plainText(event: NotificationEvent, site: SiteInfo, now?: number): string {
  const lines = [titleOf(event, now), '', event.text, ''];
  for (const f of factsOf(event)) lines.push(`${f.name}: ${f.value}`);
  lines.push('', `Event: ${event.type} (${event.key})`, `Time: ${new Date(event.at).toISOString()}`);
  const link = event.url ?? site.url;
  if (link) lines.push(`More: ${link}`);
  lines.push('', `— ${site.title}, sent by Cairn`);
  return lines.join('\n');
}

export function html(event: NotificationEvent, site: SiteInfo, now?: number): string {
  const rows = factsOf(event)
    .map((f) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.name)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const link = event.url ?? site.url;
  return [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif">',
    `<h2 style="border-left:6px solid ${colorOf(event)};padding-left:8px">${escapeHtml(titleOf(event, now))}</h2>`,
    `<p>${escapeHtml(event.text).replace(/\n/g, '<br>')}</p>`,
    `<table>${rows}</table>`,
    link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : '',
    `<p style="color:#666">${escapeHtml(site.title)}, sent by Cairn · ${escapeHtml(event.type)} · ${new Date(event.at).toISOString()}</p>`,
    '</body></html>',
  ].join('\n');
}

/** At most `max` characters for a service's field limit: the one marked `cut` (see config/secrets.ts). */
export { cut as truncate } from '../config/secrets.ts';
