/**
 * Response bodies sent with a Content-Encoding, against a real HTTP server on 127.0.0.1: each
 * coding decoded before the assertions look at it, the read cap applied to the decoded size (a
 * 1 GiB gzip bomb read flat in memory), a corrupt or cut body said as such.
 */
import type http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT_ENCODING, contentCodings, unsupportedCoding } from './content-encoding.ts';
import { httpRunner } from './http.ts';
import { assertions, attemptContext, httpCheck, startHttpServer, type TestServer } from './test-helpers.ts';

const DOC = JSON.stringify({ status: 'pass', message: 'all good', padding: 'lorem ipsum '.repeat(800) });
const GIB = 1024 * 1024 * 1024;
/** 16 MiB of zeros, gzipped: 64 members of it in a row decode to 1 GiB (gunzip reads every member). */
const ZEROS_16M = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
/** A gzip body without its last 20 bytes (the end of the data and the CRC trailer). */
const CUT = zlib.gzipSync(DOC).subarray(0, -20);
const hasZstd = typeof (zlib as unknown as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

const ENCODED: Record<string, () => Buffer> = {
  gzip: () => zlib.gzipSync(DOC),
  deflate: () => zlib.deflateSync(DOC),
  'deflate-raw': () => zlib.deflateRawSync(DOC),
  br: () => zlib.brotliCompressSync(DOC),
  'gzip, br': () => zlib.brotliCompressSync(zlib.gzipSync(DOC)),
};

const bomb = { sent: 0 };

function send(res: http.ServerResponse, coding: string, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
  res.end(body);
}

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const coding = url.searchParams.get('coding') ?? '';
    switch (url.pathname) {
      case '/doc':
        return send(res, coding === 'deflate-raw' ? 'deflate' : coding, (ENCODED[coding] as () => Buffer)());
      case '/zstd': {
        const z = zlib as unknown as { zstdCompressSync: (b: string) => Buffer };
        return send(res, 'zstd', hasZstd ? z.zstdCompressSync(DOC) : Buffer.from('not zstd'));
      }
      case '/compress':
        return send(res, 'compress', Buffer.from('whatever'));
      case '/bomb': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        bomb.sent = 0;
        let members = GIB / (16 * 1024 * 1024);
        const pump = () => {
          while (members > 0 && !res.destroyed) {
            members -= 1;
            bomb.sent += ZEROS_16M.length;
            if (!res.write(ZEROS_16M)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        return pump();
      }
      case '/corrupt':
        return send(res, 'gzip', Buffer.from('this is not gzip at all, whatever the header says'));
      case '/cut':
        return send(res, 'gzip', CUT);
      case '/head':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return void res.end();
      case '/echo-encoding':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end(`accept-encoding=${req.headers['accept-encoding'] ?? ''}`);
      default:
        res.writeHead(404);
        return void res.end();
    }
  });
});
afterAll(async () => {
  await server.close();
});

const bodyAsserts = assertions({ body: { contains: ['all good'], notContains: [], matches: [] }, json: [{ path: '$.status', op: 'equals', value: 'pass' }] });

describe('decoding Content-Encoding', () => {
  it.each(Object.keys(ENCODED))('decodes %s before the assertions look at the body', async (coding) => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url(`/doc?coding=${encodeURIComponent(coding)}`), assert: bodyAsserts }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'up', error: null, details: { bodyBytes: DOC.length } });
    expect(out.details?.['encodedBytes']).toBeLessThan(DOC.length);
    expect(out.details?.['contentEncoding']).toBe(coding === 'deflate-raw' ? 'deflate' : coding);
  });

  it('asks for the codings it decodes, unless the check sets its own accept-encoding', async () => {
    const check = (headers: Record<string, string>) => httpCheck({ url: server.url('/echo-encoding'), headers, assert: assertions({ body: { contains: [], notContains: [], matches: ['^accept-encoding='] } }) });
    const echoed = async (headers: Record<string, string>) => {
      await httpRunner.attempt(check(headers), attemptContext(5000));
      return server.requests.at(-1)?.headers['accept-encoding'];
    };
    expect(await echoed({})).toBe(ACCEPT_ENCODING);
    expect(ACCEPT_ENCODING).toBe(hasZstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
    expect(await echoed({ 'Accept-Encoding': 'identity' })).toBe('identity');
  });

  it('decodes zstd where this Node.js can, and says it cannot where it cannot', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/zstd'), assert: bodyAsserts }), attemptContext(5000));
    if (hasZstd) expect(out).toMatchObject({ status: 'up' });
    else expect(out).toMatchObject({ status: 'down', error: `cannot decode the response body: content-encoding "zstd" is not one Cairn decodes (${ACCEPT_ENCODING}); send your own accept-encoding header to ask for another` });
  });

  it('says a coding it cannot decode matters only when assertions read the body', async () => {
    const asserted = await httpRunner.attempt(httpCheck({ url: server.url('/compress'), assert: bodyAsserts }), attemptContext(5000));
    expect(asserted.status).toBe('down');
    expect(asserted.error).toMatch(/^cannot decode the response body: content-encoding "compress" is not one Cairn decodes/);
    const plain = await httpRunner.attempt(httpCheck({ url: server.url('/compress') }), attemptContext(5000));
    expect(plain).toMatchObject({ status: 'up', details: { bodyBytes: 8, encodedBytes: 8, contentEncoding: 'compress' } });
  });

  it('reads a 1 GiB gzip bomb only up to maxBodyBytes of decoded bytes, flat in memory', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const out = await httpRunner.attempt(
        httpCheck({ url: server.url('/bomb'), assert: assertions({ json: [{ path: '$.status', op: 'equals', value: 'pass' }] }) }),
        attemptContext(20_000),
      );
      expect(out).toMatchObject({
        status: 'down',
        error: 'expected JSON but the body is larger than maxBodyBytes (1048576 bytes) and was cut there',
        details: { bodyBytes: 1024 * 1024, bodyTruncated: true, contentEncoding: 'gzip' },
      });
      // Reading stopped after about one member on the wire; nowhere near the 64 the server had.
      expect(out.details?.['encodedBytes']).toBeLessThan(8 * ZEROS_16M.length);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    // Decoding it whole would take over 1 GiB; the generous bound still proves it was not.
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('is down with a clear sentence for a corrupt or cut gzip body, assertions or not', async () => {
    const corrupt = await httpRunner.attempt(httpCheck({ url: server.url('/corrupt') }), attemptContext(5000));
    expect(corrupt).toMatchObject({
      status: 'down',
      responseTimeMs: null,
      statusCode: 200,
      error: 'cannot decode the gzip-encoded response body: incorrect header check (Z_DATA_ERROR) (HTTP 200, 49 bytes received, 0 decoded)',
    });
    const cut = await httpRunner.attempt(httpCheck({ url: server.url('/cut'), assert: bodyAsserts }), attemptContext(5000));
    expect(cut.status).toBe('down');
    expect(cut.error).toMatch(/^cannot decode the gzip-encoded response body: unexpected end of file \(Z_BUF_ERROR\) \(HTTP 200, (\d+) bytes received, \d+ decoded\)$/);
    expect(cut.error).toContain(`${CUT.length} bytes received`);
  });

  it('takes an empty body (a HEAD answer) that names a coding as empty', async () => {
    const out = await httpRunner.attempt(httpCheck({ url: server.url('/head') }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'up', details: { bodyBytes: 0, encodedBytes: 0 } });
  });
});

describe('contentCodings', () => {
  it('lists the codings of the header, lowercased, without identity', () => {
    expect(contentCodings('gzip')).toEqual(['gzip']);
    expect(contentCodings(' GZIP , br ')).toEqual(['gzip', 'br']);
    expect(contentCodings(['gzip', 'identity'])).toEqual(['gzip']);
    expect(contentCodings(undefined)).toEqual([]);
    expect(unsupportedCoding(['gzip', 'deflate', 'x-gzip', 'br'])).toBeNull();
    expect(unsupportedCoding(['gzip', 'compress'])).toBe('compress');
  });
});
