import { describe, expect, it } from 'vitest';
import { tcpRunner } from './tcp.ts';
import { attemptContext, closedPort, startTcpServer, tcpCheck, unresponsivePort } from './test-helpers.ts';

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

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
