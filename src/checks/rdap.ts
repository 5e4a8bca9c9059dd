/**
 * RDAP (RFC 9082, RFC 9083, RFC 9224) read for domain expiry: the IANA bootstrap file that maps
 * top-level domains to RDAP servers, and the facts of a domain object (expiry, registration,
 * last change, registrar, status). Pure: no I/O here (src/checks/domain.ts fetches).
 */
import { humanDuration, isoSeconds } from './certificate.ts';

const DAY_MS = 86_400_000;

/** What the page, the report and `cairn check --json` show about a domain registration; plain JSON. */
export interface DomainFacts {
  domain: string;
  /** The registrar's name (vCard `fn` of the entity with role `registrar`), or null. */
  registrar: string | null;
  /** IANA Registrar ID, when the registry gives one. */
  registrarIanaId: string | null;
  /** Event `expiration`, ISO-8601 UTC; null when the registry publishes none. */
  expiresAt: string | null;
  /** Event `registration`. */
  registeredAt: string | null;
  /** Event `last changed`. */
  lastChangedAt: string | null;
  /** Whole days until `expiresAt` (negative once expired); null without an expiry. */
  daysLeft: number | null;
  /** EPP statuses in RDAP's words (`client transfer prohibited`, `redemption period`, ...). */
  status: string[];
}

/** The RDAP servers of a bootstrap file, by TLD label (lowercase), best URL first. */
export type Bootstrap = Map<string, string[]>;

/**
 * Parses the IANA bootstrap file for DNS (`dns.json`, RFC 9224 section 4): `services` is a list of
 * `[[tld, ...], [url, ...]]`. Throws with a sentence when it is not that shape.
 */
export function parseBootstrap(text: string): Bootstrap {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`it is not JSON (${(err as Error).message})`);
  }
  const services = (value as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) throw new Error('it has no "services" list (RFC 9224)');
  const map: Bootstrap = new Map();
  for (const entry of services) {
    if (!Array.isArray(entry) || !Array.isArray(entry[0]) || !Array.isArray(entry[1])) continue;
    const urls = (entry[1] as unknown[]).filter((u): u is string => typeof u === 'string' && /^https?:\/\//i.test(u));
    // RFC 9224: prefer https when a service lists both.
    urls.sort((a, b) => Number(b.startsWith('https:')) - Number(a.startsWith('https:')));
    if (urls.length === 0) continue;
    for (const tld of entry[0] as unknown[]) if (typeof tld === 'string') map.set(tld.toLowerCase().replace(/^\.|\.$/g, ''), urls);
  }
  if (map.size === 0) throw new Error('its "services" list names no RDAP server');
  return map;
}

/** The RDAP base URL for a domain: the longest label suffix found in the bootstrap (RFC 9224 section 4). */
export function rdapServerFor(bootstrap: Bootstrap, domain: string): string | null {
  const labels = domain.toLowerCase().split('.');
  for (let i = 1; i < labels.length; i++) {
    const urls = bootstrap.get(labels.slice(i).join('.'));
    if (urls && urls.length > 0) return urls[0] as string;
  }
  return null;
}

/** `<base>/domain/<name>`, whether or not the base ends with a slash. */
export function domainUrl(base: string, domain: string): string {
  return `${base.replace(/\/+$/, '')}/domain/${encodeURIComponent(domain)}`;
}

/** The title and description of an RDAP error response (RFC 9083 section 6), in one phrase, or null. */
export function rdapErrorText(body: string): string | null {
  try {
    const v = JSON.parse(body) as { title?: unknown; description?: unknown };
    const parts = [typeof v.title === 'string' ? v.title : null, ...(Array.isArray(v.description) ? v.description.filter((d): d is string => typeof d === 'string') : [])];
    const text = parts.filter((p): p is string => p !== null && p.trim() !== '').join(': ').slice(0, 200);
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `fn` of a jCard (`["vcard", [["fn", {}, "text", "Name"], ...]]`, RFC 7095). */
function vcardName(vcard: unknown): string | null {
  if (!Array.isArray(vcard) || !Array.isArray(vcard[1])) return null;
  for (const prop of vcard[1] as unknown[]) {
    if (Array.isArray(prop) && prop[0] === 'fn' && typeof prop[3] === 'string' && prop[3].trim() !== '') return prop[3].trim();
  }
  return null;
}

/** The registrar entity: top-level, or nested one level (some registries nest it under the registrant). */
function registrarOf(entities: unknown): { name: string | null; ianaId: string | null } {
  const queue = Array.isArray(entities) ? [...entities] : [];
  for (let depth = 0; depth < 2 && queue.length > 0; depth++) {
    const next: unknown[] = [];
    for (const e of queue) {
      if (!isObject(e)) continue;
      const roles = Array.isArray(e['roles']) ? e['roles'] : [];
      if (roles.includes('registrar')) {
        const ids = Array.isArray(e['publicIds']) ? e['publicIds'] : [];
        const iana = ids.find((p): p is Json => isObject(p) && p['type'] === 'IANA Registrar ID' && typeof p['identifier'] === 'string');
        const name = vcardName(e['vcardArray']) ?? (typeof e['handle'] === 'string' ? e['handle'] : null);
        return { name, ianaId: iana ? (iana['identifier'] as string) : null };
      }
      if (Array.isArray(e['entities'])) next.push(...(e['entities'] as unknown[]));
    }
    queue.splice(0, queue.length, ...next);
  }
  return { name: null, ianaId: null };
}

/**
 * Reads the facts of an RDAP domain object (RFC 9083 section 5.3). Returns a sentence instead
 * when the answer is not one: not JSON, not a domain object, another domain, an unreadable date.
 */
export function parseDomainAnswer(body: string, domain: string, now: Date): DomainFacts | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return `the RDAP answer for ${domain} is not JSON (${(err as Error).message})`;
  }
  if (!isObject(value)) return `the RDAP answer for ${domain} is not a JSON object`;
  const cls = value['objectClassName'];
  if (cls !== undefined && cls !== 'domain') return `the RDAP answer for ${domain} is a "${String(cls)}" object, not a domain`;
  const ldh = typeof value['ldhName'] === 'string' ? value['ldhName'].toLowerCase().replace(/\.$/, '') : null;
  if (ldh === null && cls === undefined) return `the RDAP answer for ${domain} is not a domain object (no objectClassName or ldhName)`;
  if (ldh !== null && ldh !== domain) return `the RDAP server answered for ${ldh}, not ${domain}`;
  if (value['events'] !== undefined && !Array.isArray(value['events'])) return `the RDAP answer for ${domain} has an "events" field that is not a list`;
  const events = new Map<string, string>();
  for (const e of (value['events'] as unknown[] | undefined) ?? []) {
    if (!isObject(e) || typeof e['eventAction'] !== 'string') continue;
    const action = e['eventAction'].toLowerCase();
    const date = e['eventDate'];
    if (typeof date !== 'string' || Number.isNaN(Date.parse(date))) {
      if (action === 'expiration') return `the RDAP answer for ${domain} has an expiration event without a valid date (${JSON.stringify(date ?? null)})`;
      continue;
    }
    // The first of each action: registries list them once; a repeat is ignored.
    if (!events.has(action)) events.set(action, isoSeconds(new Date(date)));
  }
  const expiresAt = events.get('expiration') ?? null;
  const registrar = registrarOf(value['entities']);
  return {
    domain,
    registrar: registrar.name,
    registrarIanaId: registrar.ianaId,
    expiresAt,
    registeredAt: events.get('registration') ?? null,
    lastChangedAt: events.get('last changed') ?? null,
    daysLeft: expiresAt === null ? null : Math.floor((Date.parse(expiresAt) - now.getTime()) / DAY_MS),
    status: Array.isArray(value['status']) ? value['status'].filter((s): s is string => typeof s === 'string') : [],
  };
}

/** Statuses that take a domain out of the DNS or mark it as lapsing, whatever its expiry date says. */
const DOWN_STATUSES: Record<string, string> = {
  'redemption period': 'is in its redemption period (it lapsed and is about to be deleted)',
  'pending delete': 'is pending deletion',
  'server hold': 'is on server hold (the registry took it out of the DNS)',
  'client hold': 'is on client hold (the registrar took it out of the DNS)',
};

export interface DomainVerdict {
  status: 'up' | 'degraded' | 'down';
  error: string | null;
}

/** Expired or within `criticalDays`: down; within `warningDays`: degraded; lapsing statuses: down. */
export function domainVerdict(facts: DomainFacts, now: Date, warningDays: number, criticalDays: number): DomainVerdict {
  const who = facts.registrar ? ` (registrar ${facts.registrar})` : '';
  for (const s of facts.status) {
    const why = DOWN_STATUSES[s.toLowerCase()];
    if (why) return { status: 'down', error: `domain ${facts.domain} ${why}: RDAP status "${s}"${who}` };
  }
  if (facts.expiresAt === null) {
    return {
      status: 'degraded',
      error: `the RDAP answer for ${facts.domain} has no expiration event: its registry does not publish the expiry date, so it cannot be watched here${who}`,
    };
  }
  const left = Date.parse(facts.expiresAt) - now.getTime();
  if (left <= 0) return { status: 'down', error: `domain ${facts.domain} expired ${humanDuration(-left)} ago (expiration ${facts.expiresAt})${who}` };
  const when = `domain ${facts.domain} expires in ${humanDuration(left)} (expiration ${facts.expiresAt})`;
  if (left < criticalDays * DAY_MS) return { status: 'down', error: `${when}, inside the critical window of ${criticalDays} days${who}` };
  if (left < warningDays * DAY_MS) return { status: 'degraded', error: `${when}, inside the warning window of ${warningDays} days${who}` };
  return { status: 'up', error: null };
}
