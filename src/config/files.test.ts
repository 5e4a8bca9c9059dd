/** Which files of a status repo are read, and what is said about those that are not. */
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { errorLines, load, repo, warningLines, yaml } from './test-repo.ts';

const CHECK = yaml('checks:', '  - id: api', '    kind: http', '    url: https://a.example');

describe('a status repo without cairn.yaml', () => {
  it('runs with the defaults and says so, naming them', async () => {
    const config = await load({ 'checks/a.yaml': CHECK });
    expect(config.site.title).toBe('Status');
    expect(warningLines(config)).toEqual([
      'cairn.yaml: no settings file in the status repo: running with the defaults (site title "Status", time zone UTC, locale en-US, interval 5m, timeout 10s, 1 retry, no notifications, no Prometheus); `cairn init` writes one',
    ]);
    expect(config.warnings[0]?.location).toEqual({ file: 'cairn.yaml', line: 0, column: 0 });
  });

  it('says when cairn.yaml is a folder; says nothing when cairn.yml is there', async () => {
    const dir = await repo({ 'checks/a.yaml': CHECK });
    await mkdir(path.join(dir, 'cairn.yaml'));
    const config = await loadConfig(dir, { env: {} });
    expect(warningLines(config)[0]).toMatch(/^cairn\.yaml: no settings file in the status repo \(cairn\.yaml is a folder, not a file\): running with the defaults/);
    expect((await load({ 'cairn.yml': yaml('site:', '  title: Acme'), 'checks/a.yaml': CHECK })).warnings).toEqual([]);
  });
});

describe('what sits in checks/ but is not read', () => {
  it('refuses a folder named like a checks file (what a bind mount of a missing file leaves), also behind a symlink', async () => {
    const dir = await repo({ 'cairn.yaml': yaml('site:', '  title: T'), 'checks/a.yaml': CHECK });
    await mkdir(path.join(dir, 'checks', 'web.yaml'));
    await mkdir(path.join(dir, 'elsewhere'));
    await symlink(path.join(dir, 'elsewhere'), path.join(dir, 'checks', 'linked.yml'));
    expect(await errorLines(dir)).toEqual([
      'checks/linked.yml: expected a YAML file, found a folder: Cairn reads the files directly in checks/ (a folder with this name is what a volume mount of a missing file leaves); remove it or make it a file',
      'checks/web.yaml: expected a YAML file, found a folder: Cairn reads the files directly in checks/ (a folder with this name is what a volume mount of a missing file leaves); remove it or make it a file',
    ]);
  });

  it('warns about YAML files in sub-folders and about upper-case extensions; ignores other files and dot-folders', async () => {
    const config = await load({
      'cairn.yaml': yaml('site:', '  title: T'),
      'checks/a.yaml': CHECK,
      'checks/team-b/db.yaml': CHECK,
      'checks/team-b/web.yml': CHECK,
      'checks/team-b/notes.txt': 'x',
      'checks/certs/ca.pem': 'x',
      'checks/.git/config.yaml': 'x',
      'checks/Legacy.YAML': CHECK,
      'checks/ca.pem': 'x',
    });
    expect(config.checks.map((c) => c.id)).toEqual(['api']);
    expect(warningLines(config)).toEqual([
      'checks/Legacy.YAML: not read: Cairn reads files ending in .yaml or .yml (lowercase); rename it',
      'checks/team-b/: not read: Cairn reads only the YAML files directly in checks/, so the 2 in this folder (db.yaml, web.yml) define nothing; move them up into checks/',
    ]);
  });
});

describe('a CA file that cannot be used', () => {
  it('is reported at the ca field, with its path', async () => {
    const dir = await repo({
      'checks/empty.pem': 'nothing here\n',
      'checks/a.yaml': yaml(
        'checks:',
        '  - id: api',
        '    kind: http',
        '    url: https://a.example',
        '    ca: checks/missing.pem',
        '  - { id: cert, kind: tls, host: x.test, ca: checks/empty.pem }',
      ),
    });
    expect(await errorLines(dir)).toEqual([
      'checks/a.yaml:5:9: checks[0].ca: cannot use the CA file "checks/missing.pem" (relative to the status repo): no such file',
      'checks/a.yaml:6:46: checks[1].ca: the CA file "checks/empty.pem" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")',
    ]);
  });
});

describe('a status repo of SLOs without checks', () => {
  const SETTINGS = yaml(
    'site:',
    '  title: SLOs',
    'prometheus: { id: prom, url: "http://127.0.0.1:9090" }',
    'groups:',
    '  - id: core',
    '    name: Core',
    '    components: [api, db]',
    'slos:',
    '  - id: api-availability',
    '    component: api',
    '    target: 99.9',
    '    sli: { ratio: { errors: \'http_requests_total{code=~"5.."}\', total: http_requests_total } }',
    'capacity:',
    '  - { id: disk, component: db, type: disk, query: disk_used_percent }',
  );

  it('is valid: its components come from the groups, and no component is said to show nothing', async () => {
    const config = await load({ 'cairn.yaml': SETTINGS });
    expect(config.checks).toEqual([]);
    expect(config.components.map((c) => c.id)).toEqual(['api', 'db']);
    expect(config.prometheus.slos.map((s) => s.id)).toEqual(['api-availability']);
    expect(config.warnings).toEqual([]);
  });

  it('still needs a check, an SLO or a capacity forecast', async () => {
    const dir = await repo({ 'cairn.yaml': yaml('site:', '  title: Empty') });
    expect(await errorLines(dir)).toEqual([
      'checks/: expected at least one check, found none: add a YAML file with a "checks:" list to checks/ (or SLOs from Prometheus to cairn.yaml)',
    ]);
  });
});
