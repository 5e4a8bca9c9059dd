/**
 * Cairn's own API as published: the report fixture repo (src/reports/fixture.ts) with an SLO
 * snapshot and April's report, built into files (`cairn build`'s exportSite) and served on request
 * (`cairn serve`'s serveSite). The documents are read back and compared with the page's HTML, with
 * the monthly report of the same month, and with the model.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { computeModel, type StatusModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import { LATEST_FILE } from '../prometheus/snapshot.ts';
import { writeFixtureRepo } from '../reports/fixture.ts';
import { duration, minutes } from '../reports/format.ts';
import { buildReport, writeReport } from '../reports/generate.ts';
import { buildModel } from './build.ts';
import { CAIRN_API_PATH, cairnApi } from './cairn-api.ts';
import { CAIRN_API_DOCUMENTS, type CairnApiDocuments } from './cairn-api-schema.ts';
import { directFile, type SiteFile } from './files.ts';
import { formatDuration, formatMs, formatSpan } from './format.ts';
import { strings } from './i18n.ts';
import { exportSite, type LiveServer, serveSite } from './render.ts';
import { siteRoutes } from './routes.ts';
import { HOSTILE, LONE_SURROGATE, attr, capacityBack, elements, fixtureSloSnapshot, sloBack, text, validator } from './test-cairn-api.ts';

/** The instant the page describes: April is complete, its last day fully sampled. */
const NOW = Date.parse('2026-05-01T00:00:00Z');
const t = strings('en-US');

let dir: string;
let out: string;
let config: ResolvedConfig;
let model: StatusModel;
let live: LiveServer;
/** April's report with Cairn's templates, and with one printing each component's MTTD and MTTR. */
let reportMd: string;
let figuresMd: string;

const read = (rel: string) => readFile(path.join(out, rel), 'utf8');
const api = async <K extends keyof CairnApiDocuments>(name: K) => JSON.parse(await read(`${CAIRN_API_PATH}/${name}.json`)) as CairnApiDocuments[K];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-api-'));
  out = path.join(dir, 'dist');
  await writeFixtureRepo(dir);
  // The latest SLO snapshot, five minutes before the page's instant (current, not stale).
  await writeFile(path.join(dir, LATEST_FILE), `${JSON.stringify(fixtureSloSnapshot(NOW - 300_000, 'api', 'web'), null, 1)}\n`);
  config = await loadConfig(dir, { missingEnv: 'keep' });
  reportMd = (await writeReport(config, '2026-04', { now: NOW, prometheus: false })).md;
  // A status repo's own template sees every figure of the report's view, MTTD and MTTR too.
  await mkdir(path.join(dir, 'templates'));
  await writeFile(path.join(dir, 'templates', 'report.md.hbs'), '{{#each components}}{{id}}|{{availability}}|{{incidents}}|{{mttd}}|{{mttr}}\n{{/each}}');
  figuresMd = (await buildReport(config, '2026-04', { now: NOW, prometheus: false })).md;
  await rm(path.join(dir, 'templates'), { recursive: true });
  model = await buildModel(config, NOW);
  await exportSite(model, out);
  live = await serveSite(() => model, { port: 0, host: '127.0.0.1', baseUrl: config.site.baseUrl });
}, 240_000);

afterAll(async () => {
  await live?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('published by `cairn build` and `cairn serve` alike', () => {
  it('every document and schema: the same bytes from the built files and from the live server, as application/json', async () => {
    const routes = siteRoutes(model).filter((r) => r.startsWith(`/${CAIRN_API_PATH}/`));
    expect(routes).toHaveLength(2 * CAIRN_API_DOCUMENTS.length);
    for (const route of routes) {
      const res = await fetch(new URL(route.slice(1), live.url));
      expect(res.status, route).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.text(), route).toBe(await read(route.slice(1)));
    }
    expect((await fetch(new URL(`${CAIRN_API_PATH}/nothing.json`, live.url))).status).toBe(404);
  });

  it('every feed, badge and API file: written straight from the model by the build, the same bytes and media type as the live server answers', async () => {
    const base = new URL(live.url).pathname;
    const routes = siteRoutes(model).filter((r) => directFile(model, base, r) !== undefined);
    // The page's feeds, a component's feeds and badges, the status card, both APIs.
    for (const r of ['/feed.atom', '/maintenance.ics', '/badges/status-card.svg', '/api/v2/summary.json', `/${CAIRN_API_PATH}/index.json`]) expect(routes).toContain(r);
    expect(routes.some((r) => /^\/components\/[^/]+\/feed\.json$/.test(r))).toBe(true);
    expect(routes.some((r) => /^\/badges\/[^/]+\/[^/]+\.svg$/.test(r))).toBe(true);
    for (const route of routes) {
      const res = await fetch(new URL(route.slice(1), live.url));
      expect(res.status, route).toBe(200);
      expect(res.headers.get('content-type'), route).toBe((directFile(model, base, route) as SiteFile).type);
      expect(await res.text(), route).toBe(await read(decodeURIComponent(route.slice(1))));
    }
    // The pages are not among them.
    expect(directFile(model, base, '/')).toBeUndefined();
    expect(directFile(model, base, `/components/${encodeURIComponent(model.components[0]!.id)}/`)).toBeUndefined();
    expect(directFile(model, base, '/badges/nothing/up.svg')).toBeNull();
  });

  it('every document validates against the schema published beside it', async () => {
    for (const name of CAIRN_API_DOCUMENTS) {
      const doc = await api(name);
      expect(doc.$schema).toBe(`schemas/${name}.json`);
      const validate = validator(JSON.parse(await read(`${CAIRN_API_PATH}/${doc.$schema}`)) as Record<string, unknown>);
      expect(validate(doc), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect((await api('index')).documents.map((d) => d.href)).toEqual(CAIRN_API_DOCUMENTS.map((n) => `${n}.json`));
  });

  it("the files hold the model's documents", async () => {
    const docs = JSON.parse(JSON.stringify(cairnApi(model))) as CairnApiDocuments;
    for (const name of CAIRN_API_DOCUMENTS) expect(await api(name)).toEqual(docs[name]);
  });
});

describe('the numbers agree with the page', () => {
  it('home page: the 90-day uptime line of every component', async () => {
    const home = await read('index.html');
    for (const c of (await api('components')).components) {
      const [row] = elements(home, (e) => e.tagName === 'li' && attr(e, 'data-component') === c.id);
      const line = elements(row!, (e) => e.tagName === 'p' && attr(e, 'class')?.includes('uptime') === true)[0]!;
      expect(text(line).startsWith(t.uptimeOver90(`${c.uptime['90d'].percent}%`)), text(line)).toBe(true);
    }
  });

  it('component pages: uptime, downtime and coverage per window; incidents, MTTD, MTTR and downtime per month; check latency', async () => {
    const { components } = await api('components');
    const { monthly } = await api('incidents');
    let figures = 0;
    for (const c of components) {
      const html = await read(`components/${c.id}/index.html`);
      for (const key of ['24h', '7d', '30d', '90d'] as const) {
        const w = c.uptime[key];
        const [row] = elements(html, (e) => e.tagName === 'tr' && attr(e, 'data-window') === key);
        const cells = elements(row!, (e) => e.tagName === 'td').map(text);
        expect(cells, `${c.id} ${key}`).toEqual([w.percent === null ? (w.data === 'insufficient' ? t.notEnoughData : t.noData) : `${w.percent}%`, w.knownMs ? formatDuration(w.downtimeMs) || '0 s' : '—', `${w.coveragePercent}%`]);
        if (w.percent !== null) figures++;
      }
      for (const m of monthly.find((x) => x.component === c.id)!.months) {
        const [row] = elements(html, (e) => e.tagName === 'tr' && attr(e, 'data-month') === m.month && attr(e, 'data-window') === undefined);
        if (m.incidents === 0 && m.downtimeMs === 0) {
          expect(row).toBeUndefined();
          continue;
        }
        const cells = elements(row!, (e) => e.tagName === 'td').map(text);
        expect(cells, `${c.id} ${m.month}`).toEqual([String(m.incidents), m.mttdMs === null ? '—' : formatSpan(m.mttdMs, t), m.mttrMs === null ? '—' : formatSpan(m.mttrMs, t), formatDuration(m.downtimeMs) || '0 min']);
        figures++;
      }
      for (const check of c.checks) {
        const [section] = elements(html, (e) => e.tagName === 'section' && attr(e, 'data-check') === check.id);
        const facts = Object.fromEntries(elements(section!, (e) => e.tagName === 'div' && e.parentNode !== null && 'tagName' in e.parentNode && e.parentNode.tagName === 'dl').map((d) => [text(elements(d, (e) => e.tagName === 'dt')[0]!), text(elements(d, (e) => e.tagName === 'dd')[0]!)]));
        expect([facts[t.median24h], facts[t.p95_24h]]).toEqual([formatMs(check.latency24h.p50), formatMs(check.latency24h.p95)]);
        expect(check.latency24h.p50).not.toBeNull();
      }
    }
    // Not an empty comparison: the fixture has figures in every window and April's incidents.
    expect(figures).toBeGreaterThanOrEqual(14);
  });

  it('uptime page: every month of every component', async () => {
    const html = await read('uptime/index.html');
    const { components } = await api('components');
    for (const c of components) {
      const [section] = elements(html, (e) => e.tagName === 'section' && attr(e, 'data-component') === c.id);
      const cells = elements(section!, (e) => e.tagName === 'td' && attr(e, 'data-month') !== undefined);
      expect(cells.length).toBeGreaterThan(0);
      for (const cell of cells) {
        const u = c.monthly.find((m) => m.month === attr(cell, 'data-month'))!.uptime;
        expect(text(cell)).toBe(u.percent !== null ? `${u.percent}%` : u.data === 'insufficient' ? t.notEnoughData : '—');
      }
    }
    expect(components.find((c) => c.id === 'api')!.monthly.find((m) => m.month === '2026-04')!.uptime.percent).toBe('99.89');
  });

  it('SLO panels: achieved per window, budget left, alert state, capacity thresholds; the home page summary', async () => {
    const { slos } = await api('slos');
    const { capacity } = await api('capacity');
    expect(slos.length).toBe(4);
    const home = await read('index.html');
    for (const s of slos) {
      const html = await read(`components/${s.component}/index.html`);
      const [card] = elements(html, (e) => e.tagName === 'article' && attr(e, 'data-slo') === s.id);
      expect(attr(card!, 'data-alert-state')).toBe(s.figures?.alertState ?? 'unknown');
      if (!s.figures) continue;
      for (const w of s.figures.windows) {
        const [fact] = elements(card!, (e) => e.tagName === 'div' && attr(e, 'data-window') === w.window);
        expect(text(elements(fact!, (e) => e.tagName === 'dd')[0]!)).toBe(w.achievedPercent === null ? 'no data' : `${w.achievedPercent}%`);
      }
      const first = s.figures.windows[0]!;
      const [budget] = elements(card!, (e) => e.tagName === 'dd' && attr(e, 'data-budget') !== undefined);
      expect(text(budget!).startsWith(first.budget.remainingPercent === null ? '—' : `${first.budget.remainingPercent}%`)).toBe(true);
      expect(text(budget!).includes('(overspent)')).toBe((first.budget.remainingFraction ?? 0) < 0);
      const [summary] = elements(home, (e) => e.tagName === 'p' && attr(e, 'data-slo-summary') !== undefined && text(e).includes(`${s.name}:`));
      expect(text(summary!)).toContain(`${s.name}: ${first.achievedPercent === null ? t.noData : `${first.achievedPercent}%`} of ${s.target}% (${first.window}), ${first.budget.remainingPercent === null ? '—' : `${first.budget.remainingPercent}%`} budget left`);
    }
    expect(capacity.filter((c) => c.figures).length).toBe(2);
    for (const c of capacity) {
      const html = await read(`components/${c.component}/index.html`);
      const [card] = elements(html, (e) => e.tagName === 'article' && attr(e, 'data-capacity') === c.id);
      const shown = elements(card!, (e) => e.tagName === 'li' && attr(e, 'data-threshold') !== undefined).map((e) => [attr(e, 'data-threshold'), attr(e, 'data-state')]);
      expect(shown).toEqual((c.figures?.thresholds ?? []).map((x) => [x.level, x.state]));
      if (c.figures) expect(text(elements(card!, (e) => attr(e, 'data-forecast-basis') !== undefined)[0]!)).toBe(c.figures.basisText);
    }
  });

  it('SLOs and capacity figures are identical to model.slo', async () => {
    const slo = model.slo!;
    expect((await api('slos')).slos.map(sloBack)).toEqual(model.components.flatMap((c) => slo.byComponent[c.id]?.slos ?? []));
    expect((await api('capacity')).capacity.map(capacityBack)).toEqual(model.components.flatMap((c) => slo.byComponent[c.id]?.capacity ?? []));
  });
});

describe("the numbers agree with April's report", () => {
  it('availability, coverage, downtime and incidents per component; MTTD and MTTR', async () => {
    const { components } = await api('components');
    const { monthly } = await api('incidents');
    for (const c of components) {
      const u = c.monthly.find((m) => m.month === '2026-04')!.uptime;
      const m = monthly.find((x) => x.component === c.id)!.months.find((x) => x.month === '2026-04')!;
      const row = reportMd.split('\n').find((l) => l.startsWith(`| ${c.name} | `) && l.includes('% ('))!;
      const cells = row.split(' | ').map((x) => x.replace(/^\| |\s\|$/g, ''));
      // | Component | Target | Availability | Coverage | Downtime (min) | … | Incidents |
      expect([cells[2], cells[3], cells[4], cells[12]], row).toEqual([`${u.percent}%`, `${u.coveragePercent}%`, minutes(m.downtimeMs), String(m.incidents)]);
      expect(figuresMd).toContain(`${c.id}|${u.percent}|${m.incidents}|${m.mttdMs === null ? '—' : duration(m.mttdMs)}|${m.mttrMs === null ? '—' : duration(m.mttrMs)}\n`);
    }
    expect(figuresMd).toContain('api|99.89|1|10 min|35 min\n');
  });

  it("each incident's duration and time to detect; its time to resolve, which the report counts from detection", async () => {
    const { incidents } = await api('incidents');
    const april = incidents.find((i) => i.id === '2026-04-10-api')!;
    expect(april).toMatchObject({ title: 'API outage | errors', durationMs: 2_700_000, timeToDetectMs: 600_000, timeToResolveMs: 2_100_000 });
    const row = reportMd.split('\n').find((l) => l.includes('/incidents/2026-04-10-api/'))!;
    // | Incident | Severity | Components | Started | Duration | Time to detect | Time to resolve |
    expect(row.endsWith(`| ${duration(april.durationMs)} | ${duration(april.timeToDetectMs)} | ${duration(april.timeToResolveMs!)} |`), row).toBe(true);
  });

  it('reports.json lists the report with links to files the build wrote', async () => {
    const { reports } = await api('reports');
    expect(reports.map((r) => [r.month, r.title])).toEqual([['2026-04', 'Acme Status: health report, April 2026']]);
    const base = `http://x.test/${CAIRN_API_PATH}/reports.json`;
    for (const link of [reports[0]!.page, reports[0]!.html, reports[0]!.markdown!]) {
      const rel = new URL(link, base).pathname.slice(1);
      expect((await read(rel.endsWith('/') ? `${rel}index.html` : rel)).length).toBeGreaterThan(0);
    }
  });
});

describe('hostile names through HTTP and files', () => {
  it('come back as the exact strings', async () => {
    const names = [LONE_SURROGATE, ...HOSTILE];
    const cfg = fixtureConfig({ checks: [{ id: 'a' }, { id: 'b' }] });
    cfg.components.forEach((c, i) => (c.name = names[i]!));
    cfg.checks.forEach((c, i) => (c.name = names[i + 2]!));
    const now = Date.parse('2026-05-01T00:00:00Z');
    const hostile = computeModel({
      config: cfg,
      samples: [{ id: 'a', at: now - 60_000, status: 'down', responseTimeMs: null, error: names[4]!, statusCode: null }],
      incidents: [{ id: 'x', file: 'incidents/x.md', title: names[5]!, impact: 'major', severity: 'P2', components: ['a'], auto: false, startedAt: now - 60_000, detectedAt: now - 60_000, resolvedAt: null, updates: [{ at: now - 60_000, status: 'investigating', text: names[6]! }], body: names.join('\n'), owner: null, acknowledged: null, checklist: [], actions: [] }],
      now,
    });
    const server = await serveSite(() => hostile, { port: 0, host: '127.0.0.1', baseUrl: null });
    const built = path.join(dir, 'hostile');
    try {
      await exportSite(hostile, built);
      for (const body of [
        await (await fetch(new URL(`${CAIRN_API_PATH}/components.json`, server.url))).text(),
        await readFile(path.join(built, CAIRN_API_PATH, 'components.json'), 'utf8'),
      ]) {
        const doc = JSON.parse(body) as CairnApiDocuments['components'];
        expect(doc.components.map((c) => c.name)).toEqual([names[0], names[1]]);
        expect(doc.components.flatMap((c) => c.checks.map((x) => x.name))).toEqual([names[2], names[3]]);
        expect(doc.components[0]!.checks[0]!.lastError).toBe(names[4]);
      }
      const incidents = JSON.parse(await (await fetch(new URL(`${CAIRN_API_PATH}/incidents.json`, server.url))).text()) as CairnApiDocuments['incidents'];
      expect([incidents.incidents[0]!.title, incidents.incidents[0]!.updates[0]!.text, incidents.incidents[0]!.body]).toEqual([names[5], names[6], names.join('\n')]);
    } finally {
      await server.close();
    }
  });
});
