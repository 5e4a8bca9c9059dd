/**
 * Several regions checking the same target: how their views combine into the check's status.
 *
 * Each region's samples form their own timeline with the gap rule (src/model/timeline.ts). At
 * any instant, the regions "reporting" are those whose timeline has data then (a sample within
 * the max gap). The rule (`defaults.regionRule`) decides:
 *
 * - `any`: the worst status any reporting region sees. One region seeing the target down makes
 *   the check down. Most sensitive; a region's own network trouble becomes your outage.
 * - `majority` (default): the worst status that MORE THAN HALF of the reporting regions see (a
 *   region seeing something worse counts as seeing it too). With three regions, two must see it
 *   down; with two, both must; a region that stopped reporting does not count either way.
 *
 * The order is up < maintenance < degraded < down. A store without regions, or with a single
 * one, takes neither rule: its timeline is exactly `checkSegments` of its samples.
 */
import type { CheckStatus } from '../checks/types.ts';
import type { ShownStatus } from './status.ts';
import { BY_RANK, RANK, type Segment, checkSegments, mergeTimelines, mergeWorst } from './timeline.ts';

export type RegionRule = 'any' | 'majority';
export const REGION_RULES: readonly RegionRule[] = ['any', 'majority'];
export const DEFAULT_REGION_RULE: RegionRule = 'majority';


/** Samples keyed by region (`''` for samples without one), in their original order. */
export function byRegion<S extends { region?: string }>(samples: readonly S[]): Map<string, S[]> {
  const out = new Map<string, S[]>();
  for (const s of samples) {
    const key = s.region ?? '';
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(s);
  }
  return out;
}

/** The status of a check from the statuses of the regions reporting now (at least one). */
export function combineRegions(statuses: readonly CheckStatus[], rule: RegionRule): CheckStatus {
  if (statuses.length === 0) throw new Error('combineRegions: no region reported');
  const counts = [0, 0, 0, 0];
  for (const s of statuses) counts[RANK[s]] = (counts[RANK[s]] as number) + 1;
  let atLeast = 0;
  for (let r = 3; r >= 0; r--) {
    atLeast += counts[r] as number;
    if (rule === 'any' ? atLeast > 0 : atLeast * 2 > statuses.length) return BY_RANK[r] as CheckStatus;
  }
  return 'up';
}

/** The majority timeline of several region timelines (each sorted and disjoint). */
export function mergeMajority(timelines: readonly Segment[][]): Segment[] {
  return mergeTimelines(timelines, (counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    let atLeast = 0;
    for (let r = 3; r >= 0; r--) {
      atLeast += counts[r] as number;
      if (atLeast * 2 > total) return BY_RANK[r] as CheckStatus;
    }
    return 'up';
  });
}

/**
 * The timeline of one check from its samples: the gap rule alone when they come from one region
 * (or none: today's single-region store), else one timeline per region combined by `rule`.
 */
export function regionSegments(samples: readonly { at: number; status: CheckStatus; region?: string }[], maxGapMs: number, now: number, rule: RegionRule): Segment[] {
  // One region (or none, as in a single-region store): no grouping, no copy.
  const first = samples[0]?.region ?? '';
  let one = true;
  for (let i = 1; i < samples.length && one; i++) one = ((samples[i] as { region?: string }).region ?? '') === first;
  if (one) return checkSegments(samples, maxGapMs, now);
  const groups = byRegion(samples);
  if (groups.size <= 1) return checkSegments(samples, maxGapMs, now);
  const timelines = [...groups.values()].map((list) => checkSegments(list, maxGapMs, now));
  return rule === 'any' ? mergeWorst(timelines) : mergeMajority(timelines);
}

export interface RegionStatuses {
  /** Each region's status now: its last sample's, or `nodata` beyond the max gap. Sorted by name. */
  regions: Record<string, ShownStatus>;
  /** The check's status by the rule over the regions reporting; `nodata` when none does. */
  status: ShownStatus;
}

/**
 * Current per-region statuses of a check, or null when its samples come from one region or none
 * (the single-region path, which the model handles as it always has). Samples without a region
 * are listed under `default`.
 */
export function regionStatuses(samples: readonly { at: number; status: CheckStatus; region?: string }[], maxGapMs: number, now: number, rule: RegionRule): RegionStatuses | null {
  const groups = byRegion(samples.filter((s) => s.at <= now));
  if (groups.size <= 1) return null;
  const regions: Record<string, ShownStatus> = {};
  const reporting: CheckStatus[] = [];
  for (const key of [...groups.keys()].sort()) {
    const list = groups.get(key) as { at: number; status: CheckStatus }[];
    let last = list[0] as { at: number; status: CheckStatus };
    for (const s of list) if (s.at >= last.at) last = s;
    const fresh = now - last.at <= maxGapMs;
    regions[key === '' ? 'default' : key] = fresh ? last.status : 'nodata';
    if (fresh) reporting.push(last.status);
  }
  return { regions, status: reporting.length > 0 ? combineRegions(reporting, rule) : 'nodata' };
}
