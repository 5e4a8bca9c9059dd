import { describe, expect, it } from 'vitest';
import { computeModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import { badgeSvg, componentBadges } from './badges.ts';
import { atomFeed, foldLine, maintenanceCalendar, rssFeed } from './feeds.ts';

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
        id: 'x', file: 'incidents/x.md', title: 'Errors <script>alert(1)</script>', impact: 'major', severity: 'P2', components: ['api'], auto: false,
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
