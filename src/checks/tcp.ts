/**
 * TCP checks: open a connection within the timeout, measure how long it took, close it.
 *
 * `responseTimeMs` is the connect time in whole milliseconds, DNS lookup included;
 * `details.dnsMs` is the lookup alone when the host is a name rather than an address.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ResolvedTcpCheck } from '../config/types.ts';
import { describeNetworkError, formatHostPort } from './errors.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

function attempt(check: ResolvedTcpCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const where = formatHostPort(check.host, check.port);
  const target = { host: check.host, port: check.port };
  return new Promise((resolve) => {
    const started = performance.now();
    let dnsMs: number | null = null;
    let settled = false;
    const socket = new net.Socket();

    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    function onAbort() {
      finish({ status: 'down', responseTimeMs: null, error: `timed out after ${ctx.timeoutMs} ms connecting to ${where}` });
    }

    // Keep listening for errors after settling: a late error must not become an uncaught exception.
    socket.on('error', (err) => finish({ status: 'down', responseTimeMs: null, error: describeNetworkError(err, target) }));
    socket.once('lookup', (err) => {
      if (!err) dnsMs = Math.round(performance.now() - started);
    });
    socket.once('connect', () => {
      const connectMs = Math.round(performance.now() - started);
      const details: Record<string, unknown> = { connectMs, ...(dnsMs === null ? {} : { dnsMs }), address: socket.remoteAddress ?? null };
      finish({ status: 'up', responseTimeMs: connectMs, error: null, details });
    });

    if (ctx.signal.aborted) {
      onAbort();
      return;
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.connect({ host: check.host, port: check.port });
  });
}

export const tcpRunner: CheckRunner<ResolvedTcpCheck> = { kind: 'tcp', attempt };
