import tls from 'node:tls';
import type net from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { runCheckRound } from './engine.ts';
import { tcpRunner } from './tcp.ts';
import { attemptContext, closedPort, selfSignedCert, startTcpServer, tcpCheck, unresponsivePort } from './test-helpers.ts';

describe('tcpRunner', () => {
  it('is up when the port accepts, with the connect time, and closes the connection', async () => {
    let closed = 0;
    const server = await startTcpServer((socket) => socket.once('close', () => (closed += 1)));
    try {
      const out = await tcpRunner.attempt(tcpCheck({ port: server.port }), attemptContext(5000));
      expect(out).toMatchObject({ status: 'up', error: null });
      expect(Number.isInteger(out.responseTimeMs)).toBe(true);
      expect(out.details).toMatchObject({ connectMs: out.responseTimeMs, address: '127.0.0.1' });
      expect(server.connections).toBe(1);
      await waitFor(() => closed === 1);
    } finally {
      await server.close();
    }
  });

  it('resolves a host name (localhost)', async () => {
    const server = await startTcpServer();
    try {
      const out = await tcpRunner.attempt(tcpCheck({ host: 'localhost', port: server.port }), attemptContext(5000));
      // localhost may resolve to ::1 first; the server listens on 127.0.0.1 only, and happy
      // eyeballs falls back to it.
      expect(out.status).toBe('up');
    } finally {
      await server.close();
    }
  });

  it('reports connection refused with the address', async () => {
    const port = await closedPort();
    const out = await tcpRunner.attempt(tcpCheck({ port }), attemptContext(5000));
    expect(out).toMatchObject({ status: 'down', responseTimeMs: null, error: `connection refused (ECONNREFUSED 127.0.0.1:${port})` });
  });

  it('times out on a port that never accepts', async () => {
    const stuck = await unresponsivePort();
    try {
      const out = await tcpRunner.attempt(tcpCheck({ port: stuck.port }), attemptContext(300));
      expect(out).toMatchObject({
        status: 'down',
        responseTimeMs: null,
        error: `timed out after 300 ms connecting to 127.0.0.1:${stuck.port}`,
      });
    } finally {
      await stuck.close();
    }
  });

  it('returns at once when the signal is already aborted', async () => {
    const ctx = { signal: AbortSignal.abort(), timeoutMs: 100 };
    const out = await tcpRunner.attempt(tcpCheck({ port: 9 }), ctx);
    expect(out).toMatchObject({ status: 'down', error: 'timed out after 100 ms connecting to 127.0.0.1:9' });
  });
});

/** The bytes a server received on its connections, as text. */
function recorder() {
  const got: string[] = [];
  return { got, on: (socket: net.Socket) => socket.on('data', (d: Buffer) => got.push(d.toString('latin1'))) };
}

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

describe('tcpRunner: send and expect', () => {
  it('reads an SMTP-like banner, then sends EHLO and matches the multi-line reply', async () => {
    const seen = recorder();
    const server = await startTcpServer((socket) => {
      seen.on(socket);
      socket.write('220 mail.test ESMTP ready\r\n');
      socket.on('data', (d: Buffer) => {
        if (d.toString().startsWith('EHLO')) socket.write('250-mail.test\r\n250-SIZE 1000000\r\n250 STARTTLS\r\n');
      });
    });
    try {
      const banner = await tcpRunner.attempt(tcpCheck({ port: server.port, expect: { contains: ['220 '], matches: null } }), attemptContext(5000));
      expect(banner).toMatchObject({ status: 'up', error: null, details: { bytesRead: 27, address: '127.0.0.1' } });
      expect(banner.details?.['firstByteMs']).toBeGreaterThanOrEqual(banner.details?.['connectMs'] as number);
      expect(banner.responseTimeMs).toBeGreaterThanOrEqual(banner.details?.['firstByteMs'] as number);

      const ehlo = await tcpRunner.attempt(
        tcpCheck({ port: server.port, sendHex: hex('EHLO cairn\r\n'), expect: { contains: ['STARTTLS'], matches: '^250 ' } }),
        attemptContext(5000),
      );
      expect(ehlo).toMatchObject({ status: 'up', error: null });
      expect(seen.got.join('')).toBe('EHLO cairn\r\n');
    } finally {
      await server.close();
    }
  });

  it('sends PING to a Redis-like server and expects +PONG (text or hex bytes)', async () => {
    const seen = recorder();
    const server = await startTcpServer((socket) => {
      seen.on(socket);
      socket.on('data', (d: Buffer) => {
        if (d.toString() === 'PING\r\n') socket.write('+PONG\r\n');
      });
    });
    try {
      for (const sendHex of [hex('PING\r\n'), '50494e470d0a']) {
        const out = await tcpRunner.attempt(tcpCheck({ port: server.port, sendHex, expect: { contains: [], matches: '^\\+PONG\\r\\n$' } }), attemptContext(5000));
        expect(out).toMatchObject({ status: 'up', error: null, details: { bytesRead: 7 } });
      }
      expect(seen.got).toEqual(['PING\r\n', 'PING\r\n']);
      // Send only: up once written.
      const sent = await tcpRunner.attempt(tcpCheck({ port: server.port, sendHex: hex('PING\r\n') }), attemptContext(5000));
      expect(sent).toMatchObject({ status: 'up', error: null });
    } finally {
      await server.close();
    }
  });

  it('is down when the server never answers: at the read timeout, else at the attempt timeout', async () => {
    const server = await startTcpServer();
    try {
      const where = `127.0.0.1:${server.port}`;
      const read = await tcpRunner.attempt(
        tcpCheck({ port: server.port, sendHex: hex('PING\r\n'), expect: { contains: ['+PONG'], matches: null }, readTimeoutMs: 200 }),
        attemptContext(5000),
      );
      expect(read).toMatchObject({
        status: 'down',
        responseTimeMs: null,
        error: `no answer within 200 ms from ${where} after sending 6 bytes (readTimeout); expected: contains "+PONG"`,
        details: { bytesRead: 0 },
      });
      const timeout = await tcpRunner.attempt(tcpCheck({ port: server.port, expect: { contains: ['220'], matches: null } }), attemptContext(300));
      expect(timeout).toMatchObject({ status: 'down', error: `timed out after 300 ms waiting for the answer from ${where}: no answer; expected: contains "220"` });
    } finally {
      await server.close();
    }
  });

  it('is down when the server answers the wrong thing, quoting the answer with its control characters escaped', async () => {
    const closeAfter = { value: false };
    const server = await startTcpServer((socket) => {
      socket.on('data', () => {
        socket.write("-ERR unknown command 'PING'\r\n");
        if (closeAfter.value) socket.end();
      });
    });
    try {
      const where = `127.0.0.1:${server.port}`;
      const check = tcpCheck({ port: server.port, sendHex: hex('PING\r\n'), expect: { contains: ['+PONG'], matches: null }, readTimeoutMs: 300 });
      const open = await tcpRunner.attempt(check, attemptContext(5000));
      expect(open).toMatchObject({
        status: 'down',
        error: `no matching answer within 300 ms: "-ERR unknown command 'PING'\\r\\n" (29 bytes) from ${where} after sending 6 bytes (readTimeout); expected: contains "+PONG"`,
      });
      closeAfter.value = true;
      const closed = await tcpRunner.attempt(check, attemptContext(5000));
      expect(closed).toMatchObject({
        status: 'down',
        error: `unexpected answer from ${where}: "-ERR unknown command 'PING'\\r\\n" (29 bytes), then the connection closed; expected: contains "+PONG"`,
      });
    } finally {
      await server.close();
    }
  });

  it('is down when the server closes at once', async () => {
    const server = await startTcpServer((socket) => socket.end());
    try {
      const out = await tcpRunner.attempt(tcpCheck({ port: server.port, expect: { contains: ['220'], matches: null } }), attemptContext(5000));
      expect(out).toMatchObject({ status: 'down', responseTimeMs: null, error: `connection closed by 127.0.0.1:${server.port} without an answer; expected: contains "220"` });
    } finally {
      await server.close();
    }
  });

  it('stops reading at maxBytes when the answer never matches, whatever the server keeps sending', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const server = await startTcpServer((socket) => {
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    try {
      const out = await tcpRunner.attempt(tcpCheck({ port: server.port, expect: { contains: ['220'], matches: null }, maxBytes: 1000 }), attemptContext(5000));
      expect(out.status).toBe('down');
      expect(out.error).toMatch(new RegExp(`^unexpected answer from 127\\.0\\.0\\.1:${server.port}: no match in the first 1000 bytes \\(maxBytes\\): "x{100}"… \\(1000 bytes\\); expected: contains "220"$`));
      expect(out.details).toMatchObject({ bytesRead: 1000 });
    } finally {
      await server.close();
    }
  });

  it('speaks TLS with tls: true, trusting the given CA, and says why a certificate is refused', async () => {
    const cert = await selfSignedCert();
    const server = tls.createServer(cert, (socket) => {
      socket.on('error', () => undefined);
      socket.write('220 secure.test ESMTP\r\n');
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const trusted = await tcpRunner.attempt(tcpCheck({ port, tls: true, ca: cert.cert, expect: { contains: ['220'], matches: null } }), attemptContext(5000));
      expect(trusted).toMatchObject({ status: 'up', error: null });
      expect(trusted.details?.['tlsMs']).toEqual(expect.any(Number));
      const refused = await tcpRunner.attempt(tcpCheck({ port, tls: true, expect: { contains: ['220'], matches: null } }), attemptContext(5000));
      expect(refused).toMatchObject({ status: 'down', error: `TLS error: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT 127.0.0.1:${port})` });
      const plain = await tcpRunner.attempt(tcpCheck({ port, tls: true, insecureSkipVerify: true }), attemptContext(5000));
      expect(plain).toMatchObject({ status: 'up' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('tcp send/expect from the configuration to the result', () => {
  it('runs what the YAML says, and redacts a secret the server echoes back', async () => {
    const server = await startTcpServer((socket) => {
      socket.on('data', (d: Buffer) => {
        const line = d.toString();
        socket.write(line === 'AUTH hunter2-secret\r\n' ? '+OK\r\n' : `-ERR invalid password for ${line}`);
      });
    });
    try {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-tcp-'));
      await mkdir(path.join(dir, 'checks'));
      await writeFile(path.join(dir, 'cairn.yaml'), 'site:\n  title: T\n');
      const check = (id: string, password: string) =>
        [`  - id: ${id}`, '    kind: tcp', '    host: 127.0.0.1', `    port: ${server.port}`, `    send: "AUTH \${${password}}\\r\\n"`, '    expect: "+OK"', '    readTimeout: 1s', '    retries: 0'];
      await writeFile(path.join(dir, 'checks', 'redis.yaml'), ['checks:', ...check('good', 'GOOD'), ...check('bad', 'BAD')].join('\n'));
      const config = await loadConfig(dir, { env: { GOOD: 'hunter2-secret', BAD: 'wrong-hunter3' } });
      const { results } = await runCheckRound(config.checks, config.run, { redactor: config.redactor });
      expect(results.map((r) => [r.id, r.status])).toEqual([
        ['good', 'up'],
        ['bad', 'down'],
      ]);
      expect(results[1]?.error).toContain('-ERR invalid password for AUTH [REDACTED]');
      expect(JSON.stringify(results)).not.toContain('hunter3');
    } finally {
      await server.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
