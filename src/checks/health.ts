/**
 * Health checks: fetch a health endpoint (with the http kind's machinery and options) and turn
 * its components into sub-statuses, `details.components: [{name, status, output?}]`.
 *
 * Formats:
 * - `ietf`: the IETF health check response (`application/health+json`): `status` pass/ok/up,
 *   warn, fail/error/down; `checks` maps "component:measurement" to a list of objects with
 *   `componentId`, `status`, `observedValue`, `observedUnit`, `output`.
 * - `spring`: Spring Boot Actuator: `status` UP, DOWN, OUT_OF_SERVICE (down), UNKNOWN (degraded);
 *   `components` (Boot 2.2+, or `details` before) nested to any depth; leaves are named with
 *   their path (`db/primary`), their output is `details.error`.
 * - `custom`: a declared mapping (JSON paths to the overall status and the components, values
 *   meaning up or degraded; a boolean is always true = up, false = down).
 * - `auto` (default): by content-type, else by the shape of the body.
 *
 * The result is the worst of the declared overall status, the components, and the HTTP status
 * (a status outside `expectStatus` is down). A 503 whose body is still a health response keeps
 * its components, so the error names what failed: `2 of 5 components down: db (connection
 * refused), cache`.
 */
import { cut } from '../config/secrets.ts';
import type { HealthFormat, HealthMapping, ResolvedHealthCheck } from '../config/types.ts';
import { evaluateAssertions, formatValue, mediaType, parseJsonBody, summarizeFailures } from './assertions.ts';
import { exchange, isExpectedStatus, wrongStatusMessage } from './http.ts';
import { queryJsonPath } from './jsonpath.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

export type HealthStatus = 'up' | 'degraded' | 'down';

export interface HealthComponent {
  name: string;
  status: HealthStatus;
  output?: string;
}

/** What a health response says: its own overall status (when it has one) and its components. */
export interface HealthReport {
  format: Exclude<HealthFormat, 'auto'>;
  /** The overall status as written (e.g. "DOWN") and what it means; null when there is none. */
  overall: { raw: string; status: HealthStatus } | null;
  components: HealthComponent[];
}

const RANK: Record<HealthStatus, number> = { up: 0, degraded: 1, down: 2 };

export function worst(...statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'up');
}

const MAX_OUTPUT = 120;

function outputOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ').trim();
  return cut(flat, MAX_OUTPUT + 1);
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

// --- IETF ----------------------------------------------------------------------------------------

const IETF: Record<string, HealthStatus> = { pass: 'up', ok: 'up', up: 'up', warn: 'degraded', fail: 'down', error: 'down', down: 'down' };

function ietfStatus(value: unknown): HealthStatus {
  // An unknown value is not a pass: down, with the value shown.
  return IETF[String(value).toLowerCase()] ?? 'down';
}

export function readIetf(body: Record<string, unknown>): HealthReport {
  const components: HealthComponent[] = [];
  if (isRecord(body['checks'])) {
    for (const [key, entries] of Object.entries(body['checks'])) {
      const list = Array.isArray(entries) ? entries : [entries];
      list.forEach((entry, i) => {
        const e = isRecord(entry) ? entry : {};
        const id = e['componentId'];
        const name = list.length === 1 ? key : `${key} (${typeof id === 'string' || typeof id === 'number' ? id : i + 1})`;
        const status = ietfStatus(e['status']);
        const observed = e['observedValue'] === undefined ? undefined : `observed ${formatValue(e['observedValue'])}${typeof e['observedUnit'] === 'string' ? ` ${e['observedUnit']}` : ''}`;
        const output = outputOf(e['output']) ?? (status === 'up' ? undefined : observed);
        components.push({ name, status, ...(output === undefined ? {} : { output }) });
      });
    }
  }
  const raw = body['status'];
  return { format: 'ietf', overall: raw === undefined ? null : { raw: String(raw), status: ietfStatus(raw) }, components };
}

// --- Spring Boot Actuator --------------------------------------------------------------------------

const SPRING: Record<string, HealthStatus> = { UP: 'up', DOWN: 'down', OUT_OF_SERVICE: 'down', UNKNOWN: 'degraded' };

function springStatus(value: unknown): HealthStatus {
  // Custom statuses (Spring allows them) count as degraded: not known to be up, not known down.
  return SPRING[String(value).toUpperCase()] ?? 'degraded';
}

/** `components` (Boot 2.2+) or `details` (Boot 2.0, 2.1) when its entries look like health. */
function springChildren(node: Record<string, unknown>): Record<string, unknown> | null {
  if (isRecord(node['components'])) return node['components'];
  const details = node['details'];
  if (isRecord(details) && Object.values(details).length > 0 && Object.values(details).every((d) => isRecord(d) && 'status' in d)) return details;
  return null;
}

function springLeaves(children: Record<string, unknown>, prefix: string, out: HealthComponent[]): void {
  for (const [name, child] of Object.entries(children)) {
    if (!isRecord(child)) continue;
    const nested = springChildren(child);
    if (nested) {
      springLeaves(nested, `${prefix}${name}/`, out);
      continue;
    }
    const status = springStatus(child['status']);
    const details = child['details'];
    const output = isRecord(details) ? outputOf(details['error'] ?? details['message'] ?? details['reason']) : undefined;
    out.push({ name: `${prefix}${name}`, status, ...(output === undefined ? {} : { output }) });
  }
}

export function readSpring(body: Record<string, unknown>): HealthReport {
  const components: HealthComponent[] = [];
  const children = springChildren(body);
  if (children) springLeaves(children, '', components);
  const raw = body['status'];
  return { format: 'spring', overall: raw === undefined ? null : { raw: String(raw), status: springStatus(raw) }, components };
}

// --- Custom mapping ------------------------------------------------------------------------------

function mappedStatus(value: unknown, mapping: HealthMapping): HealthStatus {
  if (typeof value === 'boolean') return value ? 'up' : 'down';
  const text = String(value).toLowerCase();
  if (mapping.up.includes(text)) return 'up';
  if (mapping.degraded.includes(text)) return 'degraded';
  return 'down';
}

const NAME_KEYS = ['name', 'id', 'componentId'];

export function readCustom(body: unknown, mapping: HealthMapping): HealthReport | string {
  let overall: HealthReport['overall'] = null;
  if (mapping.status !== null) {
    const found = queryJsonPath(mapping.status, body);
    if (!found.found) return `the health response has no overall status at ${mapping.status}`;
    overall = { raw: typeof found.value === 'string' ? found.value : JSON.stringify(found.value), status: mappedStatus(found.value, mapping) };
  }
  const components: HealthComponent[] = [];
  if (mapping.components !== null) {
    const found = queryJsonPath(mapping.components, body);
    if (!found.found) return `the health response has no components at ${mapping.components}`;
    const value = found.value;
    let entries: [string, unknown][];
    if (Array.isArray(value)) {
      entries = value.map((item, i) => {
        let name: unknown;
        if (mapping.componentName !== null) {
          const n = queryJsonPath(mapping.componentName, item);
          name = n.found ? n.value : undefined;
        } else if (isRecord(item)) {
          name = NAME_KEYS.map((k) => item[k]).find((v) => typeof v === 'string' || typeof v === 'number');
        }
        return [name === undefined ? `#${i + 1}` : String(name), item];
      });
    } else if (isRecord(value)) {
      entries = Object.entries(value);
    } else {
      return `expected the components at ${mapping.components} to be a mapping or a list, got ${formatValue(value)}`;
    }
    for (const [name, item] of entries) {
      const status = queryJsonPath(mapping.componentStatus, item);
      const out = mapping.componentOutput === null ? undefined : queryJsonPath(mapping.componentOutput, item);
      let output = out?.found ? outputOf(out.value) : undefined;
      if (!status.found) output ??= `no status at ${mapping.componentStatus}`;
      const s = status.found ? mappedStatus(status.value, mapping) : 'down';
      components.push({ name, status: s, ...(output === undefined || s === 'up' ? {} : { output }) });
    }
  }
  return { format: 'custom', overall, components };
}

// --- Detection -----------------------------------------------------------------------------------

const NOT_RECOGNISED =
  'could not recognise the health response: expected IETF health+json ("status": "pass", "warn" or "fail") or Spring Boot Actuator ("status": "UP" or "DOWN"); set format: custom with a mapping';

/** The format of a health response: by content-type, else by shape; null when neither fits. */
export function detectFormat(contentType: string | null, body: unknown): 'ietf' | 'spring' | null {
  if (contentType === 'application/health+json') return 'ietf';
  if (contentType?.includes('spring-boot.actuator')) return 'spring';
  if (!isRecord(body)) return null;
  const status = body['status'];
  if (typeof status === 'string' && status in SPRING) return 'spring';
  if (isRecord(body['components'])) return 'spring';
  if (typeof status === 'string' && status.toLowerCase() in IETF) return 'ietf';
  if (isRecord(body['checks']) && Object.values(body['checks']).every(Array.isArray)) return 'ietf';
  return null;
}

export function readHealth(format: HealthFormat, mapping: HealthMapping | null, contentType: string | null, body: unknown): HealthReport | string {
  if (format === 'custom') return mapping ? readCustom(body, mapping) : 'format: custom needs a mapping';
  const chosen = format === 'auto' ? detectFormat(contentType, body) : format;
  if (chosen === null) return NOT_RECOGNISED;
  if (!isRecord(body)) return `expected a JSON object from the health endpoint, got ${formatValue(body)}`;
  return chosen === 'ietf' ? readIetf(body) : readSpring(body);
}

// --- The verdict ---------------------------------------------------------------------------------

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function listed(components: readonly HealthComponent[]): string {
  return components.map((c) => (c.output ? `${c.name} (${c.output})` : c.name)).join(', ');
}

/** The status of a report and, unless up, the sentence why. */
export function healthVerdict(report: HealthReport, httpProblem: string | null): { status: HealthStatus; error: string | null } {
  const { components, overall } = report;
  const down = components.filter((c) => c.status === 'down');
  const degraded = components.filter((c) => c.status === 'degraded');
  const status = worst(overall?.status ?? 'up', ...components.map((c) => c.status), httpProblem ? 'down' : 'up');
  if (status === 'up') return { status, error: null };
  const n = components.length;
  const parts: string[] = [];
  if (down.length > 0) parts.push(`${down.length} of ${plural(n, 'component')} down: ${listed(down)}`);
  if (degraded.length > 0) {
    parts.push(down.length > 0 ? `${degraded.length} degraded: ${listed(degraded)}` : `${degraded.length} of ${plural(n, 'component')} degraded: ${listed(degraded)}`);
  }
  const explained = status === 'down' ? down.length > 0 : parts.length > 0;
  if (!explained) {
    // Nothing among the components explains it: the overall status or the HTTP status does.
    const why = overall && overall.status === status ? `the health endpoint reports status ${JSON.stringify(overall.raw)}` : (httpProblem ?? `the health endpoint reports status ${JSON.stringify(overall?.raw ?? '?')}`);
    parts.unshift(why);
  }
  return { status, error: parts.join('; ') };
}

async function attempt(check: ResolvedHealthCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const result = await exchange(check, ctx, { trust: check, keepBody: true });
  if (!result.ok) {
    return { status: 'down', responseTimeMs: null, error: result.error, ...(result.statusCode === null ? {} : { statusCode: result.statusCode }) };
  }
  const { response, details } = result;
  const statusCode = response.statusCode;
  const totalMs = details['totalMs'] as number;
  if (response.bodyError !== null) return { status: 'down', responseTimeMs: null, error: response.bodyError, statusCode, details };
  const httpProblem = isExpectedStatus(statusCode, check.expectStatus) ? null : wrongStatusMessage(check, response);

  const json = parseJsonBody(response, 'a JSON health response');
  const report = json.ok ? readHealth(check.format, check.mapping, mediaType(response.headers), json.value) : json.error;
  if (typeof report === 'string') {
    // An unexpected HTTP status explains an unreadable body better than the body does.
    return { status: 'down', responseTimeMs: totalMs, error: httpProblem ?? report, statusCode, details };
  }

  const withComponents = {
    ...details,
    format: report.format,
    ...(report.overall ? { healthStatus: report.overall.raw } : {}),
    components: report.components,
  };
  const verdict = healthVerdict(report, httpProblem);
  if (verdict.status === 'up' && check.assert !== null) {
    const failure = summarizeFailures(evaluateAssertions(check.assert, response));
    if (failure !== null) return { status: 'down', responseTimeMs: totalMs, error: failure, statusCode, details: withComponents };
  }
  return { status: verdict.status, responseTimeMs: totalMs, error: verdict.error, statusCode, details: withComponents };
}

export const healthRunner: CheckRunner<ResolvedHealthCheck> = { kind: 'health', attempt };
