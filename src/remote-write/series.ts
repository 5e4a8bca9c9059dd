/**
 * Check results as Prometheus series, named and labelled like blackbox_exporter's so that
 * existing dashboards and alert rules work on them (docs/remote-write.md has the table).
 *
 * Pure: a stored result (what the git store keeps), optionally with the full result of the run
 * that made it (timing phases, certificate), in; samples out. The timestamp is the check's start
 * AS THE STORE KEEPS IT and durations are whole milliseconds as stored, so a run sent again from
 * the backlog yields exactly the samples its first send did (identical duplicates).
 *
 * A result in maintenance writes no `probe_success` and no `cairn_check_healthy` sample (the time
 * is excluded from SLOs, as the page excludes it), and `cairn_check_maintenance 1` instead.
 */
import type { CheckResult } from '../checks/types.ts';
import { formatHostPort } from '../checks/errors.ts';
import type { CheckKind, ResolvedCheck } from '../config/types.ts';
import type { Redactor } from '../config/secrets.ts';
import type { StoredResult } from '../store/samples.ts';

/** The metric families Cairn writes, with their help text: one table for remote write and export. */
export const METRICS = {
  probe_success: 'Whether the check succeeded: 1 up or degraded, 0 down; no sample while in maintenance',
  cairn_check_healthy: 'Whether the check was healthy: 1 up, 0 degraded or down; no sample while in maintenance',
  cairn_check_maintenance: 'Whether the check was inside a maintenance window: 1 yes, 0 no',
  probe_duration_seconds: 'How long the check took (its final attempt), in seconds',
  probe_http_status_code: 'HTTP status code of the response (the final one of a journey); 0 when none came',
  probe_http_duration_seconds: 'Duration of each phase of the HTTP request, in seconds: resolve, connect, tls, processing, transfer',
  probe_ssl_earliest_cert_expiry: 'When the certificate expires, Unix time in seconds',
  probe_dns_lookup_time_seconds: 'Time of the DNS lookup, in seconds (a dns check: the query; http: resolving the host)',
} as const;

export type MetricName = keyof typeof METRICS;

/** Kinds whose results carry an HTTP status code. */
const HTTP_KINDS: ReadonlySet<CheckKind> = new Set(['http', 'health', 'journey']);
/** Kinds whose results carry the HTTP timing phases (src/checks/http.ts). */
const PHASE_KINDS: ReadonlySet<CheckKind> = new Set(['http', 'health']);
/** blackbox_exporter's phase names, from the `details` fields of an HTTP result. */
export const PHASES = [
  ['resolve', 'dnsMs'],
  ['connect', 'connectMs'],
  ['tls', 'tlsMs'],
  ['processing', 'ttfbMs'],
  ['transfer', 'downloadMs'],
] as const;

export interface Label {
  name: string;
  value: string;
}

/** One sample of one series: the series' labels (sorted by name, `__name__` included) and its key. */
export interface Point {
  key: string;
  labels: Label[];
  value: number;
  /** Epoch milliseconds. */
  t: number;
}

/** What the labels of a check come from. */
export interface CheckTarget {
  kind: CheckKind;
  component: string;
  /** The target, without user-info, query or secrets. */
  instance: string;
}

/** A URL without user-info, query or fragment; anything that is not a URL is returned as is. */
export function stripUrl(text: string): string {
  try {
    const u = new URL(text);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return text;
  }
}

/** The `instance` label of a check: its target as blackbox_exporter would be given it, redacted. */
export function instanceOf(check: ResolvedCheck, redactor: Pick<Redactor, 'redact'>): string {
  let target: string;
  switch (check.kind) {
    case 'http':
    case 'health':
      target = stripUrl(check.url);
      break;
    case 'journey':
      target = stripUrl(check.steps[0]?.url ?? '');
      break;
    case 'tcp':
    case 'tls':
      target = formatHostPort(check.host, check.port);
      break;
    case 'dns':
      target = check.query;
      break;
    case 'ping':
      target = formatHostPort(check.host, check.port);
      break;
    case 'domain':
      target = check.domain;
      break;
    case 'heartbeat':
      target = check.id;
      break;
  }
  return redactor.redact(target);
}

export function targetsOf(checks: readonly ResolvedCheck[], redactor: Pick<Redactor, 'redact'>): Map<string, CheckTarget> {
  return new Map(checks.map((c) => [c.id, { kind: c.kind, component: c.component, instance: instanceOf(c, redactor) }]));
}

export interface SeriesOptions {
  job: string;
  /** Static labels of the endpoint. */
  labels: Readonly<Record<string, string>>;
  targets: ReadonlyMap<string, CheckTarget>;
}

const byName = (a: Label, b: Label) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** One series: made once per check, region and metric (and phase), then the same object every run. */
export interface Series {
  key: string;
  labels: Label[];
  /** Free for the one batching this builder's samples: its own mark (see `batches`). */
  mark?: unknown;
}

/** The series a check can have, by slot: the metrics, then the five phases. */
const SLOTS: readonly (readonly [MetricName, string | undefined])[] = [
  ...(Object.keys(METRICS) as MetricName[]).filter((m) => m !== 'probe_http_duration_seconds').map((m) => [m, undefined] as const),
  ...PHASES.map(([phase]) => ['probe_http_duration_seconds', phase] as const),
];
const SLOT = Object.fromEntries(SLOTS.map(([m, phase], i) => [phase ?? m, i])) as Record<Exclude<MetricName, 'probe_http_duration_seconds'> | (typeof PHASES)[number][0], number>;

/** What is known of one check from one region: its target, base labels and its series by slot. */
interface CheckSeries {
  target: CheckTarget;
  base: Label[];
  baseKey: string;
  series: (Series | undefined)[];
}

/** Receives each sample of a result: its series (a stable object), value and time (epoch ms). */
export type Emit = (series: Series, value: number, t: number) => void;

/**
 * Builds the samples of stored results; one per endpoint (its job and static labels), caching
 * each check's labels and series (per region), so a run costs no label work.
 */
export class SeriesBuilder {
  private readonly opts: SeriesOptions;
  /** By region ('' for none), then by check id. */
  private readonly checks = new Map<string, Map<string, CheckSeries | null>>();

  constructor(opts: SeriesOptions) {
    this.opts = opts;
  }

  /** The labels every series of a check (from a region) carries; null for a check not configured. */
  private check(id: string, region: string | undefined): CheckSeries | null {
    let byId = this.checks.get(region ?? '');
    if (!byId) this.checks.set(region ?? '', (byId = new Map()));
    const cached = byId.get(id);
    if (cached !== undefined) return cached;
    const target = this.opts.targets.get(id);
    let entry: CheckSeries | null = null;
    if (target) {
      const map: Record<string, string> = { ...this.opts.labels, job: this.opts.job, instance: target.instance, check: id, component: target.component, kind: target.kind };
      if (region !== undefined) map['region'] = region;
      entry = { target, base: Object.entries(map).map(([name, value]) => ({ name, value })), baseKey: `${id}\u0000${region ?? ''}`, series: [] };
    }
    byId.set(id, entry);
    return entry;
  }

  private series(check: CheckSeries, slot: number): Series {
    let s = check.series[slot];
    if (!s) {
      const [name, phase] = SLOTS[slot] as readonly [MetricName, string | undefined];
      const labels = [...check.base, { name: '__name__', value: name }, ...(phase === undefined ? [] : [{ name: 'phase', value: phase }])].sort(byName);
      s = { key: `${name}\u0000${phase ?? ''}\u0000${check.baseKey}`, labels };
      check.series[slot] = s;
    }
    return s;
  }

  /** Whether results of this check can be written (it is configured). */
  knows(id: string): boolean {
    return this.opts.targets.has(id);
  }

  /**
   * The samples of one stored result, with the detail of the run that made it when at hand.
   * Returns [] for a check that is not configured (its labels are not known).
   */
  points(r: StoredResult, detail?: CheckResult): Point[] {
    const out: Point[] = [];
    this.emit(r, detail, (s, value, t) => out.push({ key: s.key, labels: s.labels, value, t }));
    return out;
  }

  /** What `points` returns, handed to `emit` one sample at a time (no allocation per sample); false for a check not configured. */
  emit(r: StoredResult, detail: CheckResult | undefined, emit: Emit): boolean {
    const check = this.check(r.id, r.g);
    if (!check) return false;
    const kind = check.target.kind;
    const t = Date.parse(r.t);
    if (r.s === 'maintenance') {
      emit(this.series(check, SLOT.cairn_check_maintenance), 1, t);
    } else {
      emit(this.series(check, SLOT.probe_success), r.s === 'down' ? 0 : 1, t);
      emit(this.series(check, SLOT.cairn_check_healthy), r.s === 'up' ? 1 : 0, t);
      emit(this.series(check, SLOT.cairn_check_maintenance), 0, t);
    }
    if (r.ms !== null) emit(this.series(check, SLOT.probe_duration_seconds), r.ms / 1000, t);
    if (HTTP_KINDS.has(kind)) emit(this.series(check, SLOT.probe_http_status_code), r.code ?? 0, t);
    if (kind === 'dns' && r.ms !== null) emit(this.series(check, SLOT.probe_dns_lookup_time_seconds), r.ms / 1000, t);
    const details = detail?.details;
    if (details) {
      if (PHASE_KINDS.has(kind) && typeof details['totalMs'] === 'number') {
        for (const [phase, field] of PHASES) {
          const ms = details[field];
          // blackbox_exporter writes every phase, 0 for tls over plain http.
          emit(this.series(check, SLOT[phase]), typeof ms === 'number' ? ms / 1000 : 0, t);
        }
      }
      if ((PHASE_KINDS.has(kind) || kind === 'tcp') && typeof details['dnsMs'] === 'number') {
        emit(this.series(check, SLOT.probe_dns_lookup_time_seconds), details['dnsMs'] / 1000, t);
      }
      if (kind === 'tls' && typeof details['notAfter'] === 'string') {
        const expiry = Date.parse(details['notAfter']);
        if (!Number.isNaN(expiry)) emit(this.series(check, SLOT.probe_ssl_earliest_cert_expiry), Math.floor(expiry / 1000), t);
      }
    }
    return true;
  }
}
