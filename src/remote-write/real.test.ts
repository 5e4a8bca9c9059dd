/**
 * Remote write against a REAL Prometheus (Debian `prometheus` 2.42, `--web.enable-remote-write-
 * receiver`) on 127.0.0.1, and against a recording receiver for the answers Prometheus does not
 * give on demand (500, 401, 429). In CI a missing binary fails.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { type RunningPrometheus, prometheusAvailable, promApi, rawSamples, startPrometheus } from '../prometheus/testing.ts';
import { appendRun, readSamples, toRunRecord } from '../store/samples.ts';
import { cursorFile, readCursor, writeCursor } from './cursor.ts';
import { encodeWriteRequest } from './encode.ts';
import { type EndpointReport, asStored, batches, describeReport, remoteWriteRound } from './remote-write.ts';
import { MAX_ATTEMPTS, sendWriteRequest } from './send.ts';
import { SeriesBuilder, targetsOf } from './series.ts';
import { type RecordingReceiver, startRecordingReceiver, tempRepo } from './testing.ts';

const available = prometheusAvailable();
const MIN = 60_000;
const TOKEN = 'rw-s3cret-bearer-token';

const CHECKS = `checks:
  - { id: web, kind: http, url: "https://user:pw@www.example.test/health?key=abc", component: site }
  - { id: api, kind: http, url: "http://api.example.test/", component: api }
  - { id: db, kind: tcp, host: db.example.test, port: 5432, component: db }
  - { id: cert, kind: tls, host: www.example.test, port: 443, component: site }
  - { id: dns, kind: dns, query: www.example.test, component: site }
`;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A status repo whose one endpoint (named "main") sends to `url` with this job label. */
async function repoWith(url: string, job: string, extra = ''): Promise<ResolvedConfig> {
  const dir = await tempRepo({
    'cairn.yaml': `site: { title: T }\nremoteWrite:\n  name: main\n  url: ${url}\n  job: ${job}\n  bearerToken: \${RW_TOKEN}\n  labels: { env: test }\n${extra}`,
    'checks/a.yaml': CHECKS,
  });
  dirs.push(dir);
  return loadConfig(dir, { env: { RW_TOKEN: TOKEN } });
}

/** Same repo, another url (the endpoint keeps its name, so its cursor). */
async function pointTo(config: ResolvedConfig, url: string, job: string, extra = ''): Promise<ResolvedConfig> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path.join(config.dir, 'cairn.yaml'), `site: { title: T }\nremoteWrite:\n  name: main\n  url: ${url}\n  job: ${job}\n  bearerToken: \${RW_TOKEN}\n  labels: { env: test }\n${extra}`);
  return loadConfig(config.dir, { env: { RW_TOKEN: TOKEN } });
}

/** Results of the five checks at `at` (ms), with the detail a real run has. */
function results(at: number, status: Partial<Record<string, CheckStatus>> = {}): CheckResult[] {
  const checkedAt = new Date(at).toISOString();
  const ms = (k: number) => 20 + ((at / MIN) % 7) * 3 + k;
  const base = (id: string, kind: CheckResult['kind'], k: number): CheckResult => ({
    id,
    kind,
    status: status[id] ?? 'up',
    responseTimeMs: ms(k),
    error: status[id] === 'down' ? 'boom' : null,
    checkedAt,
    attempts: 1,
  });
  return [
    { ...base('web', 'http', 0), statusCode: status['web'] === 'down' ? 503 : 200, details: { dnsMs: 1, connectMs: 2, tlsMs: 5, ttfbMs: 9, downloadMs: 3, totalMs: ms(0) } },
    { ...base('api', 'http', 1), statusCode: 200, details: { dnsMs: 0, connectMs: 1, tlsMs: null, ttfbMs: 8, downloadMs: 2, totalMs: ms(1) } },
    { ...base('db', 'tcp', 2), details: { dnsMs: 1, connectMs: 3 } },
    { ...base('cert', 'tls', 3), details: { notAfter: '2027-03-01T00:00:00Z', daysLeft: 90 } },
    { ...base('dns', 'dns', 4), details: { records: ['192.0.2.1'] } },
  ];
}

/** Stores a round at `at` and remote-writes it, as `runRound` does. */
async function round(config: ResolvedConfig, at: number, status: Partial<Record<string, CheckStatus>> = {}, stopInMs = 30_000): Promise<EndpointReport> {
  const res = results(at, status);
  const record = toRunRecord(new Date(at), res);
  await appendRun(config.dir, record);
  const [report] = await remoteWriteRound({ config, record, results: res, shard: null, region: null, suffix: '', stopAt: Date.now() + stopInMs });
  if (!report) throw new Error('no report');
  return report;
}

describe.skipIf(!available)('remote write to a real Prometheus', { timeout: 180_000 }, () => {
  let prom: RunningPrometheus;
  let write: string;
  beforeAll(async () => {
    prom = await startPrometheus({ remoteWriteReceiver: true });
    write = `${prom.url}/api/v1/write`;
  }, 90_000);
  afterAll(() => prom?.stop());

  it('round trip: every stored sample is in Prometheus, with its value, timestamp and labels; the current run\'s detail too', async () => {
    const config = await repoWith(write, 'roundtrip');
    const now = Date.now();
    const rounds = [
      [now - 4 * MIN + 123, {}],
      [now - 3 * MIN + 456, { web: 'down', api: 'degraded' }],
      [now - 2 * MIN + 789, { db: 'maintenance', web: 'degraded' }],
      [now - MIN + 12, {}],
    ] as const;
    for (const [at, status] of rounds) {
      const report = await round(config, at, status);
      expect(report, describeReport(report).text).toMatchObject({ ok: true, rejected: 0, tooOld: 0, backlogRuns: 0, runs: 1 });
    }
    const cursor = await readCursor(config.dir, cursorFile('main', ''));
    expect(cursor?.acked).toBe(new Date(rounds[3][0]).toISOString());

    const { samples } = await readSamples(config.dir);
    expect(samples).toHaveLength(20);
    const from = now - 5 * MIN;
    const to = now;
    const expectSeries = async (metric: string, check: string, expected: [number, number][]) => {
      const got = await rawSamples(prom.url, `${metric}{job="roundtrip",check="${check}"}`, from, to);
      if (expected.length === 0) return expect(got, `${metric} ${check}`).toEqual([]);
      expect(got, `${metric} ${check}`).toHaveLength(1);
      expect(got[0]?.values, `${metric} ${check}`).toEqual(expected);
    };
    const http = new Set(['web', 'api']);
    for (const id of ['web', 'api', 'db', 'cert', 'dns']) {
      const mine = samples.filter((s) => s.id === id).sort((a, b) => a.at - b.at);
      const measured = mine.filter((s) => s.status !== 'maintenance');
      await expectSeries('probe_success', id, measured.map((s) => [s.at, s.status === 'down' ? 0 : 1]));
      await expectSeries('cairn_check_healthy', id, measured.map((s) => [s.at, s.status === 'up' ? 1 : 0]));
      await expectSeries('cairn_check_maintenance', id, mine.map((s) => [s.at, s.status === 'maintenance' ? 1 : 0]));
      await expectSeries('probe_duration_seconds', id, mine.map((s) => [s.at, (s.responseTimeMs as number) / 1000]));
      await expectSeries('probe_http_status_code', id, http.has(id) ? mine.map((s) => [s.at, s.statusCode ?? 0]) : []);
      // query_range at each stored instant gives the stored value (the sample is at that very instant).
      for (const s of measured) {
        const data = await promApi<{ result: { values: [number, string][] }[] }>(prom.url, 'query_range', { query: `probe_success{job="roundtrip",check="${id}"}`, start: s.at / 1000, end: s.at / 1000, step: 1 });
        expect(data.result[0]?.values).toEqual([[s.at / 1000, s.status === 'down' ? '0' : '1']]);
      }
    }
    // Labels, as blackbox_exporter's plus Cairn's: the instance without user-info or query.
    const [web] = await rawSamples(prom.url, 'probe_success{job="roundtrip",check="web"}', from, to);
    expect(web?.metric).toEqual({ __name__: 'probe_success', job: 'roundtrip', instance: 'https://www.example.test/health', check: 'web', component: 'site', kind: 'http', env: 'test' });
    // The detail each run had when it was the current run.
    const phases = await rawSamples(prom.url, 'probe_http_duration_seconds{job="roundtrip",check="web"}', from, to);
    expect(Object.fromEntries(phases.map((p) => [p.metric['phase'], p.values.map(([, v]) => v)]))).toEqual({
      resolve: [0.001, 0.001, 0.001, 0.001],
      connect: [0.002, 0.002, 0.002, 0.002],
      tls: [0.005, 0.005, 0.005, 0.005],
      processing: [0.009, 0.009, 0.009, 0.009],
      transfer: [0.003, 0.003, 0.003, 0.003],
    });
    const expiry = await rawSamples(prom.url, 'probe_ssl_earliest_cert_expiry{job="roundtrip"}', from, to);
    expect(expiry[0]?.values.map(([, v]) => v)).toEqual(Array(4).fill(Date.parse('2027-03-01T00:00:00Z') / 1000));
    expect((await rawSamples(prom.url, 'probe_dns_lookup_time_seconds{job="roundtrip",check="dns"}', from, to))[0]?.values).toHaveLength(4);
  });

  it('receiver down: the cursor stays; the next run sends the backlog (from the store) first, then its own', async () => {
    const closed = `http://127.0.0.1:1/api/v1/write`;
    let config = await repoWith(closed, 'backlog');
    const now = Date.now();
    const a = now - 3 * MIN;
    const b = now - 2 * MIN;
    const c = now - MIN;
    const first = await round(config, a, {}, 3000);
    expect(first).toMatchObject({ ok: false, runs: 0, pending: 1 });
    expect(first.error).toMatch(/ECONNREFUSED/);
    expect(describeReport(first)).toMatchObject({ level: 'warn' });
    expect(describeReport(first).text).toMatch(/^remote write main \(http:\/\/127\.0\.0\.1:1\/api\/v1\/write\) failed: .*1 run wait for a later run \(the results are stored in git\)/);
    // No cursor before: the endpoint starts with this run, which stays owed.
    expect((await readCursor(config.dir, cursorFile('main', '')))?.acked).toBe(new Date(a - 1).toISOString());
    await round(config, b, { web: 'down' }, 3000);
    expect((await readCursor(config.dir, cursorFile('main', '')))?.acked).toBe(new Date(a - 1).toISOString());

    config = await pointTo(config, write, 'backlog');
    const third = await round(config, c);
    expect(third).toMatchObject({ ok: true, runs: 3, backlogRuns: 2, tooOld: 0, pending: 0, requests: 1 });
    expect((await readCursor(config.dir, cursorFile('main', '')))?.acked).toBe(new Date(c).toISOString());
    const got = await rawSamples(prom.url, 'probe_success{job="backlog",check="web"}', now - 5 * MIN, now);
    expect(got[0]?.values).toEqual([[a, 1], [b, 0], [c, 1]]);
    // Backlog runs carry what the store keeps: no phases for them, the current run's only.
    const phases = await rawSamples(prom.url, 'probe_http_duration_seconds{job="backlog",check="web",phase="connect"}', now - 5 * MIN, now);
    expect(phases[0]?.values.map(([t]) => t)).toEqual([c]);
  });

  it('the backlog bound: owed runs older than it are dropped and counted, the cursor moves past them', async () => {
    const config = await repoWith(write, 'bound', '  backlog: 1h\n');
    const now = Date.now();
    const file = cursorFile('main', '');
    await writeCursor(config.dir, file, { v: 1, endpoint: 'main', url: '', acked: new Date(now - 180 * MIN).toISOString(), updatedAt: '' });
    for (const at of [now - 150 * MIN, now - 120 * MIN, now - 90 * MIN]) await appendRun(config.dir, toRunRecord(new Date(at), results(at)));
    const within = now - 30 * MIN;
    await appendRun(config.dir, toRunRecord(new Date(within), results(within)));
    const report = await round(config, now);
    expect(report).toMatchObject({ ok: true, tooOld: 3, backlogRuns: 1, runs: 2, rejected: 0 });
    expect(describeReport(report)).toEqual({ level: 'warn', text: expect.stringContaining('3 stored runs older than the backlog bound were not sent (dropped; `cairn export openmetrics` can backfill them)') });
    expect((await readCursor(config.dir, file))?.acked).toBe(new Date(now).toISOString());
    const got = await rawSamples(prom.url, 'probe_success{job="bound",check="api"}', now - 200 * MIN, now);
    expect(got[0]?.values.map(([t]) => t)).toEqual([within, now]);
  });

  it('duplicates: Prometheus takes an identical copy of a series\' newest sample, and refuses (400) an older one sent again', async () => {
    const config = await repoWith(write, 'dupes');
    const [endpoint] = config.remoteWrite ?? [];
    if (!endpoint) throw new Error('no endpoint');
    const builder = new SeriesBuilder({ job: 'dupes', labels: {}, targets: targetsOf(config.checks, config.redactor) });
    const now = Date.now();
    const run = (at: number) => ({ record: asStored(toRunRecord(new Date(at), results(at))) });
    const send = async (at: number) => {
      const [batch] = [...batches([run(at)], builder)];
      return sendWriteRequest(endpoint, encodeWriteRequest(batch?.timeseries ?? []), { stopAt: Date.now() + 10_000, redactor: config.redactor });
    };
    expect(await send(now - 2 * MIN)).toMatchObject({ kind: 'written' });
    expect(await send(now - 2 * MIN)).toMatchObject({ kind: 'written' });
    expect(await send(now - MIN)).toMatchObject({ kind: 'written' });
    const again = await send(now - 2 * MIN);
    expect(again).toMatchObject({ kind: 'rejected', status: 400, attempts: 1 });
    expect(again.kind === 'rejected' && again.detail).toMatch(/out of order/);
    // And what is older than the head's window (an hour before its newest sample) is out of bounds.
    const old = await send(now - 120 * MIN);
    expect(old).toMatchObject({ kind: 'rejected', status: 400 });
    expect(old.kind === 'rejected' && old.detail).toMatch(/out of bounds/);
    const got = await rawSamples(prom.url, 'probe_success{job="dupes",check="web"}', now - 200 * MIN, now);
    expect(got[0]?.values.map(([t]) => t)).toEqual([now - 2 * MIN, now - MIN]);
  });
});

describe('remote write: what each answer does', { timeout: 120_000 }, () => {
  let receiver: RecordingReceiver;
  beforeAll(async () => {
    receiver = await startRecordingReceiver();
  });
  afterAll(() => receiver.close());
  const reset = (answer: RecordingReceiver['answer']) => {
    receiver.requests.length = 0;
    receiver.answer = answer;
  };

  it('sends protocol 1.0 headers and the bearer token; splits a large run into requests of at most 5,000 samples', async () => {
    reset(() => ({ status: 204 }));
    const many = Array.from({ length: 1200 }, (_, i) => `  - { id: c${i}, kind: tcp, host: h${i}.test, port: 1 }`).join('\n');
    const dir = await tempRepo({ 'cairn.yaml': `remoteWrite: { url: "${receiver.url}", bearerToken: "\${RW_TOKEN}" }\n`, 'checks/a.yaml': `checks:\n${many}\n` });
    dirs.push(dir);
    const config = await loadConfig(dir, { env: { RW_TOKEN: TOKEN } });
    const at = Date.now();
    const res: CheckResult[] = config.checks.map((c) => ({ id: c.id, kind: 'tcp', status: 'up', responseTimeMs: 5, error: null, checkedAt: new Date(at).toISOString(), attempts: 1 }));
    const record = toRunRecord(new Date(at), res);
    await appendRun(dir, record);
    const [report] = await remoteWriteRound({ config, record, results: res, shard: null, region: null, suffix: '', stopAt: Date.now() + 20_000 });
    // 4 samples per tcp result without detail (success, healthy, maintenance, duration): 1,200 x 4 = 4,800 fit in one request.
    expect(report).toMatchObject({ ok: true, samples: 4800, requests: 1 });
    expect(receiver.requests[0]?.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      authorization: `Bearer ${TOKEN}`,
    });
    // Twice the checks: two requests.
    const at2 = at + MIN;
    const res2 = [...res, ...res.map((r) => ({ ...r, id: `${r.id}x` }))].map((r) => ({ ...r, checkedAt: new Date(at2).toISOString() }));
    const config2 = { ...config, checks: [...config.checks, ...config.checks.map((c) => ({ ...c, id: `${c.id}x` }))] };
    const record2 = toRunRecord(new Date(at2), res2);
    await appendRun(dir, record2);
    const [report2] = await remoteWriteRound({ config: config2, record: record2, results: res2, shard: null, region: null, suffix: '', stopAt: Date.now() + 20_000 });
    expect(report2).toMatchObject({ ok: true, samples: 9600, requests: 2 });
    expect(receiver.requests.slice(1).map((r) => r.series.reduce((n, s) => n + s.samples.length, 0))).toEqual([5000, 4600]);
  });

  it('500: retried with backoff; once it answers, the run is written', async () => {
    reset((n) => (n < 2 ? { status: 500, body: 'try later' } : { status: 200 }));
    const config = await repoWith(receiver.url, 'r500');
    const report = await round(config, Date.now());
    expect(report).toMatchObject({ ok: true, requests: 3, runs: 1 });
  });

  it('500 every time: gives up after a bounded number of attempts, the cursor stays, the answer is quoted redacted', async () => {
    reset(() => ({ status: 500, body: `rejected Authorization: Bearer ${TOKEN}` }));
    const config = await repoWith(receiver.url, 'r500b');
    const at = Date.now();
    const report = await round(config, at);
    expect(report).toMatchObject({ ok: false, requests: MAX_ATTEMPTS, runs: 0, pending: 1 });
    expect(report.error).toContain('HTTP 500: rejected Authorization: Bearer [REDACTED]');
    expect(describeReport(report).text).not.toContain(TOKEN);
    expect((await readCursor(config.dir, cursorFile('main', '')))?.acked).toBe(new Date(at - 1).toISOString());
  });

  it('429 with Retry-After: waits that long, then sends', async () => {
    reset((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 }));
    const config = await repoWith(receiver.url, 'r429');
    const started = Date.now();
    const report = await round(config, Date.now());
    expect(report).toMatchObject({ ok: true, requests: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('400: the samples are refused for good: not retried, dropped and counted, the cursor moves on', async () => {
    // 37 samples: 11 for each http check (5 series, 5 phases, the DNS lookup), 5 for each of the others.
    reset(() => ({ status: 400, body: 'out of order sample' }));
    const config = await repoWith(receiver.url, 'r400');
    const at = Date.now();
    const report = await round(config, at);
    expect(receiver.requests).toHaveLength(1);
    expect(report).toMatchObject({ ok: true, requests: 1, runs: 1, samples: 0, rejected: 37, rejection: 'HTTP 400: out of order sample' });
    expect(describeReport(report)).toMatchObject({ level: 'warn', text: expect.stringContaining('the receiver refused 37 samples for good (dropped): HTTP 400: out of order sample') });
    expect((await readCursor(config.dir, cursorFile('main', '')))?.acked).toBe(new Date(at).toISOString());
  });

  it('401: the endpoint is wrong, not the data: not retried, the cursor stays', async () => {
    reset(() => ({ status: 401, body: 'unauthorized' }));
    const config = await repoWith(receiver.url, 'r401');
    const at = Date.now();
    const report = await round(config, at);
    expect(receiver.requests).toHaveLength(1);
    expect(report).toMatchObject({ ok: false, requests: 1, runs: 0, pending: 1 });
    expect(report.error).toMatch(/^HTTP 401: unauthorized \(not retried: check the url and credentials\)/);
    expect((await readCursor(config.dir, cursorFile('main', '')))?.acked).toBe(new Date(at - 1).toISOString());
  });

  it('no time left (the deadline): nothing is sent, the cursor stays', async () => {
    reset(() => ({ status: 204 }));
    const config = await repoWith(receiver.url, 'late');
    const at = Date.now();
    const report = await round(config, at, {}, 0);
    expect(receiver.requests).toHaveLength(0);
    expect(report).toMatchObject({ ok: false, runs: 0, pending: 1 });
  });
});
