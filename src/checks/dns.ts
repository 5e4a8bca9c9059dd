/**
 * DNS checks: resolve one record type of one name, against a given server (`server: ip[:port]`)
 * or the system resolver's servers (from /etc/resolv.conf; /etc/hosts is not consulted: this
 * checks DNS, not the local machine), and compare the answer with the expected values.
 *
 * - `match: all` (default): every expected value must be in the answer; `any`: at least one.
 * - Values compare as DNS does: names case-insensitively and without the trailing dot, IPv6
 *   addresses in canonical form, MX as `priority exchange` (or the exchange alone when the
 *   expected value has no priority), TXT as the record's strings joined.
 * - No expected values: any non-empty answer is up.
 *
 * `responseTimeMs` is the query time; `details` holds `records` (as compared), `server` and, for
 * A and AAAA, the smallest `ttl`.
 */
import { promises as dns } from 'node:dns';
import { performance } from 'node:perf_hooks';
import type { DnsRecordType, ResolvedDnsCheck } from '../config/types.ts';
import { messageOf } from './errors.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

type Resolver = InstanceType<typeof dns.Resolver>;

function canonicalIpv6(address: string): string {
  try {
    return new URL(`http://[${address.replace(/^\[|\]$/g, '')}]/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return address.toLowerCase();
  }
}

const canonicalName = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/** A value (answer or expectation) in the form it is compared in. */
export function normalise(record: DnsRecordType, value: string): string {
  switch (record) {
    case 'A':
      return value.trim();
    case 'AAAA':
      return canonicalIpv6(value.trim());
    case 'CNAME':
    case 'NS':
      return canonicalName(value);
    case 'MX': {
      const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(value);
      return m ? `${Number(m[1])} ${canonicalName(m[2] as string)}` : canonicalName(value);
    }
    case 'TXT':
      return value;
  }
}

function matches(record: DnsRecordType, answer: string, expected: string): boolean {
  const e = normalise(record, expected);
  if (record === 'MX' && !/^\d+ /.test(e)) return answer.split(' ')[1] === e;
  return answer === e;
}

async function query(resolver: Resolver, check: ResolvedDnsCheck): Promise<{ records: string[]; ttl: number | null }> {
  const name = check.query;
  switch (check.record) {
    case 'A':
    case 'AAAA': {
      const answers = check.record === 'A' ? await resolver.resolve4(name, { ttl: true }) : await resolver.resolve6(name, { ttl: true });
      return {
        records: answers.map((a) => normalise(check.record, a.address)),
        ttl: answers.length > 0 ? Math.min(...answers.map((a) => a.ttl)) : null,
      };
    }
    case 'CNAME':
      return { records: (await resolver.resolveCname(name)).map(canonicalName), ttl: null };
    case 'NS':
      return { records: (await resolver.resolveNs(name)).map(canonicalName), ttl: null };
    case 'MX':
      return {
        records: (await resolver.resolveMx(name)).sort((a, b) => a.priority - b.priority).map((mx) => `${mx.priority} ${canonicalName(mx.exchange)}`),
        ttl: null,
      };
    case 'TXT':
      return { records: (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')), ttl: null };
  }
}

function codeOf(err: unknown): string {
  return err !== null && typeof err === 'object' && 'code' in err ? String(err.code) : '';
}

function describeDnsError(err: unknown, check: ResolvedDnsCheck, from: string, ctx: AttemptContext): string {
  const code = codeOf(err);
  const what = `${check.query} ${check.record}`;
  if (ctx.signal.aborted || code === 'ECANCELLED' || code === 'ETIMEOUT') return `no answer from ${from} within ${ctx.timeoutMs} ms for ${what}`;
  switch (code) {
    case 'ENOTFOUND':
      return `no such domain: ${check.query} (NXDOMAIN from ${from})`;
    case 'ENODATA':
      return `${check.query} exists but has no ${check.record} records (empty answer from ${from})`;
    case 'ESERVFAIL':
      return `DNS server ${from} failed to answer for ${what} (SERVFAIL)`;
    case 'EREFUSED':
      return `DNS server ${from} refused the query for ${what} (REFUSED)`;
    case 'ECONNREFUSED':
      return `connection refused by DNS server ${from} (ECONNREFUSED)`;
    case 'EBADRESP':
    case 'EFORMERR':
    case 'EBADFAMILY':
      return `invalid answer from DNS server ${from} for ${what} (${code})`;
    case 'EBADNAME':
      return `"${check.query}" is not a valid DNS name (EBADNAME)`;
    default:
      return `DNS lookup of ${what} at ${from} failed: ${messageOf(err)}${code ? ` (${code})` : ''}`;
  }
}

function compare(check: ResolvedDnsCheck, records: string[]): string | null {
  if (check.expect.length === 0) return null;
  const got = `${check.record} records of ${check.query} are ${records.join(', ')}`;
  if (check.match === 'any') {
    if (check.expect.some((e) => records.some((r) => matches(check.record, r, e)))) return null;
    return `${got}; expected one of ${check.expect.join(', ')}`;
  }
  const missing = check.expect.filter((e) => !records.some((r) => matches(check.record, r, e)));
  if (missing.length === 0) return null;
  return `${got}; missing expected ${missing.join(', ')}`;
}

async function attempt(check: ResolvedDnsCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const resolver = new dns.Resolver({ timeout: Math.max(1, ctx.timeoutMs), tries: 1 });
  let from: string;
  try {
    if (check.server !== null) resolver.setServers([check.server]);
    from = check.server ?? `the system resolver (${resolver.getServers().join(', ') || 'no servers configured'})`;
  } catch (err) {
    return { status: 'down', responseTimeMs: null, error: `invalid DNS server "${check.server ?? ''}": ${messageOf(err)}` };
  }
  const onAbort = () => resolver.cancel();
  if (ctx.signal.aborted) return { status: 'down', responseTimeMs: null, error: describeDnsError(new Error('aborted'), check, from, ctx) };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  try {
    const { records, ttl } = await query(resolver, check);
    const responseTimeMs = Math.round(performance.now() - started);
    const details: Record<string, unknown> = { records, server: from, ...(ttl === null ? {} : { ttl }) };
    if (records.length === 0) {
      return { status: 'down', responseTimeMs, error: `${check.query} exists but has no ${check.record} records (empty answer from ${from})`, details };
    }
    const mismatch = compare(check, records);
    return { status: mismatch === null ? 'up' : 'down', responseTimeMs, error: mismatch, details };
  } catch (err) {
    return { status: 'down', responseTimeMs: null, error: describeDnsError(err, check, from, ctx), details: { server: from } };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

export const dnsRunner: CheckRunner<ResolvedDnsCheck> = { kind: 'dns', attempt };
