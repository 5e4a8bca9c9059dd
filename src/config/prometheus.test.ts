/** `prometheus:`, `slos:` and `capacity:` in cairn.yaml: validation, positions, defaults. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { loadConfig } from './load.ts';
import { jsonSchema } from './schema.ts';

const CHECKS = 'checks:\n  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }\n  - { id: db, kind: tcp, host: 127.0.0.1, port: 1 }\n';
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function repo(settings: string, checksFile?: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-promcfg-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'cairn.yaml'), settings);
  if (checksFile) {
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'checks', 'a.yaml'), checksFile);
  }
  return dir;
}

async function errors(dir: string, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await loadConfig(dir, { env });
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map((e) => e.toString());
    throw err;
  }
  return [];
}

describe('prometheus config', () => {
  it('resolves endpoints, SLOs and capacity with their defaults', async () => {
    const dir = await repo(`prometheus:
  - id: mimir
    url: https://mimir.example.com/prometheus/
    bearerToken: \${MIMIR_TOKEN}
    headers: { X-Scope-OrgID: acme }
  - id: local
    url: http://127.0.0.1:9090
    basicAuth: { username: u, password: '\${PW}' }
    timeout: 5s
    alertLabel: service
slos:
  - id: api-avail
    component: api
    target: 99.9
    sli: { ratio: { errors: 'http_requests_total{code=~"5.."}', total: http_requests_total } }
  - { id: api-lat, component: api, prometheus: local, target: 99, windows: [7d, month], sli: { latency: { metric: 'h_bucket{job="api"}', le: 0.25 } } }
capacity:
  - { id: disk, component: db, type: disk, query: 'disk_used_percent' }
  - { id: conns, component: db, query: pg_connections, unit: connections, warning: 80, critical: 100, method: theil-sen, lookback: 90d }
${CHECKS}`);
    const config = await loadConfig(dir, { env: { MIMIR_TOKEN: 'mimir-secret', PW: 'pw-secret' } });
    const { endpoints, slos, capacity } = config.prometheus;
    expect(endpoints).toEqual([
      { id: 'mimir', url: 'https://mimir.example.com/prometheus', auth: { type: 'bearer', token: 'mimir-secret' }, headers: { 'X-Scope-OrgID': 'acme' }, timeoutMs: 30_000, alerts: true, alertLabel: 'component' },
      { id: 'local', url: 'http://127.0.0.1:9090', auth: { type: 'basic', username: 'u', password: 'pw-secret' }, headers: {}, timeoutMs: 5000, alerts: true, alertLabel: 'service' },
    ]);
    expect(slos[0]).toMatchObject({ id: 'api-avail', name: 'api-avail', endpoint: 'mimir', windows: [{ kind: 'rolling', ms: 30 * 86_400_000, label: '30d' }, { kind: 'month', label: 'month' }], sli: { kind: 'ratio', errors: 'http_requests_total{code=~"5.."}', good: null, total: 'http_requests_total' } });
    expect(slos[0]!.source).toMatchObject({ file: 'cairn.yaml', line: 12 });
    expect(slos[1]).toMatchObject({ endpoint: 'local', windows: [{ kind: 'rolling', label: '7d' }, { kind: 'month' }], sli: { kind: 'latency', le: '0.25' } });
    expect(capacity[0]).toMatchObject({ type: 'disk', warning: 90, critical: 95, unit: '%', direction: 'up', lookbackMs: 30 * 86_400_000, method: 'least-squares', horizonMs: 365 * 86_400_000, resolutionMs: 300_000 });
    expect(capacity[1]).toMatchObject({ type: 'custom', warning: 80, critical: 100, unit: 'connections', method: 'theil-sen', lookbackMs: 90 * 86_400_000 });
    expect(config.redactor.redact('Bearer mimir-secret pw-secret')).toBe('Bearer [REDACTED] [REDACTED]');
  });

  it('reports unknown components and endpoints at their position', async () => {
    const dir = await repo(`prometheus: { id: main, url: http://127.0.0.1:9090 }
slos:
  - { id: a, component: nope, target: 99.9, sli: { gauge: probe_success } }
  - { id: b, component: api, prometheus: other, target: 99.9, sli: { gauge: probe_success } }
capacity:
  - { id: c, component: ghost, type: cpu, query: cpu }
${CHECKS}`);
    expect(await errors(dir)).toEqual([
      'cairn.yaml:3:25: slos[0].component: unknown component "nope" (known: api, db)',
      'cairn.yaml:4:42: slos[1].prometheus: unknown prometheus endpoint "other" (known: main)',
      'cairn.yaml:6:25: capacity[0].component: unknown component "ghost" (known: api, db)',
    ]);
  });

  it('allows the sections only in cairn.yaml', async () => {
    const dir = await repo('site: { title: T }\n', `slos: []\n${CHECKS}`);
    const errs = await errors(dir);
    expect(errs[0]).toMatch(/^checks\/a\.yaml:1:1: slos: expected "slos" only in cairn\.yaml/);
  });

  it('validates SLIs, thresholds and lookbacks', async () => {
    const dir = await repo(`prometheus: { id: main, url: http://127.0.0.1:9090 }
slos:
  - { id: a, component: api, target: 100, sli: { gauge: probe_success } }
  - { id: b, component: api, target: 99, sli: { gauge: 'rate(x[5m])' } }
  - { id: c, component: api, target: 99, sli: { ratio: { errors: e, good: g, total: t } } }
  - { id: d, component: api, target: 99, sli: { gauge: g, latency: { metric: h, le: 1 } } }
capacity:
  - { id: e, component: db, query: q }
  - { id: f, component: db, type: disk, query: q, lookback: 7d }
${CHECKS}`);
    const errs = (await errors(dir)).join('\n');
    expect(errs).toMatch(/slos\[0\]\.target: .*100/);
    expect(errs).toContain('slos[1].sli.gauge: expected a series selector');
    expect(errs).toContain('expected exactly one of "errors" or "good" next to "total"');
    expect(errs).toContain('expected exactly one of ratio, gauge, latency (Prometheus) or availability, responseTime (checks)');
    expect(errs).toContain('expected "warning": a custom resource has no default thresholds');
    expect(errs).toContain('capacity[1].lookback: expected a lookback from 30d to 90d');
  });

  it('requires an endpoint when SLOs are declared', async () => {
    const dir = await repo(`slos:\n  - { id: a, component: api, target: 99.9, sli: { gauge: probe_success } }\n${CHECKS}`);
    expect(await errors(dir)).toEqual(['cairn.yaml:2:5: slos[0]: expected a "prometheus:" endpoint in cairn.yaml to query']);
  });

  it('describes every new field in the JSON Schema', () => {
    const text = JSON.stringify(jsonSchema());
    for (const phrase of ['X-Scope-OrgID', 'probe_success', 'theil-sen', 'Objective in percent', 'calendar month']) expect(text).toContain(phrase);
  });
});

describe('SLOs on the checks', () => {
  it('need no Prometheus endpoint; default to the component\'s checks and the page\'s degraded rule', async () => {
    const dir = await repo(`defaults: { degradedCountsAsUp: false }
slos:
  - { id: api-up, component: api, target: 99.9, sli: { availability: {} } }
  - { id: api-probes, component: api, target: 99.5, windows: [7d], sli: { availability: { checks: [api, db], degraded: good, measure: probes } } }
  - { id: api-fast, component: api, target: 99, sli: { responseTime: { below: 300ms } } }
${CHECKS}`);
    const { slos } = (await loadConfig(dir)).prometheus;
    expect(slos.map((s) => [s.id, s.endpoint, s.sli])).toEqual([
      ['api-up', null, { kind: 'availability', checks: ['api'], wholeComponent: true, degradedGood: false, measure: 'time' }],
      ['api-probes', null, { kind: 'availability', checks: ['api', 'db'], wholeComponent: false, degradedGood: true, measure: 'probes' }],
      ['api-fast', null, { kind: 'response-time', checks: ['api'], wholeComponent: true, belowMs: 300 }],
    ]);
  });

  it('name unknown checks and a stray endpoint at their line', async () => {
    const dir = await repo(`prometheus: { id: p, url: http://127.0.0.1:9 }
slos:
  - { id: a, component: api, target: 99.9, sli: { availability: { checks: [nope] } } }
  - { id: b, component: api, prometheus: p, target: 99.9, sli: { responseTime: { below: 1s } } }
  - { id: c, component: ghost, target: 99.9, sli: { availability: {} } }
${CHECKS}`);
    const errs = (await errors(dir)).join('\n');
    expect(errs).toContain('cairn.yaml:3:');
    expect(errs).toContain('slos[0].sli.availability.checks[0]: unknown check "nope"');
    expect(errs).toMatch(/cairn\.yaml:4:\d+: slos\[1\]\.prometheus: an SLO on Cairn's own checks/);
    expect(errs).toContain('slos[2].component: unknown component "ghost"');
  });
});
