/**
 * Availability of a window from its tally: ONE rule, which every figure (page, API, badges,
 * reports, SLA budgets) goes through.
 *
 *   counted downtime = down time + partial-outage time × w
 *   unavailable      = counted downtime + (degraded time, unless degraded counts as up)
 *   availability     = (known − maintenance − unavailable) / (known − maintenance)
 *
 * where a partial outage is time when some of a component's checks are down and others work, and
 * w is the configured `defaults.partialOutage` rule:
 *
 * - `full`: w = 1, a partial outage is downtime (the strictest reading);
 * - `weighted:<f>`: w = f (Statuspage counts a partial outage as 30% downtime: `weighted:0.3`);
 * - `share` (default): w = the share of the component's checks that are down at that instant
 *   (one of two checks down: half the time is downtime).
 *
 * The rest of a partial outage counts as available. Checks have no partial outage: for them the
 * formula is the plain (up [+ degraded]) / (known − maintenance).
 *
 * Counted downtime is rounded UP to whole milliseconds, so availability is never rounded up.
 */
import type { PartialOutageRule } from '../config/types.ts';
import type { Tally } from './timeline.ts';

export type { PartialOutageRule };

export interface AvailabilityRule {
  degradedCountsAsUp: boolean;
  partialOutage: PartialOutageRule;
}

/** The default of `defaults.partialOutage`. */
export const DEFAULT_PARTIAL_OUTAGE: PartialOutageRule = { mode: 'share' };

/** The rule as written in cairn.yaml: `full`, `share`, `weighted:0.3`. */
export function partialOutageText(rule: PartialOutageRule): string {
  return rule.mode === 'weighted' ? `weighted:${rule.weight}` : rule.mode;
}

/** Guards binary noise in sums of `ms × share` (1/3 + 1/3 + 1/3 summed as 0.999…97 ms). */
const EPSILON = 1e-6;

/** Partial-outage time counted as downtime, whole ms, rounded up. */
export function partialCountedMs(t: Pick<Tally, 'partialMs' | 'partialShareMs'>, rule: PartialOutageRule): number {
  if (t.partialMs <= 0) return 0;
  const raw = rule.mode === 'full' ? t.partialMs : rule.mode === 'weighted' ? t.partialMs * rule.weight : t.partialShareMs;
  return Math.min(t.partialMs, Math.max(0, Math.ceil(raw - EPSILON)));
}

/** Down time as counted by the rule: full outages plus the counted part of partial outages. */
export function countedDowntimeMs(t: Tally, rule: PartialOutageRule): number {
  return t.downMs + partialCountedMs(t, rule);
}

/** Time counted as available in the availability denominator (known − maintenance). */
export function availableMs(t: Tally, known: number, rule: AvailabilityRule): number {
  const denominator = known - t.maintenanceMs;
  const unavailable = countedDowntimeMs(t, rule.partialOutage) + (rule.degradedCountsAsUp ? 0 : t.degradedMs);
  return Math.max(0, denominator - unavailable);
}

/** The rule in one English sentence, as the page's footer and the reports state it. */
export function describeAvailabilityRule(rule: AvailabilityRule): string {
  const partial =
    rule.partialOutage.mode === 'full'
      ? 'counts fully as downtime'
      : rule.partialOutage.mode === 'weighted'
        ? `counts as ${formatWeight(rule.partialOutage.weight)}% downtime`
        : 'counts as downtime in proportion to the share of its checks that are down';
  return `Uptime counts degraded time as ${rule.degradedCountsAsUp ? 'available' : 'unavailable'}; a partial outage (some of a component's checks down, others working) ${partial} (partialOutage: ${partialOutageText(rule.partialOutage)}).`;
}

/** A weight as a percentage without float noise: 0.3 → "30", 0.125 → "12.5". */
export function formatWeight(weight: number): string {
  return String(Number((weight * 100).toFixed(4)));
}
