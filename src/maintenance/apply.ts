/**
 * Inside a maintenance window a check's status is `maintenance`: its result is recorded as such
 * (the error, if any, is kept for the record), so no incident opens and the time is excluded from
 * availability.
 */
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { activeFor, expandWindows } from './windows.ts';

export function applyMaintenance(results: readonly CheckResult[], config: Pick<ResolvedConfig, 'checks' | 'maintenance'>): CheckResult[] {
  if (config.maintenance.length === 0) return [...results];
  const componentOf = new Map(config.checks.map((c) => [c.id, c.component]));
  const times = results.map((r) => Date.parse(r.checkedAt));
  const occurrences = expandWindows(config.maintenance, Math.min(...times), Math.max(...times) + 1);
  return results.map((r, i) => {
    const component = componentOf.get(r.id);
    if (component === undefined || !activeFor(occurrences, component, times[i] as number)) return r;
    return { ...r, status: 'maintenance' };
  });
}
