/** Check results as blackbox_exporter-style series: names, values, labels, the maintenance rule. */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import { dnsCheck, healthCheck, httpCheck, journeyCheck, journeyStep, pingCheck, tcpCheck, tlsCheck } from '../checks/test-helpers.ts';
import { Redactor } from '../config/secrets.ts';
import type { StoredResult } from '../store/samples.ts';
import { SeriesBuilder, instanceOf, targetsOf, type Point } from './series.ts';

const T = '2026-11-24T10:05:00.000Z';
const TMS = Date.parse(T);

const redactor = new Redactor();
redactor.add('s3cr3t-token');

const CHECKS = [
  httpCheck({ id: 'web', component: 'site', url: 'https://user:pw@www.example.com/health?token=abc#x' }),
  healthCheck({ id: 'health', component: 'api', url: 'http://127.0.0.1:8080/actuator/health' }),
  journeyCheck({ id: 'login', component: 'api', steps: [journeyStep({ name: 'home', url: 'https://app.example.com/login?next=/' })] }),
  tcpCheck({ id: 'db', component: 'db', host: '::1', port: 5432 }),
  tlsCheck({ id: 'cert', component: 'site', host: 'www.example.com', port: 443 }),
  dnsCheck({ id: 'dns', component: 'site', query: 'www.example.com' }),
  pingCheck({ id: 'ping', component: 'db', host: 'db.internal', port: null }),
  httpCheck({ id: 'secret', component: 'api', url: 'https://api.example.com/s3cr3t-token/ping' }),
];

const builder = () => new SeriesBuilder({ job: 'cairn', labels: { env: 'prod' }, targets: targetsOf(CHECKS, redactor) });

/** `name{label="v",…} value` of points, labels other than job/env/instance/component/kind left out for brevity. */
function show(points: Point[]): string[] {
  const hidden = new Set(['job', 'env', 'instance', 'component', 'kind', '__name__']);
  return points.map((p) => {
    const name = p.labels.find((l) => l.name === '__name__')?.value;
    const labels = p.labels.filter((l) => !hidden.has(l.name)).map((l) => `${l.name}="${l.value}"`);
    expect(p.t).toBe(TMS);
    return `${name}{${labels.join(',')}} ${p.value}`;
  });
}

const stored = (partial: Partial<StoredResult> & { id: string }): StoredResult => ({ s: 'up', t: T, ms: 84, e: null, ...partial });

describe('series of a check result', () => {
  it.each([
    ['up', 1, 1],
    ['degraded', 1, 0],
    ['down', 0, 0],
  ] as const)('%s: probe_success %d, cairn_check_healthy %d, cairn_check_maintenance 0', (s, success, healthy) => {
    expect(show(builder().points(stored({ id: 'db', s })))).toEqual([
      `probe_success{check="db"} ${success}`,
      `cairn_check_healthy{check="db"} ${healthy}`,
      'cairn_check_maintenance{check="db"} 0',
      'probe_duration_seconds{check="db"} 0.084',
    ]);
  });

  it('maintenance: no probe_success and no cairn_check_healthy sample, cairn_check_maintenance 1 (measurements kept)', () => {
    expect(show(builder().points(stored({ id: 'web', s: 'maintenance', code: 503 })))).toEqual([
      'cairn_check_maintenance{check="web"} 1',
      'probe_duration_seconds{check="web"} 0.084',
      'probe_http_status_code{check="web"} 503',
    ]);
  });

  it('http with the run\'s detail: the five phases as blackbox_exporter names them, the status code, the DNS lookup', () => {
    const detail: CheckResult = {
      id: 'web', kind: 'http', status: 'up', responseTimeMs: 84, error: null, checkedAt: T, attempts: 1, statusCode: 200,
      details: { dnsMs: 3, connectMs: 5, tlsMs: 20, ttfbMs: 50, downloadMs: 6, totalMs: 84, bodyBytes: 10 },
    };
    expect(show(builder().points(stored({ id: 'web', code: 200 }), detail))).toEqual([
      'probe_success{check="web"} 1',
      'cairn_check_healthy{check="web"} 1',
      'cairn_check_maintenance{check="web"} 0',
      'probe_duration_seconds{check="web"} 0.084',
      'probe_http_status_code{check="web"} 200',
      'probe_http_duration_seconds{check="web",phase="resolve"} 0.003',
      'probe_http_duration_seconds{check="web",phase="connect"} 0.005',
      'probe_http_duration_seconds{check="web",phase="tls"} 0.02',
      'probe_http_duration_seconds{check="web",phase="processing"} 0.05',
      'probe_http_duration_seconds{check="web",phase="transfer"} 0.006',
      'probe_dns_lookup_time_seconds{check="web"} 0.003',
    ]);
  });

  it('http without an answer: status code 0 (as blackbox_exporter), no duration when none was measured; plain http: tls phase 0', () => {
    expect(show(builder().points(stored({ id: 'health', s: 'down', ms: null })))).toEqual([
      'probe_success{check="health"} 0',
      'cairn_check_healthy{check="health"} 0',
      'cairn_check_maintenance{check="health"} 0',
      'probe_http_status_code{check="health"} 0',
    ]);
    const detail = { id: 'health', kind: 'health', status: 'up', responseTimeMs: 9, error: null, checkedAt: T, attempts: 1, details: { dnsMs: 0, connectMs: 1, tlsMs: null, ttfbMs: 7, downloadMs: 1, totalMs: 9 } } as CheckResult;
    expect(show(builder().points(stored({ id: 'health', ms: 9, code: 200 }), detail)).filter((l) => l.includes('phase="tls"'))).toEqual(['probe_http_duration_seconds{check="health",phase="tls"} 0']);
  });

  it('tls: the certificate expiry in Unix seconds; dns: the lookup time', () => {
    const cert = { id: 'cert', kind: 'tls', status: 'up', responseTimeMs: 30, error: null, checkedAt: T, attempts: 1, details: { notAfter: '2027-01-31T12:00:00Z', daysLeft: 68 } } as CheckResult;
    expect(show(builder().points(stored({ id: 'cert', ms: 30 }), cert)).at(-1)).toBe(`probe_ssl_earliest_cert_expiry{check="cert"} ${Date.parse('2027-01-31T12:00:00Z') / 1000}`);
    expect(show(builder().points(stored({ id: 'dns', ms: 12 }))).at(-1)).toBe('probe_dns_lookup_time_seconds{check="dns"} 0.012');
  });

  it('labels: job, instance (redacted), check, component, kind, region when the run has one, and the static labels, sorted by name', () => {
    const [p] = builder().points(stored({ id: 'web', g: 'eu-west' }));
    expect(p?.labels).toEqual([
      { name: '__name__', value: 'probe_success' },
      { name: 'check', value: 'web' },
      { name: 'component', value: 'site' },
      { name: 'env', value: 'prod' },
      { name: 'instance', value: 'https://www.example.com/health' },
      { name: 'job', value: 'cairn' },
      { name: 'kind', value: 'http' },
      { name: 'region', value: 'eu-west' },
    ]);
    expect(builder().points(stored({ id: 'web' }))[0]?.labels.some((l) => l.name === 'region')).toBe(false);
  });

  it('a check no longer configured writes nothing (its labels are unknown)', () => {
    const b = builder();
    expect(b.points(stored({ id: 'gone' }))).toEqual([]);
    expect(b.knows('gone')).toBe(false);
  });
});

describe('instance label', () => {
  it.each([
    ['web', 'https://www.example.com/health'],
    ['health', 'http://127.0.0.1:8080/actuator/health'],
    ['login', 'https://app.example.com/login'],
    ['db', '[::1]:5432'],
    ['cert', 'www.example.com:443'],
    ['dns', 'www.example.com'],
    ['ping', 'db.internal'],
    ['secret', 'https://api.example.com/[REDACTED]/ping'],
  ])('%s → %s (no user-info, query, fragment or secret)', (id, instance) => {
    const check = CHECKS.find((c) => c.id === id);
    if (!check) throw new Error(id);
    expect(instanceOf(check, redactor)).toBe(instance);
  });
});
