import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoSeconds } from './certificate.ts';
import { createTestCa, daysFromNow, type KeyPair, type TestCa } from './test-certs.ts';
import { attemptContext, closedPort, hasIpv6Loopback, startTcpServer, tlsCheck } from './test-helpers.ts';
import { tlsRunner } from './tls.ts';

const HOUR = 3_600_000;

async function startTlsServer(pair: KeyPair, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer({ key: pair.key, cert: pair.cert }, (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Runs one tls check attempt against a server presenting `pair`. */
async function checkWith(pair: KeyPair, partial: Parameters<typeof tlsCheck>[0] = {}, host = '127.0.0.1') {
  const server = await startTlsServer(pair, host);
  try {
    return await tlsRunner.attempt(tlsCheck({ host, port: server.port, ...partial }), attemptContext(10_000));
  } finally {
    await server.close();
  }
}

const notAfterOf = (d: Date) => isoSeconds(new Date(Math.floor(d.getTime() / 1000) * 1000));

let ca: TestCa;
beforeAll(async () => {
  ca = await createTestCa();
});
afterAll(async () => {
  await ca.dispose();
});

describe('tlsRunner', () => {
  it('is up for a trusted, valid certificate for the host, and reports its facts', async () => {
    const notAfter = daysFromNow(90);
    const out = await checkWith(await ca.issue({ sans: ['IP:127.0.0.1', 'DNS:localhost'], notAfter }), { ca: ca.cert });
    expect(out).toMatchObject({ status: 'up', error: null });
    expect(out.details).toMatchObject({
      subject: 'CN=127.0.0.1',
      issuer: 'CN=Cairn Test CA',
      sans: ['IP:127.0.0.1', 'DNS:localhost'],
      notAfter: notAfterOf(notAfter),
      daysLeft: 89,
      trusted: true,
    });
    expect(typeof out.responseTimeMs).toBe('number');
  });

  it('is down for an expired certificate, saying how long ago', async () => {
    const notAfter = new Date(Date.now() - 3 * 86_400_000 - HOUR);
    const out = await checkWith(await ca.issue({ sans: ['IP:127.0.0.1'], notBefore: daysFromNow(-30), notAfter }), { ca: ca.cert });
    expect(out.status).toBe('down');
    expect(out.error).toBe(`TLS certificate expired 3 days ago (notAfter ${notAfterOf(notAfter)})`);
    expect(out.details).toMatchObject({ daysLeft: -4, notAfter: notAfterOf(notAfter) });
  });

  it('is down for a certificate that is not valid yet', async () => {
    const notBefore = new Date(Date.now() + 2 * 86_400_000 + HOUR);
    const out = await checkWith(await ca.issue({ sans: ['IP:127.0.0.1'], notBefore, notAfter: daysFromNow(30) }), { ca: ca.cert });
    expect(out.status).toBe('down');
    expect(out.error).toBe(`TLS certificate is not valid yet: valid from ${notAfterOf(notBefore)}, in 2 days`);
  });

  it('is down for a self-signed certificate', async () => {
    const out = await checkWith(await ca.selfSigned({ sans: ['IP:127.0.0.1'] }));
    expect(out.status).toBe('down');
    expect(out.error).toBe('TLS certificate is self-signed and not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(out.details).toMatchObject({ trusted: false, subject: 'CN=127.0.0.1', issuer: 'CN=127.0.0.1' });
  });

  it('is down for a certificate from an authority it does not trust (no ca given)', async () => {
    const out = await checkWith(await ca.issue({ sans: ['IP:127.0.0.1'] }));
    expect(out.status).toBe('down');
    expect(out.error).toBe(
      'TLS certificate is issued by an untrusted or unknown authority (CN=Cairn Test CA; missing intermediate or CA not trusted; UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
  });

  it('is down on a hostname mismatch, naming both', async () => {
    const out = await checkWith(await ca.issue({ sans: ['DNS:example.com'] }), { ca: ca.cert });
    expect(out.status).toBe('down');
    expect(out.error).toBe('TLS certificate is for example.com, not 127.0.0.1');
  });

  it('names several problems at once (OpenSSL reports one chain error: expiry hides self-signed)', async () => {
    const notAfter = new Date(Date.now() - 86_400_000 - HOUR);
    const out = await checkWith(await ca.selfSigned({ sans: ['DNS:example.com'], notBefore: daysFromNow(-10), notAfter }));
    expect(out.status).toBe('down');
    expect(out.error).toBe(
      `TLS certificate expired 1 day ago (notAfter ${notAfterOf(notAfter)}); TLS certificate is for example.com, not 127.0.0.1`,
    );
  });

  it('checks servername instead of the host when given (SNI)', async () => {
    const out = await checkWith(await ca.issue({ sans: ['DNS:status.example.test'] }), { ca: ca.cert, servername: 'status.example.test' });
    expect(out).toMatchObject({ status: 'up', error: null });
  });

  it('is degraded inside the warning window', async () => {
    const notAfter = new Date(Date.now() + 10 * 86_400_000 + HOUR);
    const out = await checkWith(await ca.issue({ sans: ['IP:127.0.0.1'], notAfter }), { ca: ca.cert });
    expect(out.status).toBe('degraded');
    expect(out.error).toBe(`TLS certificate expires in 10 days (notAfter ${notAfterOf(notAfter)}), inside the warning window of 14 days`);
  });

  it('is down inside the critical window, with configurable windows', async () => {
    const notAfter = new Date(Date.now() + 3 * 86_400_000 + HOUR);
    const pair = await ca.issue({ sans: ['IP:127.0.0.1'], notAfter });
    const out = await checkWith(pair, { ca: ca.cert });
    expect(out.status).toBe('down');
    expect(out.error).toBe(`TLS certificate expires in 3 days (notAfter ${notAfterOf(notAfter)}), inside the critical window of 7 days`);
    const relaxed = await checkWith(pair, { ca: ca.cert, warningDays: 2, criticalDays: 1 });
    expect(relaxed).toMatchObject({ status: 'up', error: null });
  });

  it('works over IPv6 loopback', async (ctx) => {
    if (!(await hasIpv6Loopback())) {
      if (process.env['CI']) throw new Error('::1 is not available on this machine');
      ctx.skip();
    }
    const out = await checkWith(await ca.issue({ sans: ['IP:::1'] }), { ca: ca.cert }, '::1');
    expect(out).toMatchObject({ status: 'up', error: null });
    expect(out.details).toMatchObject({ sans: ['IP:0:0:0:0:0:0:0:1'] });
  });

  it('reports connection refused', async () => {
    const port = await closedPort();
    const out = await tlsRunner.attempt(tlsCheck({ port }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null, error: `connection refused (ECONNREFUSED 127.0.0.1:${port})` });
  });

  it('times out in the handshake when the server never speaks TLS', async () => {
    const silent = await startTcpServer();
    try {
      const out = await tlsRunner.attempt(tlsCheck({ port: silent.port }), attemptContext(300));
      expect(out).toMatchObject({ status: 'down', error: `timed out after 300 ms during the TLS handshake with 127.0.0.1:${silent.port}` });
    } finally {
      await silent.close();
    }
  });

  it('names a server that answers in plain text', async () => {
    const plain = await startTcpServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      const out = await tlsRunner.attempt(tlsCheck({ port: plain.port }), attemptContext(5000));
      expect(out.status).toBe('down');
      expect(out.error).toMatch(new RegExp(`^TLS error: .+ 127\\.0\\.0\\.1:${plain.port}\\)$`));
    } finally {
      await plain.close();
    }
  });
});
