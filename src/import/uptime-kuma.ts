/**
 * `cairn import uptime-kuma <backup.json>`: an Uptime Kuma JSON backup (Settings → Backup →
 * Export: `version`, `notificationList`, `monitorList`, and in newer versions `maintenanceList`)
 * to a Cairn status repo.
 *
 * - Monitors → checks in `checks/uptime-kuma.yaml`: http → `http`, keyword → `http` with
 *   `assert.body`, json-query → `http` with `assert.json`, port → `tcp`, ping → `ping` (ICMP),
 *   dns → `dns`; interval, timeout, retries, accepted status codes, redirects, TLS errors ignored,
 *   basic auth (as `${ENV}`), certificate expiry (a companion `tls` check). `group` monitors →
 *   Cairn groups (nested groups flattened as "Parent / Child"); paused monitors → `enabled: false`.
 * - Notifications → channels and the monitors' notifications → routes, in cairn.yaml
 *   (uptime-kuma-notifications.ts); maintenance → windows (uptime-kuma-maintenance.ts).
 * - Monitor types without a Cairn check kind (push, docker, databases, game servers, ...) and
 *   options Cairn does not have are reported by name.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatDuration } from '../config/schema.ts';
import { applyPlan, envName, IdAllocator, ImportError, isSecretHeader, reservedIds, Secrets, type PeerImportOptions, type PeerImportResult, type PeerPlan, type PeerSkip, type RouteConfig } from './peer.ts';
import { convertMaintenance } from './uptime-kuma-maintenance.ts';
import { convertNotifications } from './uptime-kuma-notifications.ts';

export const KUMA_CHECKS_FILE = 'checks/uptime-kuma.yaml';
const CAIRN_DEFAULT_INTERVAL_MS = 5 * 60_000;
const DNS_TYPES = new Set(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS']);
const HTTP_TYPES = new Set(['http', 'keyword', 'json-query']);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : null);
const truthy = (v: unknown) => v === true || v === 1 || v === '1';
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface KumaImportOptions extends PeerImportOptions {
  /** The backup file. */
  source: string;
}

function jsonValue(s: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  if (s === 'null') return null;
  return s;
}

/** A JSONata expression that is a plain path (`status`, `$.data.status`, `items[0].id`) as a JSON path. */
function jsonPathOf(expr: string): string | null {
  const e = expr.trim().replace(/^\$\.?/, '');
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/.test(e)) return null;
  return `$.${e}`;
}

function statusCodes(list: unknown): (number | string)[] | null {
  if (!Array.isArray(list) || !list.length) return null;
  const out: (number | string)[] = [];
  for (const v of list) {
    const s = String(v).trim();
    if (/^[1-5]\d\d$/.test(s)) out.push(Number(s));
    else if (/^[1-5]\d\d-[1-5]\d\d$/.test(s)) out.push(s === '200-299' ? '2xx' : s);
    else return null;
  }
  return out;
}

export function convertKuma(backup: Obj, file: string, reserved: ReadonlySet<string> = new Set()): PeerPlan {
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];
  const secrets = new Secrets();
  const monitors = (backup['monitorList'] as unknown[]).map(obj);
  const byId = new Map(monitors.map((m) => [String(m['id']), m]));
  const notif = convertNotifications(backup['notificationList'], secrets);
  skipped.push(...notif.skipped);
  notes.push(...notif.notes);

  // Groups: the nearest group monitor of each monitor, named with its parents.
  const groupName = (m: Obj): string => {
    const parent = m['parent'] != null ? byId.get(String(m['parent'])) : undefined;
    const own = str(m['name']) ?? `group ${String(m['id'])}`;
    return parent && parent['type'] === 'group' ? `${groupName(parent)} / ${own}` : own;
  };
  const alloc = new IdAllocator(reserved);
  const groupAlloc = new IdAllocator(reserved);
  const checks: Record<string, unknown>[] = [];
  const groups = new Map<string, { id: string; name: string; components: Obj[] }>();
  const components = new Map<string, string>();
  const routed = new Map<string, string[]>();
  const options = new Map<string, string[]>();
  const fast: string[] = [];
  const option = (what: string, name: string) => options.set(what, [...(options.get(what) ?? []), name]);

  for (const m of monitors) {
    const type = (str(m['type']) ?? '').toLowerCase();
    const name = str(m['name']) ?? `monitor ${String(m['id'])}`;
    if (type === 'group') continue;
    if (!HTTP_TYPES.has(type) && !['port', 'ping', 'dns'].includes(type)) {
      skipped.push({
        what: 'monitor',
        message: `monitor "${name}": type "${type || '?'}" has no Cairn check kind${type === 'push' ? ' (a push monitor waits for the job to call it; Cairn\'s checks pull)' : ''}`,
      });
      continue;
    }
    if (truthy(m['upsideDown'])) {
      skipped.push({ what: 'monitor', message: `monitor "${name}": upside down mode (up when the target fails) has no Cairn equivalent` });
      continue;
    }
    const id = alloc.take(name, `monitor-${String(m['id'])}`);
    const check: Record<string, unknown> = { id, name, component: id };
    if (str(m['description'])) check['description'] = str(m['description']);
    const interval = (num(m['interval']) ?? 60) * 1000;
    if (interval >= CAIRN_DEFAULT_INTERVAL_MS) check['interval'] = formatDuration(interval);
    else fast.push(name);
    const timeout = num(m['timeout']);
    if (timeout && timeout > 0) check['timeout'] = formatDuration(Math.round(timeout * 1000));
    const retries = num(m['maxretries']);
    if (retries && retries > 0) {
      check['retries'] = Math.min(5, Math.round(retries));
      if (retries > 5) option('maxretries above 5 (Cairn retries at most 5 times)', name);
    }
    if (m['active'] === false || m['active'] === 0) check['enabled'] = false;

    if (HTTP_TYPES.has(type)) {
      const url = str(m['url']);
      if (!url || !/^https?:\/\//i.test(url)) {
        skipped.push({ what: 'monitor', message: `monitor "${name}": no http(s) URL` });
        continue;
      }
      let target = url;
      const user = str(m['basic_auth_user']);
      const authMethod = str(m['authMethod']);
      if (user && (!authMethod || authMethod === 'basic')) {
        const u = secrets.ref(user, envName(id, 'user'));
        const p = str(m['basic_auth_pass']) ? `:${secrets.ref(m['basic_auth_pass'], envName(id, 'password'))}` : '';
        target = url.replace(/^(https?:\/\/)/i, `$1${u}${p}@`);
      } else if (authMethod && authMethod !== 'basic' && authMethod !== 'null') option(`authentication "${authMethod}"`, name);
      Object.assign(check, { kind: 'http', url: target });
      const method = str(m['method'])?.toUpperCase();
      if (method && method !== 'GET') check['method'] = method;
      const body = str(m['body']);
      if (body) check['body'] = body;
      const headersText = str(m['headers']);
      if (headersText) {
        try {
          const headers: Record<string, string> = {};
          for (const [h, v] of Object.entries(obj(JSON.parse(headersText)))) headers[h] = isSecretHeader(h) ? secrets.ref(String(v), envName(id, h)) : String(v);
          if (Object.keys(headers).length) check['headers'] = headers;
        } catch {
          option('headers that are not a JSON object', name);
        }
      }
      const codes = statusCodes(m['accepted_statuscodes']);
      if (codes && !(codes.length === 1 && codes[0] === '2xx')) check['expectStatus'] = codes;
      else if (!codes && m['accepted_statuscodes'] !== undefined) option('accepted status codes Cairn cannot read', name);
      const redirects = num(m['maxredirects']);
      if (redirects !== null && redirects !== 10) check['followRedirects'] = redirects === 0 ? false : Math.min(20, redirects);
      if (truthy(m['ignoreTls'])) check['insecureSkipVerify'] = true;
      if (type === 'keyword') {
        const keyword = str(m['keyword']);
        if (!keyword) skipped.push({ what: 'monitor option', message: `monitor "${name}": keyword monitor without a keyword; imported as a plain http check` });
        else check['assert'] = { body: truthy(m['invertKeyword']) ? { notContains: keyword } : { contains: keyword } };
      } else if (type === 'json-query') {
        const expr = str(m['jsonPath']);
        const expected = m['expectedValue'] == null ? null : String(m['expectedValue']);
        const jsonPath = expr ? jsonPathOf(expr) : null;
        const op = str(m['jsonPathOperator']) ?? '==';
        const opKey: Record<string, string> = { '==': 'equals', '!=': 'notEquals', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte', contains: 'contains' };
        const value = expected === null ? null : jsonValue(expected);
        const key = opKey[op];
        if (!jsonPath || expected === null || !key || (['lt', 'lte', 'gt', 'gte'].includes(key) && typeof value !== 'number')) {
          skipped.push({ what: 'monitor option', message: `monitor "${name}": JSON query "${expr ?? ''}" ${op} "${expected ?? ''}" is not a plain path comparison; imported without it (add an assert.json by hand)` });
        } else {
          check['assert'] = { json: [key === 'equals' && typeof value === 'string' ? { path: jsonPath, matches: `^${escapeRegex(value)}$` } : { path: jsonPath, [key]: value }] };
        }
      }
      if (truthy(m['expiryNotification']) && /^https:/i.test(url)) {
        const host = new URL(url).hostname;
        const port = Number(new URL(url).port) || 443;
        checks.push(check);
        checks.push({ id: alloc.take(`${id}-certificate`, `${id}-tls`), name: `${name} certificate`, component: id, kind: 'tls', host, ...(port !== 443 ? { port } : {}), warningDays: 21, criticalDays: 7, ...(check['enabled'] === false ? { enabled: false } : {}) });
      } else checks.push(check);
    } else if (type === 'port') {
      const host = str(m['hostname']);
      const port = num(m['port']);
      if (!host || !port) {
        skipped.push({ what: 'monitor', message: `monitor "${name}": no hostname or port` });
        continue;
      }
      checks.push(Object.assign(check, { kind: 'tcp', host, port }));
    } else if (type === 'ping') {
      const host = str(m['hostname']);
      if (!host) {
        skipped.push({ what: 'monitor', message: `monitor "${name}": no hostname` });
        continue;
      }
      checks.push(Object.assign(check, { kind: 'ping', host, icmp: true }));
    } else {
      const host = str(m['hostname']);
      const record = (str(m['dns_resolve_type']) ?? 'A').toUpperCase();
      if (!host || !DNS_TYPES.has(record)) {
        skipped.push({ what: 'monitor', message: `monitor "${name}": dns ${host ? `record type ${record} (Cairn asks for A, AAAA, CNAME, MX, TXT, NS)` : 'without a hostname'}` });
        continue;
      }
      Object.assign(check, { kind: 'dns', query: host, record });
      const server = str(m['dns_resolve_server']);
      const port = num(m['port']);
      if (server && /^\d{1,3}(\.\d{1,3}){3}$/.test(server)) check['server'] = port && port !== 53 ? `${server}:${port}` : server;
      else if (server && /:/.test(server)) check['server'] = port && port !== 53 ? `[${server}]:${port}` : server;
      checks.push(check);
    }
    components.set(String(m['id']), id);
    if (Array.isArray(m['tags']) && m['tags'].length) option('tags', name);
    if (num(m['resendInterval'])) option('resendInterval (Cairn reminds per notifications.remind)', name);

    const parent = m['parent'] != null ? byId.get(String(m['parent'])) : undefined;
    if (parent && parent['type'] === 'group') {
      const gName = groupName(parent);
      let g = groups.get(gName);
      if (!g) {
        g = { id: groupAlloc.take(gName, `group-${String(parent['id'])}`), name: gName, components: [] };
        groups.set(gName, g);
      }
      g.components.push({ id, name });
    }
    const list = m['notificationIDList'];
    const ids = Array.isArray(list) ? list.map(String) : Object.entries(obj(list)).filter(([, on]) => on === true || on === 1).map(([k]) => k);
    const channels = ids.map((k) => notif.byKumaId.get(k)).filter((c): c is string => c !== undefined);
    if (channels.length) routed.set(id, [...new Set(channels)]);
  }
  for (const [what, names] of options) {
    skipped.push({ what: 'monitor option', message: `${what}: ${names.slice(0, 5).map((n) => `"${n}"`).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`, count: names.length });
  }
  if (fast.length) {
    notes.push(`${fast.length} monitor${fast.length === 1 ? '' : 's'} ran more often than every 5 minutes in Uptime Kuma: Cairn runs checks from its scheduled job (defaults.interval, 5m by default)`);
  }
  if (checks.length === 0) throw new ImportError(`${file}: no monitor could be imported (${skipped.filter((s) => s.what === 'monitor').map((s) => s.message).join('; ') || 'no monitors'})`);

  const maintenance = convertMaintenance(backup['maintenanceList'], components, reserved);
  skipped.push(...maintenance.skipped);
  const byChannel = new Map<string, string[]>();
  for (const [component, chans] of routed) for (const c of chans) byChannel.set(c, [...(byChannel.get(c) ?? []), component]);
  const routes: RouteConfig[] = [...byChannel].map(([channel, comps]) => ({ components: comps, channels: [channel] }));
  const proxies = Array.isArray(backup['proxyList']) ? backup['proxyList'].length : 0;
  if (proxies) skipped.push({ what: 'setting', message: `${proxies} prox${proxies === 1 ? 'y' : 'ies'} (Cairn checks connect directly)`, count: proxies });
  const pages = Array.isArray(backup['statusPageList']) ? backup['statusPageList'].length : 0;
  if (pages) skipped.push({ what: 'setting', message: `${pages} status page definition${pages === 1 ? '' : 's'} (Cairn's page shows the groups above; set site in cairn.yaml)`, count: pages });
  notes.push('Uptime Kuma\'s backup holds no heartbeat history: none is imported');

  return {
    peer: 'Uptime Kuma',
    checksFile: KUMA_CHECKS_FILE,
    checksHeader: [
      `Imported from an Uptime Kuma backup${typeof backup['version'] === 'string' ? ` (version ${backup['version']})` : ''} by \`cairn import uptime-kuma\`.`,
      'Edit freely: a later import refuses to overwrite this file unless run with --force.',
    ],
    groups: [...groups.values()],
    checks,
    maintenance: maintenance.windows,
    site: null,
    channels: notif.channels,
    routes,
    incidents: [],
    counts: [
      ['check', 'checks', checks.length],
      ['group', 'groups', groups.size],
      ['channel', 'channels', Object.keys(notif.channels).length],
      ['route', 'routes', routes.length],
      ['maintenance window', 'maintenance windows', maintenance.windows.length],
    ],
    skipped,
    notes,
    secrets: secrets.names,
    urlSecrets: secrets.urls,
  };
}

export async function importUptimeKuma(opts: KumaImportOptions): Promise<PeerImportResult> {
  const file = path.resolve(opts.source);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') throw new ImportError(`${file}: expected an Uptime Kuma backup file (Settings → Backup → Export)`);
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ImportError(`${file}: invalid JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || !Array.isArray((value as Obj)['monitorList'])) {
    throw new ImportError(`${file}: no "monitorList"; expected an Uptime Kuma backup (Settings → Backup → Export JSON)`);
  }
  return applyPlan(convertKuma(value as Obj, file, await reservedIds(opts.dir, KUMA_CHECKS_FILE)), opts);
}
