/**
 * The figures every output shows agree: one fixture status repo built with the real CLI
 * (`cairn build`, `cairn report`), then the page's HTML, the Statuspage API, the badges and the
 * report read back as files and compared with each other (issue 14, "Figures and pages that
 * mislead").
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';
import { transformWithEsbuild } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, cairn, chromiumAvailable, serveDir } from './helpers.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.now();

/** The first sample of the fixture: monitoring began then. */
const FIRST = NOW - 10 * 24 * HOUR;

let dir: string;
let dist: string;
/** The instant the built model describes (the page's footer), ISO. */
let generatedAt: string;

const read = (rel: string) => readFile(path.join(dist, rel), 'utf8');
const readJson = async (rel: string) => JSON.parse(await read(rel)) as Record<string, unknown>;

async function fixtureRepo(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'cairn-figures-'));
  await mkdir(path.join(d, 'checks'), { recursive: true });
  await writeFile(
    path.join(d, 'cairn.yaml'),
    [
      'site:',
      '  title: Figures',
      '  baseUrl: https://status.example.com/',
      'defaults:',
      '  interval: 15m',
      'checks:',
      // `shop`: two checks; for the last two hours one is down and the other degraded (a partial outage).
      '  - { id: shop-web, name: Shop web, component: shop, kind: tcp, host: 127.0.0.1, port: 1 }',
      '  - { id: shop-api, name: Shop API, component: shop, kind: tcp, host: 127.0.0.1, port: 1 }',
      // `fresh`: checked for the last hour only (data for far less than 10% of 90 days).
      '  - { id: fresh, name: Fresh, kind: tcp, host: 127.0.0.1, port: 1 }',
      // `docs`: a nightly maintenance window with no start date, and ten days of data.
      '  - { id: docs, name: Docs, kind: tcp, host: 127.0.0.1, port: 1 }',
      // `blip`: three samples within two minutes (a response-time chart over a very short range).
      '  - { id: blip, name: Blip, kind: tcp, host: 127.0.0.1, port: 1 }',
      'maintenance:',
      '  - { id: nightly, title: Nightly rebuild, components: [docs], recurring: { every: day, at: "03:00", duration: 30m } }',
      '',
    ].join('\n'),
  );
  // An open incident, begun two hours before the build.
  await mkdir(path.join(d, 'incidents'), { recursive: true });
  await writeFile(
    path.join(d, 'incidents', 'checkout.md'),
    ['---', 'title: Checkout errors', 'impact: major', 'components: [shop]', `started: ${new Date(NOW - 2 * HOUR).toISOString()}`, 'updates:', `  - at: ${new Date(NOW - 2 * HOUR).toISOString()}`, '    status: investigating', '    text: Looking into it.', '---', ''].join('\n'),
  );
  // Ten days of 15-minute runs (more than 10% of 90 days: enough for a 90-day figure).
  for (let t = FIRST; t < NOW; t += 15 * MIN) {
    const at = new Date(t).toISOString();
    const r = (id: string, status: CheckStatus): CheckResult => ({ id, kind: 'tcp', status, responseTimeMs: 40, error: status === 'up' ? null : 'refused', checkedAt: at, attempts: 1 });
    const bad = t >= NOW - 2 * HOUR;
    const results = [r('shop-web', bad ? 'down' : 'up'), r('shop-api', bad ? 'degraded' : 'up'), r('docs', 'up')];
    if (t >= NOW - HOUR) results.push(r('fresh', 'up'));
    await appendRun(d, toRunRecord(new Date(t), results));
  }
  for (const k of [3, 2, 1]) {
    const at = new Date(NOW - k * MIN);
    await appendRun(d, toRunRecord(at, [{ id: 'blip', kind: 'tcp', status: 'up', responseTimeMs: 10 * k, error: null, checkedAt: at.toISOString(), attempts: 1 }]));
  }
  return d;
}

beforeAll(async () => {
  dir = await fixtureRepo();
  dist = path.join(dir, 'dist');
  const built = await cairn(['build', '--dir', dir]);
  if (built.code !== 0) throw new Error(`build failed:\n${built.stderr}`);
  generatedAt = ((await readJson('api/v2/status.json'))['page'] as { updated_at: string }).updated_at;
  // The report of the current month, at the instant the page describes: the same figures to the digit.
  const report = await cairn(['report', '--dir', dir, '--month', generatedAt.slice(0, 7), '--now', generatedAt, '--offline']);
  if (report.code !== 0) throw new Error(`report failed:\n${report.stderr}`);
}, 240_000);

afterAll(async () => {
  if (!process.env['CAIRN_KEEP_FIXTURE']) await rm(dir, { recursive: true, force: true });
});

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };

/** The text of the first group of `re` in `html`, tags dropped, entities decoded, spaces collapsed. */
function textIn(html: string, re: RegExp): string {
  const m = re.exec(html);
  if (!m) throw new Error(`no match for ${re}`);
  return (m[1] as string).replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e] ?? e).replace(/\s+/g, ' ').trim();
}

describe('a partial outage (one check down, another degraded)', () => {
  it('page, API, badges and report say the same: partial outage, counted by the stated rule', async () => {
    const home = await read('index.html');
    const uptime90 = textIn(home, /data-component="shop"[\s\S]*?<p class="uptime"[^>]*>\s*<span[^>]*>([^<]*)</);
    const percent = /^([0-9.]+)% uptime over 90 days$/.exec(uptime90)?.[1];
    expect(percent, uptime90).toBeDefined();
    // Two hours of ten days, half the checks down (partialOutage: share, the default): one hour of 240 counted.
    expect(Number(percent)).toBeGreaterThan(99.5);
    expect(Number(percent)).toBeLessThan(99.7);
    expect(home).toMatch(/data-component="shop"[\s\S]*?Partial outage/);
    // One state, one vocabulary: banner, API status and badge say "partial outage".
    expect(textIn(home, /<section class="banner[^>]*>[\s\S]*?<h1[^>]*>([^<]*)</)).toBe('Partial outage');
    expect((await readJson('api/v2/status.json'))['status']).toEqual({ indicator: 'major', description: 'Partial outage' });

    const badge = await readJson('badges/shop/uptime-90d.json');
    expect(badge['message']).toBe(`${percent}%`);
    expect((await readJson('badges/shop/status.json'))['message']).toBe('partial outage');
    const components = (await readJson('api/v2/components.json'))['components'] as { id: string; status: string }[];
    expect(components.find((c) => c.id === 'shop')?.status).toBe('partial_outage');

    // The month: the uptime page and the report agree.
    const month = generatedAt.slice(0, 7);
    const uptimePage = await read('uptime/index.html');
    const pageMonth = textIn(uptimePage, new RegExp(`data-component="shop"[\\s\\S]*?data-month="${month}"[^>]*>([^<]*)<`));
    const reportMd = await readFile(path.join(dir, 'reports', `${month}.md`), 'utf8');
    const row = reportMd.split('\n').find((l) => l.startsWith('| Shop web |'));
    expect(row?.split('|')[3]?.trim()).toBe(pageMonth);

    // The rule is stated on every page and in the report, in the same words.
    const rule = textIn(home, /<p data-availability-rule[^>]*>([\s\S]*?)<\/p>/);
    expect(rule).toContain("partial outage (some of a component's checks down, others working) counts as downtime in proportion to the share of its checks that are down (partialOutage: share)");
    expect(reportMd).toContain(rule);
  });
});

describe('a window with too little data (issue 14: "100.00% uptime over 90 days (data for 0.00% of the period)")', () => {
  it('page, badges and report say there is not enough data instead of a percentage', async () => {
    const home = await read('index.html');
    const line = textIn(home, /data-component="fresh"[\s\S]*?<p class="uptime"[^>]*>\s*<span[^>]*>([^<]*)</);
    expect(line).toMatch(/^Not enough data for a 90-day uptime \(data for 0\.0[0-9]% of the period\)$/);
    for (const w of ['24h', '7d', '30d', '90d']) expect((await readJson(`badges/fresh/uptime-${w}.json`))['message'], w).toBe('not enough data');
    const component = await read('components/fresh/index.html');
    expect(textIn(component, /data-window="90d"[\s\S]*?<td[^>]*>([^<]*)</)).toBe('not enough data');
    // The month: the uptime page and the report print the same (a figure or "not enough data", depending on the date).
    const month = generatedAt.slice(0, 7);
    const pageMonth = textIn(await read('uptime/index.html'), new RegExp(`data-component="fresh"[\\s\\S]*?data-month="${month}"[^>]*>([^<]*)<`));
    const reportMd = await readFile(path.join(dir, 'reports', `${month}.md`), 'utf8');
    const row = reportMd.split('\n').find((l) => l.startsWith('| Fresh |'))?.split('|').map((c) => c.trim());
    expect(row?.[3]).toBe(pageMonth);
    if (pageMonth === 'not enough data') {
      expect(row?.[12]).toBe('not enough data');
      expect(reportMd).toMatch(/Not enough data for an availability figure or an SLA verdict for [^\n]*\bFresh \(data for [0-9.]+% of the period\)/);
    }
  });
});

describe('recurring maintenance before monitoring began (issue 14)', () => {
  it('is listed nowhere: page, API, feeds and iCal start with the first data; the Atom feed is not dated in the future', async () => {
    const page = await read('maintenance/index.html');
    const listed = [...page.matchAll(/data-maintenance="nightly@([^"]+)"/g)].map((m) => Date.parse(m[1] as string));
    expect(listed.length).toBeGreaterThanOrEqual(10); // ten days of nightly windows, plus upcoming ones
    const past = listed.filter((t) => t < Date.parse(generatedAt));
    expect(past.length).toBeGreaterThanOrEqual(9);
    expect(past.length).toBeLessThanOrEqual(11);
    for (const t of past) expect(t + 30 * MIN).toBeGreaterThan(FIRST);

    const api = (await readJson('api/v2/scheduled-maintenances.json'))['scheduled_maintenances'] as { status: string; scheduled_until: string; incident_updates: { created_at: string }[] }[];
    const completed = api.filter((m) => m.status === 'completed');
    expect(completed.length).toBe(past.filter((t) => t + 30 * MIN <= Date.parse(generatedAt)).length);
    for (const m of completed) expect(Date.parse(m.scheduled_until)).toBeGreaterThan(FIRST);
    for (const m of api) for (const u of m.incident_updates) expect(u.created_at <= generatedAt, u.created_at).toBe(true);

    const ics = await read('maintenance.ics');
    const starts = [...ics.matchAll(/DTSTART:(\d{8}T\d{6}Z)/g)].map((m) => Date.parse((m[1] as string).replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z')));
    for (const t of starts) expect(t + 30 * MIN).toBeGreaterThan(FIRST);

    for (const feed of ['feed.atom', 'feed.rss']) {
      const xml = await read(feed);
      const nightly = [...xml.matchAll(/urn:cairn:maintenance:nightly@([^<]+)</g)].map((m) => Date.parse(m[1] as string));
      for (const t of nightly) expect(t + 30 * MIN, feed).toBeGreaterThan(FIRST);
    }
    const atom = await read('feed.atom');
    for (const [, t] of atom.matchAll(/<(?:updated|published)>([^<]+)</g)) expect(t! <= generatedAt, `${t} after ${generatedAt}`).toBe(true);
  });
});

describe('site.baseUrl and the outputs that need absolute URLs (issue 14)', () => {
  it('with a base URL, the API, feeds and calendar carry absolute URLs only', async () => {
    const status = await readJson('api/v2/status.json');
    expect((status['page'] as { url: string }).url).toBe('https://status.example.com');
    const atom = await read('feed.atom');
    for (const [, href] of atom.matchAll(/href="([^"]+)"/g)) expect(href).toMatch(/^https:\/\/status\.example\.com\//);
    const rss = await read('feed.rss');
    for (const [, link] of rss.matchAll(/<link>([^<]+)<\/link>/g)) expect(link).toMatch(/^https:\/\/status\.example\.com\//);
    const ics = (await read('maintenance.ics')).replace(/\r\n /g, '');
    for (const [, u] of ics.matchAll(/^URL:(.*)$/gm)) expect(u).toMatch(/^https:\/\/status\.example\.com\//);
    // The JSON Feed and each component's feeds too.
    const json = JSON.parse(await read('feed.json')) as { feed_url: string; items: { url: string }[] };
    for (const u of [json.feed_url, ...json.items.map((i) => i.url)]) expect(u).toMatch(/^https:\/\/status\.example\.com\//);
    const shop = await read('components/shop/feed.atom');
    for (const [, href] of shop.matchAll(/href="([^"]+)"/g)) expect(href).toMatch(/^https:\/\/status\.example\.com\//);
    expect(shop).toContain('href="https://status.example.com/components/shop/feed.atom"');
  });

  it('without one, `cairn build` says so and leaves them out, and no page links to them', async () => {
    const settings = path.join(dir, 'cairn.yaml');
    const original = await readFile(settings, 'utf8');
    const out = path.join(dir, 'dist-no-base');
    try {
      await writeFile(settings, original.replace('  baseUrl: https://status.example.com/\n', ''));
      const r = await cairn(['build', '--dir', dir, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('site.baseUrl is not set: built the page and badges without the Statuspage API (api/v2/), the Atom, RSS and JSON feeds and the maintenance calendar (maintenance.ics), for the page and each component, which need absolute URLs');
      const present = await Promise.all(['api/v2/status.json', 'feed.atom', 'feed.rss', 'feed.json', 'maintenance.ics', 'components/shop/feed.atom', 'components/shop/feed.json'].map((f) => readFile(path.join(out, f)).then(() => f, () => null)));
      expect(present.filter(Boolean)).toEqual([]);
      // Cairn's own API links relatively: built all the same.
      expect(JSON.parse(await readFile(path.join(out, 'api', 'cairn', 'v1', 'index.json'), 'utf8'))).toMatchObject({ version: 1, state: 'partial', page: { url: null } });
      expect(JSON.parse(await readFile(path.join(out, 'badges', 'shop', 'status.json'), 'utf8'))).toMatchObject({ message: 'partial outage' });
      for (const page of ['index.html', 'maintenance/index.html', 'components/shop/index.html', 'subscribe/index.html']) {
        const html = await readFile(path.join(out, page), 'utf8');
        expect(html, page).not.toMatch(/href="[^"]*(feed\.atom|feed\.rss|feed\.json|maintenance\.ics|api\/v2)/);
      }
      // The Subscribe page says what is not published, and why.
      expect(await readFile(path.join(out, 'subscribe', 'index.html'), 'utf8')).toMatch(/data-omitted[^>]*>[\s\S]*site\.baseUrl[\s\S]*not published/);
    } finally {
      await writeFile(settings, original);
    }
  }, 240_000);
});

describe('relative times (issue 14: "ongoing for 9 s" forever)', () => {
  it('the static HTML holds absolute times only, marked for the client module', async () => {
    for (const page of ['index.html', 'incidents/checkout/index.html', 'components/shop/index.html']) {
      const html = await read(page);
      expect(html, page).toMatch(/<time datetime="[^"]+" data-relative="for \{\}"[^>]*>[A-Z][a-z]{2} \d{1,2}, \d{4}/);
      expect(html, page).not.toMatch(/ongoing for|for \d+ (s|min|h|d)\b|days ago|>Today</);
    }
  });

  it('src/site/client/relative-time.ts adds the elapsed time when the page is viewed, and keeps it current', async () => {
    if (!chromiumAvailable()) return;
    // The module imports nothing: a plain transform makes it a script.
    const file = path.join(import.meta.dirname, '..', 'src', 'site', 'client', 'relative-time.ts');
    const bundle = await transformWithEsbuild(await readFile(file, 'utf8'), file, { format: 'iife', globalName: 'cairnRelativeTime' });
    const server = await serveDir(dist);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      // The lead wires the script as a file under script-src 'self'; here it is injected (CSP bypassed).
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${server.url}/incidents/checkout/`);
      await page.addScriptTag({ content: bundle.code });
      const started = Date.parse(await page.locator('time[data-relative]').first().getAttribute('datetime') as string);
      const texts = async (now: number) =>
        page.evaluate((n) => {
          (window as unknown as { cairnRelativeTime: { renderRelativeTimes(r: ParentNode, now: number): number } }).cairnRelativeTime.renderRelativeTimes(document, n);
          return [...document.querySelectorAll('[data-relative-output]')].map((e) => e.parentElement?.textContent?.replace(/\s+/g, ' ').trim());
        }, now);
      const first = await texts(started + 2 * HOUR + 5 * MIN);
      expect(first.length).toBeGreaterThanOrEqual(2); // the card and the facts
      for (const t of first) expect(t).toMatch(/\(for 2 h 5 min\)/);
      // Viewed a day later, without a rebuild: the figure moves on, written once per element.
      const later = await texts(started + 26 * HOUR);
      for (const t of later) expect(t).toMatch(/\(for 1 d 2 h\)$/);
      expect(await page.locator('[data-relative-output]').count()).toBe(first.length);
      await context.close();
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe('the page at 390 px wide, in Chromium (issue 14)', () => {
  it('the response-time chart labels every tick differently, even over two minutes; tables are not cut off; the calendar starts with the current month', async () => {
    if (!chromiumAvailable()) return;
    const server = await serveDir(dist);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      for (const id of ['blip', 'shop']) {
        await page.goto(`${server.url}/components/${id}/`);
        await page.waitForFunction(() => [...document.querySelectorAll('canvas[data-response-chart]')].every((c) => c.hasAttribute('data-x-ticks')));
        for (const ticks of await page.$$eval('canvas[data-response-chart]', (cs) => cs.map((c) => c.getAttribute('data-x-ticks') ?? ''))) {
          const labels = ticks.split(' | ');
          expect(labels.length, `${id}: ${ticks}`).toBeGreaterThanOrEqual(2);
          expect(new Set(labels).size, `${id}: ${ticks}`).toBe(labels.length);
        }
      }
      const month = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(new Date(generatedAt));
      for (const p of ['/', '/components/shop/', '/uptime/', '/incidents/checkout/', '/maintenance/']) {
        await page.goto(`${server.url}${p}`);
        const clipped = await page.evaluate(() => [
          ...(document.documentElement.scrollWidth > document.documentElement.clientWidth ? ['the page scrolls sideways'] : []),
          ...[...document.querySelectorAll('table')].filter((t) => {
            const box = (t.closest('.table-scroll') ?? document.querySelector('main'))!.getBoundingClientRect();
            return t.getBoundingClientRect().right > box.right + 0.5 || t.getBoundingClientRect().right > document.documentElement.clientWidth;
          }).map((t) => `a table ends at ${Math.round(t.getBoundingClientRect().right)} px: ${t.querySelector('th')?.textContent}`),
        ]);
        expect(clipped, p).toEqual([]);
      }
      await page.goto(`${server.url}/uptime/`);
      const shop = page.locator('[data-component="shop"]');
      // The months begin with the current one, and none before the first data.
      await expect(shop.locator('figure.calendar figcaption').first().textContent()).resolves.toBe(month);
      await expect(shop.locator('tbody tr th').first().textContent()).resolves.toBe(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short' }).format(new Date(generatedAt)));
      const calendars = await shop.locator('figure.calendar').evaluateAll((fs) => fs.map((f) => ({ right: f.getBoundingClientRect().right, days: [...f.querySelectorAll('li.day')].map((d) => d.getAttribute('data-level')) })));
      expect(calendars.length).toBeLessThanOrEqual(2); // ten days of data: this month and perhaps the last
      for (const c of calendars) expect(c.right).toBeLessThanOrEqual(390);
      expect(calendars.at(-1)!.days.some((d) => d !== 'nodata')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
