/**
 * How the exchange follows redirects (src/checks/http.ts): the method and body of the next hop,
 * the headers carried over (credentials never to another origin), and the hops recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange } from './http.ts';
import { attemptContext, httpCheck, startHttpServer, type TestServer } from './test-helpers.ts';

let home: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startHttpServer((_req, res) => {
    res.end('elsewhere');
  });
  home = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    const code = Number(url.searchParams.get('code') ?? '302');
    if (url.pathname === '/go' && to !== null) {
      res.writeHead(code, { location: to === 'other' ? other.url('/landing') : to });
      res.end('moved');
    } else {
      res.end('here');
    }
  });
});

afterAll(async () => {
  await Promise.all([home.close(), other.close()]);
});

const last = (server: TestServer) => server.requests.at(-1);

describe('exchange: redirects', () => {
  it('turns a POST into a GET without its body on 302 and 303, and drops the Content-* headers on 303 only', async () => {
    for (const code of [302, 303]) {
      const out = await exchange(
        httpCheck({ url: home.url(`/go?code=${code}&to=/done`), method: 'POST', body: { type: 'text', text: 'payload' }, headers: { 'content-type': 'text/plain' } }),
        attemptContext(5000),
        { trust: httpCheck(), keepBody: true },
      );
      expect(out.ok).toBe(true);
      const done = last(home);
      expect(done).toMatchObject({ method: 'GET', url: '/done', body: '' });
      expect(done?.headers['content-type']).toBe(code === 303 ? undefined : 'text/plain');
    }
  });

  it('sends the same method and body again on 307 and 308', async () => {
    for (const code of [307, 308]) {
      await exchange(httpCheck({ url: home.url(`/go?code=${code}&to=/done`), method: 'POST', body: { type: 'text', text: 'payload' } }), attemptContext(5000), {
        trust: httpCheck(),
        keepBody: false,
      });
      expect(last(home)).toMatchObject({ method: 'POST', url: '/done', body: 'payload' });
    }
  });

  it('keeps credentials on the same origin and drops them on another one, recording every hop', async () => {
    const headers = { authorization: 'Bearer t0ken', cookie: 'session=1', 'x-trace': 'abc' };
    await exchange(httpCheck({ url: home.url('/go?to=/done'), headers }), attemptContext(5000), { trust: httpCheck(), keepBody: false });
    expect(last(home)?.headers).toMatchObject({ authorization: 'Bearer t0ken', cookie: 'session=1', 'x-trace': 'abc' });

    const out = await exchange(httpCheck({ url: home.url('/go?to=other'), headers }), attemptContext(5000), { trust: httpCheck(), keepBody: true });
    const landed = last(other);
    expect(landed?.headers['authorization']).toBeUndefined();
    expect(landed?.headers['cookie']).toBeUndefined();
    expect(landed?.headers['x-trace']).toBe('abc');
    expect(landed?.headers['host']).toBe(`127.0.0.1:${other.port}`);
    expect(out.ok && out.response).toMatchObject({ statusCode: 200, redirects: 1, finalUrl: other.url('/landing') });
    expect(out.ok && out.response.body.toString()).toBe('elsewhere');
    expect(out.ok && out.details).toMatchObject({ redirects: 1, url: other.url('/landing') });
  });

  it('says a Location that is no URL is an invalid request', async () => {
    const out = await exchange(httpCheck({ url: home.url('/go?to=http://[bad') }), attemptContext(5000), { trust: httpCheck(), keepBody: false });
    expect(out).toMatchObject({ ok: false });
    expect(!out.ok && out.error).toMatch(/^invalid request: /);
  });
});
