/**
 * Turning samples into time: the gap rule of DESIGN.md.
 *
 * A sample's status holds from its time until the next sample of the same check, for at most
 * `maxGapMs`. Time beyond that is no data: it counts neither as up nor as down, and shows up as
 * reduced coverage. A late scheduled run therefore never turns into downtime nor into invented
 * uptime.
 */
import type { CheckStatus } from '../checks/types.ts';

export interface Segment {
  start: number;
  end: number;
  status: CheckStatus;
  /**
   * Components only, on `down` segments where some of the component's checks are down and others
   * work (a partial outage): the share of its checks with data that are down, 0 < share < 1.
   * Absent on a check's segments and on a component's full outage.
   */
  share?: number;
}

export interface Tally {
  upMs: number;
  degradedMs: number;
  /** Time down: a check down, or a component with every check that has data down (a full outage). */
  downMs: number;
  /** Components only: time in partial outage (some checks down, others working); not in `downMs`. */
  partialMs: number;
  /** Components only: the partial-outage time weighted by the share of checks down (≤ `partialMs`; may be fractional). */
  partialShareMs: number;
  maintenanceMs: number;
}

export const EMPTY_TALLY: Readonly<Tally> = Object.freeze({ upMs: 0, degradedMs: 0, downMs: 0, partialMs: 0, partialShareMs: 0, maintenanceMs: 0 });

const TALLY_KEY: Record<CheckStatus, 'upMs' | 'degradedMs' | 'downMs' | 'maintenanceMs'> = {
  up: 'upMs',
  degraded: 'degradedMs',
  down: 'downMs',
  maintenance: 'maintenanceMs',
};

/** Whether samples are in time order and none is after `now` (as the model passes them): nothing to filter or sort. */
function sortedUpTo(samples: readonly { at: number }[], now: number): boolean {
  for (let i = 1; i < samples.length; i++) if ((samples[i] as { at: number }).at < (samples[i - 1] as { at: number }).at) return false;
  const last = samples[samples.length - 1];
  return last === undefined || last.at <= now;
}

/** Segments of one check from its samples (any order), clipped at `now`. */
export function checkSegments(
  samples: readonly { at: number; status: CheckStatus }[],
  maxGapMs: number,
  now: number,
): Segment[] {
  const sorted = sortedUpTo(samples, now) ? samples : samples.filter((s) => s.at <= now).sort((a, b) => a.at - b.at);
  return gapSegments(
    sorted.length,
    (i) => (sorted[i] as { at: number }).at,
    (i) => (sorted[i] as { status: CheckStatus }).status,
    maxGapMs,
    now,
  );
}

/**
 * The gap rule itself, over `n` samples in time order, none after `now`: sample `i` taken at
 * `atOf(i)` with `statusOf(i)` (objects, or the store's columns, without making an object each).
 */
export function gapSegments(n: number, atOf: (i: number) => number, statusOf: (i: number) => CheckStatus, maxGapMs: number, now: number): Segment[] {
  const out: Segment[] = [];
  let next = n > 0 ? atOf(0) : 0;
  for (let i = 0; i < n; i++) {
    const at = next;
    if (i + 1 < n) next = atOf(i + 1);
    const end = Math.min(i + 1 < n ? next : now, at + maxGapMs, now);
    if (end <= at) continue;
    const status = statusOf(i);
    const last = out[out.length - 1];
    if (last && last.status === status && last.end === at) last.end = end;
    else out.push({ start: at, end, status });
  }
  return out;
}

/**
 * `gapSegments` over the store's columns themselves (times, and status indexes into `statuses`),
 * samples 0 to `n` in time order, none after `now`: the same segments, without a function call per
 * sample (5 million samples for a 200-check page).
 */
export function gapSegmentsOf(at: Float64Array, st: Uint8Array, statuses: readonly CheckStatus[], n: number, maxGapMs: number, now: number): Segment[] {
  const out: Segment[] = [];
  let last: Segment | undefined;
  for (let i = 0; i < n; i++) {
    const t = at[i] as number;
    const end = Math.min(i + 1 < n ? (at[i + 1] as number) : now, t + maxGapMs, now);
    if (end <= t) continue;
    const status = statuses[st[i] as number] as CheckStatus;
    if (last && last.status === status && last.end === t) last.end = end;
    else out.push((last = { start: t, end, status }));
  }
  return out;
}

export const RANK: Record<CheckStatus, number> = { up: 0, maintenance: 1, degraded: 2, down: 3 };
export const BY_RANK: CheckStatus[] = ['up', 'maintenance', 'degraded', 'down'];

/**
 * Sweeps several timelines at once: at every instant where at least one has data, `pick` gets
 * how many of them are in each status (indexed by rank: up, maintenance, degraded, down) and
 * chooses the combined status (and, for a component's partial outage, the share of checks
 * down). Where none has data there is no segment (no data).
 */
export function mergeTimelines(
  timelines: readonly Segment[][],
  pick: (counts: readonly number[]) => CheckStatus | { status: CheckStatus; share?: number },
): Segment[] {
  const events: { at: number; rank: number; delta: 1 | -1 }[] = [];
  for (const segs of timelines) {
    for (const s of segs) {
      events.push({ at: s.start, rank: RANK[s.status], delta: 1 });
      events.push({ at: s.end, rank: RANK[s.status], delta: -1 });
    }
  }
  events.sort((a, b) => a.at - b.at);
  const counts = [0, 0, 0, 0];
  const out: Segment[] = [];
  let i = 0;
  while (i < events.length) {
    const at = (events[i] as { at: number }).at;
    while (i < events.length && (events[i] as { at: number }).at === at) {
      const e = events[i] as { rank: number; delta: number };
      counts[e.rank] = (counts[e.rank] as number) + e.delta;
      i++;
    }
    const next = events[i];
    if (!next) break;
    if (counts.every((c) => c === 0) || next.at <= at) continue;
    const picked = pick(counts);
    const { status, share } = typeof picked === 'string' ? { status: picked, share: undefined } : picked;
    const last = out[out.length - 1];
    if (last && last.status === status && last.share === share && last.end === at) last.end = next.at;
    else out.push(share === undefined ? { start: at, end: next.at, status } : { start: at, end: next.at, status, share });
  }
  return out;
}

/** The worst status with a non-zero count. */
export function worstCounted(counts: readonly number[]): CheckStatus {
  for (let r = 3; r >= 0; r--) if ((counts[r] as number) > 0) return BY_RANK[r] as CheckStatus;
  return 'up';
}

/**
 * The component timeline: at every instant, the worst status among the checks that have data
 * then. Where no check has data, there is no segment (no data).
 */
export function mergeWorst(timelines: readonly Segment[][]): Segment[] {
  return mergeTimelines(timelines, worstCounted);
}

/**
 * A component's status from how many of its checks are in each status (indexed by rank: up,
 * maintenance, degraded, down): the worst one, except that when some checks are down and others
 * work (up or degraded) it is a partial outage, `down` with the share of the working and down
 * checks that are down. Checks in maintenance do not count towards the share.
 */
export function componentCounted(counts: readonly number[]): { status: CheckStatus; share?: number } {
  const down = counts[3] as number;
  const working = (counts[0] as number) + (counts[2] as number);
  if (down > 0 && working > 0) return { status: 'down', share: down / (down + working) };
  return { status: worstCounted(counts) };
}

/** The component timeline: `componentCounted` of its checks at every instant; no segment where none has data. */
export function mergeComponent(timelines: readonly Segment[][]): Segment[] {
  return mergeTimelines(timelines, componentCounted);
}

/** Index of the first segment that ends after `t` (segments sorted and disjoint). */
function firstEndingAfter(segments: readonly Segment[], t: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((segments[mid] as Segment).end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Time in each status within [from, to). */
export function tally(segments: readonly Segment[], from: number, to: number): Tally {
  // Written out, not a spread of EMPTY_TALLY nor a store by a computed key: V8 keeps such an
  // object's shape (a spread copy made a new shape per object and every later copy of it slow).
  const out: Tally = { upMs: 0, degradedMs: 0, downMs: 0, partialMs: 0, partialShareMs: 0, maintenanceMs: 0 };
  for (let i = firstEndingAfter(segments, from); i < segments.length; i++) {
    const s = segments[i] as Segment;
    if (s.start >= to) break;
    const ms = Math.min(s.end, to) - Math.max(s.start, from);
    if (ms <= 0) continue;
    if (s.share !== undefined) {
      out.partialMs += ms;
      out.partialShareMs += ms * s.share;
    } else if (s.status === 'up') out.upMs += ms;
    else if (s.status === 'degraded') out.degradedMs += ms;
    else if (s.status === 'down') out.downMs += ms;
    else out[TALLY_KEY[s.status]] += ms;
  }
  return out;
}

export function knownMs(t: Tally): number {
  return t.upMs + t.degradedMs + t.downMs + t.partialMs + t.maintenanceMs;
}
