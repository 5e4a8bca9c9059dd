import { describe, expect, it } from 'vitest';
import { convertConditions, parseCondition } from './gatus-conditions.ts';

describe('Gatus conditions', () => {
  it('reads a condition into its three parts', () => {
    expect(parseCondition('[BODY].status == UP')).toEqual({ text: '[BODY].status == UP', left: '[BODY].status', op: '==', right: 'UP' });
    expect(parseCondition('[RESPONSE_TIME] <= 300')?.op).toBe('<=');
    expect(parseCondition('nonsense')).toBeNull();
  });

  it('maps status conditions to expectStatus, intersecting bounds', () => {
    expect(convertConditions(['[STATUS] == 200'], 'http').expectStatus).toEqual([200]);
    expect(convertConditions(['[STATUS] < 300'], 'http').expectStatus).toEqual(['100-299']);
    expect(convertConditions(['[STATUS] >= 200', '[STATUS] < 400'], 'http').expectStatus).toEqual(['200-399']);
    expect(convertConditions(['[STATUS] == any(200, 204)'], 'http').expectStatus).toEqual([200, 204]);
    expect(convertConditions(['[STATUS] == pat(2*)'], 'http').expectStatus).toEqual(['2xx']);
    const bad = convertConditions(['[STATUS] != 500'], 'http');
    expect(bad.expectStatus).toBeNull();
    expect(bad.unsupported[0]?.condition).toBe('[STATUS] != 500');
  });

  it('maps response time, body, JSON paths, certificate expiry and dns answers', () => {
    const p = convertConditions(
      [
        '[RESPONSE_TIME] < 300',
        '[BODY] == pat(*Welcome*)',
        '[BODY] == OK',
        '[BODY].status == UP',
        '[BODY].data[0].count > 2',
        '[BODY].items-left == 0',
        '[BODY].name == any(a, b.c)',
        'has([BODY].errors) == false',
        '[CERTIFICATE_EXPIRATION] > 48h',
        '[CONNECTED] == true',
      ],
      'http',
    );
    expect(p.thresholdDownMs).toBe(300);
    expect(p.body).toEqual({ contains: ['Welcome'], notContains: [], matches: ['^OK$'] });
    expect(p.json).toEqual([
      { path: '$.status', equals: 'UP' },
      { path: '$.data[0].count', gt: 2 },
      { path: '$["items-left"]', equals: 0 },
      { path: '$.name', matches: '^(a|b\\.c)$' },
      { path: '$.errors', exists: false },
    ]);
    expect(p.certificateDays).toBe(2);
    expect(p.unsupported).toEqual([]);
    const dns = convertConditions(['[DNS_RCODE] == NOERROR', '[BODY] == 93.184.216.34'], 'dns');
    expect(dns.dnsExpect).toEqual(['93.184.216.34']);
    expect(dns.unsupported).toEqual([]);
  });

  it('reports what has no Cairn equivalent, with the reason', () => {
    const p = convertConditions(['len([BODY].data) == 3', '[DOMAIN_EXPIRATION] > 720h', '[IP] == 1.2.3.4', '[RESPONSE_TIME] > 10', '[BODY].a < x', '[STATUS] == 200'], 'tcp');
    expect(p.unsupported.map((u) => u.condition)).toEqual(['len([BODY].data) == 3', '[DOMAIN_EXPIRATION] > 720h', '[IP] == 1.2.3.4', '[RESPONSE_TIME] > 10', '[BODY].a < x', '[STATUS] == 200']);
    expect(p.unsupported.every((u) => u.reason.length > 10)).toBe(true);
  });
});
