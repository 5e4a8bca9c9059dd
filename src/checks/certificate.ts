/**
 * Certificate facts and verdicts shared by the `tls` runner (and usable by any runner that holds
 * a TLS socket): subject, issuer, names, validity and days left, and one sentence per problem.
 *
 * Pure except for reading the socket's peer certificate; `now` is passed in.
 */
import { isIP } from 'node:net';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';

const DAY_MS = 86_400_000;

/** What the page and the reports show about a certificate; plain JSON. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** Subject alternative names as `DNS:name` / `IP:address`. */
  sans: string[];
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** Whether the chain verified against the trusted CAs (name not included). */
  trusted: boolean;
  fingerprint256: string;
}

/** `2026-11-21T00:00:00Z`: ISO-8601 UTC without milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function formatName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** `DNS:a.test, IP Address:127.0.0.1` → `['DNS:a.test', 'IP:127.0.0.1']`. */
export function parseSans(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(/,\s*/)
    .map((s) => s.trim().replace(/^IP Address:/, 'IP:'))
    .filter((s) => s !== '');
}

export function certificateFacts(cert: PeerCertificate, trusted: boolean, now: Date): CertificateFacts {
  const notBefore = new Date(cert.valid_from);
  const notAfter = new Date(cert.valid_to);
  return {
    subject: formatName(cert.subject as unknown as Record<string, string | string[]>),
    issuer: formatName(cert.issuer as unknown as Record<string, string | string[]>),
    sans: parseSans(cert.subjectaltname),
    notBefore: isoSeconds(notBefore),
    notAfter: isoSeconds(notAfter),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    trusted,
    fingerprint256: cert.fingerprint256,
  };
}

/** `3 days`, `1 day`, `5 hours`, `1 minute`: the largest whole unit of a duration. */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (abs >= DAY_MS) return unit(Math.floor(abs / DAY_MS), 'day');
  if (abs >= 3_600_000) return unit(Math.floor(abs / 3_600_000), 'hour');
  return unit(Math.max(1, Math.floor(abs / 60_000)), 'minute');
}

/** The names a certificate is valid for, for "certificate is for X, not Y". */
export function certificateNames(facts: Pick<CertificateFacts, 'sans' | 'subject'>): string {
  const names = facts.sans.map((s) => s.replace(/^(DNS|IP):/, ''));
  if (names.length > 0) return names.join(', ');
  const cn = /(?:^|, )CN=([^,]+)/.exec(facts.subject);
  return cn?.[1] ?? 'no name at all';
}

/** Sentences for the chain errors OpenSSL reports (with `rejectUnauthorized: false`). */
function untrustedSentence(code: string, facts: CertificateFacts): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return `TLS certificate is self-signed and not trusted (${code})`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `TLS certificate chain ends in an untrusted self-signed root (${code})`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS certificate is issued by an untrusted or unknown authority (${facts.issuer || 'no issuer'}; missing intermediate or CA not trusted; ${code})`;
    case 'CERT_HAS_EXPIRED':
      return `a certificate in the TLS chain has expired (${code})`;
    case 'CERT_NOT_YET_VALID':
      return `a certificate in the TLS chain is not yet valid (${code})`;
    case 'CERT_REVOKED':
      return `TLS certificate has been revoked (${code})`;
    default:
      return `TLS certificate chain is not trusted (${code})`;
  }
}

export interface CertificateVerdict {
  facts: CertificateFacts;
  /** Sentences for what makes the certificate unusable: expired, not yet valid, wrong name, untrusted. */
  problems: string[];
}

/**
 * Inspects the peer certificate of a connected TLS socket (connected with
 * `rejectUnauthorized: false`) for `name` (the host name or IP address the client wanted).
 * Returns null when the server sent no certificate.
 */
export function inspectCertificate(socket: TLSSocket, name: string, now: Date): CertificateVerdict | null {
  const cert = socket.getPeerCertificate(false);
  if (!cert || Object.keys(cert).length === 0) return null;
  const facts = certificateFacts(cert, socket.authorized, now);
  const problems: string[] = [];
  const notAfter = new Date(cert.valid_to);
  const notBefore = new Date(cert.valid_from);
  const leafDates = now > notAfter || now < notBefore;
  if (now > notAfter) {
    problems.push(`TLS certificate expired ${humanDuration(now.getTime() - notAfter.getTime())} ago (notAfter ${facts.notAfter})`);
  } else if (now < notBefore) {
    problems.push(`TLS certificate is not valid yet: valid from ${facts.notBefore}, in ${humanDuration(notBefore.getTime() - now.getTime())}`);
  }
  const mismatch = tls.checkServerIdentity(isIP(name) === 6 ? name.replace(/^\[|\]$/g, '') : name, cert);
  if (mismatch) problems.push(`TLS certificate is for ${certificateNames(facts)}, not ${name}`);
  const code = socket.authorizationError ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError) : null;
  const dateCode = code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID';
  if (code && !(dateCode && leafDates)) problems.push(untrustedSentence(code, facts));
  return { facts, problems };
}

/** Expiry thresholds: down within `criticalDays`, degraded within `warningDays`, else null. */
export function expiryVerdict(
  facts: CertificateFacts,
  now: Date,
  warningDays: number,
  criticalDays: number,
): { status: 'degraded' | 'down'; error: string } | null {
  const left = new Date(facts.notAfter).getTime() - now.getTime();
  if (left < 0) return null;
  const when = `TLS certificate expires in ${humanDuration(left)} (notAfter ${facts.notAfter})`;
  if (left < criticalDays * DAY_MS) return { status: 'down', error: `${when}, inside the critical window of ${criticalDays} days` };
  if (left < warningDays * DAY_MS) return { status: 'degraded', error: `${when}, inside the warning window of ${warningDays} days` };
  return null;
}
