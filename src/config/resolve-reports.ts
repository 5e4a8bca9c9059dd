/**
 * `reports:` of cairn.yaml, resolved: the SLA target of components without an SLO, how far ahead
 * expiring certificates are listed, whether `cairn report` may query Prometheus, and the SLA
 * credit tiers of each component.
 */
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import type { ResolvedComponent } from './types.ts';

/** One SLA credit tier: availability strictly below `below` percent owes `credit` percent of the monthly fee. */
export interface CreditTier {
  below: number;
  credit: number;
}

/** SLA credit tiers: the default of every component, and the components that override it ([] for none). */
export interface CreditSettings {
  tiers: CreditTier[];
  components: Record<string, CreditTier[]>;
}

export interface ReportSettings {
  /** SLA target in percent of components without an SLO (a component with one uses its first SLO's target). */
  slaTarget: number;
  /** Certificates expiring within this many days of the period's end are listed. */
  certificateDays: number;
  /** Query Prometheus for the exact calendar month when an endpoint is configured. */
  prometheus: boolean;
  /** SLA credit tiers (`reports.credits`, `reports.components.<id>.credits`); none by default. */
  credits: CreditSettings;
}

export const DEFAULT_REPORTS: ReportSettings = { slaTarget: 99.9, certificateDays: 60, prometheus: true, credits: { tiers: [], components: {} } };

/** The credit tiers of a component: its own (`reports.components.<id>.credits`), else the default. */
export function creditTiersOf(settings: Pick<ReportSettings, 'credits'>, component: string): CreditTier[] {
  return settings.credits.components[component] ?? settings.credits.tiers;
}

export function resolveReports(files: readonly ValidFile[], components: readonly ResolvedComponent[] = [], problems?: Problems): ReportSettings {
  const settingsFile = files.find((f) => f.role === 'settings');
  const own = settingsFile?.config.reports;
  const known = new Set(components.map((c) => c.id));
  const overrides: Record<string, CreditTier[]> = {};
  for (const [id, c] of Object.entries(own?.components ?? {})) {
    if (!known.has(id)) {
      if (settingsFile && problems) {
        problems.error(settingsFile.locate(['reports', 'components', id]), `reports.components.${id}`, `unknown component "${id}" (expected the id of a component of the configuration: ${[...known].join(', ') || 'none'})`);
      }
      continue;
    }
    if (c.credits) overrides[id] = c.credits.map((t) => ({ below: t.below, credit: t.credit }));
  }
  return {
    slaTarget: own?.slaTarget ?? DEFAULT_REPORTS.slaTarget,
    certificateDays: own?.certificateDays ?? DEFAULT_REPORTS.certificateDays,
    prometheus: own?.prometheus ?? DEFAULT_REPORTS.prometheus,
    credits: { tiers: (own?.credits ?? []).map((t) => ({ below: t.below, credit: t.credit })), components: overrides },
  };
}
