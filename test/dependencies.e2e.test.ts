/**
 * Component dependencies on the built site, through a real `cairn build`: while Database is in a
 * major outage, API (which depends on it and is down too) shows "Affected by Database" on the home
 * page and its component page, with a link to the root cause; the Statuspage API carries the
 * dependency and the root cause in Cairn fields; Web, which depends on API but works, shows
 * nothing; API's uptime is its own (the dependency changes no figure). Loaded in real Chromium.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/checks/types.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';
import { CHROMIUM, CHROMIUM_ARGS, cairn, chromiumAvailable, serveDir } from './helpers.ts';

const MIN = 60_000;
const NOW = Date.now();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-deps-site-'));
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    `site: { title: Acme Status, baseUrl: "https://status.acme.test/" }
incidents: { auto: false }
groups:
  - id: core
    name: Core
    components:
      - { id: db, name: Database }
      - { id: api, name: API, dependsOn: [db] }
`,
  );
  await writeFile(
    path.join(dir, 'checks', 'a.yaml'),
    `checks:
  - { id: db, component: db, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: api, component: api, kind: tcp, host: 127.0.0.1, port: 2 }
  - { id: web, name: Web, kind: tcp, host: 127.0.0.1, port: 3, dependsOn: [api] }
`,
  );
  // Two hours every 5 minutes; Database and API down for the last 30 minutes, Web up throughout.
  for (let t = NOW - 120 * MIN; t <= NOW - MIN; t += 5 * MIN) {
    const down = t >= NOW - 30 * MIN;
    const result = (id: string, isDown: boolean): CheckResult => ({ id, kind: 'tcp', status: isDown ? 'down' : 'up', responseTimeMs: isDown ? null : 20, error: isDown ? 'connection refused' : null, checkedAt: new Date(t).toISOString(), attempts: 1 });
    await appendRun(dir, toRunRecord(new Date(t), [result('db', down), result('api', down), result('web', false)]));
  }
  const res = await cairn(['build', '--dir', dir]);
  if (res.code !== 0) throw new Error(`build failed:\n${res.stderr}`);
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (rel: string) => readFile(path.join(dir, 'dist', rel), 'utf8');
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('"affected by" on the built site', () => {
  it('home page: API is affected by Database; Web and Database are not', async () => {
    const html = await read('index.html');
    const row = (id: string) => html.slice(html.indexOf(`data-component="${id}"`), html.indexOf('</li>', html.indexOf(`data-component="${id}"`)));
    expect(row('api')).toContain('data-affected-by="db"');
    expect(text(row('api'))).toContain('Affected by Database (Major outage)');
    expect(row('api')).toMatch(/<a href="\/components\/db\/"[^>]*>Database<\/a>/);
    expect(row('db')).not.toContain('data-affected-by');
    expect(row('web')).not.toContain('data-affected-by');
  });

  it('component page: affected by, and what it depends on', async () => {
    const html = await read('components/api/index.html');
    expect(text(html)).toContain('Affected by Database (Major outage)');
    expect(html).toContain('data-depends-on="db"');
    expect(text(html)).toContain('Depends on Database');
    const web = await read('components/web/index.html');
    expect(web).toContain('data-depends-on="api"');
    expect(web).not.toContain('data-affected-by');
  });

  it('Statuspage API: Cairn fields for the dependency and the root cause', async () => {
    const summary = JSON.parse(await read('api/v2/components.json')) as { components: { id: string; status: string; cairn_depends_on?: string[]; cairn_affected_by?: unknown[] }[] };
    const api = summary.components.find((c) => c.id === 'api');
    expect(api).toMatchObject({ status: 'major_outage', cairn_depends_on: ['db'], cairn_affected_by: [{ id: 'db', name: 'Database', status: 'major_outage' }] });
    expect(summary.components.find((c) => c.id === 'web')?.cairn_affected_by).toBeUndefined();
  });

  it('shows in Chromium as text, with the link to the root cause', async () => {
    if (!chromiumAvailable()) {
      if (process.env['CI'] === 'true') throw new Error(`Chromium is required in CI (${CHROMIUM})`);
      return;
    }
    const server = await serveDir(path.join(dir, 'dist'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      const affected = page.locator('[data-component="api"] [data-affected-by]');
      await expect.poll(() => affected.innerText()).toBe('Affected by Database (Major outage)');
      await affected.getByRole('link', { name: 'Database' }).click();
      await page.waitForURL(/\/components\/db\/$/);
      expect(await page.locator('h1').innerText()).toBe('Database');
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
