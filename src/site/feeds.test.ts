import { DOMParser } from '@xmldom/xmldom';
import { parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { computeModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import { badgeSvg, componentBadges } from './badges.ts';
import { atomFeed, feedPath, foldLine, jsonFeed, maintenanceCalendar, rssFeed } from './feeds.ts';
import { statusCardSvg } from './status-card.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const H = 3_600_000;

function model() {
  const config = fixtureConfig({
    checks: [{ id: 'api' }],
    maintenance: [{ id: 'up, grade; now', title: 'DB <upgrade> & more', description: 'Line one\nline two', components: ['api'], start: NOW + H, end: NOW + 2 * H, recurring: null }],
  });
  config.site.baseUrl = 'https://status.example.com/sub/';
  return computeModel({
    config,
    samples: [{ id: 'api', at: NOW - 60_000, status: 'up', responseTimeMs: 123.4, error: null, statusCode: 200 }],
    incidents: [
      {
        owner: null, acknowledged: null, checklist: [], actions: [], id: 'x', file: 'incidents/x.md', title: 'Errors <script>alert(1)</script>', impact: 'major', severity: 'P2', components: ['api'], auto: false,
        startedAt: NOW - H, detectedAt: NOW - H, resolvedAt: null, updates: [{ at: NOW - H, status: 'investigating', text: 'Got "<html>" & worse' }], body: '',
      },
    ],
    now: NOW,
  });
}

describe('feeds', () => {
  it('Atom: escaped text, absolute links under the base URL, newest first', () => {
    const xml = atomFeed(model(), '/');
    expect(xml).toContain('<title>Errors &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(xml).toContain('<summary type="text">investigating: Got &quot;&lt;html&gt;&quot; &amp; worse (2026-11-24T11:00:00.000Z)</summary>');
    expect(xml).toContain('href="https://status.example.com/sub/incidents/x/"');
    expect(xml).not.toContain('<script>');
    // Upcoming maintenance (in an hour) was announced 30 days before its start: the feed is not dated in the future.
    expect(xml).toContain('<updated>2026-11-24T11:00:00.000Z</updated>\n  <generator>');
    for (const [, t] of xml.matchAll(/<(?:updated|published)>([^<]+)</g)) expect(Date.parse(t as string)).toBeLessThanOrEqual(NOW);
    expect(xml.indexOf('Errors')).toBeLessThan(xml.indexOf('[Maintenance]'));
  });

  it('RSS: items with guid and RFC 822 dates', () => {
    const xml = rssFeed(model(), '/');
    expect(xml).toContain('<guid isPermaLink="false">urn:cairn:incident:x</guid>');
    expect(xml).toContain('<pubDate>Tue, 24 Nov 2026 11:00:00 GMT</pubDate>');
  });

  it('iCalendar: CRLF lines, escaped text, UTC times, folded at 75 octets', () => {
    const ics = maintenanceCalendar(model(), '/');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('DTSTART:20261124T130000Z\r\nDTEND:20261124T140000Z');
    expect(ics).toContain('SUMMARY:Maintenance: DB <upgrade> & more');
    expect(ics).toContain('UID:up\\, grade\\; now@2026-11-24T13:00:00.000Z@cairn');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n /g, '')).toContain('DESCRIPTION:Line one\\nline two From');
  });

  it('folds without splitting a multi-byte character', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    expect(folded.split('\r\n ').every((part) => Buffer.byteLength(part) <= 75)).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'é'.repeat(60)}`);
  });
});

const HOSTILE = '</script><meta http-equiv=refresh content="0;url=http://evil.example/"><svg onload=alert(1)>"><img src=x onerror=alert(2)>';
const LINKS = '[click](javascript:alert(3)) [tab](<java\tscript:alert(4)>) [ok](https://example.com/ok)';

function hostileModel() {
  const config = fixtureConfig({
    checks: [{ id: 'api' }],
    maintenance: [{ id: 'm', title: `Upgrade ${HOSTILE}`, description: `Window ${HOSTILE} ${LINKS}\u0000\u000b`, components: ['api'], start: NOW + H, end: NOW + 2 * H, recurring: null }],
  });
  config.site.title = `Status ${HOSTILE}`;
  config.site.description = `About ${HOSTILE}`;
  config.site.baseUrl = 'https://status.example.com/';
  return computeModel({
    config,
    samples: [{ id: 'api', at: NOW - 60_000, status: 'up', responseTimeMs: 10, error: null, statusCode: 200 }],
    incidents: [
      {
        owner: null, acknowledged: null, checklist: [], actions: [], id: 'x', file: 'incidents/x.md', title: `Outage ${HOSTILE}`, impact: 'major', severity: 'P2', components: ['api'], auto: false,
        startedAt: NOW - H, detectedAt: NOW - H, resolvedAt: null,
        updates: [{ at: NOW - H, status: 'investigating', text: `Seen ${HOSTILE} ${LINKS} **bold**` }], body: '',
      },
    ],
    now: NOW,
  });
}

type HtmlElement = DefaultTreeAdapterMap['element'];
function htmlElements(node: DefaultTreeAdapterMap['node']): HtmlElement[] {
  const own = 'tagName' in node ? [node] : [];
  return [...own, ...('childNodes' in node ? node.childNodes.flatMap(htmlElements) : [])];
}
const htmlText = (node: DefaultTreeAdapterMap['node']): string =>
  node.nodeName === '#text' && 'value' in node ? node.value : 'childNodes' in node ? node.childNodes.map(htmlText).join('') : '';

/** Parses XML strictly (a real XML parser): any error or warning fails. */
function parseXml(xml: string) {
  return new DOMParser({
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
}

describe('feeds a reader renders as HTML', () => {
  it('RSS: each description, unescaped once and parsed as HTML, has no script, handler or javascript: link', () => {
    const doc = parseXml(rssFeed(hostileModel(), '/'));
    const descriptions = Array.from(doc.getElementsByTagName('item')).map((item) => item.getElementsByTagName('description')[0]?.textContent ?? '');
    expect(descriptions).toHaveLength(2);
    for (const description of descriptions) {
      const fragment = parseFragment(description);
      const els = htmlElements(fragment);
      expect(els.map((e) => e.tagName).filter((t) => !['p', 'a', 'strong', 'em', 'code', 'br'].includes(t)), description).toEqual([]);
      for (const el of els) {
        for (const a of el.attrs) {
          expect(a.name, description).not.toMatch(/^on/i);
          if (a.name === 'href' || a.name === 'src') expect(['http:', 'https:', 'mailto:']).toContain(new URL(a.value, 'https://status.example.com/').protocol);
        }
      }
      // What was hostile is there, as text a reader shows.
      expect(htmlText(fragment)).toContain(HOSTILE);
    }
    // The safe markdown of the site: the good link stays a link, the bold stays bold.
    const incident = parseFragment(descriptions.find((d) => d.includes('Seen')) as string);
    expect(htmlElements(incident).filter((e) => e.tagName === 'a').map((a) => a.attrs.find((x) => x.name === 'href')?.value)).toEqual(['https://example.com/ok']);
    expect(htmlElements(incident).some((e) => e.tagName === 'strong')).toBe(true);
  });

  it('RSS and Atom: titles and texts stay text, and characters XML forbids never break the feed', () => {
    for (const xml of [rssFeed(hostileModel(), '/'), atomFeed(hostileModel(), '/')]) {
      // XML 1.0 allows tab, LF and CR of the C0 controls, and no U+FFFE or U+FFFF.
      // eslint-disable-next-line no-control-regex
      expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
      const doc = parseXml(xml);
      const titles = Array.from(doc.getElementsByTagName('title')).map((t) => t.textContent ?? '');
      expect(titles.some((t) => t.includes(`Outage ${HOSTILE}`))).toBe(true);
      expect(doc.getElementsByTagName('script')).toHaveLength(0);
      expect(doc.getElementsByTagName('meta')).toHaveLength(0);
    }
  });

  it('iCalendar: a line break of any kind in a text stays inside its property', () => {
    const config = fixtureConfig({
      checks: [{ id: 'api' }],
      maintenance: [{ id: 'm', title: 'A\rURL:javascript:alert(1)\nB\r\nC\u0000', description: 'D\rEND:VEVENT', components: ['api'], start: NOW + H, end: NOW + 2 * H, recurring: null }],
    });
    const ics = maintenanceCalendar(computeModel({ config, samples: [], incidents: [], now: NOW }), '/');
    const lines = ics.replace(/\r\n /g, '').split('\r\n');
    expect(lines.filter((l) => l.startsWith('URL:'))).toEqual(['URL:/maintenance/']);
    expect(lines.filter((l) => l === 'END:VEVENT')).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('SUMMARY:'))).toBe('SUMMARY:Maintenance: A\\nURL:javascript:alert(1)\\nB\\nC');
    // eslint-disable-next-line no-control-regex
    expect(ics).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('badges', () => {
  it('shields.io endpoint JSON agrees with the model', () => {
    const m = model();
    const badges = Object.fromEntries(componentBadges(m.components[0]!).map((b) => [b.name, b.endpoint]));
    expect(badges['status']).toEqual({ schemaVersion: 1, label: 'api', message: 'operational', color: '#1a7f37' });
    // One minute of data in 24 hours: no figure (the model's `data`), and the badge says why.
    expect(m.components[0]!.uptime['24h'].data).toBe('insufficient');
    expect(badges['uptime-24h']!.message).toBe('not enough data');
    expect(badges['response-time']!.message).toBe('123 ms');
  });

  it('SVG is self-contained, escaped and labelled', () => {
    const svg = badgeSvg({ schemaVersion: 1, label: 'a<b', message: '99.99%', color: '#1a7f37' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('aria-label="a&lt;b: 99.99%"');
    expect(svg).not.toMatch(/href=|<script|@import|url\(http/);
  });
});

/** Two components, an incident on each and maintenance on one: what each component's feed holds. */
function twoComponents() {
  const config = fixtureConfig({
    checks: [{ id: 'api' }, { id: 'db' }],
    maintenance: [{ id: 'db-up', title: 'DB upgrade', description: null, components: ['db'], start: NOW + H, end: NOW + 2 * H, recurring: null }],
  });
  config.site.baseUrl = 'https://status.example.com/';
  const incident = (id: string, component: string, title: string) => ({
    id, file: `incidents/${id}.md`, title, impact: 'minor' as const, severity: 'P3' as const, components: [component], auto: false,
    startedAt: NOW - 2 * H, detectedAt: NOW - 2 * H, resolvedAt: null, updates: [{ at: NOW - 2 * H, status: 'investigating' as const, text: `About ${title} <b>&</b>` }], body: '', owner: null, acknowledged: null, checklist: [], actions: [],
  });
  return computeModel({ config, samples: [], incidents: [incident('a', 'api', `API slow ${HOSTILE}`), incident('d', 'db', 'DB errors')], now: NOW });
}

/** The JSON Feed 1.1 shape (https://www.jsonfeed.org/version/1.1/): the fields a reader requires, with their types. */
function jsonFeedProblems(feed: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v);
  const isDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v);
  if (feed['version'] !== 'https://jsonfeed.org/version/1.1') problems.push('version');
  if (typeof feed['title'] !== 'string' || feed['title'] === '') problems.push('title');
  for (const k of ['home_page_url', 'feed_url']) if (!isUrl(feed[k])) problems.push(k);
  if (!Array.isArray(feed['authors']) || !(feed['authors'] as { name?: unknown }[]).every((a) => typeof a.name === 'string')) problems.push('authors');
  if (!Array.isArray(feed['items'])) return [...problems, 'items'];
  const ids = new Set<string>();
  for (const [i, item] of (feed['items'] as Record<string, unknown>[]).entries()) {
    if (typeof item['id'] !== 'string' || ids.has(item['id'])) problems.push(`items[${i}].id`);
    ids.add(String(item['id']));
    if (typeof item['content_text'] !== 'string' && typeof item['content_html'] !== 'string') problems.push(`items[${i}].content`);
    if (!isUrl(item['url'])) problems.push(`items[${i}].url`);
    for (const k of ['date_published', 'date_modified']) if (item[k] !== undefined && !isDate(item[k])) problems.push(`items[${i}].${k}`);
    if (item['tags'] !== undefined && !(Array.isArray(item['tags']) && item['tags'].every((t) => typeof t === 'string'))) problems.push(`items[${i}].tags`);
    const known = ['id', 'url', 'external_url', 'title', 'content_html', 'content_text', 'summary', 'image', 'banner_image', 'date_published', 'date_modified', 'authors', 'tags', 'language', 'attachments'];
    for (const k of Object.keys(item)) if (!known.includes(k) && !k.startsWith('_')) problems.push(`items[${i}].${k} is not a JSON Feed field`);
  }
  return problems;
}

describe('JSON Feed and per-component feeds', () => {
  it('JSON Feed 1.1 of the page: the same entries as Atom, valid shape, text kept as text', () => {
    const m = hostileModel();
    const feed = JSON.parse(jsonFeed(m, '/')) as Record<string, unknown> & { items: { id: string; title: string; content_text: string; content_html: string }[] };
    expect(jsonFeedProblems(feed)).toEqual([]);
    expect(feed.feed_url).toBe('https://status.example.com/feed.json');
    const atomIds = Array.from(parseXml(atomFeed(m, '/')).getElementsByTagName('entry')).map((e) => e.getElementsByTagName('id')[0]?.textContent);
    expect(feed.items.map((i) => i.id)).toEqual(atomIds);
    expect(feed.items.some((i) => i.title === `Outage ${HOSTILE}`)).toBe(true);
    // content_html is the RSS feed's safe HTML: no element but the safe ones.
    for (const item of feed.items) {
      const els = htmlElements(parseFragment(item.content_html)).map((e) => e.tagName);
      expect(els.filter((t) => !['p', 'a', 'strong', 'em', 'code', 'br'].includes(t))).toEqual([]);
    }
  });

  it('a component feed holds its incidents and maintenance only, at its own stable URL, in Atom, RSS, JSON Feed and iCalendar', () => {
    const m = twoComponents();
    const atom = parseXml(atomFeed(m, '/', 'db'));
    expect(Array.from(atom.getElementsByTagName('entry')).map((e) => e.getElementsByTagName('id')[0]?.textContent)).toEqual(['urn:cairn:incident:d', 'urn:cairn:maintenance:db-up@2026-11-24T13:00:00.000Z']);
    const self = Array.from(atom.getElementsByTagName('link')).find((l) => l.getAttribute('rel') === 'self');
    expect(self?.getAttribute('href')).toBe('https://status.example.com/components/db/feed.atom');
    expect(atom.getElementsByTagName('title')[0]?.textContent).toBe(`${m.site.title}: ${m.components.find((c) => c.id === 'db')!.name}: incidents and maintenance`);
    const rss = parseXml(rssFeed(m, '/', 'api'));
    expect(Array.from(rss.getElementsByTagName('guid')).map((g) => g.textContent)).toEqual(['urn:cairn:incident:a']);
    expect(Array.from(rss.getElementsByTagName('title')).some((t) => t.textContent === `API slow ${HOSTILE}`)).toBe(true);
    const json = JSON.parse(jsonFeed(m, '/', 'api')) as Record<string, unknown> & { items: unknown[] };
    expect(jsonFeedProblems(json)).toEqual([]);
    expect(json['feed_url']).toBe('https://status.example.com/components/api/feed.json');
    expect(json['home_page_url']).toBe('https://status.example.com/components/api/');
    expect(json.items).toHaveLength(1);
    expect(maintenanceCalendar(m, '/', 'api')).not.toContain('BEGIN:VEVENT');
    expect(maintenanceCalendar(m, '/', 'db')).toContain('SUMMARY:Maintenance: DB upgrade');
    // The page's feeds hold both.
    expect(JSON.parse(jsonFeed(m, '/')).items).toHaveLength(3);
    expect(feedPath('feed.json', 'db')).toBe('components/db/feed.json');
  });

  it('status card: one well-formed SVG, every name as text, the overall state in its title', () => {
    const m = hostileModel();
    const svg = statusCardSvg(m);
    const doc = parseXml(svg);
    expect(doc.getElementsByTagName('script')).toHaveLength(0);
    expect(doc.getElementsByTagName('title')[0]?.textContent).toMatch(/^Status <\/script><meta http-equiv=refresh/);
    expect(Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent)).toContain('1 active incident');
    expect(svg).not.toMatch(/href=|@import|url\(http/);
  });
});
