/**
 * The embeddable status widget in real headless Chromium, on a page of ANOTHER origin: `cairn
 * serve` serves the status site (and /widget.js, and the API with CORS) on one port, a second
 * server on another port serves a page that embeds the widget. The widget shows the page's state
 * and the active incidents exactly as the API says them, a hostile component name or incident
 * title renders as text (no element, no script), and no style crosses the shadow root. The status
 * card SVG is well-formed XML with the names as text.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DOMParser } from '@xmldom/xmldom';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';
import { CAIRN, CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, serveUrl } from './helpers.ts';

const HOSTILE_COMPONENT = 'Payments <img src=x onerror="window.__xss=1"> & "co"';
const HOSTILE_INCIDENT = 'Checkout down <script>window.__xss=2</script><b>bold</b>';
const NOW = Date.now();
const HOUR = 3_600_000;

let embedder: http.Server;
let embedUrl: string;
let cairnUrl: string;
let child: ChildProcessByStdio<null, null, Readable>;
let browser: Browser | undefined;
const pages = new Map<string, string>();

beforeAll(async () => {
  // The other origin: a page that embeds the widget (and a TCP target the checks find up).
  embedder = http.createServer((req, res) => {
    const body = pages.get(req.url ?? '/');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((r) => embedder.listen(0, '127.0.0.1', () => r()));
  const embedPort = (embedder.address() as AddressInfo).port;
  embedUrl = `http://127.0.0.1:${embedPort}`;

  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-widget-'));
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await mkdir(path.join(dir, 'incidents'), { recursive: true });
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    `site:\n  title: Widget Status\n  baseUrl: https://status.example.test/\ngroups:\n  - id: core\n    name: Core\n    components:\n      - id: pay\n        name: ${JSON.stringify(HOSTILE_COMPONENT)}\n      - id: web\n        name: Website\n`,
  );
  await writeFile(
    path.join(dir, 'checks', 'a.yaml'),
    `checks:\n  - { id: pay, component: pay, kind: tcp, host: 127.0.0.1, port: 1, retries: 0 }\n  - { id: web, component: web, kind: tcp, host: 127.0.0.1, port: ${embedPort}, retries: 0 }\n`,
  );
  await writeFile(
    path.join(dir, 'incidents', '2026-12-01-checkout.md'),
    `---\ntitle: ${JSON.stringify(HOSTILE_INCIDENT)}\nimpact: major\ncomponents: [pay]\nstarted: ${new Date(NOW - HOUR).toISOString()}\nupdates:\n  - at: ${new Date(NOW - HOUR).toISOString()}\n    status: identified\n    text: Working on it.\n---\n`,
  );
  for (let t = NOW - 2 * HOUR; t < NOW; t += 15 * 60_000) {
    const r = (id: string, status: CheckStatus): CheckResult => ({ id, kind: 'tcp', status, responseTimeMs: 20, error: status === 'up' ? null : 'refused', checkedAt: new Date(t).toISOString(), attempts: 1 });
    await appendRun(dir, toRunRecord(new Date(t), [r('pay', 'down'), r('web', 'up')]));
  }
  const env = { ...process.env };
  for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS']) delete env[k];
  child = spawn(process.execPath, [CAIRN, 'serve', '--dir', dir, '--port', '0', '--interval', '1h'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  cairnUrl = (await serveUrl(child, /at (http:\/\/127\.0\.0\.1:\d+\/)/)).url;
  if (chromiumAvailable()) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
  embedder?.closeAllConnections();
  await new Promise<void>((r) => embedder.close(() => r()));
});

interface Summary {
  status: { indicator: string; description: string };
  incidents: { name: string }[];
  components: { name: string; status: string }[];
}

describe('the status widget on another origin', () => {
  it('cairn serve lets other origins read the API and the widget (CORS), as static hosting does', async () => {
    for (const p of ['api/v2/summary.json', 'widget.js', 'badges/status-card.svg']) {
      const res = await fetch(`${cairnUrl}${p}`, { headers: { origin: embedUrl } });
      expect([p, res.status, res.headers.get('access-control-allow-origin')]).toEqual([p, 200, '*']);
    }
  });

  it('shows the state and the active incidents the API gives, hostile names as text, styles kept apart', async (ctx) => {
    if (!browser) return ctx.skip();
    const summary = (await (await fetch(`${cairnUrl}api/v2/summary.json`)).json()) as Summary;
    expect(summary.status.indicator).not.toBe('none');
    // The hand-written incident, and the automatic one `cairn serve` may have opened for the component down.
    expect(summary.incidents.map((i) => i.name)).toContain(HOSTILE_INCIDENT);
    const incidentNames = summary.incidents.map((i) => i.name);
    pages.set(
      '/embed.html',
      `<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Embedder</title><style>p, li, a, span { color: rgb(255, 0, 0) !important; font-size: 40px !important; }</style></head>` +
        `<body><p id="own">The embedding page's own text</p>` +
        `<div data-cairn-status data-cairn-components></div>` +
        `<script src="${cairnUrl}widget.js" async></script></body></html>`,
    );
    pages.set('/auto.html', `<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Auto</title></head><body><main><script src="${cairnUrl}widget.js" data-cairn-widget async></script></main></body></html>`);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${embedUrl}/embed.html`);
    const host = page.locator('[data-cairn-status]');
    // Playwright's CSS locators pierce open shadow roots.
    await expect.poll(() => host.locator('.overall').textContent(), { timeout: 30_000 }).toBe(summary.status.description);
    const shown = await page.evaluate(() => {
      const root = document.querySelector('[data-cairn-status]')!.shadowRoot!;
      return {
        incidents: [...root.querySelectorAll('[data-incidents] li a')].map((a) => a.textContent),
        incidentHref: root.querySelector('[data-incidents] li a')?.getAttribute('href'),
        components: [...root.querySelectorAll('[data-components] li')].map((li) => li.textContent),
        injected: root.querySelectorAll('img, script, b').length,
        xss: (window as unknown as { __xss?: number }).__xss ?? null,
        overallColor: getComputedStyle(root.querySelector('.overall a')!).color,
        overallSize: getComputedStyle(root.querySelector('.overall')!).fontSize,
        ownWeight: getComputedStyle(document.getElementById('own')!).fontWeight,
        ownColor: getComputedStyle(document.getElementById('own')!).color,
        documentSheets: document.styleSheets.length,
        region: root.querySelector('[role=region]')?.getAttribute('aria-label'),
      };
    });
    expect(shown.incidents).toEqual(incidentNames);
    expect(shown.incidentHref).toMatch(/^https:\/\/status\.example\.test\/incidents\/[\w-]+\/$/);
    expect(shown.components).toEqual([`${HOSTILE_COMPONENT} · Major outage`, 'Website · Operational']);
    expect(shown.injected).toBe(0);
    expect(shown.xss).toBeNull();
    // The host page's rules do not reach into the widget; the widget's do not reach out.
    expect(shown.overallColor).not.toBe('rgb(255, 0, 0)');
    expect(shown.overallSize).toBe('14px');
    expect(shown.ownColor).toBe('rgb(255, 0, 0)');
    expect(shown.ownWeight).toBe('400');
    expect(shown.documentSheets).toBe(1);
    expect(shown.region).toBe('Widget Status status');

    // Without a placeholder: the widget goes right after its script tag.
    await page.goto(`${embedUrl}/auto.html`);
    await expect.poll(() => page.locator('main [data-cairn-status] .overall').textContent(), { timeout: 30_000 }).toBe(summary.status.description);
    expect(await page.locator('main [data-cairn-status] [data-incidents] li a').allTextContents()).toEqual(incidentNames);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('the status card is one well-formed SVG with the overall state and every component, names as text', async () => {
    const res = await fetch(`${cairnUrl}badges/status-card.svg`);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    const parseErrors: string[] = [];
    const doc = new DOMParser({ onError: (level, msg) => void parseErrors.push(`${level}: ${msg}`) }).parseFromString(svg, 'image/svg+xml');
    expect(parseErrors).toEqual([]);
    const texts = Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent);
    // (long names are cut, with a mark)
    expect(texts.find((t) => t?.startsWith('Payments <img src=x onerror='))).toBeTruthy();
    expect(texts).toContain('Website');
    expect(texts.find((t) => /^\d+ active incidents?$/.test(t ?? ''))).toBeTruthy();
    expect(doc.getElementsByTagName('img').length).toBe(0);
    expect(doc.getElementsByTagName('title')[0]?.textContent).toMatch(/^Widget Status: (Partial|Major) outage$/);
  });
});
