/**
 * Domain expiry checks through RDAP: find the registry's RDAP server (the check's `rdap`, else
 * the IANA bootstrap file), fetch `<base>/domain/<name>` (Accept: application/rdap+json,
 * redirects followed: RDAP servers and aggregators redirect to the authoritative one), and judge
 * the registration:
 *
 * - expired, or within `criticalDays`: `down`; within `warningDays`: `degraded`;
 * - in redemption, pending delete, or on hold (out of the DNS): `down`;
 * - not registered (404), an error status, an answer that is not an RDAP domain object: `down`;
 * - no expiration event (some registries publish none): `degraded`, saying so.
 *
 * The bootstrap file is fetched once per process and URL (shared by every domain check of the
 * run, kept an hour for `cairn serve`); a failed fetch is not kept. `responseTimeMs` is the time
 * of the domain query; `details` holds the facts (registrar, expiresAt, daysLeft, ...) and the
 * RDAP server asked.
 */
import type { HttpRequestSpec, ResolvedDomainCheck, TlsTrust } from '../config/types.ts';
import { exchange, formatStatus } from './http.ts';
import { type Bootstrap, domainUrl, domainVerdict, parseBootstrap, parseDomainAnswer, rdapErrorText, rdapServerFor } from './rdap.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

const SYSTEM_TRUST: TlsTrust = { ca: null, caFile: null, insecureSkipVerify: false };
const RDAP_ACCEPT = 'application/rdap+json, application/json;q=0.9';
/** Bootstrap files are a few tens of KiB; a domain answer a few KiB. */
const MAX_RDAP_BYTES = 2 * 1024 * 1024;
const BOOTSTRAP_TTL_MS = 3_600_000;

function rdapRequest(url: string): HttpRequestSpec {
  return {
    url,
    method: 'GET',
    headers: { accept: RDAP_ACCEPT },
    query: {},
    body: null,
    expectStatus: ['2xx'],
    maxRedirects: 5,
    maxBodyBytes: MAX_RDAP_BYTES,
    assert: null,
  };
}

const bootstraps = new Map<string, { at: number; value: Promise<Bootstrap | string> }>();

/** Forgets the cached bootstrap files (tests). */
export function clearBootstrapCache(): void {
  bootstraps.clear();
}

async function fetchBootstrap(url: string, ctx: AttemptContext): Promise<Bootstrap | string> {
  const ex = await exchange(rdapRequest(url), ctx, { trust: SYSTEM_TRUST, keepBody: true });
  const what = `could not read the RDAP bootstrap file ${url}`;
  if (!ex.ok) return `${what}: ${ex.error}`;
  const res = ex.response;
  if (res.statusCode < 200 || res.statusCode > 299) return `${what}: HTTP ${formatStatus(res.statusCode, res.statusText)}`;
  if (res.bodyError) return `${what}: ${res.bodyError}`;
  try {
    return parseBootstrap(res.body.toString('utf8'));
  } catch (err) {
    return `${what}: ${(err as Error).message}`;
  }
}

/** The bootstrap at `url`: one fetch shared by concurrent checks; kept an hour when it worked. */
function bootstrap(url: string, ctx: AttemptContext): Promise<Bootstrap | string> {
  const now = Date.now();
  const cached = bootstraps.get(url);
  if (cached && now - cached.at < BOOTSTRAP_TTL_MS) return cached.value;
  const value = fetchBootstrap(url, ctx).then((b) => {
    // A failure (or an attempt cut short) is not remembered: the next check tries again.
    if (typeof b === 'string' && bootstraps.get(url)?.value === value) bootstraps.delete(url);
    return b;
  });
  bootstraps.set(url, { at: now, value });
  return value;
}

function down(error: string, responseTimeMs: number | null = null, details?: Record<string, unknown>): AttemptOutcome {
  return { status: 'down', responseTimeMs, error, ...(details ? { details } : {}) };
}

async function attempt(check: ResolvedDomainCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  let base = check.rdap;
  if (base === null) {
    const boot = await bootstrap(check.rdapBootstrap, ctx);
    if (typeof boot === 'string') return down(boot);
    base = rdapServerFor(boot, check.domain);
    if (base === null) {
      const tld = check.domain.split('.').at(-1) ?? check.domain;
      return down(`no RDAP server is listed for .${tld} in ${check.rdapBootstrap}; set rdap: to the registry's RDAP base URL`);
    }
  }
  const url = domainUrl(base, check.domain);
  const ex = await exchange(rdapRequest(url), ctx, { trust: SYSTEM_TRUST, keepBody: true });
  if (!ex.ok) return down(`RDAP query for ${check.domain} failed: ${ex.error}`, null, { rdapUrl: url });
  const res = ex.response;
  const ms = typeof ex.details['totalMs'] === 'number' ? ex.details['totalMs'] : null;
  const where = { rdapUrl: res.finalUrl, ...(res.redirects > 0 ? { redirects: res.redirects } : {}) };
  const body = res.body.toString('utf8');
  if (res.statusCode === 404) {
    const said = rdapErrorText(body);
    return { status: 'down', responseTimeMs: ms, statusCode: 404, error: `domain ${check.domain} is not registered: the RDAP server at ${new URL(res.finalUrl).host} answered 404 Not Found${said ? ` (${said})` : ''}`, details: where };
  }
  if (res.statusCode < 200 || res.statusCode > 299) {
    const said = rdapErrorText(body);
    return { status: 'down', responseTimeMs: ms, statusCode: res.statusCode, error: `RDAP query for ${check.domain} answered HTTP ${formatStatus(res.statusCode, res.statusText)}${said ? ` (${said})` : ''}`, details: where };
  }
  if (res.bodyError) return { status: 'down', responseTimeMs: ms, statusCode: res.statusCode, error: `RDAP answer for ${check.domain} could not be read: ${res.bodyError}`, details: where };
  if (res.truncated) return { status: 'down', responseTimeMs: ms, statusCode: res.statusCode, error: `RDAP answer for ${check.domain} is larger than ${MAX_RDAP_BYTES} bytes`, details: where };
  const now = ctx.now ?? new Date();
  const facts = parseDomainAnswer(body, check.domain, now);
  if (typeof facts === 'string') return { status: 'down', responseTimeMs: ms, statusCode: res.statusCode, error: facts, details: where };
  const verdict = domainVerdict(facts, now, check.warningDays, check.criticalDays);
  return { status: verdict.status, responseTimeMs: ms, statusCode: res.statusCode, error: verdict.error, details: { ...facts, ...where } };
}

export const domainRunner: CheckRunner<ResolvedDomainCheck> = { kind: 'domain', attempt };
