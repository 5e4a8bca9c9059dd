/**
 * The http kind's request options (query, JSON and form bodies, TLS trust), assertions, read cap
 * and timing phases, against real servers on 127.0.0.1.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedAssertions } from '../config/types.ts';
import { httpRunner } from './http.ts';
import { assertions, attemptContext, caSignedCert, httpCheck, selfSignedCert, sleep, startHttpServer, startHttpsServer, type TestServer } from './test-helpers.ts';

const HUNDRED_MB = 100 * 1024 * 1024;

/** What the /huge handler saw: bytes it wrote, and whether the client closed before the end. */
const huge = { written: 0, closedEarly: null as boolean | null, closed: Promise.resolve() };

function streamHuge(res: http.ServerResponse): void {
  huge.written = 0;
  huge.closedEarly = null;
  huge.closed = new Promise<void>((resolve) => {
    res.once('close', () => {
      huge.closedEarly = !res.writableFinished;
      resolve();
    });
  });
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(HUNDRED_MB) });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const pump = () => {
    while (!res.destroyed && huge.written < HUNDRED_MB) {
      huge.written += chunk.length;
      const more = res.write(chunk);
      if (huge.written >= HUNDRED_MB) return void res.end();
      if (!more) return void res.once('drain', pump);
    }
  };
  pump();
}

let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r-42', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: 'pass', version: '2.4.1', latencyMs: 12, tags: ['eu', 'primary'], db: { ok: true }, none: null }));
        return;
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html>\n<html><head><title>Maintenance</title></head><body>We are down</body></html>');
        return;
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('service ok, all good');
        return;
      case '/broken-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status": "pass",');
        return;
      case '/echo':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('echo');
        return;
      case '/huge':
        streamHuge(res);
        return;
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 10; i++) {
          res.write(`${i}`);
          await sleep(20);
        }
        res.end(' ok');
        return;
      }
      case '/trickle-forever': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        while (!res.destroyed) {
          res.write('.');
          await sleep(50);
        }
        return;
      }
      case '/reset-mid-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('hello');
        await sleep(100);
        req.socket.resetAndDestroy();
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
});

afterAll(async () => {
  await server.close();
});

const run = (partial: Parameters<typeof httpCheck>[0], timeoutMs = 5000) => httpRunner.attempt(httpCheck(partial), attemptContext(timeoutMs));
const withAssert = (path: string, assert: Partial<ResolvedAssertions>) => run({ url: server.url(path), assert: assertions(assert) });

describe('http: request options', () => {
  it('appends the query to the URL, encoded, keeping the URL\'s own parameters', async () => {
    const before = server.requests.length;
    const out = await run({ url: server.url('/echo?a=1'), query: { region: 'eu west', verbose: 'true' } });
    expect(out.status).toBe('up');
    expect(server.requests[before]?.url).toBe('/echo?a=1&region=eu+west&verbose=true');
  });

  it('sends a JSON body with its content-type', async () => {
    const before = server.requests.length;
    const out = await run({ url: server.url('/echo'), method: 'POST', body: { type: 'json', value: { user: 'alice', n: 2, tags: ['a'] } } });
    expect(out.status).toBe('up');
    expect(server.requests[before]).toMatchObject({ method: 'POST', body: '{"user":"alice","n":2,"tags":["a"]}' });
    expect(server.requests[before]?.headers['content-type']).toBe('application/json');
  });

  it('sends a form body URL-encoded with its content-type, and keeps a content-type the check sets', async () => {
    const before = server.requests.length;
    await run({ url: server.url('/echo'), method: 'POST', body: { type: 'form', fields: { user: 'a b', pass: 'p&q=r' } } });
    expect(server.requests[before]?.body).toBe('user=a+b&pass=p%26q%3Dr');
    expect(server.requests[before]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    await run({ url: server.url('/echo'), method: 'PUT', headers: { 'Content-Type': 'application/vnd.x+json' }, body: { type: 'json', value: [1] } });
    expect(server.requests[before + 1]?.headers['content-type']).toBe('application/vnd.x+json');
    expect(server.requests[before + 1]?.body).toBe('[1]');
  });
});

describe('http: body assertions', () => {
  it('passes contains, notContains and matches that hold', async () => {
    const out = await withAssert('/text', { body: { contains: ['ok', 'good'], notContains: ['error'], matches: ['^service \\w+'] } });
    expect(out).toMatchObject({ status: 'up', error: null });
  });

  it.each([
    [{ contains: ['healthy'], notContains: [], matches: [] }, 'expected body to contain "healthy"'],
    [{ contains: [], notContains: ['ok'], matches: [] }, 'expected body not to contain "ok"'],
    [{ contains: [], notContains: [], matches: ['^all'] }, 'expected body to match /^all/'],
  ])('fails %j with a sentence', async (body, message) => {
    const out = await withAssert('/text', { body });
    expect(out).toMatchObject({ status: 'down', statusCode: 200, error: message });
  });

  it('reports the first failure and how many more, listing all in details', async () => {
    const out = await withAssert('/text', { body: { contains: ['x1', 'x2'], notContains: ['ok'], matches: [] } });
    expect(out.status).toBe('down');
    expect(out.error).toBe('expected body to contain "x1" (and 2 more failed assertions)');
    expect(out.details?.['failedAssertions']).toEqual(['expected body to contain "x1"', 'expected body to contain "x2"', 'expected body not to contain "ok"']);
  });
});

describe('http: JSON assertions', () => {
  const ok: ResolvedAssertions['json'] = [
    { path: '$.status', op: 'equals', value: 'pass' },
    { path: '$.status', op: 'notEquals', value: 'fail' },
    { path: '$.latencyMs', op: 'lt', value: 100 },
    { path: '$.latencyMs', op: 'gte', value: 12 },
    { path: '$.latencyMs', op: 'gt', value: 0 },
    { path: '$.latencyMs', op: 'lte', value: 12 },
    { path: '$.tags', op: 'contains', value: 'eu' },
    { path: '$.version', op: 'contains', value: '2.4' },
    { path: '$.version', op: 'matches', value: '^2\\.' },
    { path: '$.db.ok', op: 'equals', value: true },
    { path: '$.db', op: 'equals', value: { ok: true } },
    { path: '$.tags[-1]', op: 'equals', value: 'primary' },
    { path: '$.none', op: 'exists', value: true },
    { path: '$.debug', op: 'exists', value: false },
  ];

  it('passes every operator that holds', async () => {
    const out = await withAssert('/json', { json: ok });
    expect(out).toMatchObject({ status: 'up', error: null });
  });

  it.each([
    [{ path: '$.status', op: 'equals', value: 'fail' }, '$.status: expected "fail", got "pass"'],
    [{ path: '$.status', op: 'notEquals', value: 'pass' }, '$.status: expected a value other than "pass", got "pass"'],
    [{ path: '$.latencyMs', op: 'gt', value: 50 }, '$.latencyMs: expected a number greater than 50, got 12'],
    [{ path: '$.latencyMs', op: 'gte', value: 13 }, '$.latencyMs: expected a number of at least 13, got 12'],
    [{ path: '$.latencyMs', op: 'lt', value: 10 }, '$.latencyMs: expected a number less than 10, got 12'],
    [{ path: '$.latencyMs', op: 'lte', value: 11 }, '$.latencyMs: expected a number of at most 11, got 12'],
    [{ path: '$.status', op: 'gt', value: 1 }, '$.status: expected a number greater than 1, got "pass"'],
    [{ path: '$.tags', op: 'contains', value: 'us' }, '$.tags: expected a list containing "us", got ["eu","primary"]'],
    [{ path: '$.version', op: 'contains', value: '3.' }, '$.version: expected a string containing "3.", got "2.4.1"'],
    [{ path: '$.version', op: 'matches', value: '^3\\.' }, '$.version: expected a value matching /^3\\./, got "2.4.1"'],
    [{ path: '$.uptime', op: 'exists', value: true }, '$.uptime: expected a value, but the path does not exist'],
    [{ path: '$.db', op: 'exists', value: false }, '$.db: expected no value, got {"ok":true}'],
    [{ path: '$.db.primary', op: 'equals', value: 'up' }, '$.db.primary: expected "up", but the path does not exist'],
  ] as const)('fails %j with a sentence', async (assertion, message) => {
    const out = await withAssert('/json', { json: [assertion] });
    expect(out).toMatchObject({ status: 'down', statusCode: 200, error: message });
  });

  it('says what came instead when JSON is expected but HTML is returned', async () => {
    const out = await withAssert('/html', { json: [{ path: '$.status', op: 'equals', value: 'pass' }] });
    expect(out).toMatchObject({ status: 'down', statusCode: 200 });
    expect(out.error).toBe('expected JSON but got text/html ("<!doctype html> <html><head><title>Maint…")');
  });

  it('says when a JSON content-type holds broken JSON', async () => {
    const out = await withAssert('/broken-json', { json: [{ path: '$.status', op: 'equals', value: 'pass' }] });
    expect(out.status).toBe('down');
    expect(out.error).toMatch(/^expected JSON but the application\/json body is not valid JSON \(.+\): "\{\\"status\\": \\"pass\\","$/);
  });
});

describe('http: header and size assertions', () => {
  it('passes header assertions that hold (names case-insensitive)', async () => {
    const out = await withAssert('/json', {
      headers: [
        { name: 'content-type', op: 'equals', value: 'application/json' },
        { name: 'content-type', op: 'contains', value: 'JSON' },
        { name: 'x-request-id', op: 'matches', value: '^r-\\d+$' },
        { name: 'cache-control', op: 'exists', value: true },
        { name: 'x-debug', op: 'exists', value: false },
      ],
      size: { min: 10, max: 1000 },
    });
    expect(out).toMatchObject({ status: 'up', error: null });
  });

  it.each([
    [{ name: 'content-type', op: 'equals', value: 'text/html' }, 'expected header content-type to be "text/html", got "application/json"'],
    [{ name: 'content-type', op: 'contains', value: 'xml' }, 'expected header content-type to contain "xml", got "application/json"'],
    [{ name: 'x-request-id', op: 'matches', value: '^q-' }, 'expected header x-request-id to match /^q-/, got "r-42"'],
    [{ name: 'x-version', op: 'equals', value: '2' }, 'expected header x-version to be "2", but it is missing'],
    [{ name: 'x-version', op: 'exists', value: true }, 'expected header x-version to be present'],
    [{ name: 'cache-control', op: 'exists', value: false }, 'expected header cache-control to be absent, got "no-store"'],
  ] as const)('fails header %j with a sentence', async (assertion, message) => {
    const out = await withAssert('/json', { headers: [assertion] });
    expect(out).toMatchObject({ status: 'down', error: message });
  });

  it('fails a body above size.max and below size.min', async () => {
    expect(await withAssert('/text', { size: { min: null, max: 5 } })).toMatchObject({
      status: 'down',
      error: 'expected a body of at most 5 bytes, got 20',
    });
    expect(await withAssert('/text', { size: { min: 100, max: null } })).toMatchObject({
      status: 'down',
      error: 'expected a body of at least 100 bytes, got 20',
    });
  });
});

describe('http: reading the body', () => {
  it('reads at most maxBodyBytes of a 100 MB body, closes the connection early, and memory stays flat', async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const out = await run({ url: server.url('/huge'), maxBodyBytes: 1024 * 1024, assert: assertions({ body: { contains: ['x'], notContains: [], matches: [] } }) }, 60_000);
    await huge.closed;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(out).toMatchObject({ status: 'up', statusCode: 200, error: null });
    expect(out.details).toMatchObject({ bodyBytes: 1024 * 1024, bodyTruncated: true });
    expect(huge.closedEarly).toBe(true);
    expect(huge.written).toBeLessThan(HUNDRED_MB);
    // Flat: a fraction of the 100 MB the server offered (the 1 MiB kept, socket buffers, noise).
    expect(rssGrowth).toBeLessThan(48 * 1024 * 1024);
  });

  it('honours a small maxBodyBytes and says so when a JSON body was cut', async () => {
    const out = await run({ url: server.url('/json'), maxBodyBytes: 10, assert: assertions({ json: [{ path: '$.status', op: 'exists', value: true }] }) });
    expect(out).toMatchObject({ status: 'down', error: 'expected JSON but the body is larger than maxBodyBytes (10 bytes) and was cut there' });
    expect(out.details).toMatchObject({ bodyBytes: 10, bodyTruncated: true });
  });

  it('reads a body that trickles in to its end', async () => {
    const out = await run({ url: server.url('/trickle'), assert: assertions({ body: { contains: ['0123456789 ok'], notContains: [], matches: [] } }) });
    expect(out).toMatchObject({ status: 'up', error: null });
    expect(out.details?.['bodyBytes']).toBe(13);
  });

  it('times out a body that trickles for longer than the timeout, saying how much arrived', async () => {
    const out = await run({ url: server.url('/trickle-forever'), timeoutMs: 400 }, 400);
    expect(out).toMatchObject({ status: 'down', statusCode: 200, responseTimeMs: null });
    expect(out.error).toMatch(/^timed out after 400 ms reading the response body \(HTTP 200, \d+ bytes received\)$/);
  });

  it('reports a connection reset in the middle of the body', async () => {
    const out = await run({ url: server.url('/reset-mid-body') });
    expect(out).toMatchObject({ status: 'down', statusCode: 200, responseTimeMs: null });
    expect(out.error).toMatch(/^connection reset by the server \(ECONNRESET 127\.0\.0\.1:\d+\) while reading the response body \(HTTP 200, 5 bytes received\)$/);
  });
});

describe('http: TLS trust and timing phases', () => {
  let pki: { ca: string; key: string; cert: string };
  let tls: TestServer;
  let selfSigned: TestServer;
  beforeAll(async () => {
    pki = await caSignedCert();
    tls = await startHttpsServer(pki, (_req, res) => {
      res.end('secure');
    });
    selfSigned = await startHttpsServer(await selfSignedCert(), (_req, res) => {
      res.end('anything goes');
    });
  });
  afterAll(async () => {
    await tls.close();
    await selfSigned.close();
  });

  it('does not trust a certificate of an unknown CA by default', async () => {
    // The server sends its chain (its certificate and the test CA's), as real servers do.
    const out = await run({ url: tls.url('/') });
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null });
    expect(out.error).toBe(`TLS error: self-signed certificate in the certificate chain (SELF_SIGNED_CERT_IN_CHAIN 127.0.0.1:${tls.port})`);
  });

  it('trusts a certificate signed by the CA given in ca', async () => {
    const out = await run({ url: tls.url('/'), ca: pki.ca });
    expect(out).toMatchObject({ status: 'up', statusCode: 200, error: null });
  });

  it('still refuses a self-signed certificate that the given CA did not sign', async () => {
    const out = await run({ url: selfSigned.url('/'), ca: pki.ca });
    expect(out.status).toBe('down');
    expect(out.error).toBe(`TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT 127.0.0.1:${selfSigned.port})`);
  });

  it('accepts any certificate with insecureSkipVerify', async () => {
    const out = await run({ url: selfSigned.url('/'), insecureSkipVerify: true });
    expect(out).toMatchObject({ status: 'up', statusCode: 200, error: null });
  });

  it('records DNS, connect, TLS, first byte and download phases that add up to at most the total', async () => {
    const out = await run({ url: tls.url('/').replace('127.0.0.1', 'localhost'), ca: pki.ca });
    expect(out.status).toBe('up');
    const d = out.details as Record<string, number>;
    const ms = (phase: string) => d[phase] as number;
    for (const phase of ['dnsMs', 'connectMs', 'tlsMs', 'ttfbMs', 'downloadMs', 'totalMs']) {
      expect(Number.isInteger(d[phase]), phase).toBe(true);
      expect(d[phase], phase).toBeGreaterThanOrEqual(0);
    }
    expect(d['totalMs']).toBe(out.responseTimeMs);
    expect(ms('dnsMs') + ms('connectMs') + ms('tlsMs') + ms('ttfbMs') + ms('downloadMs')).toBeLessThanOrEqual(ms('totalMs'));
  });

  it('has no TLS phase over plain HTTP, and phases that still add up', async () => {
    const out = await run({ url: server.url('/text') });
    const d = out.details as Record<string, number | null>;
    expect(d['tlsMs']).toBeNull();
    expect(d['dnsMs']).toBe(0); // an IP address needs no lookup
    const sum = (d['dnsMs'] as number) + (d['connectMs'] as number) + (d['ttfbMs'] as number) + (d['downloadMs'] as number);
    expect(sum).toBeLessThanOrEqual(d['totalMs'] as number);
  });
});
