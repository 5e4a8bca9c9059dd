import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { icmpPing, parsePingOutput, pingRunner } from './ping.ts';
import { attemptContext, closedPort, hasIpv6Loopback, pingCheck, startTcpServer, unresponsivePort } from './test-helpers.ts';

/**
 * Whether the system ping exists and may send ICMP here. In CI a missing `ping` is a failure
 * (`.ci/run` installs iputils-ping); a kernel that forbids ICMP to this user (no CAP_NET_RAW, no
 * ping_group_range) is a property of the machine, not of Cairn, and skips the ICMP tests.
 */
async function icmpWorks(): Promise<boolean> {
  try {
    await promisify(execFile)('ping', ['-n', '-c', '1', '-W', '2', '127.0.0.1']);
    return true;
  } catch (err) {
    const text = `${String(err)} ${(err as { stderr?: string }).stderr ?? ''}`;
    if (/not permitted|permission denied|EPERM|EACCES/i.test(text)) {
      console.warn(`ICMP is not allowed on this machine; ICMP ping tests skipped: ${text.trim()}`);
      return false;
    }
    if (process.env['CI']) throw new Error(`the system ping does not work here: ${text}`);
    return false;
  }
}

describe('pingRunner over TCP', () => {
  it('is up when every connection succeeds, with min/avg/max and no loss', async () => {
    const server = await startTcpServer();
    try {
      const out = await pingRunner.attempt(pingCheck({ port: server.port, count: 4 }), attemptContext(5000));
      expect(out).toMatchObject({ status: 'up', error: null });
      expect(out.details).toMatchObject({ mode: 'tcp', sent: 4, received: 4, lossPercent: 0 });
      const d = out.details as { minMs: number; avgMs: number; maxMs: number };
      expect(d.minMs).toBeLessThanOrEqual(d.avgMs);
      expect(d.avgMs).toBeLessThanOrEqual(d.maxMs);
      expect(out.responseTimeMs).toBe(d.avgMs);
      expect(server.connections).toBe(4);
    } finally {
      await server.close();
    }
  });

  it('is down when every connection is refused', async () => {
    const port = await closedPort();
    const out = await pingRunner.attempt(pingCheck({ port }), attemptContext(5000));
    expect(out).toMatchObject({
      status: 'down',
      responseTimeMs: null,
      error: `all 3 TCP connections to 127.0.0.1:${port} failed (100% loss): connection refused (ECONNREFUSED 127.0.0.1:${port})`,
      details: { sent: 3, received: 0, lossPercent: 100, minMs: null },
    });
  });

  it('is degraded, or down, by the loss thresholds (a listener whose queue holds 2 connections)', async () => {
    // perl listens with a backlog of 1 and never accepts: the kernel completes two connections,
    // and the third hangs until the probe's timeout (3000 / 3 ms).
    const stuck = await unresponsivePort({ fill: false });
    try {
      const out = await pingRunner.attempt(pingCheck({ port: stuck.port }), attemptContext(3000));
      expect(out.status).toBe('degraded');
      expect(out.error).toBe(
        `1 of 3 TCP connections to 127.0.0.1:${stuck.port} failed (33% loss, above the warning 0%): timed out after 1000 ms connecting to 127.0.0.1:${stuck.port}`,
      );
      expect(out.details).toMatchObject({ sent: 3, received: 2, lossPercent: 33.3 });
    } finally {
      await stuck.close();
    }
    const strict = await unresponsivePort({ fill: false });
    try {
      const out = await pingRunner.attempt(pingCheck({ port: strict.port, loss: { degradedPercent: 0, downPercent: 20 } }), attemptContext(3000));
      expect(out.status).toBe('down');
      expect(out.error).toBe(
        `1 of 3 TCP connections to 127.0.0.1:${strict.port} failed (33% loss, above the critical 20%): timed out after 1000 ms connecting to 127.0.0.1:${strict.port}`,
      );
    } finally {
      await strict.close();
    }
  });

  it('pings over IPv6 loopback', async (ctx) => {
    if (!(await hasIpv6Loopback())) {
      if (process.env['CI']) throw new Error('::1 is not available on this machine');
      ctx.skip();
    }
    const out = await pingRunner.attempt(pingCheck({ host: '::1', port: await closedPort() }), attemptContext(5000));
    expect(out.status).toBe('down');
    expect(out.error).toMatch(/^all 3 TCP connections to \[::1\]:\d+ failed \(100% loss\): connection refused \(ECONNREFUSED \[::1\]:\d+\)$/);
  });
});

describe('pingRunner over ICMP (system ping)', () => {
  it('pings 127.0.0.1 and ::1', async (ctx) => {
    if (!(await icmpWorks())) ctx.skip();
    const out = await pingRunner.attempt(pingCheck({ icmp: true, port: null, count: 2 }), attemptContext(10_000));
    expect(out).toMatchObject({ status: 'up', error: null, details: { mode: 'icmp', sent: 2, received: 2, lossPercent: 0 } });
    expect(typeof out.responseTimeMs).toBe('number');
    if (await hasIpv6Loopback()) {
      const v6 = await pingRunner.attempt(pingCheck({ icmp: true, host: '::1', port: null, count: 1 }), attemptContext(10_000));
      expect(v6).toMatchObject({ status: 'up', details: { received: 1 } });
    }
  });

  it('says so clearly when the ping command is missing', async () => {
    const out = await icmpPing('127.0.0.1', 1, attemptContext(5000), 'cairn-no-such-ping');
    expect(out).toEqual({
      error: 'ICMP ping needs the system "cairn-no-such-ping" command, which is not installed (install iputils-ping, or remove icmp: true to ping over TCP)',
    });
  });
});

describe('parsePingOutput', () => {
  it('reads iputils output', () => {
    const text = [
      'PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.',
      '64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.050 ms',
      '',
      '--- 10.0.0.1 ping statistics ---',
      '3 packets transmitted, 1 received, 66.6667% packet loss, time 2003ms',
      'rtt min/avg/max/mdev = 0.050/0.050/0.050/0.000 ms',
    ].join('\n');
    expect(parsePingOutput(text)).toEqual({ sent: 3, received: 1, minMs: 0.1, avgMs: 0.1, maxMs: 0.1 });
  });

  it('reads BusyBox output and total loss', () => {
    expect(parsePingOutput('3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 1.234/2.345/3.456 ms')).toEqual({
      sent: 3,
      received: 3,
      minMs: 1.2,
      avgMs: 2.3,
      maxMs: 3.5,
    });
    expect(parsePingOutput('2 packets transmitted, 0 received, 100% packet loss, time 1010ms')).toEqual({
      sent: 2,
      received: 0,
      minMs: null,
      avgMs: null,
      maxMs: null,
    });
    expect(parsePingOutput('ping: unknown host')).toBeNull();
  });
});
