import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { computeModel } from '../model/model.ts';
import { fixtureConfig } from '../model/testing.ts';
import type { Sample } from '../store/samples.ts';
import { STATUSPAGE_SHAPES } from '../../test/statuspage-shapes.ts';
import { StatuspageApi, componentStatus } from './statuspage.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const H = 3_600_000;
const sample = (id: string, status: CheckStatus): Sample => ({ id, at: NOW - 60_000, status, responseTimeMs: 10, error: null, statusCode: null });

function model() {
  const config = fixtureConfig({
    checks: [{ id: 'web1', component: 'web' }, { id: 'web2', component: 'web' }, { id: 'db' }, { id: 'cache' }, { id: 'queue' }],
    groups: [{ id: 'core', name: 'Core', components: ['web', 'db'] }],
    maintenance: [
      { id: 'now', title: 'Queue upgrade', description: null, components: ['queue'], start: NOW - H, end: NOW + H, recurring: null },
      { id: 'later', title: 'DB upgrade', description: 'Minor version', components: ['db'], start: NOW + 24 * H, end: NOW + 26 * H, recurring: null },
      { id: 'past', title: 'Cache flush', description: null, components: ['cache'], start: NOW - 48 * H, end: NOW - 47 * H, recurring: null },
    ],
  });
  const base = { owner: null, acknowledged: null, checklist: [], actions: [], file: 'incidents/x.md', severity: 'P2' as const, auto: false, body: '' };
  return computeModel({
    config,
    samples: [sample('web1', 'down'), sample('web2', 'up'), sample('db', 'degraded'), sample('cache', 'up'), sample('queue', 'up')],
    incidents: [
      { ...base, id: 'open', title: 'Web errors', impact: 'major', components: ['web'], startedAt: NOW - H, detectedAt: NOW - H, resolvedAt: null, updates: [{ at: NOW - H, status: 'investigating', text: 'Looking.' }, { at: NOW - H / 2, status: 'monitoring', text: 'Fix deployed.' }] },
      { ...base, id: 'old', title: 'DB slow', impact: 'minor', components: ['db'], startedAt: NOW - 30 * H, detectedAt: NOW - 30 * H, resolvedAt: NOW - 29 * H, updates: [{ at: NOW - 29 * H, status: 'resolved', text: 'Done.' }] },
    ],
    now: NOW,
  });
}

describe('Statuspage-compatible API', () => {
  const api = new StatuspageApi(model(), 'https://status.example.com/');
  const docs = api.documents();

  it.each(Object.keys(STATUSPAGE_SHAPES))('%s has the Statuspage shape', (path) => {
    const result = STATUSPAGE_SHAPES[path]!.safeParse(docs[path]);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('maps statuses: partial vs major outage, degraded, maintenance; groups precede their members', () => {
    const comps = api.components().map((c) => [c.id, c.status, c.group, c.group_id]);
    expect(comps).toEqual([
      ['group-core', 'partial_outage', true, null],
      ['web', 'partial_outage', false, 'group-core'],
      ['db', 'degraded_performance', false, 'group-core'],
      ['cache', 'operational', false, null],
      ['queue', 'under_maintenance', false, null],
    ]);
    expect(componentStatus({ state: 'down' })).toBe('major_outage');
    expect(componentStatus({ state: 'nodata' })).toBe('operational');
  });

  it("status is the page's state: the indicator in Statuspage's words, the description in the banner's", () => {
    expect(api.status()).toEqual({ indicator: 'major', description: 'Partial outage' });
  });

  it('incidents: newest first, updates newest first, monitoring_at, components, shortlink', () => {
    const [open, old] = api.incidents();
    expect(open).toMatchObject({ name: 'Web errors', status: 'monitoring', impact: 'major', resolved_at: null, shortlink: 'https://status.example.com/incidents/open/' });
    expect(open!.monitoring_at).toBe(new Date(NOW - H / 2).toISOString());
    expect(open!.incident_updates.map((u) => u.status)).toEqual(['monitoring', 'investigating']);
    expect(open!.components.map((c) => c.id)).toEqual(['web']);
    // An incident's components are the page's entries for them (position, group), as components.json lists them.
    expect(open!.components).toEqual(api.components().filter((c) => c.id === 'web'));
    expect(api.maintenance({ ...model().maintenance.upcoming[0]!, components: ['db', 'web', 'nope'] }, 'scheduled').components.map((c) => [c.id, c.position])).toEqual(
      ['db', 'web'].map((id) => [id, api.components().find((c) => c.id === id)!.position]),
    );
    expect(old).toMatchObject({ status: 'resolved', resolved_at: new Date(NOW - 29 * H).toISOString() });
    expect(api.unresolvedIncidents().map((i) => i.name)).toEqual(['Web errors']);
  });

  it('scheduled maintenances: upcoming, active, completed', () => {
    expect(api.upcomingMaintenances().map((m) => [m.name, m.status, m.scheduled_for])).toEqual([['DB upgrade', 'scheduled', new Date(NOW + 24 * H).toISOString()]]);
    expect(api.activeMaintenances().map((m) => [m.name, m.status])).toEqual([['Queue upgrade', 'in_progress']]);
    expect(api.scheduledMaintenances().map((m) => m.status)).toEqual(['scheduled', 'in_progress', 'completed']);
  });

  it('ids are stable across builds', () => {
    const again = new StatuspageApi(model(), 'https://status.example.com/');
    expect(again.incidents()[0]!.id).toBe(api.incidents()[0]!.id);
    expect(api.page.id).toMatch(/^[a-z0-9]{12}$/);
  });
});
