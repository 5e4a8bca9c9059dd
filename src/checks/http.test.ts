import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRunner, isExpectedStatus, MAX_BODY_BYTES, USER_AGENT } from './http.ts';
import {
  attemptContext,
  closedPort,
  httpCheck,
  selfSignedCert,
  sleep,
  startHttpServer,
  startHttpsServer,
  startTcpServer,
  unresponsivePort,
  type TestServer,
} from './test-helpers.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const status = /^\/status\/(\d{3})$/.exec(path);
    if (status) {
      res.writeHead(Number(status[1]));
      res.end('status body');
    } else if (path === '/ok') {
      res.end('hello');
    } else if (path === '/echo') {
      res.end('echoed');
    } else if (path === '/old') {
      res.writeHead(301, { location: '/new' });
      res.end();
    } else if (path === '/new') {
      res.end('new place');
    } else if (path.startsWith('/chain/')) {
      const n = Number(path.slice('/chain/'.length));
      res.writeHead(302, { location: `/chain/${n + 1}` });
      res.end();
    } else if (path === '/loop-a') {
      res.writeHead(302, { location: '/loop-b' });
      res.end();
    } else if (path === '/loop-b') {
      res.writeHead(302, { location: '/loop-a' });
      res.end();
    } else if (path === '/slow') {
      await sleep(Number(url.searchParams.get('ms') ?? '400'));
      res.end('slow');
    } else if (path === '/hang') {
      // Never answers.
    } else if (path === '/stall-body') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('first'); // ... and never the rest
    } else if (path === '/huge') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else if (path === '/reset') {
      req.socket.resetAndDestroy();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
});

afterAll(async () => {
  await server.close();
});

describe('httpRunner: up', () => {
  it('is up on 200, with the status code, a response time and timing details', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/ok') }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'up', error: null, statusCode: 200 });
    expect(out.responseTimeMs).toBeTypeOf('number');
    expect(Number.isInteger(out.responseTimeMs)).toBe(true);
    expect(out.details).toMatchObject({ bodyBytes: 5 });
    expect(out.details?.['ttfbMs']).toBeTypeOf('number');
    expect(out.details?.['connectMs']).toBeTypeOf('number');
    expect(out.details?.['ttfbMs'] as number).toBeLessThanOrEqual(out.responseTimeMs as number);
  });

  it('sends the method, headers and body, and a default User-Agent', async () => {
    const before = server.requests.length;
    const check = httpCheck({
      url: server.url('/echo?q=1'),
      method: 'POST',
      headers: { 'X-Api-Key': 'k-123', 'Content-Type': 'application/json' },
      body: { type: 'text', text: '{"ping":true}' },
    });
    const out = await httpRunner.attempt(check, attemptContext(5000));
    expect(out.status).toBe('up');
    const received = server.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/echo?q=1', body: '{"ping":true}' });
    expect(received[0]?.headers).toMatchObject({
      'x-api-key': 'k-123',
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
    });
  });

  it('keeps a User-Agent the check sets, and sends URL credentials as Basic auth', async () => {
    const before = server.requests.length;
    const url = server.url('/ok').replace('http://', 'http://alice:s%40cret@');
    const out = await httpRunner.attempt(httpCheck({ url, headers: { 'user-agent': 'mine/1' } }), attemptContext(5000));
    expect(out.status).toBe('up');
    const headers = server.requests[before]?.headers;
    expect(headers?.['user-agent']).toBe('mine/1');
    expect(headers?.authorization).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
  });

  it('sends HEAD without reading a body', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/ok'), method: 'HEAD' }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'up', statusCode: 200 });
    expect(out.details?.['bodyBytes']).toBe(0);
  });
});

describe('httpRunner: status codes', () => {
  it.each([
    [500, 'HTTP 500 Internal Server Error (expected 2xx)'],
    [503, 'HTTP 503 Service Unavailable (expected 2xx)'],
    [404, 'HTTP 404 Not Found (expected 2xx)'],
    [401, 'HTTP 401 Unauthorized (expected 2xx)'],
    [429, 'HTTP 429 Too Many Requests (expected 2xx)'],
    [304, 'HTTP 304 Not Modified (expected 2xx)'],
  ])('HTTP %i is down: %s', async (code, message) => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url(`/status/${code}`) }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', statusCode: code, error: message });
    expect(out.responseTimeMs).toBeTypeOf('number');
  });

  it.each([
    [204, [200], 'down', 'HTTP 204 No Content (expected 200)'],
    [204, ['200-299'], 'up', null],
    [204, ['2xx'], 'up', null],
    [404, ['4xx'], 'up', null],
    [404, [200, '400-403'], 'down', 'HTTP 404 Not Found (expected 200, 400-403)'],
    [418, ['3xx', 418], 'up', null],
    [500, [201, '3xx'], 'down', 'HTTP 500 Internal Server Error (expected 201, 3xx)'],
  ] as const)('HTTP %i with expectStatus %j is %s', async (code, expectStatus, status, error) => {
    const check = httpCheck({ url: server.url(`/status/${code}`), expectStatus: [...expectStatus] });
    const out = await httpRunner.attempt(check, attemptContext(5000));
    expect(out).toMatchObject({ status, error, statusCode: code });
  });

  it('matches status specs', () => {
    expect(isExpectedStatus(200, ['2xx'])).toBe(true);
    expect(isExpectedStatus(299, ['200-299'])).toBe(true);
    expect(isExpectedStatus(300, ['200-299'])).toBe(false);
    expect(isExpectedStatus(204, ['204'])).toBe(true);
    expect(isExpectedStatus(199, ['2xx', 404])).toBe(false);
  });
});

describe('httpRunner: redirects', () => {
  it('follows redirects and reports the final status', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/old') }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'up', statusCode: 200 });
    expect(out.details).toMatchObject({ redirects: 1, url: server.url('/new') });
  });

  it('does not follow redirects when maxRedirects is 0, naming the Location', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/old'), maxRedirects: 0 }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', statusCode: 301 });
    expect(out.error).toBe('HTTP 301 Moved Permanently to /new: redirects are not followed (expected 2xx)');
  });

  it('accepts a 3xx when it is expected and redirects are off', async () => {
    const check = httpCheck({ url: server.url('/old'), maxRedirects: 0, expectStatus: [301] });
    const out = await httpRunner.attempt(check, attemptContext(5000));
    expect(out).toMatchObject({ status: 'up', statusCode: 301, error: null });
  });

  it('stops after maxRedirects and says so', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/chain/0'), maxRedirects: 3 }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', statusCode: 302 });
    expect(out.error).toBe('too many redirects: stopped after 3 (last HTTP 302 Found to /chain/4; expected 2xx)');
  });

  it('detects a redirect loop', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/loop-a'), maxRedirects: 10 }), attemptContext(5000));
    expect(out.status).toBe('down');
    expect(out.error).toBe(`redirect loop: ${server.url('/loop-a')} → ${server.url('/loop-b')} → /loop-a`);
  });
});

describe('httpRunner: timeouts', () => {
  it('times out waiting for the headers of a server that never answers', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/hang'), timeoutMs: 300 }), attemptContext(300));
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null });
    expect(out.error).toBe('timed out after 300 ms waiting for the response headers');
  });

  it('times out reading a body that stalls after the headers', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/stall-body') }), attemptContext(500));
    expect(out).toMatchObject({ status: 'down', statusCode: 200, responseTimeMs: null });
    expect(out.error).toBe('timed out after 500 ms reading the response body (HTTP 200, 5 bytes received)');
  });

  it('times out while connecting to a port that never accepts', async () => {
    const stuck = await unresponsivePort();
    try {
      const out = await httpRunner.attempt(httpCheck({ url: `http://127.0.0.1:${stuck.port}/` }), attemptContext(300));
      expect(out).toMatchObject({ status: 'down', responseTimeMs: null });
      expect(out.error).toBe(`timed out after 300 ms while connecting to 127.0.0.1:${stuck.port}`);
    } finally {
      await stuck.close();
    }
  });
});

describe('httpRunner: connection failures', () => {
  it('reports connection refused with the address', async () => {
    const port = await closedPort();
    const out = await httpRunner.attempt(httpCheck({ url: `http://127.0.0.1:${port}/` }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null });
    expect(out.error).toBe(`connection refused (ECONNREFUSED 127.0.0.1:${port})`);
  });

  it('reports a connection reset by the server', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/reset') }), attemptContext(5000));
    expect(out.status).toBe('down');
    expect(out.error).toMatch(/^connection reset by the server \(ECONNRESET 127\.0\.0\.1:\d+\)$/);
  });

  it('reports a server that closes the connection without answering', async () => {
    const tcp = await startTcpServer((socket) => socket.destroy());
    try {
      const out = await httpRunner.attempt(httpCheck({ url: `http://127.0.0.1:${tcp.port}/` }), attemptContext(5000));
      expect(out.status).toBe('down');
      expect(out.error).toMatch(/^(connection closed by the server before the response was complete|connection reset by the server) \(.*127\.0\.0\.1:\d+\)$/);
    } finally {
      await tcp.close();
    }
  });

  it('reports a connection closed in the middle of the body', async () => {
    const tcp = await startTcpServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc'));
    try {
      const out = await httpRunner.attempt(httpCheck({ url: `http://127.0.0.1:${tcp.port}/` }), attemptContext(5000));
      expect(out).toMatchObject({ status: 'down', statusCode: 200, responseTimeMs: null });
      expect(out.error).toBe('connection closed by the server while reading the response body (HTTP 200, 3 bytes received)');
    } finally {
      await tcp.close();
    }
  });

  it('reports a response that is not HTTP', async () => {
    const tcp = await startTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    try {
      const out = await httpRunner.attempt(httpCheck({ url: `http://127.0.0.1:${tcp.port}/` }), attemptContext(5000));
      expect(out.status).toBe('down');
      expect(out.error).toMatch(/^invalid HTTP response: /);
    } finally {
      await tcp.close();
    }
  });

  it('reads at most 1 MiB of an endless body, then stops without hanging', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/huge') }), attemptContext(20_000));
    expect(out).toMatchObject({ status: 'up', statusCode: 200 });
    expect(out.details?.['bodyTruncated']).toBe(true);
    expect(out.details?.['bodyBytes'] as number).toBeGreaterThanOrEqual(MAX_BODY_BYTES);
    expect(out.details?.['bodyBytes'] as number).toBeLessThan(MAX_BODY_BYTES + 256 * 1024);
  });
});

describe('httpRunner: TLS', () => {
  let cert: { key: string; cert: string };
  let tls: TestServer;
  beforeAll(async () => {
    cert = await selfSignedCert();
    tls = await startHttpsServer(cert, (_req, res) => {
      res.end('secure');
    });
  });
  afterAll(async () => {
    await tls.close();
  });

  it('fails a self-signed certificate with a clear TLS message', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: tls.url('/') }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null });
    expect(out.error).toBe(`TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT 127.0.0.1:${tls.port})`);
  });

  it('says so when an https:// URL points at a plain HTTP server', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/ok').replace('http:', 'https:') }), attemptContext(5000));
    expect(out.status).toBe('down');
    expect(out.error).toMatch(/^TLS error: .*\(ERR_SSL_WRONG_VERSION_NUMBER 127\.0\.0\.1:\d+\)$/);
  });
});
