/**
 * From validated files to the `ResolvedConfig` everything downstream reads: defaults applied,
 * groups and components resolved. Pure: positions come from each file's `locate`.
 */
import type { MaintenanceWindow } from '../maintenance/windows.ts';
import { checkCoherence } from './coherence.ts';
import { resolveDependencies } from './resolve-dependencies.ts';
import type { Problems } from './problems.ts';
import { resolveIncidentSettings, resolveMaintenance } from './resolve-maintenance.ts';
import { resolveNotifications } from './resolve-notify.ts';
import type { NotificationSettings } from './notify-types.ts';
import { type PrometheusSettings, resolvePrometheus } from './resolve-prometheus.ts';
import { type ReportSettings, resolveReports } from './resolve-reports.ts';
import { type PageSettings, resolvePages } from './resolve-pages.ts';
import { resolveSubscribers, withSubscribers } from './resolve-subscribers.ts';
import { type RemoteWriteEndpointSettings, resolveRemoteWrite } from './resolve-remote-write.ts';
import type {
  AssertionsConfig,
  CairnFileConfig,
  CheckConfig,
  DnsCheckConfig,
  HealthCheckConfig,
  HttpCheckConfig,
  JourneyCheckConfig,
  PingCheckConfig,
  TcpCheckConfig,
  TlsCheckConfig,
  DomainCheckConfig,
  HeartbeatCheckConfig,
} from './schema.ts';
import type {
  HealthMapping,
  PartialOutageRule,
  IncidentSettings,
  HttpRequestSpec,
  RequestBody,
  ResolvedAssertions,
  ResolvedHealthCheck,
  ResolvedJourneyCheck,
  TlsTrust,
  ResolvedCheck,
  ResolvedComponent,
  ResolvedDnsCheck,
  ResolvedPingCheck,
  ResolvedTlsCheck,
  ResolvedDomainCheck,
  ResolvedHeartbeatCheck,
  ResolvedGroup,
  ResolvedHttpCheck,
  ResolvedTcpCheck,
  RunSettings,
  SiteSettings,
  SourceLocation,
  StoreSettings,
  Thresholds,
} from './types.ts';
import type { FileRole } from './validate.ts';
import { formatPath, type PathKey } from './yaml-source.ts';

/** One file that passed validation. */
export interface ValidFile {
  file: string;
  role: FileRole;
  config: CairnFileConfig;
  /** Where the value at a field path is written in this file. */
  locate(path: readonly PathKey[]): SourceLocation;
}

type DefaultsConfig = NonNullable<CairnFileConfig['defaults']>;
type SiteConfig = NonNullable<CairnFileConfig['site']>;

export const DEFAULT_RUN = {
  intervalMs: 5 * 60_000,
  timeoutMs: 10_000,
  retries: 1,
  concurrency: 20,
  deadlineMs: 5 * 60_000,
  perHostConcurrency: 4,
  degradedCountsAsUp: true,
  partialOutage: { mode: 'share' },
  regionRule: 'majority',
} as const;

/** `defaults.partialOutage` (already validated against PARTIAL_OUTAGE_RE) as a rule. */
export function parsePartialOutage(text: string): PartialOutageRule {
  if (text === 'full' || text === 'share') return { mode: text };
  const weight = Number(text.slice('weighted:'.length));
  if (!text.startsWith('weighted:') || !(weight >= 0 && weight <= 1)) throw new Error(`invalid partialOutage ${JSON.stringify(text)}`);
  return { mode: 'weighted', weight };
}

/** A sample holds for this many schedule intervals unless `defaults.maxGap` says otherwise. */
export const MAX_GAP_INTERVALS = 3;

export const DEFAULT_SITE = { title: 'Status', timeZone: 'UTC', locale: 'en-US' } as const;

/** Redirects followed when `followRedirects` is true or unset. */
export const DEFAULT_MAX_REDIRECTS = 5;

export function resolveSite(site: SiteConfig | undefined): SiteSettings {
  return {
    title: site?.title ?? DEFAULT_SITE.title,
    description: site?.description ?? null,
    timeZone: site?.timeZone ?? DEFAULT_SITE.timeZone,
    baseUrl: site?.baseUrl ?? null,
    locale: site?.locale ?? DEFAULT_SITE.locale,
  };
}

export function resolveRun(defaults: DefaultsConfig | undefined): RunSettings {
  const intervalMs = defaults?.interval ?? DEFAULT_RUN.intervalMs;
  return {
    intervalMs,
    timeoutMs: defaults?.timeout ?? DEFAULT_RUN.timeoutMs,
    retries: defaults?.retries ?? DEFAULT_RUN.retries,
    maxGapMs: defaults?.maxGap ?? MAX_GAP_INTERVALS * intervalMs,
    concurrency: defaults?.concurrency ?? DEFAULT_RUN.concurrency,
    deadlineMs: defaults?.deadline ?? DEFAULT_RUN.deadlineMs,
    perHostConcurrency: defaults?.perHostConcurrency ?? DEFAULT_RUN.perHostConcurrency,
    degradedCountsAsUp: defaults?.degradedCountsAsUp ?? DEFAULT_RUN.degradedCountsAsUp,
    partialOutage: defaults?.partialOutage === undefined ? { ...DEFAULT_RUN.partialOutage } : parsePartialOutage(defaults.partialOutage),
    regionRule: defaults?.regionRule ?? DEFAULT_RUN.regionRule,
  };
}

function resolveThresholds(own: Extract<CheckConfig, { thresholds?: unknown }>['thresholds'], defaults: DefaultsConfig | undefined): Thresholds {
  return {
    degradedMs: own?.degraded ?? defaults?.thresholds?.degraded ?? null,
    downMs: own?.down ?? defaults?.thresholds?.down ?? null,
  };
}

export function maxRedirects(followRedirects: HttpCheckConfig['followRedirects']): number {
  if (followRedirects === undefined || followRedirects === true) return DEFAULT_MAX_REDIRECTS;
  if (followRedirects === false) return 0;
  return followRedirects;
}

interface CheckContext {
  run: RunSettings;
  defaults: DefaultsConfig | undefined;
  source: SourceLocation;
}

function resolveCommon(check: CheckConfig, ctx: CheckContext) {
  const intervalMs = check.interval ?? ctx.run.intervalMs;
  return {
    id: check.id,
    name: check.name ?? check.id,
    description: check.description ?? null,
    component: check.component ?? check.id,
    intervalMs,
    timeoutMs: check.timeout ?? ctx.run.timeoutMs,
    retries: check.retries ?? ctx.run.retries,
    maxGapMs: ctx.defaults?.maxGap ?? MAX_GAP_INTERVALS * intervalMs,
    enabled: check.enabled ?? true,
    thresholds: resolveThresholds('thresholds' in check ? check.thresholds : undefined, ctx.defaults),
    source: ctx.source,
  };
}

/** Bytes of a response body read at most unless `maxBodyBytes` says otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The request fields shared by http, health and journey steps. */
type RequestConfig = Pick<HttpCheckConfig, 'method' | 'headers' | 'query' | 'body' | 'json' | 'form' | 'followRedirects' | 'maxBodyBytes' | 'assert' | 'expectStatus'> & {
  url: string;
};

function scalarRecord(record: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, String(v)]));
}

function resolveBody(request: RequestConfig): RequestBody | null {
  if (request.body !== undefined) return { type: 'text', text: request.body };
  if (request.json !== undefined) return { type: 'json', value: request.json };
  if (request.form !== undefined) return { type: 'form', fields: scalarRecord(request.form) };
  return null;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const JSON_OPS = ['equals', 'notEquals', 'gt', 'gte', 'lt', 'lte', 'contains', 'matches', 'exists'] as const;
const HEADER_OPS = ['equals', 'contains', 'matches', 'exists'] as const;

export function resolveAssertions(assert: AssertionsConfig | undefined): ResolvedAssertions | null {
  if (assert === undefined) return null;
  const json: ResolvedAssertions['json'] = [];
  for (const a of assert.json ?? []) {
    for (const op of JSON_OPS) if (Object.hasOwn(a, op)) json.push({ path: a.path, op, value: a[op] });
  }
  const headers: ResolvedAssertions['headers'] = [];
  for (const [name, a] of Object.entries(assert.headers ?? {})) {
    for (const op of HEADER_OPS) {
      const value = a[op];
      if (value !== undefined) headers.push({ name: name.toLowerCase(), op, value });
    }
  }
  return {
    body: { contains: list(assert.body?.contains), notContains: list(assert.body?.notContains), matches: list(assert.body?.matches) },
    json,
    headers,
    size: { min: assert.size?.min ?? null, max: assert.size?.max ?? null },
  };
}

function resolveRequest(request: RequestConfig): HttpRequestSpec {
  return {
    url: request.url,
    method: request.method ?? 'GET',
    headers: request.headers ?? {},
    query: scalarRecord(request.query),
    body: resolveBody(request),
    expectStatus: request.expectStatus ?? ['2xx'],
    maxRedirects: maxRedirects(request.followRedirects),
    maxBodyBytes: request.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    assert: resolveAssertions(request.assert),
  };
}

/** `ca` (inline PEM, or a file the loader reads: `loadCaFiles`) and `insecureSkipVerify`. */
function resolveTrust(check: { ca?: string | undefined; insecureSkipVerify?: boolean | undefined }): TlsTrust {
  const inline = check.ca !== undefined && isInlinePem(check.ca);
  return {
    ca: inline ? (check.ca ?? null) : null,
    caFile: check.ca !== undefined && !inline ? check.ca : null,
    insecureSkipVerify: check.insecureSkipVerify ?? false,
  };
}

function resolveHttp(check: HttpCheckConfig, ctx: CheckContext): ResolvedHttpCheck {
  return { ...resolveCommon(check, ctx), kind: 'http', ...resolveRequest(check), ...resolveTrust(check) };
}

export const DEFAULT_HEALTH_UP = ['up', 'ok', 'pass', 'passing', 'healthy', 'true'];
export const DEFAULT_HEALTH_DEGRADED = ['warn', 'warning', 'degraded'];

function resolveMapping(mapping: HealthCheckConfig['mapping']): HealthMapping | null {
  if (mapping === undefined) return null;
  const lower = (values: (string | number | boolean)[] | undefined, fallback: string[]) => (values ? values.map((v) => String(v).toLowerCase()) : fallback);
  return {
    status: mapping.status ?? null,
    up: lower(mapping.up, DEFAULT_HEALTH_UP),
    degraded: lower(mapping.degraded, DEFAULT_HEALTH_DEGRADED),
    components: mapping.components ?? null,
    componentName: mapping.componentName ?? null,
    componentStatus: mapping.componentStatus ?? '$.status',
    componentOutput: mapping.componentOutput ?? null,
  };
}

function resolveHealth(check: HealthCheckConfig, ctx: CheckContext): ResolvedHealthCheck {
  const mapping = resolveMapping(check.mapping);
  return {
    ...resolveCommon(check, ctx),
    kind: 'health',
    ...resolveRequest(check),
    ...resolveTrust(check),
    format: check.format ?? (mapping ? 'custom' : 'auto'),
    mapping,
  };
}

function resolveJourney(check: JourneyCheckConfig, ctx: CheckContext): ResolvedJourneyCheck {
  return {
    ...resolveCommon(check, ctx),
    kind: 'journey',
    ...resolveTrust(check),
    variables: check.variables ?? {},
    steps: check.steps.map((step) => ({
      name: step.name,
      ...resolveRequest(step),
      extract: Object.fromEntries(
        Object.entries(step.extract ?? {}).map(([name, e]) => [name, { json: e.json ?? null, header: e.header ?? null, regex: e.regex ?? null }]),
      ),
    })),
  };
}

/** Bytes of a tcp check's answer read at most unless `maxBytes` says otherwise. */
export const DEFAULT_TCP_MAX_BYTES = 64 * 1024;

/** The fields of a tcp check that only connects: no TLS, nothing sent, nothing expected. */
export const TCP_CONNECT_ONLY = {
  sendHex: null,
  expect: null,
  readTimeoutMs: null,
  maxBytes: DEFAULT_TCP_MAX_BYTES,
  tls: false,
  servername: null,
  ca: null,
  caFile: null,
  insecureSkipVerify: false,
} as const satisfies Partial<ResolvedTcpCheck>;

function resolveTcp(check: TcpCheckConfig, ctx: CheckContext): ResolvedTcpCheck {
  const send = check.send;
  const sendHex = send === undefined ? null : typeof send === 'string' ? Buffer.from(send, 'utf8').toString('hex') : send.hex.replace(/\s+/g, '').toLowerCase();
  const expect = check.expect;
  return {
    ...resolveCommon(check, ctx),
    kind: 'tcp',
    host: check.host,
    port: check.port,
    sendHex,
    expect: expect === undefined ? null : typeof expect === 'string' ? { contains: [expect], matches: null } : { contains: list(expect.contains), matches: expect.matches ?? null },
    readTimeoutMs: check.readTimeout ?? null,
    maxBytes: check.maxBytes ?? DEFAULT_TCP_MAX_BYTES,
    tls: check.tls ?? false,
    servername: check.servername ?? null,
    ...resolveTrust(check),
  };
}

export const TLS_DEFAULTS = { port: 443, warningDays: 14, criticalDays: 7 } as const;

/** A `ca` value is inline PEM when it holds a PEM block, else a path relative to the status repo. */
export function isInlinePem(ca: string): boolean {
  return ca.includes('-----BEGIN ');
}

function resolveTls(check: TlsCheckConfig, ctx: CheckContext): ResolvedTlsCheck {
  const inline = check.ca !== undefined && isInlinePem(check.ca);
  return {
    ...resolveCommon(check, ctx),
    kind: 'tls',
    host: check.host,
    port: check.port ?? TLS_DEFAULTS.port,
    servername: check.servername ?? null,
    warningDays: check.warningDays ?? TLS_DEFAULTS.warningDays,
    criticalDays: check.criticalDays ?? TLS_DEFAULTS.criticalDays,
    // A CA file is read by the loader (loadCaFiles), which reports a missing or invalid one.
    ca: inline ? (check.ca ?? null) : null,
    caFile: check.ca !== undefined && !inline ? check.ca : null,
  };
}

function resolveDns(check: DnsCheckConfig, ctx: CheckContext): ResolvedDnsCheck {
  return {
    ...resolveCommon(check, ctx),
    kind: 'dns',
    query: check.query,
    record: check.record ?? 'A',
    server: check.server ?? null,
    expect: check.expect ?? [],
    match: check.match ?? 'all',
  };
}

export const PING_DEFAULTS = { count: 3, degradedLossPercent: 0, downLossPercent: 50 } as const;

function resolvePing(check: PingCheckConfig, ctx: CheckContext): ResolvedPingCheck {
  return {
    ...resolveCommon(check, ctx),
    kind: 'ping',
    host: check.host,
    port: check.port ?? null,
    count: check.count ?? PING_DEFAULTS.count,
    icmp: check.icmp ?? false,
    loss: {
      degradedPercent: check.loss?.degraded ?? PING_DEFAULTS.degradedLossPercent,
      downPercent: check.loss?.down ?? PING_DEFAULTS.downLossPercent,
    },
  };
}

export const DOMAIN_DEFAULTS = { warningDays: 30, criticalDays: 7, rdapBootstrap: 'https://data.iana.org/rdap/dns.json' } as const;

function resolveDomain(check: DomainCheckConfig, ctx: CheckContext): ResolvedDomainCheck {
  return {
    ...resolveCommon(check, ctx),
    kind: 'domain',
    domain: check.domain.toLowerCase().replace(/\.$/, ''),
    warningDays: check.warningDays ?? DOMAIN_DEFAULTS.warningDays,
    criticalDays: check.criticalDays ?? DOMAIN_DEFAULTS.criticalDays,
    rdap: check.rdap ?? null,
    rdapBootstrap: check.rdapBootstrap ?? DOMAIN_DEFAULTS.rdapBootstrap,
  };
}

/** A heartbeat's grace when none is given: a fifth of its period, at most an hour. */
export function defaultGraceMs(periodMs: number): number {
  return Math.min(3_600_000, Math.round(periodMs / 5));
}

function resolveHeartbeat(check: HeartbeatCheckConfig, ctx: CheckContext): ResolvedHeartbeatCheck {
  return {
    ...resolveCommon(check, ctx),
    // Reading the signals is a file read: a failure is not confirmed by trying again.
    retries: 0,
    // No response time to judge: a heartbeat is up or down by its signals alone.
    thresholds: { degradedMs: null, downMs: null },
    kind: 'heartbeat',
    periodMs: check.period,
    graceMs: check.grace ?? defaultGraceMs(check.period),
  };
}

export function resolveCheck(check: CheckConfig, ctx: CheckContext): ResolvedCheck {
  switch (check.kind) {
    case 'domain':
      return resolveDomain(check, ctx);
    case 'heartbeat':
      return resolveHeartbeat(check, ctx);
    case 'http':
      return resolveHttp(check, ctx);
    case 'tcp':
      return resolveTcp(check, ctx);
    case 'tls':
      return resolveTls(check, ctx);
    case 'dns':
      return resolveDns(check, ctx);
    case 'ping':
      return resolvePing(check, ctx);
    case 'health':
      return resolveHealth(check, ctx);
    case 'journey':
      return resolveJourney(check, ctx);
  }
}

/**
 * Every check of every file, in file order then position. Ids are unique (`checkCrossFileRules`
 * reports repeats); should one repeat anyway, the first definition wins.
 */
function collectChecks(files: readonly ValidFile[], run: RunSettings, defaults: DefaultsConfig | undefined): ResolvedCheck[] {
  const seen = new Set<string>();
  const checks: ResolvedCheck[] = [];
  for (const file of files) {
    (file.config.checks ?? []).forEach((check, i) => {
      if (seen.has(check.id)) return;
      seen.add(check.id);
      checks.push(resolveCheck(check, { run, defaults, source: file.locate(['checks', i]) }));
    });
  }
  return checks;
}

interface DeclaredComponent {
  id: string;
  name: string | null;
  description: string | null;
  group: string;
  location: SourceLocation;
  path: string;
}

type GroupComponentConfig = NonNullable<CairnFileConfig['groups']>[number]['components'][number];

function declaredComponent(entry: GroupComponentConfig, group: string, location: SourceLocation, path: string): DeclaredComponent {
  if (typeof entry === 'string') return { id: entry, name: null, description: null, group, location, path };
  return { id: entry.id, name: entry.name ?? null, description: entry.description ?? null, group, location, path };
}

/** Groups in file order; as with checks, a repeated group id or component is skipped. */
function collectGroups(files: readonly ValidFile[]): { groups: ResolvedGroup[]; declared: DeclaredComponent[] } {
  const groupIds = new Set<string>();
  const declared = new Map<string, DeclaredComponent>();
  const groups: ResolvedGroup[] = [];
  for (const file of files) {
    (file.config.groups ?? []).forEach((group, gi) => {
      if (groupIds.has(group.id)) return;
      groupIds.add(group.id);
      const resolved: ResolvedGroup = { id: group.id, name: group.name, description: group.description ?? null, components: [] };
      group.components.forEach((entry, ci) => {
        const path = ['groups', gi, 'components', ci];
        const component = declaredComponent(entry, group.id, file.locate(path), formatPath(path));
        if (declared.has(component.id)) return;
        declared.set(component.id, component);
        resolved.components.push(component.id);
      });
      groups.push(resolved);
    });
  }
  return { groups, declared: [...declared.values()] };
}

/** Check ids by component id, components in order of first appearance. */
function checksByComponent(checks: readonly ResolvedCheck[]): Map<string, ResolvedCheck[]> {
  const byComponent = new Map<string, ResolvedCheck[]>();
  for (const check of checks) {
    const list = byComponent.get(check.component) ?? [];
    list.push(check);
    byComponent.set(check.component, list);
  }
  return byComponent;
}

/**
 * Components in page order: those of the declared groups first (group order, then their order in
 * the group), then the ones checks refer to outside any group, in order of first appearance.
 * A component's name defaults to the name of its first check, else its id.
 */
function buildComponents(declared: readonly DeclaredComponent[], checks: readonly ResolvedCheck[], measured: ReadonlySet<string>, problems: Problems): ResolvedComponent[] {
  const byComponent = checksByComponent(checks);
  const component = (id: string, group: string | null, name: string | null, description: string | null): ResolvedComponent => {
    const own = byComponent.get(id) ?? [];
    return { id, name: name ?? own[0]?.name ?? id, description, group, checks: own.map((c) => c.id) };
  };
  const components = declared.map((d) => component(d.id, d.group, d.name, d.description));
  const grouped = new Set(declared.map((d) => d.id));
  for (const id of byComponent.keys()) if (!grouped.has(id)) components.push(component(id, null, null, null));
  for (const d of declared) {
    if (!byComponent.has(d.id) && !measured.has(d.id)) {
      problems.warn(d.location, d.path, `component "${d.id}" is listed in group "${d.group}" but no check, SLO or capacity forecast has component: ${d.id}, so it will show no status`);
    }
  }
  return components;
}

export interface Resolution {
  site: SiteSettings;
  run: RunSettings;
  groups: ResolvedGroup[];
  components: ResolvedComponent[];
  checks: ResolvedCheck[];
  maintenance: MaintenanceWindow[];
  incidents: IncidentSettings;
  store: StoreSettings;
  prometheus: PrometheusSettings;
  notifications: NotificationSettings;
  reports: ReportSettings;
  pages: PageSettings[];
  remoteWrite: RemoteWriteEndpointSettings[];
}

export const DEFAULT_STORE = {
  retentionMs: 90 * 86_400_000,
  git: { name: 'Cairn bot', email: 'cairn-bot@users.noreply.github.com', push: true, pushAttempts: 5 },
} as const;

export function resolveStore(store: CairnFileConfig['store']): StoreSettings {
  return {
    retentionMs: store?.retention ?? DEFAULT_STORE.retentionMs,
    git: {
      name: store?.git?.name ?? DEFAULT_STORE.git.name,
      email: store?.git?.email ?? DEFAULT_STORE.git.email,
      push: store?.git?.push ?? DEFAULT_STORE.git.push,
      pushAttempts: store?.git?.pushAttempts ?? DEFAULT_STORE.git.pushAttempts,
    },
  };
}

/** Resolves the valid files (settings file first, then checks/ files in name order). */
export function resolveConfig(files: readonly ValidFile[], problems: Problems): Resolution {
  const settings = files.find((f) => f.role === 'settings')?.config;
  const run = resolveRun(settings?.defaults);
  const checks = collectChecks(files, run, settings?.defaults);
  checkCoherence(files, checks, run, problems);
  const { groups, declared } = collectGroups(files);
  // Components that SLOs or capacity forecasts measure show figures without any check.
  const measured = new Set([...(settings?.slos ?? []), ...(settings?.capacity ?? [])].map((x) => x.component));
  const components = buildComponents(declared, checks, measured, problems);
  resolveDependencies(files, components, problems);
  const site = resolveSite(settings?.site);
  const maintenance = resolveMaintenance(files, components, site.timeZone, problems);
  const notifications = withSubscribers(resolveNotifications(files, components, problems), resolveSubscribers(files, components, problems));
  const incidents = resolveIncidentSettings(files, notifications.channels.filter((c) => !c.subscriber).map((c) => c.name), problems);
  return { site, run, groups, components, checks, maintenance, incidents, store: resolveStore(settings?.store), prometheus: resolvePrometheus(files, components, problems, run), notifications, reports: resolveReports(files, components, problems), pages: resolvePages(files, site, groups, components, problems), remoteWrite: resolveRemoteWrite(files, problems) };
}
