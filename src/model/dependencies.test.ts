import { describe, expect, it } from 'vitest';
import type { StateKey } from '../vocabulary/states.ts';
import { affectedOf, causeText, dependencyMap, rootCauses } from './dependencies.ts';
import { computeModel } from './model.ts';
import { fixtureConfig } from './testing.ts';

const graph = (edges: Record<string, string[]>) => dependencyMap(Object.entries(edges).map(([id, dependsOn]) => ({ id, dependsOn })));
const states = (s: Record<string, StateKey>) => (id: string) => s[id];
const causes = (edges: Record<string, string[]>, s: Record<string, StateKey>) => Object.fromEntries([...rootCauses(graph(edges), states(s))].map(([id, roots]) => [id, roots.map((r) => `${r.id}:${r.state}`)]));

describe('rootCauses', () => {
  it.each<[string, Record<string, string[]>, Record<string, StateKey>, Record<string, string[]>]>([
    ['a down dependency affects a down dependent', { api: ['db'] }, { api: 'down', db: 'down' }, { api: ['db:down'] }],
    ['a partial outage affects too', { api: ['db'] }, { api: 'degraded', db: 'partial' }, { api: ['db:partial'] }],
    ['an operational dependent is not affected', { api: ['db'] }, { api: 'up', db: 'down' }, {}],
    ['a dependent in maintenance is not affected', { api: ['db'] }, { api: 'maintenance', db: 'down' }, {}],
    ['a degraded dependency affects nothing', { api: ['db'] }, { api: 'down', db: 'degraded' }, {}],
    ['a dependency in maintenance affects nothing', { api: ['db'] }, { api: 'down', db: 'maintenance' }, {}],
    ['an unknown dependency affects nothing', { api: ['db'] }, { api: 'down' }, {}],
    ['transitive: resolves to the root cause', { web: ['api'], api: ['db'] }, { web: 'down', api: 'down', db: 'down' }, { web: ['db:down'], api: ['db:down'] }],
    ['an operational component in between stops the walk', { web: ['api'], api: ['db'] }, { web: 'down', api: 'up', db: 'down' }, {}],
    ['a failing middle with a healthy dependency is the root', { web: ['api'], api: ['db'] }, { web: 'down', api: 'partial', db: 'up' }, { web: ['api:partial'] }],
    ['several root causes, each once', { web: ['api', 'cdn'], api: ['db'], cdn: ['db'] }, { web: 'down', api: 'down', cdn: 'down', db: 'down' }, { web: ['db:down'], api: ['db:down'], cdn: ['db:down'] }],
    ['two independent roots', { web: ['api', 'queue'] }, { web: 'down', api: 'down', queue: 'partial' }, { web: ['api:down', 'queue:partial'] }],
    // The configuration rejects cycles; should one reach the model anyway, the walk still ends.
    ['a cycle still terminates', { a: ['b'], b: ['a'] }, { a: 'down', b: 'down' }, { a: ['b:down'] }],
  ])('%s', (_name, edges, s, expected) => {
    expect(causes(edges, s)).toEqual(expected);
  });

  it('inverts to the components each root cause affects, and says the causes in words', () => {
    const c = rootCauses(graph({ web: ['api'], api: ['db'], jobs: ['db', 'queue'] }), states({ web: 'down', api: 'down', jobs: 'degraded', db: 'down', queue: 'partial' }));
    expect(Object.fromEntries(affectedOf(c))).toEqual({ db: ['web', 'api', 'jobs'], queue: ['jobs'] });
    const names: Record<string, string> = { db: 'Database', queue: 'Queue' };
    expect(causeText(c.get('jobs') ?? [], (id) => names[id] ?? id)).toBe('Database (major outage) and Queue (partial outage)');
  });
});

describe('the status model', () => {
  const NOW = Date.parse('2026-11-24T12:00:00Z');
  const config = fixtureConfig({ checks: [{ id: 'api' }, { id: 'db' }, { id: 'web' }] });
  for (const c of config.components) if (c.id === 'api') c.dependsOn = ['db'];
  for (const c of config.components) if (c.id === 'web') c.dependsOn = ['api'];
  config.components = config.components.map((c) => (c.id === 'db' ? { ...c, name: 'Database' } : c));
  // An hour of samples every 5 minutes; db and api down for the last 30 minutes, web up.
  const samples = ['api', 'db', 'web'].flatMap((id) =>
    Array.from({ length: 12 }, (_, i) => {
      const at = NOW - 3_600_000 + i * 300_000;
      const down = id !== 'web' && i >= 6;
      return { id, at, status: down ? ('down' as const) : ('up' as const), responseTimeMs: down ? null : 20, error: down ? 'refused' : null, statusCode: null };
    }),
  );

  it('says who is affected by whom, and changes no figure', () => {
    const model = computeModel({ config, samples, now: NOW });
    const byId = Object.fromEntries(model.components.map((c) => [c.id, c]));
    expect(byId['api']?.affectedBy).toEqual([{ id: 'db', name: 'Database', state: 'down' }]);
    expect(byId['api']?.dependsOn).toEqual(['db']);
    // web is up: not affected, whatever its dependencies do.
    expect(byId['web']?.affectedBy).toEqual([]);
    expect(byId['db']?.affectedBy).toEqual([]);
    // The dependent's uptime is its own: the same as without the dependency.
    const plain = fixtureConfig({ checks: [{ id: 'api' }, { id: 'db' }, { id: 'web' }] });
    const without = computeModel({ config: plain, samples, now: NOW });
    const apiWithout = without.components.find((c) => c.id === 'api');
    expect(byId['api']?.uptime).toEqual(apiWithout?.uptime);
    expect(byId['api']?.days).toEqual(apiWithout?.days);
    expect(byId['api']?.state).toBe('down');
  });
});
