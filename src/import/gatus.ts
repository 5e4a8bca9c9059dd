/**
 * `cairn import gatus <config.yaml>`: a Gatus configuration to a Cairn status repo.
 *
 * - `endpoints` → checks in `checks/gatus.yaml`, by URL scheme: http(s) → `http` (with `dns:` →
 *   `dns`), `tcp://` → `tcp`, `tls://` → `tcp` with `tls: true`, `icmp://` → `ping` with
 *   `icmp: true`; their `conditions` → `expectStatus`, `thresholds.down`, `assert.body`,
 *   `assert.json`, dns `expect`, and a companion `tls` check for `[CERTIFICATE_EXPIRATION]`
 *   (gatus-conditions.ts). Each endpoint is a component; `group` → Cairn groups.
 * - `alerting` → notification channels, endpoint `alerts` → routes (gatus-alerting.ts), in
 *   cairn.yaml; secrets as `${ENV}` references.
 * - `maintenance` (global) and endpoint `maintenance-windows` → recurring windows.
 * - Everything else is reported: unsupported conditions with their endpoint, other schemes,
 *   external endpoints, other providers, settings of Gatus' own server.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { formatDuration } from '../config/schema.ts';
import { convertAlerting, endpointAlerts, routesFor } from './gatus-alerting.ts';
import { convertConditions, type EndpointKind } from './gatus-conditions.ts';
import {
  applyPlan,
  envName,
  IdAllocator,
  ImportError,
  isSecretHeader,
  parseGoDuration,
  reservedIds,
  Secrets,
  urlWithoutCredentials,
  type PeerImportOptions,
  type PeerImportResult,
  type PeerPlan,
  type PeerSkip,
} from './peer.ts';

export const GATUS_CHECKS_FILE = 'checks/gatus.yaml';
const DEFAULT_INTERVAL_MS = 60_000;
/** Cairn's scheduled job runs every 5 minutes by default: a shorter interval cannot take effect. */
const CAIRN_DEFAULT_INTERVAL_MS = 5 * 60_000;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

const IGNORED_TOP = new Set(['storage', 'web', 'ui', 'security', 'metrics', 'connectivity', 'remote', 'skip-invalid-config-update', 'disable-monitoring-lock', 'concurrency', 'announcements', 'tunneling']);
const KNOWN_ENDPOINT_KEYS = new Set(['name', 'group', 'url', 'method', 'body', 'headers', 'interval', 'conditions', 'alerts', 'client', 'dns', 'enabled', 'graphql', 'maintenance-windows']);
const DNS_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS']);
const WEEKDAYS: Record<string, string> = { monday: 'monday', tuesday: 'tuesday', wednesday: 'wednesday', thursday: 'thursday', friday: 'friday', saturday: 'saturday', sunday: 'sunday' };

export interface GatusImportOptions extends PeerImportOptions {
  /** The Gatus configuration file. */
  source: string;
}

async function readConfig(source: string): Promise<{ file: string; value: Obj }> {
  let file = source;
  if ((await stat(file).catch(() => null))?.isDirectory()) {
    const found = ['config.yaml', 'config.yml', path.join('config', 'config.yaml')].map((n) => path.join(source, n));
    const exists = await Promise.all(found.map((f) => stat(f).then(() => true, () => false)));
    const index = exists.indexOf(true);
    if (index === -1) throw new ImportError(`${source}: a folder without config.yaml; expected a Gatus config.yaml`);
    file = found[index] as string;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ImportError(`${file}: no such file; expected a Gatus config.yaml`);
    throw err;
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0];
    throw new ImportError(`${file}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const value = obj(doc.toJS());
  if (!Array.isArray(value['endpoints'])) throw new ImportError(`${file}: no "endpoints" list; expected a Gatus configuration`);
  return { file, value };
}

function hostPort(url: string): { host: string; port: number | null } | null {
  const m = /^[a-z0-9+.-]+:\/\/(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/i.exec(url);
  if (!m) return null;
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : null };
}

/** A Gatus maintenance block to a Cairn recurrence; null with the reason when it does not map. */
function recurrence(m: Obj): { rule: Obj } | { reason: string } {
  const start = str(m['start']);
  const duration = parseGoDuration(m['duration']);
  if (!start || !/^\d{1,2}:\d{2}$/.test(start)) return { reason: `start "${String(m['start'])}" is not HH:MM` };
  if (!duration) return { reason: `duration "${String(m['duration'])}" is not a duration` };
  const every = Array.isArray(m['every']) ? m['every'].map((d) => WEEKDAYS[String(d).toLowerCase()]) : [];
  if (every.some((d) => d === undefined)) return { reason: `every ${JSON.stringify(m['every'])} holds something other than weekday names` };
  const zone = str(m['timezone']);
  return {
    rule: {
      every: every.length ? 'week' : 'day',
      ...(every.length ? { on: every.length === 1 ? every[0] : every } : {}),
      at: start.padStart(5, '0'),
      duration: formatDuration(duration),
      ...(zone ? { timeZone: zone } : {}),
    },
  };
}

export function convertGatus(config: Obj, file: string, reserved: ReadonlySet<string> = new Set()): PeerPlan {
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];
  const secrets = new Secrets();
  const alloc = new IdAllocator(reserved);
  const checks: Record<string, unknown>[] = [];
  const groups = new Map<string, { id: string; name: string; components: Obj[] }>();
  const groupIds = new IdAllocator(reserved);
  const alerted = new Map<string, string[]>();
  const windows: Record<string, unknown>[] = [];
  const windowIds = new IdAllocator(reserved);
  const fastIntervals: string[] = [];
  const unusedKeys = new Map<string, number>();
  const seenNames = new Set<string>();

  const alerting = convertAlerting(config['alerting'], secrets);
  skipped.push(...alerting.skipped);
  notes.push(...alerting.notes);

  const endpoints = config['endpoints'] as unknown[];
  endpoints.forEach((raw, i) => {
    const e = obj(raw);
    const name = str(e['name']) ?? `endpoint ${i + 1}`;
    const url = str(e['url']);
    if (!url) {
      skipped.push({ what: 'endpoint', message: `endpoint "${name}": no url` });
      return;
    }
    const dns = obj(e['dns']);
    const scheme = /^([a-z0-9+.-]+):\/\//i.exec(url)?.[1]?.toLowerCase() ?? (Object.keys(dns).length ? 'dns' : '');
    let kind: EndpointKind;
    if (Object.keys(dns).length) kind = 'dns';
    else if (scheme === 'http' || scheme === 'https') kind = 'http';
    else if (scheme === 'tcp') kind = 'tcp';
    else if (scheme === 'tls') kind = 'tls';
    else if (scheme === 'icmp') kind = 'icmp';
    else {
      skipped.push({ what: 'endpoint', message: `endpoint "${name}": ${scheme ? `${scheme}://` : `url "${url}"`} has no Cairn check kind yet (Cairn has http, tcp, tls, dns, ping)` });
      return;
    }
    // Gatus tells endpoints apart by group and name: a name seen before gets its group in the id.
    const groupName = str(e['group']);
    const id = alloc.take(groupName && seenNames.has(name.toLowerCase()) ? `${groupName} ${name}` : name, `endpoint-${i + 1}`);
    seenNames.add(name.toLowerCase());
    const conditions = Array.isArray(e['conditions']) ? e['conditions'].filter((c): c is string => typeof c === 'string') : [];
    const parts = convertConditions(conditions, kind);
    for (const u of parts.unsupported) skipped.push({ what: 'condition', message: `endpoint "${name}": condition "${u.condition}": ${u.reason}` });
    for (const key of Object.keys(e)) if (!KNOWN_ENDPOINT_KEYS.has(key)) unusedKeys.set(key, (unusedKeys.get(key) ?? 0) + 1);

    const check: Record<string, unknown> = { id, name, component: id };
    const interval = parseGoDuration(e['interval'] ?? '') ?? DEFAULT_INTERVAL_MS;
    if (interval >= CAIRN_DEFAULT_INTERVAL_MS) check['interval'] = formatDuration(interval);
    else fastIntervals.push(name);
    const client = obj(e['client']);
    const timeout = parseGoDuration(client['timeout']);
    if (timeout) check['timeout'] = formatDuration(timeout);
    for (const key of Object.keys(client)) {
      if (!['timeout', 'insecure', 'ignore-redirect'].includes(key)) skipped.push({ what: 'endpoint option', message: `endpoint "${name}": client.${key}` });
    }
    if (e['enabled'] === false) check['enabled'] = false;
    const thresholds = parts.thresholdDownMs ? { thresholds: { down: formatDuration(parts.thresholdDownMs) } } : {};

    if (kind === 'http') {
      const clean = urlWithoutCredentials(url, secrets, `${id} url`);
      if (clean.replaced) notes.push(`endpoint "${name}": credentials in the URL are written as environment references`);
      check['kind'] = 'http';
      check['url'] = secrets.note(clean.url);
      const method = str(e['method'])?.toUpperCase();
      const body = typeof e['body'] === 'string' ? e['body'] : null;
      if (e['graphql'] === true && body) {
        check['method'] = 'POST';
        check['json'] = { query: body };
      } else {
        if (method && method !== 'GET') check['method'] = method;
        if (body) check['body'] = secrets.note(body);
      }
      const headers: Record<string, string> = {};
      for (const [h, v] of Object.entries(obj(e['headers']))) {
        if (typeof v !== 'string' && typeof v !== 'number') continue;
        headers[h] = isSecretHeader(h) ? secrets.ref(String(v), envName(id, h)) : secrets.note(String(v));
      }
      if (Object.keys(headers).length) check['headers'] = headers;
      if (parts.expectStatus) check['expectStatus'] = parts.expectStatus;
      else if (conditions.length) {
        check['expectStatus'] = ['100-599'];
        notes.push(`endpoint "${name}": no [STATUS] condition, so every status code is accepted, as in Gatus`);
      }
      if (client['ignore-redirect'] === true) check['followRedirects'] = false;
      if (client['insecure'] === true) check['insecureSkipVerify'] = true;
      const assert: Obj = {};
      const body_: Obj = {};
      if (parts.body.contains.length) body_['contains'] = parts.body.contains.length === 1 ? parts.body.contains[0] : parts.body.contains;
      if (parts.body.notContains.length) body_['notContains'] = parts.body.notContains.length === 1 ? parts.body.notContains[0] : parts.body.notContains;
      if (parts.body.matches.length) body_['matches'] = parts.body.matches.length === 1 ? parts.body.matches[0] : parts.body.matches;
      if (Object.keys(body_).length) assert['body'] = body_;
      if (parts.json.length) assert['json'] = parts.json;
      if (Object.keys(assert).length) check['assert'] = assert;
      Object.assign(check, thresholds);
    } else if (kind === 'tcp' || kind === 'tls') {
      const hp = hostPort(url);
      if (!hp?.port) {
        skipped.push({ what: 'endpoint', message: `endpoint "${name}": ${url} has no port` });
        return;
      }
      Object.assign(check, { kind: 'tcp', host: hp.host, port: hp.port, ...(kind === 'tls' ? { tls: true } : {}), ...thresholds });
      if (kind === 'tls' && client['insecure'] === true) check['insecureSkipVerify'] = true;
    } else if (kind === 'icmp') {
      const hp = hostPort(url);
      if (!hp) {
        skipped.push({ what: 'endpoint', message: `endpoint "${name}": ${url} has no host` });
        return;
      }
      Object.assign(check, { kind: 'ping', host: hp.host, icmp: true, ...thresholds });
    } else {
      const query = str(dns['query-name']);
      const type = (str(dns['query-type']) ?? 'A').toUpperCase();
      if (!query || !DNS_TYPES.has(type)) {
        skipped.push({ what: 'endpoint', message: `endpoint "${name}": dns ${query ? `query-type ${type} (Cairn asks for A, AAAA, CNAME, MX, TXT, NS)` : 'without query-name'}` });
        return;
      }
      const server = url.replace(/^[a-z]+:\/\//i, '');
      Object.assign(check, { kind: 'dns', query: query.replace(/\.$/, ''), record: type });
      if (/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-f:.]+\](:\d{1,5})?)$/i.test(server)) check['server'] = server;
      else notes.push(`endpoint "${name}": DNS server "${server}" is not an IP address; the check asks the system resolver`);
      if (parts.dnsExpect.length) {
        check['expect'] = parts.dnsExpect;
        if (conditions.some((c) => /any\(/.test(c))) check['match'] = 'any';
      }
      Object.assign(check, thresholds);
    }
    checks.push(check);

    if (parts.certificateDays !== null) {
      const hp = hostPort(url);
      if (hp) {
        const critical = Math.max(1, parts.certificateDays);
        checks.push({
          id: alloc.take(`${id}-certificate`, `${id}-tls`),
          name: `${name} certificate`,
          component: id,
          kind: 'tls',
          host: hp.host,
          ...(hp.port && hp.port !== 443 ? { port: hp.port } : {}),
          criticalDays: critical,
          ...(critical >= 14 ? { warningDays: critical + 7 } : {}),
          ...(e['enabled'] === false ? { enabled: false } : {}),
        });
      }
    }

    const group = str(e['group']);
    if (group) {
      let g = groups.get(group);
      if (!g) {
        g = { id: groupIds.take(group, `group-${groups.size + 1}`), name: group, components: [] };
        groups.set(group, g);
      }
      g.components.push({ id, name });
    }
    const channels = endpointAlerts(e['alerts'], config['alerting'], alerting.channels, name, skipped);
    if (channels.length) alerted.set(id, channels);
    const failure = Array.isArray(e['alerts']) ? e['alerts'].map(obj).find((a) => a['failure-threshold'] !== undefined || a['success-threshold'] !== undefined) : undefined;
    if (failure) skipped.push({ what: 'alert option', message: `endpoint "${name}": failure-threshold/success-threshold (Cairn confirms a failure with retries in the same run, and resolves incidents after incidents.resolveAfter healthy runs)` });

    const own = Array.isArray(e['maintenance-windows']) ? e['maintenance-windows'] : [];
    own.forEach((mw, j) => {
      const r = recurrence(obj(mw));
      if ('reason' in r) skipped.push({ what: 'maintenance', message: `endpoint "${name}": maintenance window ${j + 1}: ${r.reason}` });
      else windows.push({ id: windowIds.take(`${id}-maintenance-${j + 1}`, 'maintenance'), title: `${name} maintenance`, components: [id], recurring: r.rule });
    });
  });

  if (fastIntervals.length) {
    notes.push(
      `${fastIntervals.length} endpoint${fastIntervals.length === 1 ? '' : 's'} ran more often than every 5 minutes in Gatus (${fastIntervals.slice(0, 5).map((n) => JSON.stringify(n)).join(', ')}${fastIntervals.length > 5 ? ', ...' : ''}): Cairn runs checks from its scheduled job (defaults.interval, 5m by default, GitHub's shortest schedule)`,
    );
  }
  for (const [key, count] of unusedKeys) skipped.push({ what: 'endpoint option', message: `"${key}" on ${count} endpoint${count === 1 ? '' : 's'}`, count });

  const components = checks.filter((c) => c['component'] === c['id']).map((c) => c['id'] as string);
  const m = obj(config['maintenance']);
  if (Object.keys(m).length && m['enabled'] !== false) {
    const r = recurrence(m);
    if ('reason' in r) skipped.push({ what: 'maintenance', message: `maintenance: ${r.reason}` });
    else if (components.length) windows.unshift({ id: windowIds.take('gatus-maintenance', 'maintenance'), title: 'Maintenance', components, recurring: r.rule });
  }
  const external = Array.isArray(config['external-endpoints']) ? config['external-endpoints'].length : 0;
  if (external) skipped.push({ what: 'endpoint', message: `${external} external endpoint${external === 1 ? '' : 's'} (pushed results): Cairn's checks pull`, count: external });
  for (const key of Object.keys(config)) {
    if (['endpoints', 'alerting', 'maintenance', 'external-endpoints'].includes(key)) continue;
    if (key === 'ui') continue;
    skipped.push({ what: 'setting', message: `${key}: ${IGNORED_TOP.has(key) ? 'a setting of Gatus\' own server' : 'not a Cairn setting'}` });
  }
  if (checks.length === 0) throw new ImportError(`${file}: no endpoint could be imported (${skipped.filter((s) => s.what === 'endpoint').map((s) => s.message).join('; ') || 'no endpoints'})`);

  const ui = obj(config['ui']);
  const title = str(ui['title']) ?? str(ui['header']);
  const description = str(ui['description']);
  const channels = alerting.channels;
  const routes = routesFor(alerted);
  return {
    peer: 'Gatus',
    checksFile: GATUS_CHECKS_FILE,
    checksHeader: [
      `Imported from Gatus (${path.basename(file)}) by \`cairn import gatus\`. Edit freely: a later import`,
      'refuses to overwrite this file unless run with --force.',
    ],
    groups: [...groups.values()],
    checks,
    maintenance: windows,
    site: title ? { title, ...(description ? { description } : {}) } : null,
    channels,
    routes,
    incidents: [],
    counts: [
      ['check', 'checks', checks.length],
      ['group', 'groups', groups.size],
      ['channel', 'channels', Object.keys(channels).length],
      ['route', 'routes', routes.length],
      ['maintenance window', 'maintenance windows', windows.length],
    ],
    skipped,
    notes,
    secrets: secrets.names,
    urlSecrets: secrets.urls,
  };
}

export async function importGatus(opts: GatusImportOptions): Promise<PeerImportResult> {
  const { file, value } = await readConfig(path.resolve(opts.source));
  return applyPlan(convertGatus(value, file, await reservedIds(opts.dir, GATUS_CHECKS_FILE)), opts);
}
