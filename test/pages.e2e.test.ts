/**
 * Several pages from one repository, end to end with the real CLI: one fixture status repo (real
 * store files, incidents, maintenance, an SLO on the checks, a monthly report) builds a public
 * page (dist), an internal one (dist-internal) and a partner page inside the public one
 * (dist/partner). Each folder has its own title, components, API summary, feeds and badges; no
 * file of the public page names anything of the internal components (their names are distinct and
 * hostile-looking, so a leak anywhere would show); building one page keeps the page folders
 * inside it; and `cairn serve` answers every page.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';
import { CAIRN, cairn, serveUrl } from './helpers.ts';

const HOUR = 3_600_000;
const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
/** Everything of the internal components carries this (any case): it must appear in no file of the public page. */
const SECRET = /zz-?secret/i;

const CAIRN_YAML = `site:
  title: Acme Status
  description: How our public services are doing.
  baseUrl: https://status.acme.test/
  groups: [public]
defaults:
  interval: 15m
pages:
  - id: internal
    title: Acme Internal
    description: Everything we run.
    baseUrl: https://status.internal.acme.test/
    locale: de
  - id: partner
    title: Partner API
    components: [api]
    baseUrl: https://status.acme.test/partner/
    out: dist/partner
groups:
  - id: public
    name: Public services
    components:
      - { id: web, name: Website }
      - { id: api, name: Public API }
  - id: zz-secret-platform
    name: "ZZSECRET platform <b>"
    components:
      - { id: zz-secret-db, name: "ZZSECRET database <script>x</script>", description: "zzsecret primary at db1.zzsecret.internal" }
slos:
  - id: zz-secret-db-availability
    name: ZZSECRET DB availability
    component: zz-secret-db
    target: 99.9
    sli: { availability: {} }
  - id: web-availability
    name: Website availability
    component: web
    target: 99
    sli: { availability: {} }
`;

const CHECKS_YAML = `checks:
  - { id: web-home, name: Home page, component: web, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: api-health, name: API health, component: api, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: zz-secret-db-tcp, name: ZZSECRET db port, component: zz-secret-db, kind: tcp, host: db1.zzsecret.internal, port: 5432 }
maintenance:
  - { id: zz-secret-vacuum, title: ZZSECRET vacuum, components: [zz-secret-db], start: "${iso(NOW + 24 * HOUR)}", duration: 1h }
  - { id: network, title: Network work, description: "Switch swap", components: [web, zz-secret-db], start: "${iso(NOW + 48 * HOUR)}", duration: 30m }
`;

function incident(title: string, components: string[], startedAt: number, resolvedAt: number | null): string {
  return `---
title: "${title}"
impact: major
components: [${components.join(', ')}]
started: ${iso(startedAt)}
${resolvedAt === null ? '' : `resolved: ${iso(resolvedAt)}\n`}updates:
  - at: ${iso(startedAt)}
    status: investigating
    text: Looking into it.
---
`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

let dir: string;
const read = (rel: string) => readFile(path.join(dir, rel), 'utf8');
const json = async (rel: string) => JSON.parse(await read(rel)) as Record<string, unknown> & { components: { name: string; group: boolean }[] };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-pages-'));
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await mkdir(path.join(dir, 'incidents'), { recursive: true });
  await mkdir(path.join(dir, 'reports'), { recursive: true });
  await writeFile(path.join(dir, 'cairn.yaml'), CAIRN_YAML);
  await writeFile(path.join(dir, 'checks', 'a.yaml'), CHECKS_YAML);
  await writeFile(path.join(dir, 'incidents', '2026-01-01-zz-secret-failover.md'), incident('ZZSECRET failover', ['zz-secret-db'], NOW - 6 * HOUR, NOW - 5 * HOUR));
  await writeFile(path.join(dir, 'incidents', '2026-01-02-shared.md'), incident('Checkout errors', ['api', 'zz-secret-db'], NOW - 3 * HOUR, null));
  // A monthly report covers every component: only the page showing every component lists it.
  await writeFile(path.join(dir, 'reports', '2025-12.html'), '<html><head><title>December</title></head><body><article class="cairn-report"><p>ZZSECRET database 99.1%</p></article></body></html>');
  // Two days of 15-minute runs; the internal database down for the last hour.
  for (let t = NOW - 48 * HOUR; t < NOW; t += 15 * 60_000) {
    const at = iso(t);
    const r = (id: string, status: CheckStatus): CheckResult => ({ id, kind: 'tcp', status, responseTimeMs: 20, error: status === 'up' ? null : 'connect ECONNREFUSED db1.zzsecret.internal:5432', checkedAt: at, attempts: 1 });
    await appendRun(dir, toRunRecord(new Date(t), [r('web-home', 'up'), r('api-health', 'up'), r('zz-secret-db-tcp', t >= NOW - HOUR ? 'down' : 'up')]));
  }
  const res = await cairn(['build', '--dir', dir]);
  if (res.code !== 0) throw new Error(`build failed:\n${res.stderr}`);
  expect(res.stderr).toContain('Building 3 pages for 3 components');
  expect(res.stderr).toMatch(/Page "internal" built: .*dist-internal\/index\.html/);
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('several pages from one repository', () => {
  it('builds each page into its folder with its own title, description, language and components', async () => {
    const pub = await read('dist/index.html');
    expect(pub).toMatch(/<title>[^<]*Acme Status/);
    expect(pub).toContain('How our public services are doing.');
    expect(pub).toContain('data-component="web"');
    expect(pub).toContain('data-component="api"');
    expect(pub).not.toContain('data-component="zz-secret-db"');
    expect(pub).toMatch(/<html lang="en/);

    const internal = await read('dist-internal/index.html');
    expect(internal).toMatch(/<title>[^<]*Acme Internal/);
    expect(internal).toMatch(/<html lang="de/);
    expect(internal).toContain('data-component="zz-secret-db"');
    // Escaped like everything else.
    expect(internal).toContain('ZZSECRET database &lt;script&gt;');
    // (inside a quoted attribute value "<" is text, as the HTML standard has it)
    expect(internal.replace(/="[^"]*"/g, '="…"')).not.toContain('<script>x</script>');

    const partner = await read('dist/partner/index.html');
    expect(partner).toMatch(/<title>[^<]*Partner API/);
    expect(partner).toContain('data-component="api"');
    expect(partner).not.toContain('data-component="web"');
    // Links under the page's own base path.
    expect(partner).toContain('href="/partner/incidents/"');
  });

  it('gives each page its own API summary: its name, URL, components and overall state', async () => {
    const pub = await json('dist/api/v2/summary.json');
    const internal = await json('dist-internal/api/v2/summary.json');
    expect(pub['page']).toMatchObject({ name: 'Acme Status', url: 'https://status.acme.test' });
    expect(internal['page']).toMatchObject({ name: 'Acme Internal', url: 'https://status.internal.acme.test' });
    expect(pub.components.map((c) => c.name).sort()).toEqual(['Public API', 'Public services', 'Website']);
    expect(internal.components.map((c) => c.name)).toContain('ZZSECRET database <script>x</script>');
    // The public page's state is the worst of ITS components: the internal database is down, the public ones are up.
    expect((pub['status'] as { indicator: string }).indicator).toBe('none');
    expect((internal['status'] as { indicator: string }).indicator).toBe('critical');
    // The incident touching both shows on the public page, naming only the public component.
    const incidents = (pub['incidents'] as { name: string; components: { name: string }[] }[]).map((i) => [i.name, i.components.map((c) => c.name)]);
    expect(incidents).toEqual([['Checkout errors', ['Public API']]]);
    expect((await json('dist/partner/api/v2/summary.json')).components.map((c) => c.name)).toEqual(['Public services', 'Public API']);
  });

  it('gives each page its own feeds, calendar and badges', async () => {
    const atom = await read('dist/feed.atom');
    expect(atom).toContain('Checkout errors');
    expect(atom).toContain('https://status.acme.test/incidents/');
    const internalAtom = await read('dist-internal/feed.atom');
    expect(internalAtom).toContain('ZZSECRET failover');
    expect(internalAtom).toContain('https://status.internal.acme.test/incidents/');
    expect(await read('dist/maintenance.ics')).toContain('Network work');
    expect(await read('dist-internal/maintenance.ics')).toContain('ZZSECRET vacuum');
    expect((await readdir(path.join(dir, 'dist', 'badges'))).sort()).toEqual(['api', 'status-card.svg', 'web']);
    expect((await readdir(path.join(dir, 'dist-internal', 'badges'))).sort()).toEqual(['api', 'status-card.svg', 'web', 'zz-secret-db']);
    // The status card of each page names its own components only.
    expect(await read('dist/badges/status-card.svg')).not.toContain('ZZSECRET');
    // Reports cover every component: listed on the internal page only.
    expect(existsSync(path.join(dir, 'dist-internal', 'reports', '2025-12.html'))).toBe(true);
    expect(existsSync(path.join(dir, 'dist', 'reports', '2025-12.html'))).toBe(false);
  });

  it('leaks nothing of the internal components into any file of the public page', async () => {
    const files = await filesUnder(path.join(dir, 'dist'));
    expect(files.length).toBeGreaterThan(30);
    const leaks: string[] = [];
    for (const f of files) {
      if (SECRET.test(path.relative(dir, f))) leaks.push(`${f} (path)`);
      else if (SECRET.test(await readFile(f, 'utf8'))) leaks.push(f);
    }
    expect(leaks).toEqual([]);
    // The internal page does have them: the grep would see a leak.
    expect(SECRET.test(await read('dist-internal/index.html'))).toBe(true);
  });

  it('builds one page with --page, keeping the page folders inside its own', async () => {
    const before = await read('dist/partner/index.html');
    const res = await cairn(['build', '--dir', dir, '--page', 'default']);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('Page "internal"');
    expect(await read('dist/partner/index.html')).toBe(before);
    expect(existsSync(path.join(dir, 'dist', 'index.html'))).toBe(true);
    const unknown = await cairn(['build', '--dir', dir, '--page', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--page: unknown page "nope" (pages: default, internal, partner)');
  }, 120_000);

  it('cairn serve answers every page: the default one at its base path, the others under /<id>/', async () => {
    const env = { ...process.env };
    for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS']) delete env[k];
    const child = spawn(process.execPath, [CAIRN, 'serve', '--dir', dir, '--port', '0', '--rounds', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    try {
      const served = await serveUrl(child, /Serving page "partner" at (http:\/\/127\.0\.0\.1:\d+\/partner\/)/);
      const origin = new URL(served.url).origin;
      expect(served.stderr()).toContain(`Serving page "internal" at ${origin}/internal/`);
      const pub = await (await fetch(`${origin}/`)).text();
      expect(pub).toMatch(/<title>[^<]*Acme Status/);
      expect(pub).not.toMatch(SECRET);
      const internal = await fetch(`${origin}/internal/`);
      expect(internal.status).toBe(200);
      const html = await internal.text();
      expect(html).toMatch(/<title>[^<]*Acme Internal/);
      expect(html).toContain('href="/internal/components/zz-secret-db/"');
      expect((await fetch(`${origin}/internal/components/zz-secret-db/`)).status).toBe(200);
      expect((await fetch(`${origin}/components/zz-secret-db/`)).status).toBe(404);
      const summary = (await (await fetch(`${origin}/internal/api/v2/summary.json`)).json()) as { components: { group: boolean }[] };
      expect(summary.components.filter((c) => !c.group)).toHaveLength(3);
      const redirect = await fetch(`${origin}/internal`, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/internal/']);
      expect((await fetch(`${origin}/partner/`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
