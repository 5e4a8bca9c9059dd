/**
 * `prometheus:`, `slos:` and `capacity:` of cairn.yaml, resolved: defaults applied, endpoints and
 * components referenced by id checked (an error at the field that names an unknown one).
 */
import type { Problems } from './problems.ts';
import type { CapacityConfig, PrometheusEndpointConfig, SloConfig } from './schema.ts';
import type { ValidFile } from './resolve.ts';
import type { ResolvedComponent, SourceLocation } from './types.ts';
import { formatPath } from './yaml-source.ts';

export type PrometheusAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string };

export interface PrometheusEndpointSettings {
  id: string;
  /** Base URL with any path prefix, without a trailing slash; the API is `${url}/api/v1`. */
  url: string;
  auth: PrometheusAuth;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Whether firing alerts are read from this endpoint. */
  alerts: boolean;
  /** Alert label whose value names a component. */
  alertLabel: string;
}

/** A compliance window: rolling (the last `ms`) or the current calendar month (UTC). */
export type SloWindow = { kind: 'rolling'; ms: number; label: string } | { kind: 'month'; label: 'month' };

export type PrometheusSliSpec =
  | { kind: 'ratio'; errors: string | null; good: string | null; total: string }
  | { kind: 'gauge'; selector: string }
  | { kind: 'latency'; metric: string; le: string };

/**
 * SLIs computed by the status model from Cairn's own check results (src/model/check-slo.ts).
 * `checks`: the checks that count (the component's by default); `component`: they are the
 * component's own checks, combined by the page's partial-outage rule.
 */
export type CheckSliSpec =
  | { kind: 'availability'; checks: string[]; wholeComponent: boolean; degradedGood: boolean; measure: 'time' | 'probes' }
  | { kind: 'response-time'; checks: string[]; wholeComponent: boolean; belowMs: number };

export type SliSpec = PrometheusSliSpec | CheckSliSpec;

export function isCheckSli(sli: SliSpec): sli is CheckSliSpec {
  return sli.kind === 'availability' || sli.kind === 'response-time';
}

export interface SloSpec<S extends SliSpec = SliSpec> {
  id: string;
  name: string;
  description: string | null;
  component: string;
  /** The Prometheus endpoint queried; null for an SLI computed from the checks. */
  endpoint: S extends CheckSliSpec ? null : string;
  /** Objective in percent, e.g. 99.9. */
  target: number;
  /** The first window drives the budget, burn-down and exhaustion shown first. */
  windows: SloWindow[];
  sli: S;
  source: SourceLocation;
}

export type PrometheusSloSpec = SloSpec<PrometheusSliSpec>;
export type CheckSloSpec = SloSpec<CheckSliSpec>;

export function isCheckSlo(spec: SloSpec): spec is CheckSloSpec {
  return isCheckSli(spec.sli);
}

/** The SLOs `cairn slo` queries Prometheus for. */
export function prometheusSlos(slos: readonly SloSpec[]): PrometheusSloSpec[] {
  return slos.filter((s): s is PrometheusSloSpec => !isCheckSli(s.sli));
}

/** The SLOs the status model computes from the checks. */
export function checkSlos(slos: readonly SloSpec[]): CheckSloSpec[] {
  return slos.filter(isCheckSlo);
}

export type CapacityType = 'cpu' | 'memory' | 'disk' | 'custom';
export type FitMethod = 'least-squares' | 'theil-sen';

export interface CapacitySpec {
  id: string;
  name: string;
  component: string;
  endpoint: string;
  type: CapacityType;
  query: string;
  unit: string;
  direction: 'up' | 'down';
  warning: number;
  critical: number;
  lookbackMs: number;
  method: FitMethod;
  horizonMs: number;
  resolutionMs: number;
  source: SourceLocation;
}

export interface PrometheusSettings {
  endpoints: PrometheusEndpointSettings[];
  slos: SloSpec[];
  capacity: CapacitySpec[];
}

const DAY = 86_400_000;
export const PROMETHEUS_DEFAULTS = { timeoutMs: 30_000, alertLabel: 'component' } as const;
export const DEFAULT_SLO_WINDOWS: SloWindow[] = [
  { kind: 'rolling', ms: 30 * DAY, label: '30d' },
  { kind: 'month', label: 'month' },
];
/** Default thresholds by resource type (percent), from common practice. */
export const CAPACITY_THRESHOLDS: Record<Exclude<CapacityType, 'custom'>, { warning: number; critical: number }> = {
  cpu: { warning: 80, critical: 95 },
  memory: { warning: 85, critical: 95 },
  disk: { warning: 90, critical: 95 },
};
export const CAPACITY_DEFAULTS = { lookbackMs: 30 * DAY, horizonMs: 365 * DAY, resolutionMs: 5 * 60_000, method: 'least-squares' } as const;

/** `30d`, `12h`, `90m`: the shortest exact label of a duration. */
export function durationLabel(ms: number): string {
  for (const [unit, size] of [['d', DAY], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A bucket bound as the `le` label value: exporters write `1` or `1.0`; integers match both. */
export function leLabel(le: number | string): string {
  return String(le);
}

function resolveEndpoint(e: PrometheusEndpointConfig): PrometheusEndpointSettings {
  const auth: PrometheusAuth = e.bearerToken
    ? { type: 'bearer', token: e.bearerToken }
    : e.basicAuth
      ? { type: 'basic', username: e.basicAuth.username, password: e.basicAuth.password }
      : { type: 'none' };
  return {
    id: e.id,
    url: e.url.replace(/\/+$/, ''),
    auth,
    headers: e.headers ?? {},
    timeoutMs: e.timeout ?? PROMETHEUS_DEFAULTS.timeoutMs,
    alerts: e.alerts ?? true,
    alertLabel: e.alertLabel ?? PROMETHEUS_DEFAULTS.alertLabel,
  };
}

function resolveWindows(windows: SloConfig['windows']): SloWindow[] {
  if (!windows) return DEFAULT_SLO_WINDOWS;
  return windows.map((w) => (w === 'month' ? { kind: 'month', label: 'month' } : { kind: 'rolling', ms: w, label: durationLabel(w) }));
}

function resolvePrometheusSli(sli: SloConfig['sli']): PrometheusSliSpec {
  if (sli.ratio) return { kind: 'ratio', errors: sli.ratio.errors ?? null, good: sli.ratio.good ?? null, total: sli.ratio.total };
  if (sli.gauge !== undefined) return { kind: 'gauge', selector: sli.gauge };
  const latency = sli.latency as NonNullable<SloConfig['sli']['latency']>;
  return { kind: 'latency', metric: latency.metric, le: leLabel(latency.le) };
}

export function resolvePrometheus(
  files: readonly ValidFile[],
  components: readonly ResolvedComponent[],
  problems: Problems,
  run: { degradedCountsAsUp: boolean } = { degradedCountsAsUp: true },
): PrometheusSettings {
  const settings = files.find((f) => f.role === 'settings');
  const out: PrometheusSettings = { endpoints: [], slos: [], capacity: [] };
  if (!settings) return out;
  const { config, locate } = settings;
  const raw = config.prometheus === undefined ? [] : Array.isArray(config.prometheus) ? config.prometheus : [config.prometheus];
  const endpointPath = (i: number, key: string) => (Array.isArray(config.prometheus) ? ['prometheus', i, key] : ['prometheus', key]);
  raw.forEach((e, i) => {
    if (out.endpoints.some((x) => x.id === e.id)) {
      const p = endpointPath(i, 'id');
      problems.error(locate(p), p.join('.').replace(/\.(\d+)\./g, '[$1].'), `duplicate prometheus endpoint id "${e.id}"`);
      return;
    }
    out.endpoints.push(resolveEndpoint(e));
  });
  const known = new Set(components.map((c) => c.id));
  const endpointIds = out.endpoints.map((e) => e.id);

  const refs = (section: 'slos' | 'capacity', i: number, item: { component: string; prometheus?: string | undefined }): string => {
    if (!known.has(item.component)) {
      problems.error(locate([section, i, 'component']), `${section}[${i}].component`, `unknown component "${item.component}" (known: ${[...known].join(', ') || 'none'})`);
    }
    if (endpointIds.length === 0) {
      problems.error(locate([section, i]), `${section}[${i}]`, 'expected a "prometheus:" endpoint in cairn.yaml to query');
      return '';
    }
    const endpoint = item.prometheus ?? (endpointIds[0] as string);
    if (!endpointIds.includes(endpoint)) {
      problems.error(locate([section, i, 'prometheus']), `${section}[${i}].prometheus`, `unknown prometheus endpoint "${endpoint}" (known: ${endpointIds.join(', ')})`);
    }
    return endpoint;
  };
  const seen = new Set<string>();
  const unique = (section: 'slos' | 'capacity', i: number, id: string): boolean => {
    const key = `${section}:${id}`;
    if (seen.has(key)) {
      problems.error(locate([section, i, 'id']), `${section}[${i}].id`, `duplicate ${section === 'slos' ? 'SLO' : 'capacity'} id "${id}"`);
      return false;
    }
    seen.add(key);
    return true;
  };

  const componentById = new Map(components.map((c) => [c.id, c]));
  const checkIds = new Set(components.flatMap((c) => c.checks));
  /** A check-based SLI: its checks exist; it names no Prometheus endpoint. */
  const resolveCheckSli = (i: number, s: SloConfig): CheckSliSpec => {
    if (s.prometheus !== undefined) {
      problems.error(locate(['slos', i, 'prometheus']), `slos[${i}].prometheus`, "an SLO on Cairn's own checks (sli.availability, sli.responseTime) queries no Prometheus endpoint: remove \"prometheus\"");
    }
    const key = s.sli.availability ? 'availability' : 'responseTime';
    const given = (s.sli.availability ?? s.sli.responseTime)?.checks;
    const own = componentById.get(s.component)?.checks ?? [];
    given?.forEach((id, k) => {
      if (!checkIds.has(id)) problems.error(locate(['slos', i, 'sli', key, 'checks', k]), `slos[${i}].sli.${key}.checks[${k}]`, `unknown check "${id}" (known: ${[...checkIds].join(', ') || 'none'})`);
    });
    if (!given && own.length === 0 && componentById.has(s.component)) {
      problems.error(locate(['slos', i, 'sli', key]), `slos[${i}].sli.${key}`, `component "${s.component}" has no checks: name the checks that count in "checks"`);
    }
    const checks = given ? [...new Set(given)] : own;
    const wholeComponent = !given || (checks.length === own.length && checks.every((c) => own.includes(c)));
    if (s.sli.availability) {
      const a = s.sli.availability;
      return { kind: 'availability', checks, wholeComponent, degradedGood: a.degraded === undefined ? run.degradedCountsAsUp : a.degraded === 'good', measure: a.measure ?? 'time' };
    }
    const r = s.sli.responseTime as NonNullable<SloConfig['sli']['responseTime']>;
    return { kind: 'response-time', checks, wholeComponent, belowMs: r.below };
  };

  (config.slos ?? []).forEach((s, i) => {
    const fromChecks = s.sli.availability !== undefined || s.sli.responseTime !== undefined;
    if (fromChecks && !known.has(s.component)) {
      problems.error(locate(['slos', i, 'component']), `slos[${i}].component`, `unknown component "${s.component}" (known: ${[...known].join(', ') || 'none'})`);
    }
    const endpoint = fromChecks ? null : refs('slos', i, s);
    if (!unique('slos', i, s.id)) return;
    const common = {
      id: s.id,
      name: s.name ?? s.id,
      description: s.description ?? null,
      component: s.component,
      target: s.target,
      windows: resolveWindows(s.windows),
      source: locate(['slos', i]),
    };
    if (endpoint === null) out.slos.push({ ...common, endpoint: null, sli: resolveCheckSli(i, s) });
    else out.slos.push({ ...common, endpoint, sli: resolvePrometheusSli(s.sli) });
  });

  (config.capacity ?? []).forEach((c: CapacityConfig, i) => {
    const endpoint = refs('capacity', i, c);
    if (!unique('capacity', i, c.id)) return;
    const type = c.type ?? 'custom';
    const defaults = type === 'custom' || c.direction === 'down' ? null : CAPACITY_THRESHOLDS[type];
    const warning = c.warning ?? defaults?.warning ?? 0;
    const critical = c.critical ?? defaults?.critical ?? 0;
    const falling = c.direction === 'down';
    if (falling ? warning < critical : warning > critical) {
      const field = c.warning !== undefined ? 'warning' : 'critical';
      const shown = (v: number, given: number | undefined) => `${v}${given === undefined ? `, the default for ${type}` : ''}`;
      problems.error(
        locate(['capacity', i, field]),
        formatPath(['capacity', i, field]),
        `expected warning (${shown(warning, c.warning)}) ${falling ? 'at least' : 'at most'} critical (${shown(critical, c.critical)}) for a ${falling ? 'falling' : 'rising'} resource: the warning would come after the critical threshold`,
      );
    }
    out.capacity.push({
      id: c.id,
      name: c.name ?? c.id,
      component: c.component,
      endpoint,
      type,
      query: c.query,
      unit: c.unit ?? (type === 'custom' ? '' : '%'),
      direction: c.direction ?? 'up',
      // The schema requires both thresholds where no default exists.
      warning,
      critical,
      lookbackMs: c.lookback ?? CAPACITY_DEFAULTS.lookbackMs,
      method: c.method ?? CAPACITY_DEFAULTS.method,
      horizonMs: c.horizon ?? CAPACITY_DEFAULTS.horizonMs,
      resolutionMs: c.resolution ?? CAPACITY_DEFAULTS.resolutionMs,
      source: locate(['capacity', i]),
    });
  });
  return out;
}
