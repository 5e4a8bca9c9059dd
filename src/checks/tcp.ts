/**
 * TCP checks: open a connection within the timeout (speaking TLS when `tls` is set), optionally
 * send bytes, optionally read the answer until it holds what `expect` says. The connection is
 * closed (destroyed) in every case.
 *
 * - Connect only: up once connected (with tls: once the handshake verified the certificate);
 *   `responseTimeMs` is the connect time, DNS lookup (and handshake) included.
 * - `send` without `expect`: up once the bytes are written.
 * - `expect`: the answer (after `send`, if any) is read until it contains every `contains` text
 *   and matches `matches` (JavaScript syntax, flags `m` and `u`: `^` and `$` match at the start
 *   and end of every line, as line-based protocols need), as UTF-8 text: up at once, with the time
 *   from the start until then. Down when the server closes first, when `maxBytes` were read
 *   without a match (reading stops there: memory stays bounded whatever the server sends), when
 *   `readTimeoutMs` passes, or the attempt's timeout; the sentence quotes what was received.
 *
 * Details (whole milliseconds from the start): `connectMs` (TCP connected), `dnsMs` (lookup, for a
 * host name), `tlsMs` (the handshake alone), `firstByteMs` (first byte of the answer), `bytesRead`,
 * `address`.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { ResolvedTcpCheck, TcpExpectation } from '../config/types.ts';
import { describeNetworkError, formatHostPort } from './errors.ts';
import { tlsOptions, unloadedCaFile } from './trust.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

type Phase = 'connecting' | 'handshake' | 'sending' | 'reading';

/** Characters of the answer quoted in a message. */
const PREVIEW_CHARS = 100;

/** Whether an answer holds every `contains` text and matches `matches` (`^`, `$` at every line). */
export function answerMatches(text: string, expect: TcpExpectation): boolean {
  return expect.contains.every((c) => text.includes(c)) && (expect.matches === null || new RegExp(expect.matches, 'mu').test(text));
}

/** `contains "220"`, `contains "a" and "b", matches /^\+PONG/`. */
export function describeExpectation(expect: TcpExpectation): string {
  const parts: string[] = [];
  if (expect.contains.length > 0) parts.push(`contains ${expect.contains.map((c) => JSON.stringify(c)).join(' and ')}`);
  if (expect.matches !== null) parts.push(`matches /${expect.matches}/`);
  return parts.join(', ');
}

/** The answer as a quoted string with its control characters escaped, cut after `PREVIEW_CHARS`. */
export function previewAnswer(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const cut = text.length > PREVIEW_CHARS;
  return `${JSON.stringify(cut ? text.slice(0, PREVIEW_CHARS) : text)}${cut ? '…' : ''} (${bytes.length} byte${bytes.length === 1 ? '' : 's'})`;
}

/** SNI: the servername given, else the host unless it is an IP address (SNI takes names only). */
function serverName(check: ResolvedTcpCheck): string | undefined {
  if (check.servername !== null) return check.servername;
  return net.isIP(check.host) === 0 ? check.host : undefined;
}

function open(check: ResolvedTcpCheck): net.Socket {
  if (!check.tls) return net.connect({ host: check.host, port: check.port });
  const servername = serverName(check);
  return tls.connect({ host: check.host, port: check.port, ...(servername ? { servername } : {}), ...tlsOptions(check) });
}

function attempt(check: ResolvedTcpCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const where = formatHostPort(check.host, check.port);
  const target = { host: check.host, port: check.port };
  const unloaded = check.tls ? unloadedCaFile(check) : null;
  if (unloaded !== null) return Promise.resolve({ status: 'down', responseTimeMs: null, error: unloaded });
  const expect = check.expect;
  const sendBytes = check.sendHex === null ? null : Buffer.from(check.sendHex, 'hex');
  const expected = expect ? `; expected: ${describeExpectation(expect)}` : '';
  if (ctx.signal.aborted) return Promise.resolve({ status: 'down', responseTimeMs: null, error: `timed out after ${ctx.timeoutMs} ms connecting to ${where}` });

  return new Promise((resolve) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const marks: { dnsMs?: number; connectMs?: number; tlsMs?: number; firstByteMs?: number } = {};
    let phase: Phase = 'connecting';
    let settled = false;
    let readTimer: NodeJS.Timeout | undefined;
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    const socket = open(check);
    let address: string | null = null;

    const answer = () => Buffer.concat(chunks);
    const details = (): Record<string, unknown> => ({
      ...marks,
      ...(expect ? { bytesRead } : {}),
      address,
    });
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(readTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...outcome, details: details() });
    };
    const up = (at = elapsed()) => finish({ status: 'up', responseTimeMs: at, error: null });
    const down = (error: string) => finish({ status: 'down', responseTimeMs: null, error });
    const afterSending = () => (sendBytes ? ` after sending ${sendBytes.length} byte${sendBytes.length === 1 ? '' : 's'}` : '');

    function onAbort() {
      const base = `timed out after ${ctx.timeoutMs} ms`;
      if (phase === 'connecting') return down(`${base} connecting to ${where}`);
      if (phase === 'handshake') return down(`${base} in the TLS handshake with ${where}`);
      if (phase === 'sending') return down(`${base} sending to ${where}`);
      const got = bytesRead === 0 ? 'no answer' : `answer so far ${previewAnswer(answer())}`;
      return down(`${base} waiting for the answer from ${where}${afterSending()}: ${got}${expected}`);
    }

    function onData(chunk: Buffer) {
      if (settled || !expect) return;
      marks.firstByteMs ??= elapsed();
      const room = check.maxBytes - bytesRead;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      bytesRead += kept.length;
      if (answerMatches(answer().toString('utf8'), expect)) return up();
      if (bytesRead >= check.maxBytes) {
        // Stop reading: what a server sends beyond the cap is never buffered.
        return down(`unexpected answer from ${where}: no match in the first ${check.maxBytes} bytes (maxBytes): ${previewAnswer(answer())}${expected}`);
      }
    }

    function onClosed() {
      if (settled) return;
      if (phase === 'sending') return down(`connection closed by ${where} while sending ${sendBytes?.length ?? 0} bytes`);
      if (phase !== 'reading') return down(`connection closed by ${where} during the ${phase === 'handshake' ? 'TLS handshake' : 'connection'}`);
      if (bytesRead === 0) return down(`connection closed by ${where} without an answer${afterSending()}${expected}`);
      return down(`unexpected answer from ${where}: ${previewAnswer(answer())}, then the connection closed${expected}`);
    }

    function startReading() {
      phase = 'reading';
      if (check.readTimeoutMs === null) return;
      readTimer = setTimeout(() => {
        const got = bytesRead === 0 ? `no answer within ${check.readTimeoutMs} ms` : `no matching answer within ${check.readTimeoutMs} ms: ${previewAnswer(answer())}`;
        down(`${got} from ${where}${afterSending()} (readTimeout)${expected}`);
      }, check.readTimeoutMs);
    }

    function ready() {
      // Nothing to exchange: the response time is the connect (and handshake) time, as measured.
      if (!sendBytes && !expect) return up(check.tls ? (marks.connectMs ?? 0) + (marks.tlsMs ?? 0) : marks.connectMs);
      if (!sendBytes) return startReading();
      phase = 'sending';
      socket.write(sendBytes, (err) => {
        // A write error also reaches the 'error' listener, which says what happened.
        if (err || settled) return;
        if (expect) startReading();
        else up();
      });
    }

    ctx.signal.addEventListener('abort', onAbort, { once: true });
    // Keep listening for errors after settling: a late error must not become an uncaught exception.
    socket.on('error', (err) => {
      const reason = describeNetworkError(err, target);
      down(phase === 'reading' && bytesRead > 0 ? `${reason} after ${bytesRead} bytes of the answer ${previewAnswer(answer())}${expected}` : reason);
    });
    socket.once('lookup', (err) => {
      if (!err && net.isIP(check.host) === 0) marks.dnsMs = elapsed();
    });
    socket.once('connect', () => {
      marks.connectMs = elapsed();
      address = socket.remoteAddress ?? null;
      if (check.tls) phase = 'handshake';
      else ready();
    });
    if (check.tls) {
      socket.once('secureConnect', () => {
        marks.tlsMs = elapsed() - (marks.connectMs ?? 0);
        ready();
      });
    }
    // Data that arrives before a send completes (a banner) is part of the answer too.
    socket.on('data', onData);
    socket.once('end', onClosed);
    socket.once('close', onClosed);
  });
}

export const tcpRunner: CheckRunner<ResolvedTcpCheck> = { kind: 'tcp', attempt };
