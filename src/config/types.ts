/**
 * The configuration after loading: every default applied, every reference resolved.
 * This is what the rest of Cairn reads; nothing downstream looks at raw YAML.
 */
import type { MaintenanceWindow } from '../maintenance/windows.ts';
import type { Redactor } from './secrets.ts';
import type { PrometheusSettings } from './resolve-prometheus.ts';
import type { NotificationSettings } from './notify-types.ts';
import type { ReportSettings } from './resolve-reports.ts';
import type { PageSettings } from './resolve-pages.ts';
import type { IncidentResponseSettings } from './incident-response.ts';
import type { RemoteWriteEndpointSettings } from './resolve-remote-write.ts';

export interface SourceLocation {
  /** Path relative to the status repo, e.g. `checks/api.yaml`. */
  file: string;
  line: number;
  column: number;
}

export interface Thresholds {
  /** Response time (ms) above which the result is degraded. */
  degradedMs: number | null;
  /** Response time (ms) above which the result is down. */
  downMs: number | null;
}

interface ResolvedCommon {
  id: string;
  name: string;
  description: string | null;
  component: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  maxGapMs: number;
  enabled: boolean;
  thresholds: Thresholds;
  source: SourceLocation;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A request body: text sent as is, a JSON value (serialized), or form fields (URL-encoded). */
export type RequestBody =
  | { type: 'text'; text: string }
  | { type: 'json'; value: unknown }
  | { type: 'form'; fields: Record<string, string> };

export type JsonAssertionOp = 'equals' | 'notEquals' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'matches' | 'exists';
export type HeaderAssertionOp = 'equals' | 'contains' | 'matches' | 'exists';

/** Assertions on a response, one operator per entry, in the order written. */
export interface ResolvedAssertions {
  body: { contains: string[]; notContains: string[]; matches: string[] };
  json: { path: string; op: JsonAssertionOp; value: unknown }[];
  /** Header names lowercased. `exists` has a boolean value, the others a string. */
  headers: { name: string; op: HeaderAssertionOp; value: string | boolean }[];
  size: { min: number | null; max: number | null };
}

/** One HTTP request and what its response must look like (http, health, each journey step). */
export interface HttpRequestSpec {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  /** Appended to the URL's own query, values as text. */
  query: Record<string, string>;
  body: RequestBody | null;
  expectStatus: (number | string)[];
  /** Maximum redirects to follow; 0 means do not follow. */
  maxRedirects: number;
  /** Bytes of the response body read at most. */
  maxBodyBytes: number;
  assert: ResolvedAssertions | null;
}

/** Which certificates an HTTPS request trusts. */
export interface TlsTrust {
  /** PEM text of extra CA certificates to trust on top of the system ones; null: none. */
  ca: string | null;
  /** Where `ca` came from: a path relative to the status repo, or null when inline or unset. */
  caFile: string | null;
  /** Accept any certificate. Dangerous; off unless the check says so. */
  insecureSkipVerify: boolean;
}

export type ResolvedHttpCheck = ResolvedCommon & HttpRequestSpec & TlsTrust & { kind: 'http' };

export type HealthFormat = 'auto' | 'ietf' | 'spring' | 'custom';

/** Where a custom health response keeps its statuses; values lowercased. */
export interface HealthMapping {
  status: string | null;
  up: string[];
  degraded: string[];
  components: string | null;
  componentName: string | null;
  componentStatus: string;
  componentOutput: string | null;
}

export type ResolvedHealthCheck = ResolvedCommon &
  HttpRequestSpec &
  TlsTrust & {
    kind: 'health';
    format: HealthFormat;
    /** Set when `format` is custom. */
    mapping: HealthMapping | null;
  };

/** Where a journey step takes a variable from; a regex alone applies to the body. */
export interface ExtractionSpec {
  json: string | null;
  header: string | null;
  regex: string | null;
}

export interface JourneyStepSpec extends HttpRequestSpec {
  name: string;
  /** Variables to extract, by name. */
  extract: Record<string, ExtractionSpec>;
}

export type ResolvedJourneyCheck = ResolvedCommon &
  TlsTrust & {
    kind: 'journey';
    /** Declared variables, available to every step. */
    variables: Record<string, string>;
    steps: JourneyStepSpec[];
  };

/** What a tcp check's answer must hold: every `contains` text, and `matches` when set. */
export interface TcpExpectation {
  contains: string[];
  matches: string | null;
}

/** A TCP check: connect (with TLS if asked), optionally send bytes and read until the answer matches. */
export type ResolvedTcpCheck = ResolvedCommon &
  TlsTrust & {
    kind: 'tcp';
    host: string;
    port: number;
    /** Bytes sent once connected, as hex; null: nothing is sent. */
    sendHex: string | null;
    /** What the answer must hold; null: connecting (and sending) is enough. */
    expect: TcpExpectation | null;
    /** How long to wait for the answer once connected and sent; null: the rest of the timeout. */
    readTimeoutMs: number | null;
    /** Bytes of the answer read at most while looking for the expectation. */
    maxBytes: number;
    tls: boolean;
    /** With tls: SNI and the name matched against the certificate; null: the host (none for an IP). */
    servername: string | null;
  };

/** A certificate check: connect with TLS, verify the chain, the name and the validity dates. */
export interface ResolvedTlsCheck extends ResolvedCommon {
  kind: 'tls';
  host: string;
  port: number;
  /** SNI and the name matched against the certificate; null: the host. */
  servername: string | null;
  /** Degraded when the certificate expires within this many days. */
  warningDays: number;
  /** Down when the certificate expires within this many days. */
  criticalDays: number;
  /** PEM text of the CA certificates to trust instead of the system ones; null: the system's. */
  ca: string | null;
  /** Where `ca` came from: a path relative to the status repo, or null when inline or unset. */
  caFile: string | null;
}

export type DnsRecordType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS';

export interface ResolvedDnsCheck extends ResolvedCommon {
  kind: 'dns';
  /** The DNS name to resolve. */
  query: string;
  record: DnsRecordType;
  /** `ip` or `ip:port` (`[v6]:port`); null: the system resolver. */
  server: string | null;
  /** Expected values; empty: any answer is fine. */
  expect: string[];
  match: 'all' | 'any';
}

export interface ResolvedPingCheck extends ResolvedCommon {
  kind: 'ping';
  host: string;
  /** TCP port of a TCP ping; null for ICMP. */
  port: number | null;
  count: number;
  icmp: boolean;
  /** Loss in percent above which the result is degraded, and down. */
  loss: { degradedPercent: number; downPercent: number };
}

/** A domain registration check: its expiry date and registrar, read through RDAP. */
export interface ResolvedDomainCheck extends ResolvedCommon {
  kind: 'domain';
  /** The registered domain, lowercased, without a trailing dot. */
  domain: string;
  /** Degraded when the registration expires within this many days. */
  warningDays: number;
  /** Down when the registration expires within this many days. */
  criticalDays: number;
  /** RDAP base URL to ask; null: found through the bootstrap file. */
  rdap: string | null;
  /** URL of the IANA RDAP bootstrap file for DNS. */
  rdapBootstrap: string;
}

/** A heartbeat: up while the job it watches signals within its period plus grace. */
export interface ResolvedHeartbeatCheck extends ResolvedCommon {
  kind: 'heartbeat';
  /** Expected time between two signals. */
  periodMs: number;
  /** How late a signal may be. */
  graceMs: number;
}

export type ResolvedCheck =
  | ResolvedDomainCheck
  | ResolvedHeartbeatCheck
  | ResolvedHttpCheck
  | ResolvedTcpCheck
  | ResolvedTlsCheck
  | ResolvedDnsCheck
  | ResolvedPingCheck
  | ResolvedHealthCheck
  | ResolvedJourneyCheck;
export type CheckKind = ResolvedCheck['kind'];

export interface ResolvedComponent {
  id: string;
  name: string;
  description: string | null;
  /** Group id, or null for components outside any declared group. */
  group: string | null;
  checks: string[];
  /**
   * Ids of the components this one depends on (`dependsOn`; src/config/resolve-dependencies.ts),
   * validated: known ids, no cycle. Absent or empty: none. Read through src/model/dependencies.ts.
   */
  dependsOn?: string[];
}

export interface ResolvedGroup {
  id: string;
  name: string;
  description: string | null;
  components: string[];
}

export interface SiteSettings {
  title: string;
  description: string | null;
  timeZone: string;
  baseUrl: string | null;
  locale: string;
}

/**
 * How the time of a component's partial outage (some of its checks down, others working) counts
 * against availability (src/model/availability.ts): `full` as downtime, `weighted` as `weight`
 * of downtime (Statuspage counts 0.3), `share` as the share of the component's checks down.
 */
export type PartialOutageRule = { mode: 'full' } | { mode: 'weighted'; weight: number } | { mode: 'share' };

export interface RunSettings {
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  maxGapMs: number;
  concurrency: number;
  deadlineMs: number;
  /** Checks run at once against one host (on top of `concurrency`). */
  perHostConcurrency: number;
  degradedCountsAsUp: boolean;
  /** How a component's partial outage counts (`defaults.partialOutage`). */
  partialOutage: PartialOutageRule;
  /** How the regions of a check run from several regions combine (src/model/regions.ts). */
  regionRule: 'any' | 'majority';
}

export interface ConfigWarning {
  location: SourceLocation;
  path: string;
  message: string;
}

export interface IncidentSettings {
  /** Open and resolve incidents automatically. */
  auto: boolean;
  /** Healthy runs in a row that resolve an automatic incident. */
  resolveAfter: number;
  /** Response targets per severity: acknowledgement, escalation, postmortem (src/config/incident-response.ts). */
  response: IncidentResponseSettings;
}

export interface StoreSettings {
  /** Raw samples older than this are compacted into daily rollups. */
  retentionMs: number;
  git: {
    name: string;
    email: string;
    push: boolean;
    pushAttempts: number;
  };
}

export interface ResolvedConfig {
  /** Absolute path of the status repo. */
  dir: string;
  site: SiteSettings;
  run: RunSettings;
  groups: ResolvedGroup[];
  /** Every component, in page order: declared groups first, then ungrouped ones. */
  components: ResolvedComponent[];
  checks: ResolvedCheck[];
  /** Declared maintenance windows (one-off and recurring). */
  maintenance: MaintenanceWindow[];
  incidents: IncidentSettings;
  /** The results store: retention and git identity (`store:` in cairn.yaml). */
  store: StoreSettings;
  /** Prometheus endpoints, SLOs and capacity resources (`prometheus:`, `slos:`, `capacity:` in cairn.yaml). */
  prometheus: PrometheusSettings;
  /** Channels, routes, cooldowns (`notifications:` in cairn.yaml); no channel: notifications are off. */
  notifications: NotificationSettings;
  /** Monthly reports (`reports:` in cairn.yaml). */
  reports: ReportSettings;
  /** The pages built from the data: the default one (`site:`) first, then `pages:` (src/config/resolve-pages.ts). */
  pages: PageSettings[];
  /**
   * Remote-write receivers every check result is also sent to (`remoteWrite:` in cairn.yaml);
   * the loader always sets it (empty: off); configurations built by hand may leave it out.
   */
  remoteWrite?: RemoteWriteEndpointSettings[];
  /** Redacts the values of `${ENV}` substitutions and other secrets from any text. */
  redactor: Redactor;
  warnings: ConfigWarning[];
}
