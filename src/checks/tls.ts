/**
 * TLS certificate checks: connect, complete the handshake without rejecting anything, then judge
 * the certificate ourselves so every problem gets its own sentence:
 *
 * - expired, not yet valid, issued for another name, untrusted chain (self-signed, unknown CA):
 *   `down`, every problem named (`TLS certificate expired 3 days ago (notAfter ...)`);
 * - expiring within `criticalDays`: `down`; within `warningDays`: `degraded`.
 *
 * The name checked is `servername` if set, else `host`; SNI is sent unless it is an IP address.
 * `ca` (PEM) replaces the system's trusted CAs. `responseTimeMs` is connect + handshake time;
 * `details` holds the certificate facts (subject, issuer, SANs, notBefore, notAfter, daysLeft,
 * trusted, fingerprint256) plus `protocol`.
 */
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { ResolvedTlsCheck } from '../config/types.ts';
import { expiryVerdict, inspectCertificate } from './certificate.ts';
import { describeNetworkError, formatHostPort } from './errors.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

function attempt(check: ResolvedTlsCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const where = formatHostPort(check.host, check.port);
  const target = { host: check.host, port: check.port };
  const name = check.servername ?? check.host;
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    let connected = false;
    const socket = tls.connect({
      host: check.host,
      port: check.port,
      ...(isIP(name) === 0 ? { servername: name } : {}),
      rejectUnauthorized: false,
      // The name is matched by inspectCertificate; authorizationError then is about the chain only.
      checkServerIdentity: () => undefined,
      ...(check.ca === null ? {} : { ca: check.ca }),
    });

    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    function onAbort() {
      const phase = connected ? `during the TLS handshake with ${where}` : `connecting to ${where}`;
      finish({ status: 'down', responseTimeMs: null, error: `timed out after ${ctx.timeoutMs} ms ${phase}` });
    }

    socket.on('error', (err) => finish({ status: 'down', responseTimeMs: null, error: describeNetworkError(err, target) }));
    socket.once('connect', () => (connected = true));
    socket.once('secureConnect', () => {
      const handshakeMs = Math.round(performance.now() - started);
      const at = new Date();
      const verdict = inspectCertificate(socket, name, at);
      if (verdict === null) {
        finish({ status: 'down', responseTimeMs: handshakeMs, error: `the server at ${where} sent no TLS certificate` });
        return;
      }
      const details: Record<string, unknown> = { ...verdict.facts, protocol: socket.getProtocol(), handshakeMs };
      if (verdict.problems.length > 0) {
        finish({ status: 'down', responseTimeMs: handshakeMs, error: verdict.problems.join('; '), details });
        return;
      }
      const expiry = expiryVerdict(verdict.facts, at, check.warningDays, check.criticalDays);
      finish({ status: expiry?.status ?? 'up', responseTimeMs: handshakeMs, error: expiry?.error ?? null, details });
    });

    if (ctx.signal.aborted) {
      onAbort();
      return;
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const tlsRunner: CheckRunner<ResolvedTlsCheck> = { kind: 'tls', attempt };
