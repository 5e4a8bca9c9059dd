/**
 * `remoteWrite:` of cairn.yaml, resolved: one endpoint or a list, defaults applied, names unique
 * (an error at the field that repeats one), the secrets of each endpoint listed for the redactor.
 */
import { createHash } from 'node:crypto';
import type { Problems } from './problems.ts';
import type { PrometheusAuth } from './resolve-prometheus.ts';
import type { ValidFile } from './resolve.ts';
import type { RemoteWriteEndpointConfig } from './schema.ts';
import type { SourceLocation } from './types.ts';
import { formatPath } from './yaml-source.ts';

export interface RemoteWriteEndpointSettings {
  /** Names the endpoint in messages and its cursor file (`data/state/remote-write.<name>.json`). */
  name: string;
  /** The full write URL, as configured (may hold secrets: never print it, print `display`). */
  url: string;
  /** The URL without user-info, query or fragment: what messages show. */
  display: string;
  auth: PrometheusAuth;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Static labels added to every series. */
  labels: Record<string, string>;
  job: string;
  /** Stored runs not sent yet are sent by a later run when they are at most this old; older ones are dropped (counted). */
  backlogMs: number;
  /** Values never to print: tokens, passwords, header values, the URL's password and query values. */
  secrets: string[];
  source: SourceLocation;
}

/**
 * Prometheus (and Mimir, Cortex) accept an in-order sample at most an hour older than the newest
 * sample of their head block (half its 2 h range) unless `out_of_order_time_window` is set: older
 * ones are refused as out of bounds. A backlog of an hour is what every such receiver takes.
 */
/** A Prometheus label name (names starting with "__" are reserved to Prometheus). */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels Cairn sets on every series it writes; static labels may not take these names. */
export const RESERVED_LABELS = ['job', 'instance', 'check', 'component', 'kind', 'region', 'phase'] as const;

export const REMOTE_WRITE_DEFAULTS = { timeoutMs: 30_000, job: 'cairn', backlogMs: 3_600_000 } as const;

/** `http://prometheus:9090/api/v1/write` for any URL: no user-info, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** `rw-` and 8 hex digits of the URL's SHA-256: stable, and says nothing of what the URL holds. */
export function defaultEndpointName(url: string): string {
  return `rw-${createHash('sha256').update(url).digest('hex').slice(0, 8)}`;
}

function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [decodeURIComponent(u.password), ...[...u.searchParams.values()]].filter((s) => s !== '');
  } catch {
    return [];
  }
}

function resolveEndpoint(e: RemoteWriteEndpointConfig, source: SourceLocation): RemoteWriteEndpointSettings {
  const auth: PrometheusAuth = e.bearerToken
    ? { type: 'bearer', token: e.bearerToken }
    : e.basicAuth
      ? { type: 'basic', username: e.basicAuth.username, password: e.basicAuth.password }
      : { type: 'none' };
  const headers = e.headers ?? {};
  const secrets = [
    ...(auth.type === 'bearer' ? [auth.token] : auth.type === 'basic' ? [auth.password] : []),
    ...Object.values(headers),
    ...urlSecrets(e.url),
  ];
  return {
    name: e.name ?? defaultEndpointName(e.url),
    url: e.url,
    display: displayUrl(e.url),
    auth,
    headers,
    timeoutMs: e.timeout ?? REMOTE_WRITE_DEFAULTS.timeoutMs,
    labels: e.labels ?? {},
    job: e.job ?? REMOTE_WRITE_DEFAULTS.job,
    backlogMs: e.backlog ?? REMOTE_WRITE_DEFAULTS.backlogMs,
    secrets: [...new Set(secrets)],
    source,
  };
}

export function resolveRemoteWrite(files: readonly ValidFile[], problems: Problems): RemoteWriteEndpointSettings[] {
  const settings = files.find((f) => f.role === 'settings');
  const configured = settings?.config.remoteWrite;
  if (!settings || !configured) return [];
  const { locate } = settings;
  const list = Array.isArray(configured);
  const raw: RemoteWriteEndpointConfig[] = Array.isArray(configured) ? configured : [configured];
  const at = (i: number, ...rest: string[]) => (list ? ['remoteWrite', i, ...rest] : ['remoteWrite', ...rest]);
  const out: RemoteWriteEndpointSettings[] = [];
  raw.forEach((e: RemoteWriteEndpointConfig, i) => {
    for (const name of Object.keys(e.labels ?? {})) {
      const field = at(i, 'labels', name);
      if (!LABEL_NAME_RE.test(name) || name.startsWith('__')) {
        problems.error(locate(field), formatPath(field), `expected a label name of letters, digits and "_", not starting with a digit or "__"; ${JSON.stringify(name)} is not one`);
      } else if ((RESERVED_LABELS as readonly string[]).includes(name)) {
        problems.error(locate(field), formatPath(field), `label "${name}" is set by Cairn on every series (${RESERVED_LABELS.join(', ')}); ${name === 'job' ? 'write "job:" instead' : 'choose another name'}`);
      }
    }
    const endpoint = resolveEndpoint(e, locate(at(i)));
    const twin = out.find((x) => x.name === endpoint.name);
    if (twin) {
      const field = e.name === undefined ? at(i, 'url') : at(i, 'name');
      problems.error(
        locate(field),
        formatPath(field),
        e.name === undefined ? `duplicate remote-write url (endpoint "${twin.name}" already sends there)` : `duplicate remote-write endpoint name "${endpoint.name}"`,
      );
      return;
    }
    out.push(endpoint);
  });
  return out;
}
