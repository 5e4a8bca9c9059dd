/**
 * The built site in real headless Chromium, from a fixture status repo with known history,
 * incidents and maintenance, published under a base path (/status/) as on a GitHub Pages project
 * site: every page type renders without console errors, axe-core finds no violations (light and
 * dark), every link and asset resolves under the base path, incident markdown cannot run script,
 * and the layout holds at 320 px.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import sirv from 'sirv';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';
import { CHROMIUM, CHROMIUM_ARGS, cairn, chromiumAvailable } from './helpers.ts';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOUR = 3_600_000;
const NOW = Date.now();

const XSS_INCIDENT = `---
title: "Checkout errors <img src=x onerror=window.__xss=1>"
impact: major
components: [api]
started: ${new Date(NOW - 5 * HOUR).toISOString()}
resolved: ${new Date(NOW - 4 * HOUR).toISOString()}
updates:
  - at: ${new Date(NOW - 5 * HOUR).toISOString()}
    status: investigating
    text: "Errors <script>window.__xss=2</script> seen. [details](javascript:window.__xss=3)"
  - at: ${new Date(NOW - 4 * HOUR).toISOString()}
    status: resolved
    text: Fixed by rolling back.
---
## Postmortem

<script>window.__xss = 4</script>
<img src="x" onerror="window.__xss = 5">

[a link](javascript:window.__xss=6) and [a good one](https://example.com/).
`;

async function fixtureRepo(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-site-'));
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await mkdir(path.join(dir, 'incidents'), { recursive: true });
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    `site:\n  title: Fixture Status\n  description: A fixture for the site tests.\n  timeZone: Europe/Berlin\n  baseUrl: https://example.github.io/status/\ndefaults:\n  interval: 15m\ngroups:\n  - id: core\n    name: Core\n    components:\n      - id: api\n        name: Public API\n      - id: web\n        name: Website\n`,
  );
  await writeFile(
    path.join(dir, 'checks', 'a.yaml'),
    [
      'checks:',
      '  - { id: api-health, name: API health, component: api, kind: tcp, host: 127.0.0.1, port: 1 }',
      '  - { id: api-orders, name: Orders, component: api, kind: tcp, host: 127.0.0.1, port: 1 }',
      '  - { id: web, name: Website, kind: tcp, host: 127.0.0.1, port: 1 }',
      '  - { id: db, name: Database, kind: tcp, host: 127.0.0.1, port: 1 }',
      'maintenance:',
      `  - { id: upgrade, title: Database upgrade, components: [db], start: "${new Date(NOW + 24 * HOUR).toISOString()}", duration: 1h }`,
      `  - { id: past, title: Network work, components: [web], start: "${new Date(NOW - 30 * HOUR).toISOString()}", duration: 30m }`,
      '',
    ].join('\n'),
  );
  await writeFile(path.join(dir, 'incidents', '2026-11-01-checkout.md'), XSS_INCIDENT);
  // Three days of 15-minute runs; api-orders down for an hour, db degraded for two.
  for (let t = NOW - 3 * 24 * HOUR; t < NOW; t += 15 * 60_000) {
    const at = new Date(t).toISOString();
    const r = (id: string, status: CheckStatus): CheckResult => ({ id, kind: 'tcp', status, responseTimeMs: 20 + (t / 60_000) % 30, error: status === 'up' ? null : 'connection refused by 127.0.0.1:1', checkedAt: at, attempts: 1 });
    const ordersDown = t >= NOW - 5 * HOUR && t < NOW - 4 * HOUR;
    const dbSlow = t >= NOW - 20 * HOUR && t < NOW - 18 * HOUR;
    await appendRun(dir, toRunRecord(new Date(t), [r('api-health', 'up'), r('api-orders', ordersDown ? 'down' : 'up'), r('web', 'up'), r('db', dbSlow ? 'degraded' : 'up')]));
  }
  const res = await cairn(['build', '--dir', dir]);
  if (res.code !== 0) throw new Error(`build failed:\n${res.stderr}`);
  // The same site in German, to prove the strings live in one place.
  const settings = path.join(dir, 'cairn.yaml');
  const english = await readFile(settings, 'utf8');
  await writeFile(settings, english.replace('  timeZone: Europe/Berlin\n', '  timeZone: Europe/Berlin\n  locale: de-DE\n'));
  const de = await cairn(['build', '--dir', dir, '--out', path.join(dir, 'dist', 'de')]);
  if (de.code !== 0) throw new Error(`German build failed:\n${de.stderr}`);
  await writeFile(settings, english);
  return dir;
}

/** Serves dist under /status/, as GitHub Pages serves a project site. */
async function serveUnderBase(dist: string): Promise<{ origin: string; close(): Promise<void> }> {
  const handler = sirv(dist, { dev: true });
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/status/')) {
      res.statusCode = 404;
      res.end('outside the base path');
      return;
    }
    req.url = req.url.slice('/status'.length);
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const available = chromiumAvailable();
let browser: Browser;
let site: Awaited<ReturnType<typeof serveUnderBase>>;

beforeAll(async () => {
  if (!available) return;
  const dir = await fixtureRepo();
  site = await serveUnderBase(path.join(dir, 'dist'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const PAGES = ['/status/', '/status/components/api/', '/status/incidents/', '/status/incidents/2026-11-01-checkout/', '/status/maintenance/', '/status/uptime/', '/status/subscribe/'];

async function open(path: string, opts: { js?: boolean; dark?: boolean; width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    javaScriptEnabled: opts.js ?? true,
    colorScheme: opts.dark ? 'dark' : 'light',
    viewport: { width: opts.width ?? 1024, height: 800 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(`${site.origin}${path}`, { waitUntil: 'load' });
  expect(res?.status(), path).toBe(200);
  return { page, errors };
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run({ resultTypes: ['violations'] });
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!available)('the built site', () => {
  it.each(PAGES)('%s renders without console errors and axe finds nothing (light and dark)', async (p) => {
    for (const dark of [false, true]) {
      const { page, errors } = await open(p, { dark });
      // axe is injected by the test, which the page's own CSP would refuse: inject from a context without CSP.
      await page.context().close();
      const ctx = await browser.newContext({ bypassCSP: true, colorScheme: dark ? 'dark' : 'light' });
      const p2 = await ctx.newPage();
      await p2.goto(`${site.origin}${p}`);
      expect(await axeViolations(p2), `${p} ${dark ? 'dark' : 'light'}`).toEqual([]);
      await ctx.close();
      expect(errors, p).toEqual([]);
    }
  });

  it('every link and asset on every page resolves under the base path', async () => {
    const seen = new Set<string>();
    for (const p of PAGES) {
      const { page } = await open(p);
      const urls = await page.$$eval('a[href], link[href], script[src], img[src]', (els) =>
        els.map((e) => (e as HTMLAnchorElement).href || (e as HTMLScriptElement).src).filter(Boolean),
      );
      await page.context().close();
      for (const u of urls) {
        const url = new URL(u);
        if (url.origin !== site.origin || seen.has(url.pathname)) continue;
        seen.add(url.pathname);
        expect(url.pathname.startsWith('/status/'), `${u} on ${p}`).toBe(true);
        const res = await fetch(url);
        expect(res.status, `${u} on ${p}`).toBe(200);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('incident markdown never runs script: no script, handler or javascript: link survives', async () => {
    const { page, errors } = await open('/status/incidents/2026-11-01-checkout/');
    const links = await page.$$eval('main a', (els) => els.map((a) => a.getAttribute('href')));
    expect(links.some((h) => h?.toLowerCase().startsWith('javascript:'))).toBe(false);
    expect(links).toContain('https://example.com/');
    for (const text of ['[details]', 'a link']) {
      const link = page.locator('main a', { hasText: text.replace(/[[\]]/g, '') });
      expect(await link.count()).toBe(0);
    }
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('main script, main img[onerror]').count()).toBe(0);
    await expect(page.locator('main').textContent()).resolves.toContain('<script>window.__xss = 4</script>');
    expect(errors).toEqual([]);
  });

  it('with JavaScript off, statuses and figures are all there', async () => {
    const { page } = await open('/status/', { js: false });
    const statuses = await page.$$eval('[data-component]', (els) => els.map((e) => [e.getAttribute('data-component'), e.querySelector('.pill')?.textContent?.trim()]));
    expect(statuses).toEqual([
      ['api', '✓ Operational'],
      ['web', '✓ Operational'],
      ['db', '✓ Operational'],
    ]);
    const comp = await open('/status/components/api/', { js: false });
    await expect(comp.page.locator('tr[data-window="24h"] td').first().textContent()).resolves.toMatch(/^9\d\.\d\d%$/);
    expect(await comp.page.locator('details table tbody tr').count()).toBeGreaterThan(0);
  });

  it('the dark-mode switch works without JavaScript, both ways', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ javaScriptEnabled: false, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(`${site.origin}/status/`);
      const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const before = await bg();
      await page.getByLabel('Light/dark').check();
      const after = await bg();
      expect(after).not.toBe(before);
      expect(before).toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(13, 17, 23)');
      expect(after).toBe(scheme === 'light' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
      await ctx.close();
    }
  });

  it('speaks German when site.locale is de-DE', async () => {
    const { page } = await open('/status/de/', { js: false });
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await expect(page.locator('.banner h1').textContent()).resolves.toBe('Alle Systeme in Betrieb');
    await expect(page.locator('[data-component="api"] .pill').textContent()).resolves.toContain('In Betrieb');
    await expect(page.locator('nav').first().textContent()).resolves.toContain('Störungen');
    await page.context().close();
  });

  it('holds at 320 px: no horizontal scrolling of the page', async () => {
    for (const p of PAGES) {
      const { page } = await open(p, { width: 320 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, p).toBeLessThanOrEqual(0);
      await page.context().close();
    }
  });
});
