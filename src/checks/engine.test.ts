import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../config/secrets.ts';
import type { ResolvedHttpCheck } from '../config/types.ts';
import { ATTEMPT_GRACE_MS, hostOf, runCheckRound, runChecks, type SkippedCheck } from './engine.ts';
import { runners } from './index.ts';
import { dnsCheck, hasIpv6Loopback, httpCheck, sleep, startHttpServer, tcpCheck, type TestServer } from './test-helpers.ts';
import type { AttemptContext, AttemptOutcome, CheckResult, CheckRunner } from './types.ts';

const settings = { concurrency: 4, deadlineMs: 60_000 };
const up: AttemptOutcome = { status: 'up', responseTimeMs: 12, error: null };

/** A fake http runner: behaviour per check id. */
function fakeRunner(behaviour: (check: ResolvedHttpCheck, ctx: AttemptContext) => Promise<AttemptOutcome> | AttemptOutcome): CheckRunner<ResolvedHttpCheck> {
  return { kind: 'http', attempt: async (check, ctx) => behaviour(check, ctx) };
}

const never = () => new Promise<AttemptOutcome>(() => undefined);

let server: TestServer;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const count = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, count);
    if (url.pathname.startsWith('/flap')) {
      res.writeHead(count === 1 ? 503 : 200);
      res.end();
    } else if (url.pathname === '/always-503') {
      res.writeHead(503);
      res.end();
    } else if (url.pathname === '/slow') {
      await sleep(Number(url.searchParams.get('ms')));
      res.end('slow');
    } else if (url.pathname === '/redirect-with-token') {
      res.writeHead(302, { location: `/ok?token=${url.searchParams.get('token')}` });
      res.end();
    } else {
      res.end('ok');
    }
  });
});

afterAll(async () => {
  await server.close();
});

describe('runChecks: results', () => {
  it('returns nothing for no checks', async () => {
    expect(await runChecks([], settings)).toEqual([]);
  });

  it('skips disabled checks and keeps the input order, whatever the completion order', async () => {
    const delays: Record<string, number> = { a: 300, b: 10, c: 150, d: 0 };
    const checks = ['a', 'b', 'x', 'c', 'd'].map((id) => httpCheck({ id, enabled: id !== 'x' }));
    const progress: [string, number, number][] = [];
    const results = await runChecks(checks, settings, {
      runners: { http: fakeRunner(async (check) => (await sleep(delays[check.id] ?? 0), up)) },
      onResult: (r, done, total) => progress.push([r.id, done, total]),
    });
    expect(results.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(results.every((r) => r.status === 'up' && r.error === null && r.attempts === 1)).toBe(true);
    expect(progress.map(([, done, total]) => [done, total])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    expect(progress.map(([id]) => id).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('builds the result from the outcome', async () => {
    const now = () => new Date('2024-05-01T12:00:00.000Z');
    const [result] = await runChecks([httpCheck({ id: 'one' })], settings, {
      now,
      runners: { http: fakeRunner(() => ({ ...up, statusCode: 204, details: { ttfbMs: 3 } })) },
    });
    expect(result).toEqual<CheckResult>({
      id: 'one',
      kind: 'http',
      status: 'up',
      responseTimeMs: 12,
      error: null,
      checkedAt: '2024-05-01T12:00:00.000Z',
      attempts: 1,
      statusCode: 204,
      details: { ttfbMs: 3 },
    });
  });

  it('runs the real runners by kind', async () => {
    const checks = [httpCheck({ id: 'web', url: server.url('/ok') }), tcpCheck({ id: 'port', port: server.port })];
    const results = await runChecks(checks, settings);
    expect(results.map((r) => [r.id, r.kind, r.status])).toEqual([
      ['web', 'http', 'up'],
      ['port', 'tcp', 'up'],
    ]);
    expect(runners.http.kind).toBe('http');
    expect(runners.tcp.kind).toBe('tcp');
  });
});

describe('runChecks: concurrency', () => {
  it('never has more checks in flight than the bound (counted by the server)', async () => {
    const slow = await startHttpServer(async (_req, res) => {
      await sleep(400);
      res.end('ok');
    });
    try {
      const checks = Array.from({ length: 8 }, (_, i) => httpCheck({ id: `c${i}`, url: slow.url(`/${i}`) }));
      const results = await runChecks(checks, { concurrency: 3, deadlineMs: 60_000 });
      expect(results.map((r) => r.status)).toEqual(Array(8).fill('up'));
      expect(slow.requests).toHaveLength(8);
      expect(slow.maxInFlight).toBeLessThanOrEqual(3);
      expect(slow.maxInFlight).toBeGreaterThanOrEqual(2);
    } finally {
      await slow.close();
    }
  });

  it('runs exactly `concurrency` attempts at once when there is more work (fake runner)', async () => {
    let inFlight = 0;
    let max = 0;
    const runner = fakeRunner(async () => {
      inFlight += 1;
      max = Math.max(max, inFlight);
      await sleep(50);
      inFlight -= 1;
      return up;
    });
    const checks = Array.from({ length: 10 }, (_, i) => httpCheck({ id: `c${i}` }));
    await runChecks(checks, { concurrency: 4, deadlineMs: 60_000 }, { runners: { http: runner } });
    expect(max).toBe(4);
  });

  it('starts the round one check per turn of the event loop, and a check that ends starts the next in its own turn', async () => {
    // A setImmediate that schedules itself runs once per turn: it counts them.
    let turns = 0;
    let ticker: NodeJS.Immediate | undefined;
    const tick = () => {
      turns += 1;
      ticker = setImmediate(tick);
    };
    ticker = setImmediate(tick);
    const started: { id: string; turn: number }[] = [];
    const runner = fakeRunner(async (check) => {
      started.push({ id: check.id, turn: turns });
      if (check.id === 'c0') return up;
      await sleep(20);
      return up;
    });
    try {
      const checks = Array.from({ length: 6 }, (_, i) => httpCheck({ id: `c${i}` }));
      const results = await runChecks(checks, { concurrency: 4, deadlineMs: 60_000 }, { runners: { http: runner } });
      expect(results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
    } finally {
      clearImmediate(ticker);
    }
    expect(started.map((s) => s.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    const turnOf = (id: string) => started.find((s) => s.id === id)?.turn as number;
    // c0 ends at once and starts c1 in its own turn; the ramp starts c2, c3 and c4 one turn after another.
    expect(turnOf('c1')).toBe(turnOf('c0'));
    expect(turnOf('c2')).toBeGreaterThan(turnOf('c1'));
    expect(turnOf('c3')).toBeGreaterThan(turnOf('c2'));
    expect(turnOf('c4')).toBeGreaterThan(turnOf('c3'));
  });
});

describe('runChecks: global deadline', () => {
  it('stops at `stopAt` when the command keeps time for what follows the checks; none begins when no time is left', async () => {
    const runner = fakeRunner(() => never());
    const checks = [httpCheck({ id: 'hangs' })];
    const started = performance.now();
    const round = await runCheckRound(checks, { concurrency: 1, deadlineMs: 60_000 }, { runners: { http: runner }, stopAt: started + 300 });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(round.skipped.map((s) => [s.id, s.started])).toEqual([['hangs', true]]);
    expect(round.skipped[0]!.reason).toMatch(/^unfinished: the global deadline of 60000 ms passed/);
    let calls = 0;
    const late = await runCheckRound(checks, { concurrency: 1, deadlineMs: 60_000 }, { runners: { http: fakeRunner(() => (calls++, up)) }, stopAt: performance.now() - 1 });
    expect(calls).toBe(0);
    expect(late).toEqual({ results: [], skipped: [{ id: 'hangs', kind: 'http', started: false, reason: 'not started: no time was left for checks before the global deadline of 60000 ms' }] });
  });

  it('returns by the deadline; a check never started or without a verdict is skipped, not down', async () => {
    const checks = [
      httpCheck({ id: 'fast', timeoutMs: 60_000 }),
      httpCheck({ id: 'hang', timeoutMs: 60_000 }),
      httpCheck({ id: 'queued', timeoutMs: 60_000 }),
    ];
    const seen: AttemptContext[] = [];
    const runner = fakeRunner((check, ctx) => {
      seen.push(ctx);
      // `hang` ignores its signal entirely.
      return check.id === 'hang' ? never() : up;
    });
    const started = Date.now();
    const skippedSeen: SkippedCheck[] = [];
    const round = await runCheckRound(checks, { concurrency: 1, deadlineMs: 500 }, { runners: { http: runner }, onSkipped: (s) => skippedSeen.push(s) });
    const elapsed = Date.now() - started;

    expect(round.results.map((r) => [r.id, r.status, r.attempts])).toEqual([['fast', 'up', 1]]);
    expect(round.skipped).toEqual([
      {
        id: 'hang',
        kind: 'http',
        started: true,
        reason: expect.stringMatching(/^unfinished: the global deadline of 500 ms passed \d+ ms into its first attempt \(timeout 60000 ms\), so there is no verdict$/),
      },
      { id: 'queued', kind: 'http', started: false, reason: 'not started: the global deadline of 500 ms passed before a slot was free' },
    ]);
    expect(skippedSeen).toEqual(round.skipped);
    // runChecks keeps returning only the checks that ran.
    expect((await runChecks(checks, { concurrency: 1, deadlineMs: 500 }, { runners: { http: runner } })).map((r) => r.id)).toEqual(['fast']);
    // Generous: the point is that it did not wait for the 60 s per-check timeout.
    expect(elapsed).toBeLessThan(10_000);
    // The attempt keeps its own timeout (a deadline cut is not a timeout); the deadline aborted it.
    expect(seen[1]?.timeoutMs).toBe(60_000);
    expect(seen[1]?.signal.aborted).toBe(true);
  });

  it('reports a failure awaiting confirmation at the deadline as down, saying it is unconfirmed', async () => {
    let calls = 0;
    const runner = fakeRunner(() => {
      calls += 1;
      return { status: 'down', responseTimeMs: null, error: 'HTTP 503 Service Unavailable (expected 2xx)' };
    });
    const round = await runCheckRound([httpCheck({ id: 'flaky', retries: 5 })], { concurrency: 1, deadlineMs: 300 }, { runners: { http: runner } });
    expect(round.skipped).toEqual([]);
    const [result] = round.results;
    expect(result?.status).toBe('down');
    // Backoff 200 ms then 400 ms: no more than two attempts fit in 300 ms.
    expect(calls).toBeLessThanOrEqual(2);
    expect(result?.attempts).toBe(calls);
    expect(result?.error).toBe(`HTTP 503 Service Unavailable (expected 2xx) (not confirmed: the global deadline of 300 ms passed before retry ${calls})`);
  });

  it('reports an attempt already slower than the critical threshold at the deadline as down', async () => {
    const round = await runCheckRound(
      [httpCheck({ id: 'slow', timeoutMs: 60_000, thresholds: { degradedMs: null, downMs: 100 } })],
      { concurrency: 1, deadlineMs: 400 },
      { runners: { http: fakeRunner(never) } },
    );
    expect(round.skipped).toEqual([]);
    expect(round.results[0]?.status).toBe('down');
    expect(round.results[0]?.error).toMatch(/^no response within \d+ ms, above critical threshold 100 ms \(stopped by the global deadline of 400 ms\)$/);
  });

  it('discards an outcome that the deadline caused (the runner answers the abort with a timeout)', async () => {
    const runner = fakeRunner(
      (_check, ctx) =>
        new Promise<AttemptOutcome>((resolve) => {
          ctx.signal.addEventListener('abort', () => resolve({ status: 'down', responseTimeMs: null, error: `timed out after ${ctx.timeoutMs} ms` }));
        }),
    );
    const round = await runCheckRound([httpCheck({ id: 'cut', timeoutMs: 30_000 })], { concurrency: 1, deadlineMs: 300 }, { runners: { http: runner } });
    expect(round.results).toEqual([]);
    expect(round.skipped.map((s) => [s.id, s.started])).toEqual([['cut', true]]);
  });
});

describe('runChecks: per-host bound', () => {
  it('runs at most perHostConcurrency checks against one host, and lets other hosts through', async () => {
    const inFlight = new Map<string, number>();
    const max = new Map<string, number>();
    let globalMax = 0;
    let total = 0;
    const runner = fakeRunner(async (check) => {
      const host = new URL(check.url).hostname;
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      total += 1;
      globalMax = Math.max(globalMax, total);
      max.set(host, Math.max(max.get(host) ?? 0, inFlight.get(host) ?? 0));
      await sleep(40);
      inFlight.set(host, (inFlight.get(host) ?? 0) - 1);
      total -= 1;
      return up;
    });
    // Ten checks on a.test first, then ten on b.test: b.test must not wait behind a.test.
    const checks = [
      ...Array.from({ length: 10 }, (_, i) => httpCheck({ id: `a${i}`, url: `http://a.test/${i}` })),
      ...Array.from({ length: 10 }, (_, i) => httpCheck({ id: `b${i}`, url: `http://B.test:8080/${i}` })),
    ];
    const results = await runChecks(checks, { concurrency: 5, perHostConcurrency: 2, deadlineMs: 60_000 }, { runners: { http: runner } });
    expect(results).toHaveLength(20);
    expect(max.get('a.test')).toBe(2);
    expect(max.get('b.test')).toBe(2);
    expect(globalMax).toBe(4);
  });

  it('derives the host from url, host, a DNS server or nothing', () => {
    expect(hostOf(httpCheck({ url: 'https://User:pw@API.example.com:8443/x' }))).toBe('api.example.com');
    expect(hostOf(httpCheck({ url: 'http://[::1]:8080/' }))).toBe('::1');
    expect(hostOf(tcpCheck({ host: 'DB.internal' }))).toBe('db.internal');
    expect(hostOf(dnsCheck({ server: '127.0.0.1:5353' }))).toBe('127.0.0.1');
    expect(hostOf(dnsCheck({ server: '[::1]:53' }))).toBe('::1');
    expect(hostOf(dnsCheck({ server: null }))).toBeNull();
  });
});

describe('runChecks: IPv6 loopback', () => {
  it('runs an http and a tcp check against [::1]', async (ctx) => {
    if (!(await hasIpv6Loopback())) {
      if (process.env['CI']) throw new Error('::1 is not available on this machine');
      ctx.skip();
    }
    const v6 = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => v6.listen(0, '::1', () => resolve()));
    const port = (v6.address() as AddressInfo).port;
    try {
      const results = await runChecks(
        [httpCheck({ id: 'web6', url: `http://[::1]:${port}/` }), tcpCheck({ id: 'tcp6', host: '::1', port })],
        settings,
      );
      expect(results.map((r) => [r.id, r.status, r.error])).toEqual([
        ['web6', 'up', null],
        ['tcp6', 'up', null],
      ]);
      expect(results[0]?.statusCode).toBe(200);
      expect(results[1]?.details).toMatchObject({ address: '::1' });
    } finally {
      v6.closeAllConnections();
      await new Promise<void>((resolve) => v6.close(() => resolve()));
    }
  });
});

describe('runChecks: attempts', () => {
  it('gives up on an attempt whose runner ignores its timeout', async () => {
    const [result] = await runChecks([httpCheck({ id: 'stuck', timeoutMs: 200 })], settings, { runners: { http: fakeRunner(never) } });
    expect(result).toMatchObject({ status: 'down', error: 'timed out after 200 ms', attempts: 1 });
    expect(ATTEMPT_GRACE_MS).toBeGreaterThan(0);
  });

  it('turns a throwing runner into down with an internal error (sync and async)', async () => {
    const syncThrow: CheckRunner<ResolvedHttpCheck> = {
      kind: 'http',
      attempt: (check) => {
        if (check.id === 'sync') throw new Error('boom');
        return Promise.reject(new TypeError('async boom'));
      },
    };
    const results = await runChecks([httpCheck({ id: 'sync' }), httpCheck({ id: 'async' })], settings, { runners: { http: syncThrow } });
    expect(results.map((r) => [r.status, r.error])).toEqual([
      ['down', 'internal error: boom'],
      ['down', 'internal error: async boom'],
    ]);
  });

  it('confirms a failure: a flapping server that fails once is up after 2 attempts', async () => {
    let clock = 0;
    const now = () => new Date(Date.UTC(2024, 0, 1, 0, 0, clock++));
    const [result] = await runChecks([httpCheck({ id: 'flap', url: server.url('/flap-1'), retries: 1 })], settings, { now });
    expect(result).toMatchObject({ status: 'up', statusCode: 200, attempts: 2, error: null });
    // checkedAt is when the final attempt started.
    expect(result?.checkedAt).toBe('2024-01-01T00:00:01.000Z');
    expect(hits.get('/flap-1')).toBe(2);
  });

  it('reports the final attempt when every retry fails', async () => {
    const [result] = await runChecks([httpCheck({ id: 'bad', url: server.url('/always-503'), retries: 2 })], settings);
    expect(result).toMatchObject({ status: 'down', statusCode: 503, attempts: 3, error: 'HTTP 503 Service Unavailable (expected 2xx)' });
    expect(hits.get('/always-503')).toBe(3);
  });

  it('does not retry when retries is 0, nor a degraded result', async () => {
    let calls = 0;
    const runner = fakeRunner((check) => {
      calls += 1;
      return check.id === 'degraded'
        ? { status: 'degraded', responseTimeMs: 5, error: 'certificate expires in 3 days' }
        : { status: 'down', responseTimeMs: null, error: 'nope' };
    });
    const results = await runChecks(
      [httpCheck({ id: 'degraded', retries: 3 }), httpCheck({ id: 'down', retries: 0 })],
      settings,
      { runners: { http: runner } },
    );
    expect(results.map((r) => [r.status, r.attempts, r.error])).toEqual([
      ['degraded', 1, 'certificate expires in 3 days'],
      ['down', 1, 'nope'],
    ]);
    expect(calls).toBe(2);
  });
});

describe('runChecks: thresholds against a slow server', () => {
  it('is degraded above the warning threshold, keeping the reason', async () => {
    const check = httpCheck({ id: 'slowish', url: server.url('/slow?ms=400'), thresholds: { degradedMs: 100, downMs: 30_000 } });
    const [result] = await runChecks([check], settings);
    expect(result?.status).toBe('degraded');
    expect(result?.statusCode).toBe(200);
    expect(result?.responseTimeMs).toBeGreaterThanOrEqual(400);
    expect(result?.error).toBe(`response time ${result?.responseTimeMs} ms above warning threshold 100 ms`);
  });

  it('is down above the critical threshold', async () => {
    const check = httpCheck({ id: 'slow', url: server.url('/slow?ms=400'), thresholds: { degradedMs: 50, downMs: 150 } });
    const [result] = await runChecks([check], settings);
    expect(result?.status).toBe('down');
    expect(result?.attempts).toBe(1);
    expect(result?.error).toBe(`response time ${result?.responseTimeMs} ms above critical threshold 150 ms`);
  });
});

describe('runChecks: redaction', () => {
  const secret = 'tok-3f9a7c1e';
  const redactor = new Redactor();
  redactor.add(secret);

  it('redacts a secret of the URL from errors and details', async () => {
    const checks = [
      httpCheck({ id: 'no-follow', url: server.url(`/redirect-with-token?token=${secret}`), maxRedirects: 0 }),
      httpCheck({ id: 'follow', url: server.url(`/redirect-with-token?token=${secret}`), maxRedirects: 5 }),
    ];
    const results = await runChecks(checks, settings, { redactor });
    expect(results[0]?.status).toBe('down');
    expect(results[0]?.error).toBe('HTTP 302 Found to /ok?token=[REDACTED]: redirects are not followed (expected 2xx)');
    expect(results[1]?.status).toBe('up');
    expect(results[1]?.details?.['url']).toBe(server.url('/ok?token=[REDACTED]'));
    expect(JSON.stringify(results)).not.toContain(secret);
  });

  it('redacts secrets from internal errors too', async () => {
    const runner = fakeRunner(() => {
      throw new Error(`cannot reach https://user:hunter2@example.test/?key=${secret}`);
    });
    const [result] = await runChecks([httpCheck()], settings, { redactor, runners: { http: runner } });
    expect(result?.error).toBe('internal error: cannot reach https://user:[REDACTED]@example.test/?key=[REDACTED]');
  });
});
