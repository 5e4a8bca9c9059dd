/** The client against a local HTTP server that misbehaves on purpose. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrometheusEndpointSettings } from '../config/resolve-prometheus.ts';
import { PromClient, PrometheusError } from './client.ts';
import { freePort } from './testing.ts';

const VECTOR = { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [1700000000, '0.5'] }] };
let server: http.Server;
let base: string;
const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const mode = (req.url ?? '').split('/')[1];
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      switch (mode) {
        case 'ok':
          return json(200, { status: 'success', data: VECTOR });
        case 'slow':
          return void setTimeout(() => json(200, { status: 'success', data: VECTOR }), 1500);
        case 'unavailable':
          res.writeHead(503, { 'content-type': 'text/html' });
          return res.end('<html><body>Service Unavailable</body></html>');
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"status":"success","data":{"resultType":"vector","res');
        case 'partial':
          return json(200, { status: 'success', data: VECTOR, warnings: ['store 10.0.0.7:10901 unavailable: partial response'] });
        case 'baddata':
          return json(400, { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected "}"' });
        case 'nodata':
          return json(200, { status: 'success' });
        default:
          return json(404, { status: 'error', error: 'not found' });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function endpoint(url: string, extra: Partial<PrometheusEndpointSettings> = {}): PrometheusEndpointSettings {
  return { id: 'main', url, auth: { type: 'none' }, headers: {}, timeoutMs: 500, alerts: true, alertLabel: 'component', ...extra };
}

async function failure(client: PromClient): Promise<PrometheusError> {
  try {
    await client.instant('up', 1_700_000_000_000);
  } catch (err) {
    expect(err).toBeInstanceOf(PrometheusError);
    return err as PrometheusError;
  }
  throw new Error('expected a failure');
}

describe('PromClient faults', () => {
  it('reads a success, sending the path prefix, auth and extra headers', async () => {
    const client = new PromClient(endpoint(`${base}/ok/prometheus`, { auth: { type: 'bearer', token: 's3cret-token' }, headers: { 'X-Scope-OrgID': 'acme' } }));
    const samples = await client.instant('up', 1_700_000_000_000);
    expect(samples).toEqual([{ labels: { job: 'a' }, value: 0.5 }]);
    const req = seen.at(-1)!;
    expect(req.url).toBe('/ok/prometheus/api/v1/query');
    expect(req.headers['authorization']).toBe('Bearer s3cret-token');
    expect(req.headers['x-scope-orgid']).toBe('acme');
    expect(new URLSearchParams(req.body).get('time')).toBe('1700000000');
    expect(client.warnings).toEqual([]);
    expect(client.stats).toEqual({ requests: 1, points: 1 });
  });

  it('sends basic auth', async () => {
    const client = new PromClient(endpoint(`${base}/ok`, { auth: { type: 'basic', username: 'u', password: 'p@ss' } }));
    await client.instant('up', 1_700_000_000_000);
    expect(seen.at(-1)!.headers['authorization']).toBe(`Basic ${Buffer.from('u:p@ss').toString('base64')}`);
  });

  it('connection refused', async () => {
    const port = await freePort();
    const err = await failure(new PromClient(endpoint(`http://127.0.0.1:${port}`)));
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(`Prometheus "main" (http://127.0.0.1:${port}) query: connection refused by 127.0.0.1:${port} (is the server down?)`);
  });

  it('slow beyond the timeout', async () => {
    const err = await failure(new PromClient(endpoint(`${base}/slow`)));
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('no answer within 500 ms (the timeout)');
  });

  it('503 with an HTML body', async () => {
    const err = await failure(new PromClient(endpoint(`${base}/unavailable`)));
    expect(err.kind).toBe('http');
    expect(err.httpStatus).toBe(503);
    expect(err.message).toContain('answered HTTP 503 Service Unavailable: "<html><body>Service Unavailable</body></html>"');
  });

  it('malformed JSON', async () => {
    const err = await failure(new PromClient(endpoint(`${base}/malformed`)));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('with a body that is not Prometheus JSON (application/json)');
  });

  it('a success without data', async () => {
    const err = await failure(new PromClient(endpoint(`${base}/nodata`)));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('answered "success" without a data object');
  });

  it('a query error names the error type and message', async () => {
    const err = await failure(new PromClient(endpoint(`${base}/baddata`)));
    expect(err.kind).toBe('query');
    expect(err.message).toContain('answered HTTP 400 Bad Request: bad_data: 1:5: parse error: unexpected "}"');
  });

  it('surfaces the warnings of a partial response and still returns the data', async () => {
    const client = new PromClient(endpoint(`${base}/partial`));
    expect(await client.instant('up', 1_700_000_000_000)).toHaveLength(1);
    expect(client.warnings).toEqual([`Prometheus "main" (${base}/partial) query: store 10.0.0.7:10901 unavailable: partial response`]);
  });
});
