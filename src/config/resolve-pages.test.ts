import { describe, expect, it } from 'vitest';
import { folderConflict } from './resolve-pages.ts';
import { errorLines, load, repo, warningLines, yaml } from './test-repo.ts';

const CHECKS = yaml(
  'groups:',
  '  - id: public',
  '    name: Public',
  '    components: [web, api]',
  '  - id: platform',
  '    name: Platform',
  '    components: [db]',
  'checks:',
  '  - { id: web-home, component: web, kind: tcp, host: 127.0.0.1, port: 1 }',
  '  - { id: api-tcp, component: api, kind: tcp, host: 127.0.0.1, port: 2 }',
  '  - { id: db-tcp, component: db, kind: tcp, host: 127.0.0.1, port: 3 }',
  '  - { id: queue-tcp, component: queue, kind: tcp, host: 127.0.0.1, port: 4 }',
);

describe('pages: several pages from one repository', () => {
  it('is one default page showing everything into dist without `pages:`', async () => {
    const config = await load({ 'checks/a.yaml': CHECKS });
    expect(config.pages).toEqual([{ id: 'default', main: true, site: config.site, components: null, out: 'dist', source: null }]);
  });

  it('resolves the default page and each page: selection in page order, defaults, own folder', async () => {
    const config = await load({
      'checks/a.yaml': CHECKS,
      'cairn.yaml': yaml(
        'site:',
        '  title: Acme Status',
        '  baseUrl: https://status.acme.test/',
        '  timeZone: Europe/Paris',
        '  locale: fr',
        '  groups: [public]',
        'pages:',
        '  - id: internal',
        '    title: Acme internal',
        '    description: Everything we run',
        '    baseUrl: https://status.internal.acme.test/',
        '    components: [queue]',
        '    groups: [platform, public]',
        '  - id: checkout',
        '    title: API status',
        '    components: [api]',
        '    locale: de',
        '    out: dist/api-status',
      ),
    });
    expect(config.pages.map((p) => [p.id, p.main, p.components, p.out])).toEqual([
      ['default', true, ['web', 'api'], 'dist'],
      ['internal', false, ['web', 'api', 'db', 'queue'], 'dist-internal'],
      ['checkout', false, ['api'], 'dist/api-status'],
    ]);
    expect(config.pages[1]?.site).toEqual({ title: 'Acme internal', description: 'Everything we run', timeZone: 'Europe/Paris', baseUrl: 'https://status.internal.acme.test/', locale: 'fr' });
    // The time zone is the site's (the figures are computed once); the locale is the page's own.
    expect(config.pages[2]?.site).toMatchObject({ title: 'API status', description: null, timeZone: 'Europe/Paris', baseUrl: null, locale: 'de' });
    expect(config.pages[1]?.source).toMatchObject({ file: 'cairn.yaml', line: 8 });
  });

  it('names file, line and field of unknown ids, repeated ids, clashing and misplaced folders', async () => {
    const dir = await repo({
      'checks/a.yaml': CHECKS,
      'cairn.yaml': yaml(
        'site:',
        '  title: Acme',
        '  components: [web, nope]',
        'pages:',
        '  - id: internal',
        '    title: Internal',
        '    groups: [platform, ghosts]',
        '  - id: internal',
        '    title: Again',
        '  - id: ops',
        '    title: Ops',
        '    out: dist',
        '  - id: apis',
        '    title: Api page',
        '    out: dist/components',
        '  - id: components',
        '    title: Reserved',
        '  - id: data',
        '    title: Data',
        '    out: data/site',
        '  - id: up',
        '    title: Up',
        '    out: ../elsewhere',
        '  - id: twice',
        '    title: Twice',
        '    components: [db, db]',
        '  - id: same',
        '    title: Same',
        '    out: dist-internal/',
      ),
    });
    expect(await errorLines(dir)).toEqual([
      'cairn.yaml:3:21: site.components[1]: unknown component "nope" (known: web, api, db, queue)',
      'cairn.yaml:7:24: pages[0].groups[1]: unknown group "ghosts" (declared: public, platform)',
      'cairn.yaml:8:9: pages[1].id: page id "internal" is used twice',
      'cairn.yaml:12:10: pages[2].out: output folder "dist" is also page "default"\'s: each page needs its own',
      'cairn.yaml:15:10: pages[3].out: output folder "dist/components" is inside page "default"\'s folder at "components", where that page writes its own files; choose another name',
      'cairn.yaml:16:9: pages[4].id: expected another id: "components" is a path the status site uses (pages are served at /<id>/)',
      'cairn.yaml:20:10: pages[5].out: expected a folder of its own: "data/" holds the status repo\'s files, and a build replaces its folder whole',
      'cairn.yaml:23:10: pages[6].out: expected a folder inside the status repo, found "../elsewhere"',
      'cairn.yaml:26:22: pages[7].components[1]: component "db" is listed twice',
      'cairn.yaml:29:10: pages[8].out: output folder "dist-internal" is also page "internal"\'s: each page needs its own',
    ]);
  });

  it('accepts a page folder inside another page\'s, and warns when its baseUrl is not where it will be published', async () => {
    const config = await load({
      'checks/a.yaml': CHECKS,
      'cairn.yaml': yaml(
        'site:',
        '  title: Acme',
        '  baseUrl: https://acme.github.io/status',
        'pages:',
        '  - id: internal',
        '    title: Internal',
        '    out: dist/internal',
        '    baseUrl: https://acme.github.io/status/internal/',
        '  - id: ops',
        '    title: Ops',
        '    out: dist/ops',
        '    baseUrl: https://ops.acme.test/',
      ),
    });
    expect(config.pages.map((p) => p.out)).toEqual(['dist', 'dist/internal', 'dist/ops']);
    expect(warningLines(config)).toEqual([
      'cairn.yaml:11:10: pages[1].out: page "ops" is built inside page "default"\'s folder, so it is published at https://acme.github.io/status/ops/ with it, but its baseUrl is https://ops.acme.test/: its links, feeds and API would point elsewhere',
    ]);
  });

  it('refuses `pages:` in a checks/ file', async () => {
    const dir = await repo({ 'checks/a.yaml': `${CHECKS}pages:\n  - { id: x, title: X }\n` });
    expect((await errorLines(dir)).join('\n')).toMatch(/checks\/a\.yaml:13:1: pages: expected "pages" only in cairn\.yaml/);
  });

  it('folderConflict: the same folder, or one inside another at a name the site writes', () => {
    expect(folderConflict({ id: 'a', out: 'x' }, { id: 'b', out: 'x' })).toMatch(/also page "a"'s/);
    expect(folderConflict({ id: 'a', out: 'x' }, { id: 'b', out: 'x/api/v3' })).toMatch(/at "api"/);
    expect(folderConflict({ id: 'a', out: 'x/assets' }, { id: 'b', out: 'x' })).toMatch(/page "b"'s folder at "assets"/);
    expect(folderConflict({ id: 'a', out: 'x' }, { id: 'b', out: 'x/internal' })).toBeNull();
    expect(folderConflict({ id: 'a', out: 'x' }, { id: 'b', out: 'xy' })).toBeNull();
  });
});
