/** `remoteWrite:` in cairn.yaml: defaults, one endpoint or a list, errors at file:line:field. */
import { describe, expect, it } from 'vitest';
import { REMOTE_WRITE_DEFAULTS, defaultEndpointName } from './resolve-remote-write.ts';
import { errorLines, load, repo, yaml } from './test-repo.ts';

const CHECKS = { 'checks/a.yaml': 'checks:\n  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }\n' };

describe('remoteWrite config', () => {
  it('one endpoint: defaults (job cairn, timeout 30s, backlog 1h, a name from the url), secrets from ${ENV} listed for the redactor', async () => {
    const config = await load(
      { 'cairn.yaml': yaml('remoteWrite:', '  url: https://u:pw-secret@mimir.example.com/api/v1/push?key=query-secret', '  bearerToken: ${RW_TOKEN}', '  headers: { X-Scope-OrgID: acme }'), ...CHECKS },
      { env: { RW_TOKEN: 'token-secret' } },
    );
    expect(config.remoteWrite).toHaveLength(1);
    const [e] = config.remoteWrite ?? [];
    expect(e).toMatchObject({
      name: defaultEndpointName('https://u:pw-secret@mimir.example.com/api/v1/push?key=query-secret'),
      display: 'https://mimir.example.com/api/v1/push',
      auth: { type: 'bearer', token: 'token-secret' },
      headers: { 'X-Scope-OrgID': 'acme' },
      timeoutMs: REMOTE_WRITE_DEFAULTS.timeoutMs,
      job: 'cairn',
      labels: {},
      backlogMs: 3_600_000,
      source: { file: 'cairn.yaml', line: 2 },
    });
    expect(e?.name).toMatch(/^rw-[0-9a-f]{8}$/);
    expect(e?.secrets.sort()).toEqual(['acme', 'pw-secret', 'query-secret', 'token-secret'].sort());
    expect(config.redactor.redact('token-secret')).toBe('[REDACTED]');
  });

  it('a list: names, basic auth, labels, job, timeout and backlog as written', async () => {
    const config = await load({
      'cairn.yaml': yaml(
        'remoteWrite:',
        '  - name: prom',
        '    url: http://127.0.0.1:9090/api/v1/write',
        '    basicAuth: { username: cairn, password: pw }',
        '    labels: { env: prod, team: sre }',
        '    job: status',
        '    timeout: 5s',
        '    backlog: 1d',
        '  - name: vm',
        '    url: http://127.0.0.1:8428/api/v1/write',
        '    backlog: 0',
      ),
      ...CHECKS,
    });
    expect(config.remoteWrite?.map((e) => [e.name, e.auth.type, e.labels, e.job, e.timeoutMs, e.backlogMs])).toEqual([
      ['prom', 'basic', { env: 'prod', team: 'sre' }, 'status', 5000, 86_400_000],
      ['vm', 'none', {}, 'cairn', 30_000, 0],
    ]);
  });

  it('none configured: an empty list', async () => {
    expect((await load({ 'cairn.yaml': 'site: { title: T }\n', ...CHECKS })).remoteWrite).toEqual([]);
  });

  it('errors name the file, line and field', async () => {
    const dir = await repo({
      'cairn.yaml': yaml(
        'remoteWrite:',
        '  - url: ftp://example.com/write',
        '  - url: http://127.0.0.1:9090/api/v1/write',
        '    labels: { env: prod }',
        '    backlog: soon',
        '  - url: http://127.0.0.1:9090/api/v1/write',
        '    bearerToken: t',
        '    basicAuth: { username: u, password: p }',
        '  - name: prom',
        '    url: http://127.0.0.1:9091/api/v1/write',
        '    job: ""',
        '  - name: prom',
        '    url: http://127.0.0.1:9092/api/v1/write',
      ),
      ...CHECKS,
    });
    const lines = await errorLines(dir);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cairn\.yaml:2:\d+: remoteWrite\[0\]\.url: expected an absolute http:\/\/ or https:\/\/ URL/),
        expect.stringMatching(/^cairn\.yaml:5:\d+: remoteWrite\[1\]\.backlog: expected a duration/),
        expect.stringMatching(/^cairn\.yaml:8:\d+: remoteWrite\[2\]\.basicAuth: expected bearerToken or basicAuth, not both/),
        expect.stringMatching(/^cairn\.yaml:11:\d+: remoteWrite\[3\]\.job: /),
      ]),
    );
  });

  it('static labels: Prometheus label names, not the ones Cairn sets', async () => {
    const dir = await repo({
      'cairn.yaml': yaml('remoteWrite:', '  url: http://127.0.0.1:9090/api/v1/write', '  labels: { instance: x, "bad-name": y, __meta: z, job: j, env: prod }'),
      ...CHECKS,
    });
    expect(await errorLines(dir)).toEqual([
      'cairn.yaml:3:23: remoteWrite.labels.instance: label "instance" is set by Cairn on every series (job, instance, check, component, kind, region, phase); choose another name',
      'cairn.yaml:3:38: remoteWrite.labels["bad-name"]: expected a label name of letters, digits and "_", not starting with a digit or "__"; "bad-name" is not one',
      'cairn.yaml:3:49: remoteWrite.labels.__meta: expected a label name of letters, digits and "_", not starting with a digit or "__"; "__meta" is not one',
      'cairn.yaml:3:57: remoteWrite.labels.job: label "job" is set by Cairn on every series (job, instance, check, component, kind, region, phase); write "job:" instead',
    ]);
  });

  it('two endpoints with one name (or one url and no names): an error at the second', async () => {
    const names = await repo({
      'cairn.yaml': yaml('remoteWrite:', '  - { name: prom, url: "http://127.0.0.1:9090/api/v1/write" }', '  - { name: prom, url: "http://127.0.0.1:9091/api/v1/write" }'),
      ...CHECKS,
    });
    expect(await errorLines(names)).toEqual([expect.stringMatching(/^cairn\.yaml:3:\d+: remoteWrite\[1\]\.name: duplicate remote-write endpoint name "prom"/)]);
    const urls = await repo({
      'cairn.yaml': yaml('remoteWrite:', '  - { url: "http://127.0.0.1:9090/api/v1/write" }', '  - { url: "http://127.0.0.1:9090/api/v1/write" }'),
      ...CHECKS,
    });
    expect(await errorLines(urls)).toEqual([expect.stringMatching(/^cairn\.yaml:3:\d+: remoteWrite\[1\]\.url: duplicate remote-write url/)]);
  });

  it('only in cairn.yaml', async () => {
    const dir = await repo({ 'cairn.yaml': 'site: { title: T }\n', 'checks/a.yaml': `${CHECKS['checks/a.yaml']}remoteWrite: { url: "http://127.0.0.1:9090/api/v1/write" }\n` });
    expect(await errorLines(dir)).toEqual([expect.stringMatching(/^checks\/a\.yaml:3:1: remoteWrite: expected "remoteWrite" only in cairn\.yaml/)]);
  });
});
