import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import type { Incident } from '../incidents/types.ts';
import type { SloSnapshot } from '../prometheus/types.ts';
import type { Sample } from '../store/samples.ts';
import { computeModel } from './model.ts';
import { cachedPageModel, pageModel, RESTRICTED_SLO_FAILURE } from './page.ts';
import { fixtureConfig } from './testing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.parse('2026-11-24T12:00:00.000Z');
const AT = new Date(NOW - 10 * MIN).toISOString();

function every5m(id: string, from: number, to: number, status: (at: number) => CheckStatus): Sample[] {
  const out: Sample[] = [];
  for (let at = from; at < to; at += 5 * MIN) out.push({ id, at, status: status(at), responseTimeMs: 100, error: status(at) === 'up' ? null : `${id} refused`, statusCode: null });
  return out;
}

function incident(id: string, components: string[], resolved = false): Incident {
  return {
    id,
    file: `incidents/${id}.md`,
    title: `Incident ${id}`,
    impact: 'major',
    severity: 'P2',
    components,
    auto: false,
    startedAt: NOW - 2 * HOUR,
    detectedAt: NOW - 2 * HOUR,
    resolvedAt: resolved ? NOW - HOUR : null,
    updates: [{ at: NOW - 2 * HOUR, status: 'investigating', text: 'Looking' }],
    body: '',
    owner: null,
    acknowledged: null,
    checklist: [],
    actions: [],
  };
}

const snapshot: SloSnapshot = {
  version: 1,
  generatedAt: AT,
  complete: false,
  endpoints: [{ id: 'main', url: 'http://p', ok: false, errors: ['slo db-latency: query failed'], warnings: ['db-primary partial'], requests: 3, points: 10 }],
  slos: [
    { id: 'web-avail', name: 'Web', description: null, component: 'web', endpoint: 'main', sli: 'ratio', target: 99.9, asOf: AT, error: null, figures: null },
    { id: 'db-latency', name: 'DB', description: null, component: 'db', endpoint: 'main', sli: 'latency', target: 99, asOf: AT, error: null, figures: null },
  ],
  capacity: [{ id: 'db-disk', name: 'Disk', component: 'db', endpoint: 'main', unit: '%', direction: 'up', method: 'least-squares', lookbackDays: 30, asOf: AT, error: null, figures: null }],
  alerts: { asOf: AT, error: null, firing: [{ component: 'db', endpoint: 'main', name: 'DbDown', severity: 'page', summary: null, activeAt: null }] },
};

function model() {
  const config = fixtureConfig({
    checks: [{ id: 'web' }, { id: 'api' }, { id: 'db' }, { id: 'queue' }],
    groups: [
      { id: 'public', components: ['web', 'api'] },
      { id: 'mixed', components: ['api', 'db'] },
    ],
    maintenance: [
      { id: 'db-upgrade', title: 'DB upgrade', description: null, components: ['db'], start: NOW + HOUR, end: NOW + 2 * HOUR, recurring: null },
      { id: 'both', title: 'Network', description: null, components: ['web', 'db'], start: NOW + 3 * HOUR, end: NOW + 4 * HOUR, recurring: null },
    ],
  });
  const from = NOW - 6 * HOUR;
  const samples = [
    ...every5m('web', from, NOW, () => 'up'),
    ...every5m('api', from, NOW, () => 'degraded'),
    ...every5m('db', from, NOW, () => 'down'),
    ...every5m('queue', from, NOW, () => 'up'),
  ];
  const incidents = [incident('db-outage', ['db']), incident('shared', ['api', 'db']), incident('general', []), incident('web-blip', ['web'], true)];
  return computeModel({ config, samples, incidents, sloSnapshot: snapshot, now: NOW });
}

const site = { title: 'Public', description: 'Ours', timeZone: 'Asia/Tokyo', baseUrl: 'https://status.acme.test/', locale: 'de' };

describe('pageModel: one page\'s view of the one model', () => {
  const full = model();

  it('shows everything with the page\'s settings, the time zone kept, when the page names no components', () => {
    const view = pageModel(full, { site, components: null });
    expect(view.site).toEqual({ ...site, timeZone: 'UTC' });
    expect(view.components).toBe(full.components);
    expect(view.incidents).toBe(full.incidents);
  });

  it('keeps only the page\'s components, their checks, groups; state is the worst of those shown', () => {
    const view = pageModel(full, { site, components: ['web', 'api', 'queue'] });
    expect(full.state).toBe('down');
    expect(view.components.map((c) => c.id)).toEqual(['web', 'api', 'queue']);
    expect(view.checks.map((c) => c.id)).toEqual(['web', 'api', 'queue']);
    expect(view.groups.map((g) => [g.id, g.components, g.state])).toEqual([
      ['public', ['web', 'api'], 'degraded'],
      ['mixed', ['api'], 'degraded'],
    ]);
    expect(full.groups.find((g) => g.id === 'mixed')?.state).toBe('down');
    expect(view.ungrouped).toEqual(['queue']);
    expect([view.status, view.state]).toEqual(['degraded', 'degraded']);
  });

  it('selects figures, never recomputes them: a component is the same object on every page', () => {
    const a = pageModel(full, { site, components: ['api'] });
    const b = pageModel(full, { site, components: ['api', 'db'] });
    expect(a.components[0]).toBe(full.components.find((c) => c.id === 'api'));
    expect(b.components[0]).toBe(a.components[0]);
    expect(a.checks[0]).toBe(full.checks.find((c) => c.id === 'api'));
  });

  it('lists incidents and maintenance touching the page\'s components, naming only those', () => {
    const view = pageModel(full, { site, components: ['web', 'api'] });
    expect(view.incidents.map((i) => [i.id, i.components])).toEqual([
      ['shared', ['api']],
      ['web-blip', ['web']],
    ]);
    expect(full.incidents.find((i) => i.id === 'shared')?.components).toEqual(['api', 'db']);
    // An incident naming no component is shown only where every component is.
    expect(full.incidents.map((i) => i.id)).toContain('general');
    expect(view.maintenance.upcoming.map((m) => [m.windowId, m.components])).toEqual([['both', ['web']]]);
    expect(full.maintenance.upcoming.map((m) => m.windowId)).toEqual(['db-upgrade', 'both']);
  });

  it('keeps SLOs, capacity and alerts of its components only; failure messages and store problems are not shown', () => {
    const view = pageModel(full, { site, components: ['web', 'api'] });
    expect(Object.keys(view.slo?.byComponent ?? {})).toEqual(['web']);
    expect(view.slo?.failures).toEqual([RESTRICTED_SLO_FAILURE]);
    expect(view.slo?.warnings).toEqual([]);
    expect(view.slo?.complete).toBe(false);
    expect(full.slo?.byComponent['db']?.capacity.map((c) => c.id)).toEqual(['db-disk']);
    expect(view.problems).toEqual([]);
    expect(view.reports).toEqual([]);
    // Nothing of db anywhere in the view.
    expect(JSON.stringify(view)).not.toMatch(/db-|"db"|DbDown/);
  });

  it('is cached per model and page', () => {
    const page = { site, components: ['web'] };
    expect(cachedPageModel(full, page)).toBe(cachedPageModel(full, page));
    expect(cachedPageModel(model(), page)).not.toBe(cachedPageModel(full, page));
  });
});
