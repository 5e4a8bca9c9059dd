/**
 * Ping checks: `count` probes, one after the other, reporting min/avg/max latency and loss.
 *
 * - TCP (default; ICMP is blocked on GitHub-hosted runners): each probe opens a TCP connection
 *   to host:port and closes it; latency is the connect time. Each probe may take
 *   timeout / count.
 * - ICMP (`icmp: true`): runs the system `ping` (iputils, or BusyBox) once with `-c count` and
 *   parses its summary. A missing or unusable `ping` is a `down` with the reason, not a crash.
 *
 * Loss above `loss.down` percent is down, above `loss.degraded` degraded; no reply at all is
 * always down. `responseTimeMs` is the average latency (0.1 ms resolution), so the response-time
 * thresholds apply to it. `details`: mode, sent, received, lossPercent, minMs, avgMs, maxMs.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { TCP_CONNECT_ONLY } from '../config/resolve.ts';
import type { ResolvedPingCheck, ResolvedTcpCheck } from '../config/types.ts';
import { formatHostPort } from './errors.ts';
import { tcpRunner } from './tcp.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

export interface PingStats {
  sent: number;
  received: number;
  minMs: number | null;
  avgMs: number | null;
  maxMs: number | null;
  /** Distinct reasons probes failed, in order of first appearance. */
  errors: string[];
}

const tenth = (ms: number) => Math.round(ms * 10) / 10;

export function statsOf(latencies: readonly number[], sent: number, errors: string[]): PingStats {
  if (latencies.length === 0) return { sent, received: 0, minMs: null, avgMs: null, maxMs: null, errors };
  return {
    sent,
    received: latencies.length,
    minMs: tenth(Math.min(...latencies)),
    avgMs: tenth(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    maxMs: tenth(Math.max(...latencies)),
    errors,
  };
}

async function tcpPing(check: ResolvedPingCheck, port: number, ctx: AttemptContext): Promise<PingStats> {
  const probeTimeoutMs = Math.max(1, Math.floor(ctx.timeoutMs / check.count));
  const probe: ResolvedTcpCheck = { ...check, ...TCP_CONNECT_ONLY, kind: 'tcp', port };
  const latencies: number[] = [];
  const errors: string[] = [];
  let sent = 0;
  for (let i = 0; i < check.count && !ctx.signal.aborted; i++) {
    sent += 1;
    const started = performance.now();
    const out = await tcpRunner.attempt(probe, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(probeTimeoutMs)]), timeoutMs: probeTimeoutMs });
    if (out.status === 'up') latencies.push(performance.now() - started);
    else if (out.error && !errors.includes(out.error)) errors.push(out.error);
  }
  return statsOf(latencies, sent, errors);
}

/**
 * Parses the output of iputils or BusyBox `ping`: the packet counts line and, when any reply came
 * back, the `rtt min/avg/max` line. Null when the output has no summary.
 */
export function parsePingOutput(output: string): Omit<PingStats, 'errors'> | null {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  if (!counts) return null;
  const sent = Number(counts[1]);
  const received = Number(counts[2]);
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/[a-z]+)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(output);
  if (!rtt || received === 0) return { sent, received, minMs: null, avgMs: null, maxMs: null };
  return { sent, received, minMs: tenth(Number(rtt[1])), avgMs: tenth(Number(rtt[2])), maxMs: tenth(Number(rtt[3])) };
}

/** Runs the system ping; resolves with stats or an error sentence. `command` is for tests. */
export function icmpPing(host: string, count: number, ctx: AttemptContext, command = 'ping'): Promise<PingStats | { error: string }> {
  const waitS = Math.max(1, Math.ceil(ctx.timeoutMs / count / 1000));
  const deadlineS = Math.max(1, Math.floor(ctx.timeoutMs / 1000));
  const args = ['-n', '-c', String(count), '-i', '0.2', '-W', String(waitS), '-w', String(deadlineS), host];
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const finish = (value: PingStats | { error: string }) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    function onAbort() {
      child.kill('SIGKILL');
      finish({ error: `timed out after ${ctx.timeoutMs} ms waiting for the system ping to ${host}` });
    }
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', (err: NodeJS.ErrnoException) => {
      finish({
        error:
          err.code === 'ENOENT'
            ? `ICMP ping needs the system "${command}" command, which is not installed (install iputils-ping, or remove icmp: true to ping over TCP)`
            : `cannot run the system "${command}" command: ${err.message}`,
      });
    });
    child.once('close', (code) => {
      const parsed = parsePingOutput(out);
      if (parsed) return finish({ ...parsed, errors: [] });
      const said = out.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${code}`;
      if (/not permitted|permission denied|operation not permitted|socket:/i.test(said)) {
        return finish({ error: `the system ping cannot send ICMP here (${said}); use a TCP ping (remove icmp: true)` });
      }
      finish({ error: `the system ping to ${host} failed: ${said.replace(/^ping:\s*/, '')}` });
    });
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function lossPercent(stats: PingStats): number {
  return stats.sent === 0 ? 100 : ((stats.sent - stats.received) / stats.sent) * 100;
}

/** The verdict on a set of probes, with the loss thresholds of the check. */
export function pingOutcome(check: ResolvedPingCheck, stats: PingStats, probe: { noun: string; target: string; failed: string }): AttemptOutcome {
  const loss = lossPercent(stats);
  const lossText = `${Math.round(loss)}%`;
  const details: Record<string, unknown> = {
    mode: check.icmp ? 'icmp' : 'tcp',
    sent: stats.sent,
    received: stats.received,
    lossPercent: Math.round(loss * 10) / 10,
    minMs: stats.minMs,
    avgMs: stats.avgMs,
    maxMs: stats.maxMs,
  };
  const why = stats.errors.length > 0 ? `: ${stats.errors.slice(0, 2).join('; ')}` : '';
  const failed = stats.sent - stats.received;
  const { noun, target } = probe;
  if (stats.received === 0) {
    const none = stats.sent === 1 ? `the only ${noun} ${target} ${probe.failed}` : `all ${stats.sent} ${noun}s ${target} ${probe.failed}`;
    return { status: 'down', responseTimeMs: null, error: `${none} (100% loss)${why}`, details };
  }
  const base = `${failed} of ${stats.sent} ${noun}s ${target} ${probe.failed} (${lossText} loss`;
  if (loss > check.loss.downPercent) {
    return { status: 'down', responseTimeMs: stats.avgMs, error: `${base}, above the critical ${check.loss.downPercent}%)${why}`, details };
  }
  if (loss > check.loss.degradedPercent) {
    return { status: 'degraded', responseTimeMs: stats.avgMs, error: `${base}, above the warning ${check.loss.degradedPercent}%)${why}`, details };
  }
  return { status: 'up', responseTimeMs: stats.avgMs, error: null, details };
}

async function attempt(check: ResolvedPingCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  if (check.icmp) {
    const result = await icmpPing(check.host, check.count, ctx);
    if ('error' in result) return { status: 'down', responseTimeMs: null, error: result.error, details: { mode: 'icmp' } };
    return pingOutcome(check, result, { noun: 'ICMP echo request', target: `to ${check.host}`, failed: 'got no reply' });
  }
  if (check.port === null) return { status: 'down', responseTimeMs: null, error: 'a TCP ping needs a port (or set icmp: true)' };
  const stats = await tcpPing(check, check.port, ctx);
  return pingOutcome(check, stats, { noun: 'TCP connection', target: `to ${formatHostPort(check.host, check.port)}`, failed: 'failed' });
}

export const pingRunner: CheckRunner<ResolvedPingCheck> = { kind: 'ping', attempt };
