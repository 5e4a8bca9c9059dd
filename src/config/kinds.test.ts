import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { loadConfig } from './load.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cairn-kinds-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

async function errorsOf(dir: string): Promise<string[]> {
  try {
    await loadConfig(dir, { env: {} });
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map((e) => e.message);
    throw err;
  }
  return [];
}

describe('tls, dns and ping checks in the configuration', () => {
  it('resolves each kind with its defaults, and reads a CA file relative to the status repo', async () => {
    const dir = await repo({
      'cairn.yaml': 'defaults:\n  perHostConcurrency: 8\n',
      'checks/ca.pem': PEM,
      'checks/a.yaml': [
        'checks:',
        '  - { id: cert, kind: tls, host: www.acme.test }',
        '  - { id: cert-ca, kind: tls, host: 10.0.0.5, port: 8443, servername: api.acme.test, warningDays: 30, criticalDays: 3, ca: checks/ca.pem }',
        '  - { id: mx, kind: dns, query: acme.test, record: MX, server: "10.0.0.2:5353", expect: ["10 mx.acme.test"], match: any }',
        '  - { id: a, kind: dns, query: acme.test }',
        '  - { id: db, kind: ping, host: db.acme.test, port: 5432 }',
        '  - { id: icmp, kind: ping, host: 10.0.0.1, icmp: true, count: 5, loss: { degraded: 10, down: 60 } }',
      ].join('\n'),
    });
    const config = await loadConfig(dir, { env: {} });
    expect(config.run.perHostConcurrency).toBe(8);
    const byId = new Map(config.checks.map((c) => [c.id, c]));
    expect(byId.get('cert')).toMatchObject({ kind: 'tls', port: 443, servername: null, warningDays: 14, criticalDays: 7, ca: null, caFile: null });
    expect(byId.get('cert-ca')).toMatchObject({ port: 8443, servername: 'api.acme.test', warningDays: 30, criticalDays: 3, ca: PEM, caFile: 'checks/ca.pem' });
    expect(byId.get('mx')).toMatchObject({ kind: 'dns', query: 'acme.test', record: 'MX', server: '10.0.0.2:5353', expect: ['10 mx.acme.test'], match: 'any' });
    expect(byId.get('a')).toMatchObject({ record: 'A', server: null, expect: [], match: 'all' });
    expect(byId.get('db')).toMatchObject({ kind: 'ping', port: 5432, count: 3, icmp: false, loss: { degradedPercent: 0, downPercent: 50 } });
    expect(byId.get('icmp')).toMatchObject({ port: null, icmp: true, count: 5, loss: { degradedPercent: 10, downPercent: 60 } });
  });

  it('resolves domain and heartbeat checks with their defaults, and names what is wrong with them', async () => {
    const dir = await repo({
      'checks/a.yaml': [
        'checks:',
        '  - { id: reg, kind: domain, domain: Acme.COM. }',
        '  - { id: reg2, kind: domain, domain: acme.de, rdap: "https://rdap.denic.de/", warningDays: 45, criticalDays: 14 }',
        '  - { id: backup, kind: heartbeat, period: 1d, retries: 3 }',
        '  - { id: hourly, kind: heartbeat, period: 1h, grace: 0 }',
      ].join('\n'),
    });
    const byId = new Map((await loadConfig(dir, { env: {} })).checks.map((c) => [c.id, c]));
    expect(byId.get('reg')).toMatchObject({ kind: 'domain', domain: 'acme.com', warningDays: 30, criticalDays: 7, rdap: null, rdapBootstrap: 'https://data.iana.org/rdap/dns.json' });
    expect(byId.get('reg2')).toMatchObject({ rdap: 'https://rdap.denic.de/', warningDays: 45, criticalDays: 14 });
    // A heartbeat is never retried (its verdict is a file read) and has no response time to judge.
    expect(byId.get('backup')).toMatchObject({ kind: 'heartbeat', periodMs: 86_400_000, graceMs: 3_600_000, retries: 0, thresholds: { degradedMs: null, downMs: null } });
    expect(byId.get('hourly')).toMatchObject({ periodMs: 3_600_000, graceMs: 0 });

    const bad = await repo({
      'checks/a.yaml': [
        'checks:',
        '  - { id: d1, kind: domain, domain: "https://acme.com/" }',
        '  - { id: d2, kind: domain, domain: acme.com, warningDays: 5, criticalDays: 10 }',
        '  - { id: h1, kind: heartbeat }',
        '  - { id: h2, kind: heartbeat, period: 0 }',
      ].join('\n'),
    });
    const errors = await errorsOf(bad);
    expect(errors).toEqual([
      expect.stringContaining('expected a registered domain name such as "example.com"'),
      expect.stringContaining('expected criticalDays no larger than warningDays'),
      expect.stringMatching(/period/),
      expect.stringContaining('expected a duration of at least 1ms'),
    ]);
  });

  it('takes inline PEM as is', async () => {
    const dir = await repo({ 'checks/a.yaml': `checks:\n  - id: c\n    kind: tls\n    host: x.test\n    ca: |\n${PEM.split('\n').map((l) => `      ${l}`).join('\n')}\n` });
    const config = await loadConfig(dir, { env: {} });
    expect(config.checks[0]).toMatchObject({ ca: PEM, caFile: null });
  });

  it('reports a missing or empty CA file, a TCP ping without a port and a bad DNS server', async () => {
    const dir = await repo({
      'checks/empty.pem': 'nothing here\n',
      'checks/a.yaml': [
        'checks:',
        '  - { id: c1, kind: tls, host: x.test, ca: checks/missing.pem }',
        '  - { id: c2, kind: tls, host: x.test, ca: checks/empty.pem }',
        '  - { id: p, kind: ping, host: x.test }',
        '  - { id: d, kind: dns, query: x.test, server: "dns.google" }',
      ].join('\n'),
    });
    const errors = await errorsOf(dir);
    // The schema is checked before any file is read: these two come first, and alone.
    expect(errors).toEqual([
      'missing required field "port"',
      'expected a DNS server IP address, optionally with a port: "1.1.1.1", "10.0.0.2:5353", "[::1]:53", got "dns.google"',
    ]);
    const dir2 = await repo({
      'checks/empty.pem': 'nothing here\n',
      'checks/a.yaml': ['checks:', '  - { id: c1, kind: tls, host: x.test, ca: checks/missing.pem }', '  - { id: c2, kind: tls, host: x.test, ca: checks/empty.pem }'].join('\n'),
    });
    expect(await errorsOf(dir2)).toEqual([
      'cannot use the CA file "checks/missing.pem" (relative to the status repo): no such file',
      'the CA file "checks/empty.pem" holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")',
    ]);
  });
});

describe('tcp checks that send and expect', () => {
  it('resolves send (text with YAML escapes, or hex), expect (text, contains, matches), readTimeout, maxBytes and tls', async () => {
    const dir = await repo({
      'cairn.yaml': 'site:\n  title: T\n',
      'checks/ca.pem': PEM,
      'checks/a.yaml': [
        'checks:',
        '  - { id: port, kind: tcp, host: db.acme.test, port: 5432 }',
        '  - { id: smtp, kind: tcp, host: mail.acme.test, port: 25, expect: "220 " }',
        '  - id: redis',
        '    kind: tcp',
        '    host: cache.acme.test',
        '    port: 6379',
        '    send: "PING\\r\\n"',
        '    expect: { contains: [PONG], matches: "^\\\\+PONG$" }',
        '    readTimeout: 2s',
        '    maxBytes: 1KiB',
        '  - { id: bin, kind: tcp, host: h.acme.test, port: 7, send: { hex: "2a 31 0D 0a" } }',
        '  - { id: smtps, kind: tcp, host: mail.acme.test, port: 465, tls: true, servername: smtp.acme.test, ca: checks/ca.pem, expect: "220" }',
      ].join('\n'),
    });
    const config = await loadConfig(dir, { env: {} });
    expect(config.warnings).toEqual([]);
    const byId = new Map(config.checks.map((c) => [c.id, c]));
    const connectOnly = { sendHex: null, expect: null, readTimeoutMs: null, maxBytes: 65_536, tls: false, servername: null, ca: null, caFile: null, insecureSkipVerify: false };
    expect(byId.get('port')).toMatchObject({ kind: 'tcp', host: 'db.acme.test', port: 5432, ...connectOnly });
    expect(byId.get('smtp')).toMatchObject({ expect: { contains: ['220 '], matches: null }, sendHex: null });
    expect(byId.get('redis')).toMatchObject({ sendHex: '50494e470d0a', expect: { contains: ['PONG'], matches: '^\\+PONG$' }, readTimeoutMs: 2000, maxBytes: 1024 });
    expect(byId.get('bin')).toMatchObject({ sendHex: '2a310d0a', expect: null });
    expect(byId.get('smtps')).toMatchObject({ tls: true, servername: 'smtp.acme.test', ca: PEM, caFile: 'checks/ca.pem' });
  });

  it('refuses what cannot apply, bad hex and an empty expectation, each at its field', async () => {
    const dir = await repo({
      'checks/a.yaml': [
        'checks:',
        '  - { id: a, kind: tcp, host: h, port: 1, readTimeout: 1s, maxBytes: 10 }',
        '  - { id: b, kind: tcp, host: h, port: 1, ca: checks/ca.pem, servername: x }',
        '  - { id: c, kind: tcp, host: h, port: 1, send: { hex: "abc" } }',
        '  - { id: d, kind: tcp, host: h, port: 1, expect: {} }',
        '  - { id: e, kind: tcp, host: h, port: 1, expect: "x", maxBytes: 2MiB }',
      ].join('\n'),
    });
    expect(await errorsOf(dir)).toEqual([
      'expected "expect" next to readTimeout: it applies to reading the answer, got "1s"',
      'expected "expect" next to maxBytes: it applies to reading the answer, got 10',
      'expected tls: true next to ca: it applies to the TLS handshake, got "checks/ca.pem"',
      'expected tls: true next to servername: it applies to the TLS handshake, got "x"',
      'expected bytes as pairs of hex digits, optionally spaced: "2a310d0a" or "2a 31 0d 0a", got "abc"',
      'expected "contains" or "matches" (or both), got a mapping',
      'expected a size from 1 byte to 1MiB (1048576 bytes), got "2MiB"',
    ]);
  });

  it('warns about a backslash escape that YAML left as two characters (single quotes or none)', async () => {
    const dir = await repo({
      'cairn.yaml': 'site:\n  title: T\n',
      'checks/a.yaml': ['checks:', "  - { id: r, kind: tcp, host: h, port: 1, send: 'PING\\r\\n', expect: { contains: ['+PONG\\r\\n'] } }", '  - { id: ok, kind: tcp, host: h, port: 1, send: "PING\\r\\n" }'].join('\n'),
    });
    const config = await loadConfig(dir, { env: {} });
    expect(config.warnings.map((w) => `${w.location.line}:${w.location.column}: ${w.path}: ${w.message}`)).toEqual([
      '2:49: checks[0].send: holds a backslash followed by "r", sent and matched as those two characters: YAML turns \\r into a control character only inside double quotes ("PING\\r\\n"), or give the bytes as send: { hex: "..." }',
      '2:82: checks[0].expect.contains[0]: holds a backslash followed by "r", sent and matched as those two characters: YAML turns \\r into a control character only inside double quotes ("PING\\r\\n")',
    ]);
  });

  it('publishes send, expect, readTimeout, maxBytes and tls in the JSON Schema of the tcp kind', async () => {
    const { jsonSchema } = await import('./schema.ts');
    const text = JSON.stringify(jsonSchema());
    for (const key of ['"send"', '"expect"', '"readTimeout"', '"maxBytes"', '"tls"', '"hex"']) expect(text).toContain(key);
  });
});
