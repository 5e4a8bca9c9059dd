/**
 * Feeds of incidents and maintenance (Atom 1.0, RSS 2.0 and JSON Feed 1.1) and an iCalendar file
 * of maintenance windows, from the model: for the whole page (`/feed.atom`, `/feed.rss`,
 * `/feed.json`, `/maintenance.ics`) and for each component (the same names under
 * `/components/<id>/`), which holds the incidents and maintenance that concern it. What a reader shows as text is text: an incident update that quotes
 * HTML shows as text in a feed reader.
 *
 * - Atom: `<summary type="text">`, plain text, XML-escaped once.
 * - RSS: `<description>` is HTML to every reader, so it is the site's safe markdown (raw HTML
 *   shown as text, only http(s), mailto and relative links) and plain text HTML-escaped, then
 *   XML-escaped: a reader unescapes once and gets that safe HTML. Titles are plain text.
 * - iCalendar: RFC 5545 TEXT; every kind of line break is escaped, other controls dropped.
 */
import type { StatusModel } from '../model/model.ts';
import type { MaintenanceModel } from '../model/maintenance.ts';
import { escapeHtml, escapeXml } from '../text/escape.ts';
import { inlineMarkdown } from './markdown.ts';
import { stableId } from './statuspage.ts';

interface FeedEntry {
  id: string;
  title: string;
  link: string;
  updated: string;
  published: string;
  /** Plain text (Atom). */
  summary: string;
  /** The same as safe HTML (RSS). */
  html: string;
}

/** Absolute when the page has a base URL; otherwise paths from the site root. */
function linker(model: StatusModel, base: string): (path: string) => string {
  const root = (model.site.baseUrl ?? base).replace(/\/?$/, '/');
  return (path) => `${root}${path.replace(/^\//, '')}`;
}

function maintenanceSummary(m: MaintenanceModel, names: Map<string, string>): string {
  const affects = m.components.map((c) => names.get(c) ?? c).join(', ');
  return `${m.description ? `${m.description} ` : ''}From ${m.start} to ${m.end}. Affects ${affects}.`;
}

/** Plain text as HTML paragraphs (line breaks kept). */
const textHtml = (text: string) => `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;

/** The feeds' file names, the same for the page and under each component's folder. */
export const FEED_FILES = ['feed.atom', 'feed.rss', 'feed.json', 'maintenance.ics'] as const;

/** Where a feed is, relative to the site's base: the page's, or a component's (`components/<id>/`). */
export function feedPath(file: (typeof FEED_FILES)[number], component?: string | null): string {
  return component ? `components/${encodeURIComponent(component)}/${file}` : file;
}

/** What a feed holds: the whole page, or one component (its incidents and maintenance). */
function scoped<T extends { components: string[] }>(items: readonly T[], component: string | null | undefined): T[] {
  return component ? items.filter((i) => i.components.includes(component)) : [...items];
}

function feedTitle(model: StatusModel, component: string | null | undefined): string {
  const name = component ? (model.components.find((c) => c.id === component)?.name ?? component) : null;
  return name ? `${model.site.title}: ${name}: incidents and maintenance` : `${model.site.title}: incidents and maintenance`;
}

export function feedEntries(model: StatusModel, base: string, component?: string | null): FeedEntry[] {
  const link = linker(model, base);
  const names = new Map(model.components.map((c) => [c.id, c.name]));
  const incidents = scoped(model.incidents, component).slice(0, 50).map((i) => ({
    id: `urn:cairn:incident:${i.id}`,
    title: `${i.resolvedAt ? '[Resolved] ' : ''}${i.title}`,
    link: link(`incidents/${i.id}/`),
    updated: i.updates[0]?.at ?? i.detectedAt,
    published: i.detectedAt,
    summary: i.updates.map((u) => `${u.status}: ${u.text} (${u.at})`).join('\n'),
    html: i.updates.map((u) => `<p><strong>${escapeHtml(u.status)}</strong>: ${inlineMarkdown(u.text)} (${escapeHtml(u.at)})</p>`).join('\n'),
  }));
  // An occurrence is dated by the model's `updatedAt` (entering the schedule, starting, ending), never by a start still to come.
  const maintenance = scoped([...model.maintenance.upcoming, ...model.maintenance.active, ...model.maintenance.past.slice(0, 20)], component).map((m) => ({
    id: `urn:cairn:maintenance:${m.id}`,
    title: `[Maintenance] ${m.title}`,
    link: link('maintenance/'),
    updated: m.updatedAt,
    published: m.start < m.updatedAt ? m.start : m.updatedAt,
    summary: maintenanceSummary(m, names),
    html: textHtml(maintenanceSummary(m, names)),
  }));
  // Nothing in a feed is dated after the build (a hand-written incident update in the future included).
  const notAfter = (iso: string) => (iso > model.generatedAt ? model.generatedAt : iso);
  return [...incidents, ...maintenance]
    .map((e) => ({ ...e, updated: notAfter(e.updated), published: notAfter(e.published) }))
    .sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : 0));
}

export function atomFeed(model: StatusModel, base: string, component?: string | null): string {
  const link = linker(model, base);
  const entries = feedEntries(model, base, component);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${escapeXml(feedTitle(model, component))}</title>`,
    `  <id>urn:cairn:feed:${stableId(`page:${model.site.title}`)}${component ? `:${escapeXml(encodeURIComponent(component))}` : ''}</id>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(link(component ? `components/${encodeURIComponent(component)}/` : ''))}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(link(feedPath('feed.atom', component)))}"/>`,
    `  <updated>${entries[0]?.updated ?? model.generatedAt}</updated>`,
    '  <generator>Cairn</generator>',
    ...entries.map((e) =>
      [
        '  <entry>',
        `    <title>${escapeXml(e.title)}</title>`,
        `    <id>${escapeXml(e.id)}</id>`,
        `    <link rel="alternate" type="text/html" href="${escapeXml(e.link)}"/>`,
        `    <published>${e.published}</published>`,
        `    <updated>${e.updated}</updated>`,
        `    <author><name>${escapeXml(model.site.title)}</name></author>`,
        `    <summary type="text">${escapeXml(e.summary)}</summary>`,
        '  </entry>',
      ].join('\n'),
    ),
    '</feed>',
    '',
  ].join('\n');
}

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): the same entries, `content_text` plain
 * text and `content_html` the safe HTML of the RSS feed; JSON.stringify escapes what JSON needs.
 */
export function jsonFeed(model: StatusModel, base: string, component?: string | null): string {
  const link = linker(model, base);
  const entries = feedEntries(model, base, component);
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feedTitle(model, component),
    home_page_url: link(component ? `components/${encodeURIComponent(component)}/` : ''),
    feed_url: link(feedPath('feed.json', component)),
    description: component ? feedTitle(model, component) : (model.site.description ?? `Incidents and maintenance of ${model.site.title}`),
    authors: [{ name: model.site.title }],
    language: model.site.locale,
    items: entries.map((e) => ({
      id: e.id,
      url: e.link,
      title: e.title,
      content_text: e.summary,
      content_html: e.html,
      date_published: e.published,
      date_modified: e.updated,
      tags: [e.id.startsWith('urn:cairn:maintenance:') ? 'maintenance' : 'incident'],
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

export function rssFeed(model: StatusModel, base: string, component?: string | null): string {
  const link = linker(model, base);
  const rfc822 = (iso: string) => new Date(iso).toUTCString();
  const entries = feedEntries(model, base, component);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${escapeXml(feedTitle(model, component))}</title>`,
    `    <link>${escapeXml(link(component ? `components/${encodeURIComponent(component)}/` : ''))}</link>`,
    `    <description>${escapeXml(escapeHtml(component ? feedTitle(model, component) : (model.site.description ?? `Incidents and maintenance of ${model.site.title}`)))}</description>`,
    `    <atom:link href="${escapeXml(link(feedPath('feed.rss', component)))}" rel="self" type="application/rss+xml"/>`,
    `    <lastBuildDate>${rfc822(model.generatedAt)}</lastBuildDate>`,
    '    <generator>Cairn</generator>',
    ...entries.map((e) =>
      [
        '    <item>',
        `      <title>${escapeXml(e.title)}</title>`,
        `      <link>${escapeXml(e.link)}</link>`,
        `      <guid isPermaLink="false">${escapeXml(e.id)}</guid>`,
        `      <pubDate>${rfc822(e.updated)}</pubDate>`,
        `      <description>${escapeXml(e.html)}</description>`,
        '    </item>',
      ].join('\n'),
    ),
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

/**
 * RFC 5545 TEXT: backslash, semicolon and comma escaped, every line break (CRLF, CR or LF) as \n,
 * other control characters (which TEXT does not allow) dropped: nothing ends the property early.
 */
const icalText = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
const icalTime = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (octets + n > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function maintenanceCalendar(model: StatusModel, base: string, component?: string | null): string {
  const link = linker(model, base);
  const names = new Map(model.components.map((c) => [c.id, c.name]));
  const all = scoped([...model.maintenance.past, ...model.maintenance.active, ...model.maintenance.upcoming], component);
  const stamp = icalTime(model.generatedAt);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Cairn//Status page//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icalText(`${model.site.title}${component ? `: ${names.get(component) ?? component}` : ''} maintenance`)}`,
    ...all.flatMap((m) => [
      'BEGIN:VEVENT',
      `UID:${icalText(m.id)}@cairn`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${icalTime(m.start)}`,
      `DTEND:${icalTime(m.end)}`,
      `SUMMARY:${icalText(`Maintenance: ${m.title}`)}`,
      `DESCRIPTION:${icalText(maintenanceSummary(m, names))}`,
      `URL:${link('maintenance/')}`,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
