/**
 * The configuration after loading: every default applied, every reference resolved.
 * This is what the rest of Cairn reads; nothing downstream looks at raw YAML.
 */
import type { HttpCheckConfig, TcpCheckConfig } from './schema.ts';
import type { Redactor } from './secrets.ts';

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

export type ResolvedHttpCheck = ResolvedCommon &
  Omit<HttpCheckConfig, keyof ResolvedCommon | 'thresholds'> & {
    kind: 'http';
    method: NonNullable<HttpCheckConfig['method']>;
    headers: Record<string, string>;
    expectStatus: (number | string)[];
    /** Maximum redirects to follow; 0 means do not follow. */
    maxRedirects: number;
  };

export type ResolvedTcpCheck = ResolvedCommon &
  Omit<TcpCheckConfig, keyof ResolvedCommon | 'thresholds'> & { kind: 'tcp' };

export type ResolvedCheck = ResolvedHttpCheck | ResolvedTcpCheck;
export type CheckKind = ResolvedCheck['kind'];

export interface ResolvedComponent {
  id: string;
  name: string;
  description: string | null;
  /** Group id, or null for components outside any declared group. */
  group: string | null;
  checks: string[];
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

export interface RunSettings {
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  maxGapMs: number;
  concurrency: number;
  deadlineMs: number;
  degradedCountsAsUp: boolean;
}

export interface ConfigWarning {
  location: SourceLocation;
  path: string;
  message: string;
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
  /** Redacts the values of `${ENV}` substitutions and other secrets from any text. */
  redactor: Redactor;
  warnings: ConfigWarning[];
}
