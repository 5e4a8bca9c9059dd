import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { computeModel, type StatusModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import { reportPage } from '../reports/pages.ts';
import type { Sample } from '../store/samples.ts';
import { CAIRN_API_PATH, cairnApi, cairnApiFiles } from './cairn-api.ts';
import { CAIRN_API_DOCUMENTS, type CairnApiDocuments, documentJsonSchema } from './cairn-api-schema.ts';
import { siteRoutes } from './routes.ts';
import { HOSTILE, LONE_SURROGATE, capacityBack, fixtureSloSnapshot, sloBack, validator } from './test-cairn-api.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MIN = 60_000;
const H = 3_600_000;

/** Two components (one with two checks), ten days of 5-minute samples, an open and a resolved incident, an SLO snapshot, a report. */
function fixtureModel(opts: { names?: string[]; snapshot?: boolean; baseUrl?: string | null } = {}): StatusModel {
  const config = fixtureConfig({
    checks: [{ id: 'web1', component: 'web' }, { id: 'web2', component: 'web' }, { id: 'db' }],
    groups: [{ id: 'core', name: 'Core', components: ['web'] }],
    maintenance: [{ id: 'm', title: 'Upgrade', description: null, components: ['db'], start: NOW - 30 * H, end: NOW - 29 * H, recurring: null }],
  });
  config.site.baseUrl = opts.baseUrl ?? null;
  const names = opts.names ?? [];
  config.components.forEach((c, i) => (c.name = names[i] ?? c.name));
  config.checks.forEach((c, i) => (c.name = names[i + 2] ?? c.name));
  const samples: Sample[] = [];
  for (let t = NOW - 10 * 24 * H; t <= NOW - MIN; t += 5 * MIN) {
    const s = (id: string, status: CheckStatus): Sample => ({ id, at: t, status, responseTimeMs: 20 + (t / MIN) % 7, error: status === 'up' ? null : 'refused', statusCode: null });
    samples.push(s('web1', t >= NOW - 2 * H ? 'down' : 'up'), s('web2', t >= NOW - 26 * H && t < NOW - 25 * H ? 'degraded' : 'up'), s('db', t >= NOW - 50 * H && t < NOW - 49 * H ? 'down' : 'up'));
  }
  const base = { file: 'incidents/x.md', severity: 'P2' as const, auto: false, body: `Body ${names[3] ?? ''}`, owner: null, acknowledged: null, checklist: [], actions: [] };
  const model = computeModel({
    config,
    samples,
    incidents: [
      { ...base, id: 'open', title: names[0] ?? 'Web errors', impact: 'major', components: ['web'], startedAt: NOW - 2 * H, detectedAt: NOW - 2 * H + 5 * MIN, resolvedAt: null, updates: [{ at: NOW - 2 * H, status: 'investigating', text: names[1] ?? 'Looking.' }] },
      { ...base, id: 'old', title: 'DB down', impact: 'minor', severity: 'P3', components: ['db'], startedAt: NOW - 50 * H, detectedAt: NOW - 50 * H + 10 * MIN, resolvedAt: NOW - 49 * H, updates: [{ at: NOW - 49 * H, status: 'resolved', text: 'Done.' }] },
    ],
    sloSnapshot: opts.snapshot === false ? null : fixtureSloSnapshot(NOW, 'web', 'db', names[2] ? { hostile: names[2] } : {}),
    now: NOW,
  });
  model.reports = [reportPage('2026-10', '<html><head><title>Test: health report, October 2026</title></head><body><article class="cairn-report"><ul class="summary"><li>All met.</li></ul></article></body></html>', '# Report\n'), reportPage('2026-09', '<title>September</title>', null)];
  return model;
}

const published = Object.fromEntries(CAIRN_API_DOCUMENTS.map((n) => [n, validator(documentJsonSchema(n))]));
const strict = Object.fromEntries(CAIRN_API_DOCUMENTS.map((n) => [n, validator(documentJsonSchema(n, { strict: true }))]));

describe('every document validates against its schema', () => {
  const cases: [string, StatusModel][] = [
    ['with an SLO snapshot and reports', fixtureModel()],
    ['without a snapshot', fixtureModel({ snapshot: false })],
    ['with hostile names', fixtureModel({ names: HOSTILE })],
    ['with nothing at all', computeModel({ config: fixtureConfig({ checks: [] }), samples: [], now: NOW })],
  ];
  for (const [label, model] of cases) {
    it.each(CAIRN_API_DOCUMENTS)(`${label}: %s.json`, (name) => {
      // Through JSON, as it is served: what a client validates.
      const doc = JSON.parse(JSON.stringify(cairnApi(model)[name])) as unknown;
      expect(published[name]!(doc), JSON.stringify(published[name]!.errors)).toBe(true);
      // The strict form forbids any field the schema does not name: the builder cannot add one unseen.
      expect(strict[name]!(doc), JSON.stringify(strict[name]!.errors)).toBe(true);
    });
  }

  it('the published schemas leave room for fields added within v1; the strict ones do not', () => {
    const doc = { ...(JSON.parse(JSON.stringify(cairnApi(fixtureModel()).reports)) as object), later: 1 };
    expect(published['reports']!(doc)).toBe(true);
    expect(strict['reports']!(doc)).toBe(false);
  });

  it('a time that is not UTC, or a percentage the page would not print, is refused', () => {
    const docs = JSON.parse(JSON.stringify(cairnApi(fixtureModel()))) as CairnApiDocuments;
    expect(published['index']!({ ...docs.index, generatedAt: '2026-11-24T13:00:00+01:00' })).toBe(false);
    const c = docs.components.components[0]!;
    expect(published['components']!({ ...docs.components, components: [{ ...c, uptime: { ...c.uptime, '24h': { ...c.uptime['24h'], percent: '99.9' } } }] })).toBe(false);
  });
});

describe('the figures are the model’s', () => {
  const model = fixtureModel();
  const docs = cairnApi(model);

  it('components and checks: every window figure, the page’s strings, latency, the rule', () => {
    expect(docs.components.components.map((c) => c.id)).toEqual(model.components.map((c) => c.id));
    for (const c of docs.components.components) {
      const m = model.components.find((x) => x.id === c.id)!;
      expect([c.status, c.state, c.outage, c.activeIncidents, c.latency24h]).toEqual([m.status, m.state, m.outage, m.activeIncidents, m.latency24h]);
      for (const key of ['24h', '7d', '30d', '90d'] as const) {
        const { coverage, coveragePercent, ...rest } = c.uptime[key];
        const { partialShareMs: _, coverage: modelCoverage, ...figure } = m.uptime[key];
        expect(rest).toEqual(figure);
        expect(coveragePercent).toBe(modelCoverage);
        expect(coverage).toBe(m.uptime[key].knownMs / m.uptime[key].windowMs);
      }
      expect(c.monthly.map((x) => [x.month, x.uptime.percent, x.uptime.downtimeMs])).toEqual(m.monthly.map((x) => [x.month, x.uptime.percent, x.uptime.downtimeMs]));
      expect(c.checks.map((x) => x.id)).toEqual(m.checks);
    }
    const web = docs.components.components.find((c) => c.id === 'web')!;
    // One of two checks down for two hours: a partial outage now.
    expect([web.state, web.outage, web.activeIncidents]).toEqual(['partial', 'partial', ['open']]);
    expect(web.checks.find((c) => c.id === 'web1')!.uptime['24h'].downMs).toBe(2 * H);
    expect(docs.components.availability).toEqual({
      degradedCountsAsUp: true,
      partialOutage: { mode: 'share' },
      partialOutageText: 'share',
      description: "Uptime counts degraded time as available; a partial outage (some of a component's checks down, others working) counts as downtime in proportion to the share of its checks that are down (partialOutage: share).",
      minCoverage: 0.1,
    });
    expect(docs.index).toMatchObject({ version: 1, state: 'partial', description: 'Partial outage', generatedAt: model.generatedAt });
  });

  it('incidents: times, duration, time to detect and resolve; monthly counts, MTTD, MTTR, downtime', () => {
    const [open, old] = docs.incidents.incidents;
    expect(open).toMatchObject({ id: 'open', resolvedAt: null, durationMs: 2 * H, timeToDetectMs: 5 * MIN, timeToResolveMs: null, url: '../../../incidents/open/' });
    expect(old).toMatchObject({ id: 'old', status: 'resolved', startedAt: new Date(NOW - 50 * H).toISOString(), durationMs: H, timeToDetectMs: 10 * MIN, timeToResolveMs: H - 10 * MIN });
    for (const m of docs.incidents.monthly) {
      const c = model.components.find((x) => x.id === m.component)!;
      expect(m.months).toEqual(c.monthly.map(({ month, incidents, mttdMs, mttrMs, downtimeMs }) => ({ month, incidents, mttdMs, mttrMs, downtimeMs })));
    }
    const db = docs.incidents.monthly.find((m) => m.component === 'db')!.months.at(-1)!;
    expect(db).toEqual({ month: '2026-11', incidents: 1, mttdMs: 10 * MIN, mttrMs: H - 10 * MIN, downtimeMs: H });
  });

  it('SLOs and capacity: identical to model.slo, check-based SLOs included like Prometheus ones', () => {
    const slo = model.slo!;
    const fromModel = model.components.flatMap((c) => slo.byComponent[c.id]?.slos ?? []);
    expect(docs.slos.slos.map((s) => s.id)).toEqual(['a-errors', 'a-checks', 'a-latency', 'b-probe']);
    expect(docs.slos.slos).toHaveLength(fromModel.length);
    docs.slos.slos.forEach((s, i) => expect(sloBack(s)).toEqual(fromModel[i]));
    const byId = Object.fromEntries(docs.slos.slos.map((s) => [s.id, s]));
    expect(byId['a-checks']).toMatchObject({ source: 'checks', endpoint: null, sli: 'availability', stale: false });
    expect(byId['a-checks']!.figures!.windows[0]!.budget.unit).toBe('minutes');
    expect(byId['a-errors']).toMatchObject({ source: 'prometheus', endpoint: 'main', stale: false });
    expect(byId['a-latency']).toMatchObject({ stale: true, error: 'query failed: connect ECONNREFUSED 127.0.0.1:9090' });
    // The page's strings: achieved truncated to three decimals, budget left floored (negative when overspent).
    const errors = byId['a-errors']!.figures!;
    expect(errors.alertState).toBe('page');
    expect(errors.rules.filter((r) => r.firing).map((r) => `${r.long}/${r.short}`)).toEqual(['1h/5m']);
    expect(errors.windows.map((w) => w.achievedPercent)).toEqual(['99.945', '99.944']);
    const probe = byId['b-probe']!.figures!.windows[0]!;
    expect(probe.budget.remainingFraction).toBeLessThan(0);
    expect(probe.budget.remainingPercent).toBe('-56.67');
    expect(probe.achievedPercent).toBe('99.000');
    expect(docs.slos.snapshot).toEqual({ generatedAt: slo.generatedAt, stale: false, complete: false, failures: slo.failures, warnings: slo.warnings });
    expect(docs.slos.alerts).toEqual([{ component: 'web', endpoint: 'main', name: 'HighErrorRate', severity: 'critical', summary: 'Errors above 1%', activeAt: new Date(NOW - H).toISOString() }]);

    const capFromModel = model.components.flatMap((c) => slo.byComponent[c.id]?.capacity ?? []);
    expect(docs.capacity.capacity.map((c) => c.id)).toEqual(['a-disk', 'b-free', 'b-queue']);
    docs.capacity.capacity.forEach((c, i) => expect(capacityBack(c)).toEqual(capFromModel[i]));
    const disk = docs.capacity.capacity[0]!.figures!;
    expect(disk.basis).toBe('daily-max');
    expect(disk.thresholds.map((t) => t.state)).toEqual(['projected', 'projected']);
    for (const t of disk.thresholds) expect(Date.parse(t.earliest!) <= Date.parse(t.likely!) && Date.parse(t.likely!) <= Date.parse(t.latest!)).toBe(true);
    expect(docs.capacity.capacity[1]!.figures!.basis).toBe('daily-min');
    expect(docs.capacity.capacity[2]).toMatchObject({ figures: null, error: 'query failed: bad_data', stale: true });
  });

  it('reports: month, title, summary and relative links; markdown only where there is one', () => {
    expect(docs.reports.reports).toEqual([
      { month: '2026-10', title: 'Test: health report, October 2026', summary: ['All met.'], page: '../../../reports/2026-10/', html: '../../../reports/2026-10.html', markdown: '../../../reports/2026-10.md' },
      { month: '2026-09', title: 'September', summary: [], page: '../../../reports/2026-09/', html: '../../../reports/2026-09.html', markdown: null },
    ]);
  });
});

describe('hostile names and titles', () => {
  it('survive as exact JSON strings, in every document they appear in', () => {
    const names = [LONE_SURROGATE, ...HOSTILE];
    const model = fixtureModel({ names });
    const files = cairnApiFiles(model);
    const back = JSON.parse(JSON.stringify(files, null, 2)) as Record<string, never>;
    const docs = back as unknown as Record<string, CairnApiDocuments[keyof CairnApiDocuments]>;
    const components = (docs['components.json'] as CairnApiDocuments['components']).components;
    expect(components.map((c) => c.name)).toEqual([names[0], names[1]]);
    expect(components.flatMap((c) => c.checks.map((x) => x.name))).toEqual([names[2], names[3], names[4]]);
    const incidents = (docs['incidents.json'] as CairnApiDocuments['incidents']).incidents;
    expect(incidents[0]!.title).toBe(names[0]);
    expect(incidents[0]!.updates[0]!.text).toBe(names[1]);
    expect(incidents[0]!.body).toBe(`Body ${names[3]}`);
    expect((docs['slos.json'] as CairnApiDocuments['slos']).slos[0]!.name).toBe(names[2]);
    expect((docs['slos.json'] as CairnApiDocuments['slos']).alerts[0]!.summary).toBe(names[2]);
    // The serialised text is plain JSON: no raw control characters, the lone surrogate escaped.
    const text = JSON.stringify(files);
    expect([...text].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
    expect(text.includes('\\ud83d')).toBe(true);
    // Well-formed: UTF-8 encoding (as served) loses nothing.
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });
});

describe('routes and links', () => {
  it.each([null, 'https://status.example.com/base/'])('published with site.baseUrl %s, every link resolving to a route', (baseUrl) => {
    const model = fixtureModel({ baseUrl });
    const routes = new Set(siteRoutes(model));
    const files = cairnApiFiles(model);
    for (const name of Object.keys(files)) expect(routes.has(`/${CAIRN_API_PATH}/${name}`), name).toBe(true);
    expect(routes.has('/api/v2/summary.json')).toBe(baseUrl !== null);
    // Resolve every relative link the way a client does, against the document's own URL.
    const origin = 'http://x.test/any/base/';
    const links: string[] = [];
    const collect = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && ['$schema', 'href', 'schema', 'url', 'page', 'html', 'markdown'].includes(key) && !(key === 'url' && v === baseUrl)) links.push(v);
      else if (Array.isArray(v)) v.forEach((x) => collect(x));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) collect(x, k);
    };
    for (const name of CAIRN_API_DOCUMENTS) {
      links.length = 0;
      collect(files[`${name}.json`]);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        const resolved = new URL(link, `${origin}${CAIRN_API_PATH}/${name}.json`);
        expect(resolved.href.startsWith(origin), link).toBe(true);
        expect(routes.has(`/${resolved.href.slice(origin.length)}`), `${name}.json: ${link}`).toBe(true);
      }
    }
  });
});
