import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsRunner, normalise } from './dns.ts';
import { startDnsServer, type TestDnsServer } from './test-dns-server.ts';
import { attemptContext, dnsCheck, hasIpv6Loopback } from './test-helpers.ts';

const zone = {
  'api.cairn.test': { A: ['127.0.0.10', '127.0.0.11'], AAAA: ['2001:db8::1'] },
  'www.cairn.test': { CNAME: ['api.cairn.test'] },
  'cairn.test': {
    MX: [
      { priority: 20, exchange: 'mx2.cairn.test' },
      { priority: 10, exchange: 'mx1.cairn.test' },
    ],
    TXT: ['v=spf1 -all', ['google-site-verification=', 'abc']],
    NS: ['ns1.cairn.test', 'ns2.cairn.test'],
  },
  'empty.cairn.test': {},
};

let server: TestDnsServer;
beforeAll(async () => {
  server = await startDnsServer({ zone, servfail: ['broken.cairn.test'], silent: ['slow.cairn.test'] });
});
afterAll(async () => {
  await server.close();
});

const run = (partial: Parameters<typeof dnsCheck>[0], timeoutMs = 5000) =>
  dnsRunner.attempt(dnsCheck({ server: server.address, ...partial }), attemptContext(timeoutMs));

describe('dnsRunner against a DNS server on 127.0.0.1', () => {
  it('resolves A records and checks that every expected address is there', async () => {
    const out = await run({ query: 'api.cairn.test', expect: ['127.0.0.10', '127.0.0.11'] });
    expect(out).toMatchObject({ status: 'up', error: null });
    expect(out.details).toEqual({ records: ['127.0.0.10', '127.0.0.11'], server: server.address, ttl: 300 });
    expect(server.queries).toContain('api.cairn.test A');
  });

  it('is down when an expected value is missing (match: all), up when any matches (match: any)', async () => {
    const all = await run({ query: 'api.cairn.test', expect: ['127.0.0.10', '10.0.0.1'] });
    expect(all).toMatchObject({ status: 'down', error: 'A records of api.cairn.test are 127.0.0.10, 127.0.0.11; missing expected 10.0.0.1' });
    const any = await run({ query: 'api.cairn.test', expect: ['10.0.0.1', '127.0.0.11'], match: 'any' });
    expect(any).toMatchObject({ status: 'up', error: null });
    const none = await run({ query: 'api.cairn.test', expect: ['10.0.0.1', '10.0.0.2'], match: 'any' });
    expect(none).toMatchObject({ status: 'down', error: 'A records of api.cairn.test are 127.0.0.10, 127.0.0.11; expected one of 10.0.0.1, 10.0.0.2' });
  });

  it('compares AAAA in canonical form', async () => {
    const out = await run({ query: 'api.cairn.test', record: 'AAAA', expect: ['2001:0db8:0000:0000:0000:0000:0000:0001'] });
    expect(out).toMatchObject({ status: 'up', error: null, details: { records: ['2001:db8::1'] } });
  });

  it('resolves CNAME, MX, TXT and NS, comparing names without case or trailing dot', async () => {
    expect(await run({ query: 'www.cairn.test', record: 'CNAME', expect: ['API.cairn.test.'] })).toMatchObject({ status: 'up' });
    const mx = await run({ query: 'cairn.test', record: 'MX', expect: ['10 mx1.cairn.test', 'mx2.cairn.test'] });
    expect(mx).toMatchObject({ status: 'up', details: { records: ['10 mx1.cairn.test', '20 mx2.cairn.test'] } });
    const wrongPriority = await run({ query: 'cairn.test', record: 'MX', expect: ['30 mx1.cairn.test'] });
    expect(wrongPriority).toMatchObject({
      status: 'down',
      error: 'MX records of cairn.test are 10 mx1.cairn.test, 20 mx2.cairn.test; missing expected 30 mx1.cairn.test',
    });
    const txt = await run({ query: 'cairn.test', record: 'TXT', expect: ['google-site-verification=abc'] });
    expect(txt).toMatchObject({ status: 'up', details: { records: ['v=spf1 -all', 'google-site-verification=abc'] } });
    expect(await run({ query: 'cairn.test', record: 'NS', expect: ['ns1.cairn.test', 'ns2.cairn.test'] })).toMatchObject({ status: 'up' });
  });

  it('is down for a name that does not exist (NXDOMAIN)', async () => {
    const out = await run({ query: 'x.test' });
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null, error: `no such domain: x.test (NXDOMAIN from ${server.address})` });
  });

  it('is down for a name without records of the type', async () => {
    const out = await run({ query: 'empty.cairn.test', record: 'MX' });
    expect(out).toMatchObject({ status: 'down', error: `empty.cairn.test exists but has no MX records (empty answer from ${server.address})` });
  });

  it('is down on SERVFAIL', async () => {
    const out = await run({ query: 'broken.cairn.test' });
    expect(out).toMatchObject({ status: 'down', error: `DNS server ${server.address} failed to answer for broken.cairn.test A (SERVFAIL)` });
  });

  it('times out when the server does not answer', async () => {
    const out = await run({ query: 'slow.cairn.test' }, 300);
    expect(out).toMatchObject({ status: 'down', error: `no answer from ${server.address} within 300 ms for slow.cairn.test A` });
  });

  it('asks a server over IPv6 loopback', async (ctx) => {
    if (!(await hasIpv6Loopback())) {
      if (process.env['CI']) throw new Error('::1 is not available on this machine');
      ctx.skip();
    }
    const v6 = await startDnsServer({ zone, host: '::1' });
    try {
      const out = await dnsRunner.attempt(dnsCheck({ server: v6.address, query: 'api.cairn.test', expect: ['127.0.0.10'] }), attemptContext(5000));
      expect(out).toMatchObject({ status: 'up', error: null });
      expect(v6.address).toBe(`[::1]:${v6.port}`);
    } finally {
      await v6.close();
    }
  });
});

describe('normalise', () => {
  it.each([
    ['A', ' 10.0.0.1 ', '10.0.0.1'],
    ['AAAA', '2001:DB8:0:0::1', '2001:db8::1'],
    ['CNAME', 'Api.Example.COM.', 'api.example.com'],
    ['MX', '010  MX.example.com.', '10 mx.example.com'],
    ['TXT', 'Case Kept', 'Case Kept'],
  ] as const)('%s %j → %j', (record, value, expected) => {
    expect(normalise(record, value)).toBe(expected);
  });
});
