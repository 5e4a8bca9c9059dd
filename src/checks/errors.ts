/**
 * One human sentence for each way a connection can fail, shared by the runners.
 *
 * Runners never throw for target failures: they turn the error into one of these messages, and
 * the engine redacts it. Each message names the error code (so it can be searched for) and the
 * address involved, e.g. `connection refused (ECONNREFUSED 127.0.0.1:8080)`.
 */

/** The host and port a runner was talking to when the error happened. */
export interface Target {
  host: string;
  port: number | string | null;
}

interface ErrnoLike {
  message: string;
  code?: string;
  address?: string;
  port?: number;
  hostname?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** Reasons for the certificate and handshake errors worth spelling out. */
const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the certificate chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate has been revoked',
  CERT_UNTRUSTED: 'certificate is not trusted',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the certificate (incomplete chain or unknown authority)',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate issued by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issued by an unknown authority',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is not valid for this host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server did not answer with TLS (plain HTTP on an https:// URL?)',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'no TLS version in common with the server',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'no TLS version in common with the server',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'handshake failure (no cipher or TLS version in common?)',
};

/** Messages for plain socket and resolver errors; `where` is `host:port` or a host name. */
const SOCKET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed by the server while sending the request',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host is down',
  ENETUNREACH: 'network unreachable',
  ENETDOWN: 'network is down',
  EADDRNOTAVAIL: 'address not available',
  ENOTFOUND: 'DNS lookup failed: host not found',
  EAI_AGAIN: 'DNS lookup failed: temporary resolver failure',
  EAI_FAIL: 'DNS lookup failed: resolver failure',
  EAI_NODATA: 'DNS lookup failed: no address for this host',
  ENODATA: 'DNS lookup failed: no address for this host',
  ESERVFAIL: 'DNS lookup failed: server failure',
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);

function asErrno(err: unknown): ErrnoLike {
  if (err !== null && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err as ErrnoLike;
  return { message: String(err) };
}

/** The message of any thrown value, for `internal error: <message>`. */
export function messageOf(err: unknown): string {
  const e = asErrno(err);
  return e.message || (err instanceof Error ? err.name : String(err));
}

export function formatHostPort(host: string, port: number | string | null | undefined): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === null || port === undefined || port === '' ? h : `${h}:${port}`;
}

function addressOf(e: ErrnoLike, target: Target): string {
  if (e.address) return formatHostPort(e.address, e.port ?? null);
  return formatHostPort(target.host, target.port);
}

/** Whether an error comes from the TLS layer (certificate or handshake). */
export function isTlsError(err: unknown): boolean {
  const e = asErrno(err);
  const code = e.code ?? '';
  return code in TLS_REASONS || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_') || /SSL routines|TLS/i.test(e.message);
}

function describeTls(e: ErrnoLike, target: Target): string {
  const code = e.code ?? '';
  let reason = TLS_REASONS[code];
  if (!reason) {
    // OpenSSL messages look like "8060...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...".
    const openssl = /SSL routines:[^:]*:([^:]+)/.exec(e.message);
    reason = openssl?.[1] ?? e.message.trim();
  }
  const where = formatHostPort(target.host, target.port);
  return `TLS error: ${reason} (${code ? `${code} ` : ''}${where})`;
}

/**
 * One sentence for a connection-level failure: refused, reset, DNS, TLS, unreachable.
 * Unknown errors keep their own message and code.
 */
export function describeNetworkError(err: unknown, target: Target): string {
  const e = asErrno(err);
  // Happy-eyeballs (autoSelectFamily) reports every address it tried in one AggregateError.
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    const inner = e.errors.map(asErrno);
    const code = e.code ?? inner[0]?.code;
    if (code && inner.every((x) => x.code === code) && SOCKET_REASONS[code]) {
      const wheres = [...new Set(inner.map((x) => addressOf(x, target)))];
      return `${SOCKET_REASONS[code]} (${code} ${wheres.join(', ')})`;
    }
    return describeNetworkError(inner[0], target);
  }
  const code = e.code;
  if (isTlsError(e)) return describeTls(e, target);
  if (code && DNS_CODES.has(code)) return `${SOCKET_REASONS[code]} (${code} ${e.hostname ?? target.host})`;
  if (code && SOCKET_REASONS[code]) return `${SOCKET_REASONS[code]} (${code} ${addressOf(e, target)})`;
  if (code === 'UND_ERR_SOCKET') {
    return `connection closed by the server before the response was complete (${formatHostPort(target.host, target.port)})`;
  }
  // Errors wrapped by a library carry the socket error as their cause.
  if (e.cause !== undefined && e.cause !== null && typeof e.cause === 'object') {
    const inner = asErrno(e.cause);
    if (inner.code && (SOCKET_REASONS[inner.code] || isTlsError(inner))) return describeNetworkError(inner, target);
  }
  return code ? `${e.message} (${code})` : e.message;
}
