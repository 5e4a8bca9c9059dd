import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyRunner } from './journey.ts';
import { assertions, attemptContext, journeyCheck, journeyStep, startHttpServer, type TestServer } from './test-helpers.ts';

const TOKEN = 'tok-5f3a9c1e7b';

let server: TestServer;

beforeAll(async () => {
  server = await startHttpServer((req, res, body) => {
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/login') {
      const { user, password } = JSON.parse(body || '{}') as { user?: string; password?: string };
      if (user === 'alice' && password === 's3cret') return json(200, { token: TOKEN }, { 'set-cookie': 'session=abc123; Path=/; HttpOnly' });
      return json(401, { error: 'bad credentials' });
    }
    if (url.pathname === '/login-no-token') return json(200, { message: 'welcome' });
    if (url.pathname === '/me') {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: 'unauthorized' });
      return json(200, { name: 'Alice', session: req.headers.cookie ?? null });
    }
    if (req.method === 'POST' && url.pathname === '/orders') {
      res.writeHead(201, { location: '/orders/4711' });
      res.end();
      return;
    }
    if (url.pathname === '/orders/4711') return json(200, { id: 4711, state: 'open' });
    if (url.pathname === '/broken-orders') return json(500, { error: 'db down' });
    return json(404, { error: 'not found' });
  });
});

afterAll(async () => {
  await server.close();
});

const run = (partial: Parameters<typeof journeyCheck>[0]) => journeyRunner.attempt(journeyCheck(partial), attemptContext(5000));

describe('journey', () => {
  it('logs in, carries the token to an authorized request, and sends the session cookie back', async () => {
    const out = await run({
      variables: { user: 'alice' },
      steps: [
        journeyStep({
          name: 'log in',
          url: server.url('/login'),
          method: 'POST',
          body: { type: 'json', value: { user: '{{user}}', password: 's3cret' } },
          extract: { token: { json: '$.token', header: null, regex: null } },
        }),
        journeyStep({
          name: 'who am I',
          url: server.url('/me'),
          headers: { authorization: 'Bearer {{ token }}' },
          assert: assertions({ json: [{ path: '$.name', op: 'equals', value: 'Alice' }, { path: '$.session', op: 'equals', value: 'session=abc123' }] }),
        }),
      ],
    });
    expect(out).toMatchObject({ status: 'up', error: null, statusCode: 200 });
    const steps = out.details?.['steps'] as { name: string; status: string; statusCode: number; totalMs: number; error: null }[];
    expect(steps.map((s) => [s.name, s.status, s.statusCode, s.error])).toEqual([
      ['log in', 'up', 200, null],
      ['who am I', 'up', 200, null],
    ]);
    for (const s of steps) expect(Number.isInteger(s.totalMs)).toBe(true);
    expect(out.responseTimeMs).toBe(steps.reduce((sum, s) => sum + s.totalMs, 0));
    // The token never reaches the result.
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('stops at the failing second step, names it, and skips the rest', async () => {
    const out = await run({
      steps: [
        journeyStep({ name: 'log in', url: server.url('/login'), method: 'POST', body: { type: 'json', value: { user: 'alice', password: 's3cret' } } }),
        journeyStep({ name: 'create order', url: server.url('/broken-orders'), method: 'POST', expectStatus: [201] }),
        journeyStep({ name: 'read order', url: server.url('/orders/4711') }),
      ],
    });
    expect(out).toMatchObject({ status: 'down', statusCode: 500, error: 'step 2 "create order": HTTP 500 Internal Server Error (expected 201)' });
    expect(out.details).toMatchObject({
      failedStep: 2,
      steps: [
        { name: 'log in', status: 'up', statusCode: 200, error: null },
        { name: 'create order', status: 'down', statusCode: 500, error: 'HTTP 500 Internal Server Error (expected 201)' },
        { name: 'read order', status: 'skipped', statusCode: null, totalMs: null, error: null },
      ],
    });
  });

  it('extracts an id from a header with a regex and uses it in the next URL', async () => {
    const before = server.requests.length;
    const out = await run({
      steps: [
        journeyStep({
          name: 'create order',
          url: server.url('/orders'),
          method: 'POST',
          expectStatus: [201],
          maxRedirects: 0,
          extract: { id: { json: null, header: 'location', regex: '/orders/(\\d+)' } },
        }),
        journeyStep({ name: 'read order', url: server.url('/orders/{{id}}'), assert: assertions({ json: [{ path: '$.state', op: 'equals', value: 'open' }] }) }),
      ],
    });
    expect(out).toMatchObject({ status: 'up', error: null });
    expect(server.requests.slice(before).map((r) => r.url)).toEqual(['/orders', '/orders/4711']);
  });

  it('fails the step whose extraction finds nothing, saying what was missing', async () => {
    const out = await run({
      steps: [
        journeyStep({ name: 'log in', url: server.url('/login-no-token'), extract: { token: { json: '$.token', header: null, regex: null } } }),
        journeyStep({ name: 'who am I', url: server.url('/me'), headers: { authorization: 'Bearer {{token}}' } }),
      ],
    });
    expect(out).toMatchObject({ status: 'down', error: 'step 1 "log in": could not extract "token": $.token is missing in the response' });
  });

  it('fails a header extraction whose header is absent or does not match', async () => {
    const absent = await run({
      steps: [journeyStep({ name: 'read', url: server.url('/orders/4711'), extract: { id: { json: null, header: 'location', regex: null } } })],
    });
    expect(absent.error).toBe('step 1 "read": could not extract "id": the response has no location header');
    const mismatch = await run({
      steps: [
        journeyStep({ name: 'create', url: server.url('/orders'), method: 'POST', maxRedirects: 0, extract: { id: { json: null, header: 'location', regex: '/carts/(\\d+)' } } }),
      ],
    });
    expect(mismatch.error).toBe('step 1 "create": could not extract "id": the location header does not match //carts/(\\d+)/');
  });

  it('redacts extracted values from errors', async () => {
    const out = await run({
      steps: [
        journeyStep({ name: 'log in', url: server.url('/login'), method: 'POST', body: { type: 'json', value: { user: 'alice', password: 's3cret' } }, extract: { token: { json: '$.token', header: null, regex: null } } }),
        journeyStep({ name: 'echo token', url: server.url('/login'), method: 'POST', body: { type: 'json', value: { user: 'alice', password: 's3cret' } }, assert: assertions({ json: [{ path: '$.token', op: 'equals', value: 'other' }] }) }),
      ],
    });
    expect(out).toMatchObject({ status: 'down', error: 'step 2 "echo token": $.token: expected "other", got "[REDACTED]"' });
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('names an unknown variable and the ones that exist', async () => {
    const out = await run({ variables: { user: 'alice' }, steps: [journeyStep({ name: 'me', url: server.url('/me?u={{usr}}') })] });
    expect(out).toMatchObject({ status: 'down', error: 'step 1 "me": unknown variable {{usr}} (defined so far: user)' });
  });
});
