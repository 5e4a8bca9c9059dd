/**
 * `reports:` of cairn.yaml, resolved: the SLA target of components without an SLO, how far ahead
 * expiring certificates are listed, and whether `cairn report` may query Prometheus.
 */
import type { ValidFile } from './resolve.ts';

export interface ReportSettings {
  /** SLA target in percent of components without an SLO (a component with one uses its first SLO's target). */
  slaTarget: number;
  /** Certificates expiring within this many days of the period's end are listed. */
  certificateDays: number;
  /** Query Prometheus for the exact calendar month when an endpoint is configured. */
  prometheus: boolean;
}

export const DEFAULT_REPORTS: ReportSettings = { slaTarget: 99.9, certificateDays: 60, prometheus: true };

export function resolveReports(files: readonly ValidFile[]): ReportSettings {
  const own = files.find((f) => f.role === 'settings')?.config.reports;
  return {
    slaTarget: own?.slaTarget ?? DEFAULT_REPORTS.slaTarget,
    certificateDays: own?.certificateDays ?? DEFAULT_REPORTS.certificateDays,
    prometheus: own?.prometheus ?? DEFAULT_REPORTS.prometheus,
  };
}
