import { describe, expect, it } from 'vitest';
import { errorLines, load, repo, yaml } from './test-repo.ts';

const CHECKS = yaml(
  'checks:',
  '  - { id: api, kind: tcp, host: h, port: 1 }',
  '  - { id: database, kind: tcp, host: h, port: 2 }',
  '  - { id: queue, kind: tcp, host: h, port: 3 }',
  '  - { id: web, kind: tcp, host: h, port: 4, dependsOn: [api] }',
);

describe('dependsOn', () => {
  it('resolves from group entries and checks, in order of first appearance', async () => {
    const config = await load({
      'cairn.yaml': yaml('groups:', '  - id: core', '    name: Core', '    components:', '      - { id: api, dependsOn: [database, queue] }', '      - database', '      - queue'),
      'checks/a.yaml': CHECKS,
    });
    const deps = Object.fromEntries(config.components.map((c) => [c.id, c.dependsOn ?? []]));
    expect(deps).toEqual({ api: ['database', 'queue'], database: [], queue: [], web: ['api'] });
  });

  it('reports an unknown id at its line, with a suggestion', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('groups:', '  - id: core', '    name: Core', '    components:', '      - id: api', '        dependsOn:', '          - databse', '      - database'),
      'checks/a.yaml': yaml('checks:', '  - { id: api, kind: tcp, host: h, port: 1 }', '  - { id: database, kind: tcp, host: h, port: 2, dependsOn: [nowhere] }'),
    });
    expect(await errorLines(dir)).toEqual([
      'cairn.yaml:7:13: groups[0].components[0].dependsOn[0]: unknown component "databse" in dependsOn of "api" (did you mean "database"?): expected the id of a component of the configuration (api, database)',
      'checks/a.yaml:3:62: checks[1].dependsOn[0]: unknown component "nowhere" in dependsOn of "database": expected the id of a component of the configuration (api, database)',
    ]);
  });

  it('reports a cycle with file, line and the cycle spelled out, across files', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('groups:', '  - id: core', '    name: Core', '    components:', '      - { id: api, dependsOn: [database] }', '      - database'),
      'checks/a.yaml': yaml('checks:', '  - { id: api, kind: tcp, host: h, port: 1 }', '  - id: database', '    kind: tcp', '    host: h', '    port: 2', '    dependsOn: [queue]', '  - { id: queue, kind: tcp, host: h, port: 3, dependsOn: [api] }'),
    });
    expect(await errorLines(dir)).toEqual([
      'checks/a.yaml:8:59: checks[2].dependsOn[0]: dependency cycle: api → database → queue → api (api → database at cairn.yaml:5:32); a component cannot depend on itself, directly or through others',
    ]);
  });

  it('reports a component that depends on itself as a cycle a → a', async () => {
    const dir = await repo({ 'checks/a.yaml': yaml('checks:', '  - { id: api, kind: tcp, host: h, port: 1, dependsOn: [api] }') });
    expect(await errorLines(dir)).toEqual(['checks/a.yaml:2:57: checks[0].dependsOn[0]: dependency cycle: api → api; a component cannot depend on itself, directly or through others']);
  });

  it('reports a two-component cycle once', async () => {
    const dir = await repo({
      'checks/a.yaml': yaml('checks:', '  - { id: a, kind: tcp, host: h, port: 1, dependsOn: [b] }', '  - { id: b, kind: tcp, host: h, port: 2, dependsOn: [a] }'),
    });
    expect(await errorLines(dir)).toEqual(['checks/a.yaml:3:55: checks[1].dependsOn[0]: dependency cycle: a → b → a (a → b at checks/a.yaml:2:55); a component cannot depend on itself, directly or through others']);
  });
});

describe('reports.credits', () => {
  const checks = yaml('checks:', '  - { id: api, kind: tcp, host: h, port: 1 }', '  - { id: web, kind: tcp, host: h, port: 2 }');

  it('resolves the default tiers and per-component overrides', async () => {
    const config = await load({
      'cairn.yaml': yaml(
        'reports:',
        '  credits:',
        '    - { below: 99.9, credit: 10 }',
        '    - { below: 99, credit: 25 }',
        '    - { below: 95, credit: 100 }',
        '  components:',
        '    web:',
        '      credits: []',
        '    api:',
        '      credits: [{ below: 99.95, credit: 5 }]',
      ),
      'checks/a.yaml': checks,
    });
    expect(config.reports.credits).toEqual({
      tiers: [
        { below: 99.9, credit: 10 },
        { below: 99, credit: 25 },
        { below: 95, credit: 100 },
      ],
      components: { web: [], api: [{ below: 99.95, credit: 5 }] },
    });
  });

  it('refuses unordered tiers, credits out of range and unknown components, at their lines', async () => {
    const dir = await repo({
      'cairn.yaml': yaml(
        'reports:',
        '  credits:',
        '    - { below: 99, credit: 10 }',
        '    - { below: 99.9, credit: 25 }',
        '    - { below: 95, credit: 20 }',
        '    - { below: 90, credit: 0 }',
        '    - { below: 80, credit: 101 }',
        '  components:',
        '    nope:',
        '      credits: [{ below: 99, credit: 10 }]',
      ),
      'checks/a.yaml': checks,
    });
    const lines = await errorLines(dir);
    expect(lines).toEqual([
      `cairn.yaml:4:16: reports.credits[1].below: expected tiers from the mildest to the harshest: "below" 99.9 must be lower than the previous tier's 99, got 99.9`,
      `cairn.yaml:5:28: reports.credits[2].credit: expected a harsher tier to owe more: "credit" 20 must be higher than the previous tier's 25, got 20`,
      'cairn.yaml:6:28: reports.credits[3].credit: expected a credit in percent of the monthly fee above 0 and at most 100, such as 10, got 0',
      'cairn.yaml:7:28: reports.credits[4].credit: expected a credit in percent of the monthly fee above 0 and at most 100, such as 10, got 101',
    ]);
  });

  it('refuses an override of an unknown component at its line', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('reports:', '  components:', '    nope:', '      credits: [{ below: 99, credit: 10 }]'),
      'checks/a.yaml': checks,
    });
    expect(await errorLines(dir)).toEqual(['cairn.yaml:4:7: reports.components.nope: unknown component "nope" (expected the id of a component of the configuration: api, web)']);
  });
});
