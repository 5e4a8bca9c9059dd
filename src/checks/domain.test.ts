import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearBootstrapCache, domainRunner } from './domain.ts';
import { runCheckRound } from './engine.ts';
import { parseBootstrap, rdapServerFor } from './rdap.ts';
import { attemptContext, domainCheck, type TestServer } from './test-helpers.ts';
import { bootstrapFile, rdapDomain, rdapError, startRdapServer } from './test-rdap.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

let registry: TestServer;

beforeAll(async () => {
  registry = await startRdapServer({
    '/domain/healthy.com': { json: rdapDomain({ domain: 'healthy.com', expiresInDays: 200, now: NOW, registrar: 'Gandi SAS' }) },
    '/domain/warning.com': { json: rdapDomain({ domain: 'warning.com', expiresInDays: 20, now: NOW }) },
    '/domain/critical.com': { json: rdapDomain({ domain: 'critical.com', expiresInDays: 3, now: NOW }) },
    '/domain/expired.com': { json: rdapDomain({ domain: 'expired.com', expiresInDays: -2, now: NOW }) },
    '/domain/lapsed.com': { json: rdapDomain({ domain: 'lapsed.com', expiresInDays: 25, now: NOW, status: ['redemption period'] }) },
    '/domain/noexpiry.com': { json: rdapDomain({ domain: 'noexpiry.com', expiresInDays: null, now: NOW }) },
    '/domain/malformed.com': { text: '{"objectClassName":"domain","ldhName":"MALFORMED.COM","events":[' },
    '/domain/other.com': { json: rdapDomain({ domain: 'someone-else.com', expiresInDays: 200, now: NOW }) },
    '/domain/bad-date.com': { json: { ...rdapDomain({ domain: 'bad-date.com', expiresInDays: 200, now: NOW }), events: [{ eventAction: 'expiration', eventDate: 'next year' }] } },
    '/domain/busy.com': { json: rdapError(429, 'Too Many Requests', ['Query rate limit exceeded.']), status: 429 },
    '/domain/unregistered.com': { json: rdapError(404, 'Not Found', ['The domain unregistered.com was not found.']), status: 404 },
  });
});

afterAll(async () => {
  await registry.close();
});

beforeEach(() => clearBootstrapCache());

function ctx() {
  return { ...attemptContext(10_000), now: NOW };
}

async function check(domain: string, partial: Parameters<typeof domainCheck>[0] = {}) {
  return domainRunner.attempt(domainCheck({ domain, rdap: registry.url('/'), ...partial }), ctx());
}

describe('domainRunner against a local RDAP server', () => {
  it('is up for a registration far from expiry, and reports its facts', async () => {
    const out = await check('healthy.com');
    expect(out).toMatchObject({ status: 'up', error: null, statusCode: 200 });
    expect(out.responseTimeMs).toBeGreaterThanOrEqual(0);
    expect(out.details).toMatchObject({
      domain: 'healthy.com',
      registrar: 'Gandi SAS',
      registrarIanaId: '1234',
      expiresAt: new Date(NOW.getTime() + 200 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      registeredAt: '2009-03-14T04:00:00Z',
      daysLeft: 200,
      status: ['client delete prohibited', 'client transfer prohibited', 'client update prohibited'],
      rdapUrl: registry.url('/domain/healthy.com'),
    });
    const req = registry.requests.find((r) => r.url === '/domain/healthy.com');
    expect(req?.headers['accept']).toContain('application/rdap+json');
  });

  it('is degraded inside the warning window and down inside the critical one', async () => {
    const warning = await check('warning.com');
    expect(warning.status).toBe('degraded');
    expect(warning.error).toMatch(/^domain warning\.com expires in 20 days \(expiration 2026-12-10T12:00:00Z\), inside the warning window of 30 days \(registrar Example Registrar, Inc\.\)$/);
    const critical = await check('critical.com');
    expect(critical.status).toBe('down');
    expect(critical.error).toContain('expires in 3 days (expiration 2026-11-23T12:00:00Z), inside the critical window of 7 days');
    // The thresholds are the check's own.
    expect((await check('warning.com', { warningDays: 14 })).status).toBe('up');
  });

  it('is down once expired, or when the registry says the domain lapsed', async () => {
    const expired = await check('expired.com');
    expect(expired).toMatchObject({ status: 'down', error: expect.stringMatching(/^domain expired\.com expired 2 days ago \(expiration 2026-11-18T12:00:00Z\)/) });
    expect(expired.details).toMatchObject({ daysLeft: -2 });
    const lapsed = await check('lapsed.com');
    expect(lapsed).toMatchObject({ status: 'down', error: expect.stringContaining('lapsed.com is in its redemption period') });
  });

  it('is down for an unregistered domain (404), an error status, and an answer that is not a domain object', async () => {
    const missing = await check('unregistered.com');
    expect(missing).toMatchObject({ status: 'down', statusCode: 404 });
    expect(missing.error).toBe(`domain unregistered.com is not registered: the RDAP server at 127.0.0.1:${registry.port} answered 404 Not Found (Not Found: The domain unregistered.com was not found.)`);
    expect(await check('busy.com')).toMatchObject({ status: 'down', statusCode: 429, error: 'RDAP query for busy.com answered HTTP 429 Too Many Requests (Too Many Requests: Query rate limit exceeded.)' });
    expect((await check('malformed.com')).error).toMatch(/^the RDAP answer for malformed\.com is not JSON \(/);
    expect((await check('other.com')).error).toBe('the RDAP server answered for someone-else.com, not other.com');
    expect((await check('bad-date.com')).error).toBe('the RDAP answer for bad-date.com has an expiration event without a valid date ("next year")');
  });

  it('is degraded, saying why, when the registry publishes no expiration date', async () => {
    const out = await check('noexpiry.com');
    expect(out.status).toBe('degraded');
    expect(out.error).toContain('has no expiration event: its registry does not publish the expiry date');
    expect(out.details).toMatchObject({ expiresAt: null, daysLeft: null, registrar: 'Example Registrar, Inc.' });
  });

  it('finds the server through the bootstrap file, follows the redirect, and fetches the bootstrap once per run', async () => {
    // An aggregator (like rdap.org) answers /rdap/domain/* with a redirect to the registry's own URL.
    const agg = await startRdapServer({
      '/dns.json': (s) => ({ json: bootstrapFile([[['net'], ['http://127.0.0.1:9/']], [['com'], [s.url('/rdap/')]]]) }),
      '/rdap/domain/healthy.com': { redirect: registry.url('/domain/healthy.com'), status: 302 },
      '/rdap/domain/warning.com': { redirect: registry.url('/domain/warning.com'), status: 301 },
    });
    try {
      const checks = [
        domainCheck({ id: 'a', domain: 'healthy.com', rdapBootstrap: agg.url('/dns.json') }),
        domainCheck({ id: 'b', domain: 'warning.com', rdapBootstrap: agg.url('/dns.json') }),
        domainCheck({ id: 'c', domain: 'example.invalidtld', rdapBootstrap: agg.url('/dns.json') }),
      ];
      const { results } = await runCheckRound(checks, { concurrency: 3, deadlineMs: 30_000 }, { now: () => NOW });
      expect(results.map((r) => r.status)).toEqual(['up', 'degraded', 'down']);
      expect(results[0]?.details).toMatchObject({ rdapUrl: registry.url('/domain/healthy.com'), redirects: 1, registrar: 'Gandi SAS' });
      expect(results[2]?.error).toBe(`no RDAP server is listed for .invalidtld in ${agg.url('/dns.json')}; set rdap: to the registry's RDAP base URL`);
      expect(agg.requests.filter((r) => r.url === '/dns.json')).toHaveLength(1);
    } finally {
      await agg.close();
    }
  });

  it('says when the bootstrap file cannot be read, and tries it again on the next attempt', async () => {
    let calls = 0;
    const flaky = await startRdapServer({
      '/dns.json': (s) => (++calls === 1 ? { text: '<html>maintenance</html>', status: 503, type: 'text/html' } : { json: bootstrapFile([[['com'], [s.url('/')]]]) }),
      '/domain/healthy.com': { json: rdapDomain({ domain: 'healthy.com', expiresInDays: 200, now: NOW }) },
    });
    try {
      const c = domainCheck({ domain: 'healthy.com', rdapBootstrap: flaky.url('/dns.json') });
      const first = await domainRunner.attempt(c, ctx());
      expect(first).toMatchObject({ status: 'down', error: `could not read the RDAP bootstrap file ${flaky.url('/dns.json')}: HTTP 503 Service Unavailable` });
      expect((await domainRunner.attempt(c, ctx())).status).toBe('up');
    } finally {
      await flaky.close();
    }
  });

  it('times out per the attempt timeout when the RDAP server does not answer', async () => {
    const silent = await startRdapServer({ '/domain/slow.com': { hang: true } });
    try {
      const out = await domainRunner.attempt(domainCheck({ domain: 'slow.com', rdap: silent.url('/') }), { ...attemptContext(300), now: NOW });
      expect(out.status).toBe('down');
      expect(out.error).toMatch(/^RDAP query for slow\.com failed: .*timed out after 300 ms/);
    } finally {
      await silent.close();
    }
  });
});

describe('RDAP bootstrap', () => {
  it('maps by the longest label suffix and prefers https', () => {
    const b = parseBootstrap(JSON.stringify(bootstrapFile([[['uk'], ['http://a/', 'https://a/']], [['co.uk'], ['https://b/']]])));
    expect(rdapServerFor(b, 'acme.co.uk')).toBe('https://b/');
    expect(rdapServerFor(b, 'acme.org.uk')).toBe('https://a/');
    expect(rdapServerFor(b, 'acme.com')).toBeNull();
    expect(() => parseBootstrap('{"services": 3}')).toThrow('it has no "services" list (RFC 9224)');
  });
});
