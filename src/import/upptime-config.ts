/**
 * `.upptimerc.yml` to Cairn configuration: one Cairn check per Upptime site, and the site
 * settings of `status-website`. Pure: takes the parsed rc, returns the checks, the settings and
 * what could not be carried over.
 */
import { Check } from '../config/schema.ts';
import { cairnIdFor, upptimeSlug } from './upptime-slug.ts';
import type { Skip } from './upptime-report.ts';

/** One Upptime site and where its data lives. */
export interface SiteMapping {
  name: string;
  url: string;
  /** Upptime's slug: `history/<slug>.yml`, `api/<slug>/`, issue label. */
  slug: string;
  /** The Cairn check id (the slug when it is a valid id). */
  id: string;
  /** False when the site could not become a Cairn check; its history is not imported. */
  imported: boolean;
}

export interface ConvertedConfig {
  /** Cairn checks in the order of the rc, as plain objects ready for YAML. */
  checks: Record<string, unknown>[];
  sites: SiteMapping[];
  site: { title: string; description?: string; baseUrl?: string };
  /** `defaults.interval` when Upptime's schedule differs from Cairn's 5 minutes. */
  interval?: string;
  /** Environment variables the checks reference (`$NAME` in Upptime, `${NAME}` in Cairn). */
  secrets: string[];
  /** Commit message parsing settings of the rc. */
  commits: { template?: string; prefixUp?: string; prefixDown?: string; prefixDegraded?: string };
  skipped: Skip[];
}

/**
 * Whether this version of Cairn's schema accepts an http check field; the check kinds grow, so the
 * importer asks the schema instead of assuming.
 */
function httpAccepts(extra: Record<string, unknown>): boolean {
  return Check.safeParse({ id: 'probe', kind: 'http', url: 'https://example.com/', ...extra }).success;
}

/** Upptime's body rules that have a Cairn assertion (down when the text is present / missing). */
const BODY_RULES: Record<string, 'notContains' | 'contains'> = {
  __dangerous__body_down: 'notContains',
  __dangerous__body_down_if_text_missing: 'contains',
};
const INSECURE_KEYS = ['__dangerous__insecure', '__dangerous__disable_verify_peer', '__dangerous__disable_verify_host'];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Site keys the importer maps to Cairn. */
const SITE_KEYS_USED = new Set(['name', 'url', 'slug', 'check', 'method', 'port', 'expectedStatusCodes', 'maxResponseTime', 'headers', 'body', 'maxRedirects']);
/** Site keys with no meaning for a status page (who gets assigned to Upptime's issues). */
const SITE_KEYS_IGNORED = new Set(['assignees']);

/** Top-level keys that only drive Upptime's own GitHub housekeeping: nothing to carry over. */
const RC_KEYS_IGNORED = new Set([
  'owner', 'repo', 'sites', 'status-website', 'assignees', 'PAT', 'commitMessages', 'commitPrefixStatusUp', 'commitPrefixStatusDown',
  'commitPrefixStatusDegraded', 'workflowSchedule', 'runner', 'skipDescriptionUpdate', 'skipTopicsUpdate', 'skipHomepageUpdate',
  'skipDeleteIssues', 'skipPoweredByReadme', 'summaryStartHtmlComment', 'summaryEndHtmlComment', 'liveStatusHtmlComment',
  'customStatusWebsitePackage', 'skipGeneratingWebsite',
]);
/** `status-website` keys mapped to `site`, or about deploying Upptime's own site. */
const WEBSITE_KEYS_USED = new Set(['name', 'cname', 'baseUrl', 'introMessage', 'publish', 'singleCommit']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Upptime's `$NAME` references become Cairn's `${NAME}`; a literal `${` is escaped as `$${`. */
export function convertSecrets(text: string, found?: Set<string>): string {
  return text.replace(/\$(\{|[A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    if (name === '{') return '$${';
    found?.add(name);
    return `\${${name}}`;
  });
}

/** `3s` for 3000, `1500ms` for 1500. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function intervalFromCron(cron: unknown): string | undefined {
  if (typeof cron !== 'string') return undefined;
  const m = /^\s*\*\/(\d+)\s+\*\s+\*\s+\*\s+\*\s*$/.exec(cron);
  if (!m) return undefined;
  const minutes = Number(m[1]);
  return minutes > 0 && minutes !== 5 ? `${minutes}m` : undefined;
}

function baseUrlOf(rc: Record<string, unknown>, web: Record<string, unknown>): string | undefined {
  if (typeof web['cname'] === 'string' && web['cname'].trim()) return `https://${web['cname'].trim().replace(/\/+$/, '')}/`;
  const owner = typeof rc['owner'] === 'string' ? rc['owner'] : undefined;
  if (!owner) return undefined;
  const path = typeof web['baseUrl'] === 'string' ? web['baseUrl'].trim() : typeof rc['repo'] === 'string' ? `/${rc['repo']}` : '';
  const clean = path.replace(/^\/*/, '/').replace(/\/*$/, '/');
  return `https://${owner.toLowerCase()}.github.io${clean}`;
}

function hostOf(url: string): string {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // Not a URL: Upptime passes the text to the pinger as is.
  }
  return url.trim();
}

function validHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function headersOf(value: unknown, label: string, secrets: Set<string>, skipped: Skip[]): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  const add = (name: string, v: string) => {
    headers[name.trim()] = convertSecrets(v.trim(), secrets);
  };
  if (Array.isArray(value)) {
    for (const h of value) {
      const i = typeof h === 'string' ? h.indexOf(':') : -1;
      if (typeof h !== 'string' || i <= 0) {
        skipped.push({ category: 'option', message: `${label}: header ${JSON.stringify(h)} is not "Name: value"; not carried over` });
        continue;
      }
      add(h.slice(0, i), h.slice(i + 1));
    }
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) add(k, String(v));
  } else {
    skipped.push({ category: 'option', message: `${label}: headers must be a list of "Name: value"; not carried over` });
  }
  return Object.keys(headers).length ? headers : undefined;
}

/** Picks the slug Upptime actually used, given the computed one (see `upptime.ts`). */
export type SlugResolver = (site: { name: string; url: string; explicit: boolean }, computed: string) => string;

function convertSite(
  raw: unknown,
  index: number,
  secrets: Set<string>,
  skipped: Skip[],
  resolveSlug: SlugResolver | undefined,
): { mapping: SiteMapping | null; check: Record<string, unknown> | null } {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || !raw['name'].trim() || typeof raw['url'] !== 'string' || !raw['url'].trim()) {
    skipped.push({ category: 'site', message: `sites[${index}]: expected a name and a url; site skipped` });
    return { mapping: null, check: null };
  }
  const name = raw['name'].trim();
  const url = raw['url'].trim();
  const computed = upptimeSlug({ name, url, slug: raw['slug'] });
  const explicit = typeof raw['slug'] === 'string' && raw['slug'].trim() !== '';
  const slug = resolveSlug ? resolveSlug({ name, url, explicit }, computed) : computed;
  const id = cairnIdFor(slug);
  const mapping: SiteMapping = { name, url, slug, id, imported: false };
  const label = `site "${name}"`;
  const skipSite = (why: string) => {
    skipped.push({ category: 'site', message: `${label}: ${why}; site skipped` });
    return { mapping, check: null };
  };

  const kind = raw['check'] ?? 'http';
  const check: Record<string, unknown> = { id, name };
  if (kind === 'http') {
    const cairnUrl = convertSecrets(url, secrets);
    if (!validHttpUrl(cairnUrl.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x'))) return skipSite(`url ${JSON.stringify(url)} is not an absolute http(s) URL`);
    check['kind'] = 'http';
    check['url'] = cairnUrl;
    if (raw['method'] !== undefined) {
      const method = String(raw['method']).toUpperCase();
      if (!METHODS.has(method)) return skipSite(`method ${JSON.stringify(raw['method'])} is not supported`);
      if (method !== 'GET') check['method'] = method;
    }
    if (raw['headers'] !== undefined) {
      const headers = headersOf(raw['headers'], label, secrets, skipped);
      if (headers) check['headers'] = headers;
    }
    if (typeof raw['body'] === 'string') check['body'] = convertSecrets(raw['body'], secrets);
    if (raw['expectedStatusCodes'] !== undefined) {
      const codes = (Array.isArray(raw['expectedStatusCodes']) ? raw['expectedStatusCodes'] : [raw['expectedStatusCodes']]).map(Number);
      const valid = codes.filter((c) => Number.isInteger(c) && c >= 100 && c <= 599);
      if (valid.length !== codes.length) skipped.push({ category: 'option', message: `${label}: expectedStatusCodes has entries that are not HTTP status codes; they were dropped` });
      if (valid.length) check['expectStatus'] = [...new Set(valid)];
    }
    if (INSECURE_KEYS.some((k) => raw[k] === true)) {
      if (httpAccepts({ insecureSkipVerify: true })) check['insecureSkipVerify'] = true;
    }
    const body: Record<string, string> = {};
    for (const [key, op] of Object.entries(BODY_RULES)) {
      const text = raw[key];
      if (typeof text === 'string' && text !== '' && httpAccepts({ assert: { body: { [op]: text } } })) body[op] = text;
    }
    if (Object.keys(body).length) check['assert'] = { body };
    if (raw['maxRedirects'] !== undefined) {
      const n = Number(raw['maxRedirects']);
      if (Number.isInteger(n) && n >= 0 && n <= 20) check['followRedirects'] = n === 0 ? false : n;
      else skipped.push({ category: 'option', message: `${label}: maxRedirects ${JSON.stringify(raw['maxRedirects'])} not carried over` });
    }
  } else if (kind === 'tcp-ping') {
    const port = Number(raw['port']);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return skipSite(`tcp-ping needs a port from 1 to 65535, got ${JSON.stringify(raw['port'])}`);
    check['kind'] = 'tcp';
    check['host'] = convertSecrets(hostOf(url), secrets);
    check['port'] = port;
    for (const key of ['method', 'headers', 'body', 'expectedStatusCodes', 'maxRedirects']) {
      if (raw[key] !== undefined) skipped.push({ category: 'option', message: `${label}: ${key} has no meaning for a tcp check; not carried over` });
    }
  } else {
    return skipSite(`check kind "${String(kind)}" has no Cairn equivalent yet`);
  }
  if (raw['maxResponseTime'] !== undefined) {
    const ms = Number(raw['maxResponseTime']);
    if (Number.isFinite(ms) && ms >= 0) check['thresholds'] = { degraded: formatMs(Math.round(ms)) };
    else skipped.push({ category: 'option', message: `${label}: maxResponseTime ${JSON.stringify(raw['maxResponseTime'])} is not a number of milliseconds; not carried over` });
  }
  for (const key of Object.keys(raw)) {
    if (SITE_KEYS_USED.has(key) || SITE_KEYS_IGNORED.has(key)) continue;
    if (key === 'check' || (check['insecureSkipVerify'] === true && INSECURE_KEYS.includes(key))) continue;
    const op = BODY_RULES[key];
    if (op && (check['assert'] as { body?: Record<string, string> } | undefined)?.body?.[op] !== undefined) continue;
    const why = key.startsWith('__dangerous__body_degraded')
      ? 'Cairn assertions make a check down, never degraded'
      : key.startsWith('__dangerous__')
        ? 'this version of Cairn has no equivalent'
        : 'Cairn has no equivalent';
    skipped.push({ category: 'option', message: `${label}: ${key} not carried over (${why})` });
  }
  mapping.imported = true;
  return { mapping, check };
}

export function convertConfig(rcValue: unknown, resolveSlug?: SlugResolver): ConvertedConfig {
  const rc = isRecord(rcValue) ? rcValue : {};
  const skipped: Skip[] = [];
  const secrets = new Set<string>();
  const checks: Record<string, unknown>[] = [];
  const sites: SiteMapping[] = [];
  const ids = new Map<string, string>();
  const rawSites = Array.isArray(rc['sites']) ? rc['sites'] : [];
  rawSites.forEach((raw, i) => {
    const { mapping, check } = convertSite(raw, i, secrets, skipped, resolveSlug);
    if (!mapping) return;
    const clash = ids.get(mapping.id);
    if (check && clash !== undefined) {
      skipped.push({ category: 'site', message: `site "${mapping.name}": its id "${mapping.id}" is already used by site "${clash}"; site skipped` });
      sites.push({ ...mapping, imported: false });
      return;
    }
    sites.push(mapping);
    if (check) {
      ids.set(mapping.id, mapping.name);
      checks.push(check);
    }
  });

  const web = isRecord(rc['status-website']) ? rc['status-website'] : {};
  const site: ConvertedConfig['site'] = {
    title: typeof web['name'] === 'string' && web['name'].trim() ? web['name'].trim() : typeof rc['repo'] === 'string' ? rc['repo'] : 'Status',
  };
  if (typeof web['introMessage'] === 'string' && web['introMessage'].trim()) site.description = web['introMessage'].trim();
  const baseUrl = baseUrlOf(rc, web);
  if (baseUrl && validHttpUrl(baseUrl)) site.baseUrl = baseUrl;
  for (const key of Object.keys(web)) {
    if (!WEBSITE_KEYS_USED.has(key)) skipped.push({ category: 'setting', message: `status-website.${key} not carried over` });
  }
  for (const key of Object.keys(rc)) {
    if (!RC_KEYS_IGNORED.has(key)) skipped.push({ category: 'setting', message: `${key} not carried over` });
  }

  const commitMessages = isRecord(rc['commitMessages']) ? rc['commitMessages'] : {};
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const commits: ConvertedConfig['commits'] = {};
  const template = str(commitMessages['statusChange']);
  if (template) commits.template = template;
  const up = str(rc['commitPrefixStatusUp']);
  const down = str(rc['commitPrefixStatusDown']);
  const degraded = str(rc['commitPrefixStatusDegraded']);
  if (up) commits.prefixUp = up;
  if (down) commits.prefixDown = down;
  if (degraded) commits.prefixDegraded = degraded;

  const schedule = isRecord(rc['workflowSchedule']) ? rc['workflowSchedule'] : {};
  const interval = intervalFromCron(schedule['uptime']);
  return { checks, sites, site, ...(interval ? { interval } : {}), secrets: [...secrets].sort(), commits, skipped };
}
