/**
 * Compaction: raw days older than the retention window become daily rollups.
 *
 * Order of work (crash-safe and idempotent):
 *   1. raw files of days a rollup already covers are leftovers of an interrupted compaction:
 *      readers ignore them; they are deleted;
 *   2. the rollup lines of every raw day before the cutoff are computed with the model's gap
 *      rule and APPENDED to their month files (atomic rewrite);
 *   3. only then are those raw files deleted.
 * A crash between 2 and 3 leaves both; readers count the rollup only. A second run finds nothing
 * left to do and changes nothing.
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { type RegionRule, regionSegments } from '../model/regions.ts';
import { fsFault } from './fault.ts';
import { addValue, emptyHistogram, encodeHistogram } from './histogram.ts';
import { DAY_MS, SAMPLES_DIR, dayStart, nextDay, utcDay } from './layout.ts';
import { type PerStatus, type RollupRecord, ROLLUP_VERSION, STATUS_LETTER, STATUS_ORDER, appendRollups, readRollups } from './rollup-format.ts';
import { type Sample, type StoredResult, listDayFiles, readDayFiles } from './samples.ts';

export const DEFAULT_RETENTION_MS = 90 * DAY_MS;

/** A rollup's `last` as a sample of its check. */
export function sampleOfLast(id: string, last: RollupRecord['last']): Sample {
  const s: Sample = { id, status: last.s, at: Date.parse(last.t), responseTimeMs: last.ms, error: last.e, statusCode: last.code ?? null };
  if (last.g !== undefined) s.region = last.g;
  return s;
}

function lastOf(s: Sample): Omit<StoredResult, 'id'> {
  const out: Omit<StoredResult, 'id'> = { t: new Date(s.at).toISOString(), s: s.status, ms: s.responseTimeMs, e: s.error };
  if (s.statusCode !== null) out.code = s.statusCode;
  if (s.region !== undefined) out.g = s.region;
  return out;
}

export interface RollupInput {
  /** UTC days to produce lines for, ascending. */
  days: readonly string[];
  /** Raw samples of those days, and of the days right after them (where holds end). */
  samples: readonly Sample[];
  /** Per check, its last sample before the first day (from the rollups before it). */
  carry: ReadonlyMap<string, Sample>;
  maxGapMs(id: string): number;
  now: number;
  /** How the regions of a multi-region check combine (defaults.regionRule); default majority. */
  regionRule?: RegionRule;
}

/** The rollup lines of `days`, one per check per day with any sample or any known time. Pure. */
export function computeRollups(input: RollupInput): RollupRecord[] {
  const byCheck = new Map<string, Sample[]>();
  for (const s of input.samples) {
    let list = byCheck.get(s.id);
    if (!list) byCheck.set(s.id, (list = []));
    list.push(s);
  }
  for (const id of input.carry.keys()) if (!byCheck.has(id)) byCheck.set(id, []);
  const out: RollupRecord[] = [];
  for (const [id, own] of [...byCheck].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const carry = input.carry.get(id);
    const sorted = [...own].sort((a, b) => a.at - b.at);
    const all = carry && (sorted.length === 0 || carry.at < (sorted[0] as Sample).at) ? [carry, ...sorted] : sorted;
    // One region (or none): the gap rule over the samples, as always; several: the region rule.
    const segments = regionSegments(all, input.maxGapMs(id), input.now, input.regionRule ?? 'majority');
    let si = 0; // first segment that may overlap the day
    let ai = 0; // first sample at or after the day's start
    let last: Sample | undefined;
    for (const day of input.days) {
      const start = dayStart(day);
      const end = start + DAY_MS;
      const seg: [number, number, string][] = [];
      const ms: PerStatus = [0, 0, 0, 0];
      while (si < segments.length && (segments[si] as { end: number }).end <= start) si++;
      for (let k = si; k < segments.length; k++) {
        const s = segments[k] as { start: number; end: number; status: Sample['status'] };
        if (s.start >= end) break;
        const a = Math.max(s.start, start) - start;
        const b = Math.min(s.end, end) - start;
        if (b <= a) continue;
        seg.push([a, b, STATUS_LETTER[s.status]]);
        ms[STATUS_ORDER.indexOf(s.status)] = (ms[STATUS_ORDER.indexOf(s.status)] as number) + b - a;
      }
      const n: PerStatus = [0, 0, 0, 0];
      const hist = emptyHistogram();
      while (ai < all.length && (all[ai] as Sample).at < end) {
        const s = all[ai] as Sample;
        last = s;
        if (s.at >= start && s !== carry) {
          n[STATUS_ORDER.indexOf(s.status)] = (n[STATUS_ORDER.indexOf(s.status)] as number) + 1;
          if (s.status !== 'down' && s.responseTimeMs !== null) addValue(hist, s.responseTimeMs);
        }
        ai++;
      }
      if (seg.length === 0 && n.every((x) => x === 0)) continue;
      if (!last) continue;
      out.push({ v: ROLLUP_VERSION, d: day, id, ms, n, seg, last: lastOf(last), lat: encodeHistogram(hist) });
    }
  }
  return out.sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface CompactOptions {
  /** Raw days entirely older than `now - retentionMs` (UTC days) are compacted. */
  retentionMs: number;
  now: number;
  maxGapMs(id: string): number;
  /** defaults.regionRule, for checks run from several regions. */
  regionRule?: RegionRule;
}

export interface CompactResult {
  /** Days compacted by this run. */
  days: string[];
  /** Rollup lines written. */
  lines: number;
  /** Rollup files written, relative to the status repo. */
  rollupFiles: string[];
  /** Raw files deleted (compacted now, or leftovers of an interrupted compaction). */
  removed: string[];
}

async function removeEmptyDirs(dir: string, files: readonly string[]): Promise<void> {
  const stop = path.join(dir, SAMPLES_DIR);
  const dirs = new Set(files.map((f) => path.dirname(f)));
  for (let d of [...dirs].sort().reverse()) {
    while (d.startsWith(stop) && d !== stop) {
      try {
        if ((await readdir(d)).length > 0) break;
        await rmdir(d);
      } catch {
        break;
      }
      d = path.dirname(d);
    }
  }
}

/** Compacts the raw days older than the retention window into rollups. Idempotent. */
export async function compactStore(dir: string, opts: CompactOptions): Promise<CompactResult> {
  const raw = await listDayFiles(dir);
  const cutoffDay = utcDay(opts.now - opts.retentionMs);
  // Most runs have no raw day before the cutoff: nothing to compact, and no leftover to delete
  // either (an interrupted compaction leaves days before the cutoff it had then; a leftover of a
  // later day, possible only if the retention grew since, is ignored by readers and deleted once
  // it passes the cutoff). Then no rollup is read: reading them all took 36 ms of every run of
  // bench:git-growth (docs/benchmarks.md).
  if (raw.every((x) => x.day >= cutoffDay)) return { days: [], lines: 0, rollupFiles: [], removed: [] };
  const { rollups, covered } = await readRollups(dir);
  const removed: string[] = [];
  // 1. Leftovers of an interrupted compaction.
  for (const f of raw.filter((x) => covered.has(x.day))) {
    await rm(f.file, { force: true }).catch((err: unknown) => {
      throw fsFault(err, 'delete', f.file);
    });
    removed.push(f.file);
  }
  const pending = raw.filter((x) => !covered.has(x.day));
  const candidates = pending.filter((x) => x.day < cutoffDay);
  const result: CompactResult = { days: [], lines: 0, rollupFiles: [], removed: [] };
  if (candidates.length === 0) {
    await removeEmptyDirs(dir, removed);
    result.removed = removed.map((f) => path.relative(dir, f));
    return result;
  }
  const firstDay = (candidates[0] as { day: string }).day;
  // Every day from the first raw day to the cutoff, except those already covered.
  const days: string[] = [];
  for (let d = firstDay; d < cutoffDay; d = nextDay(d)) if (!covered.has(d)) days.push(d);

  // Holds of the last samples end in the following raw days (at most the longest max gap on).
  const ids = new Set<string>();
  const carry = new Map<string, Sample>();
  for (const r of rollups) {
    if (r.d >= firstDay) continue;
    carry.set(r.id, sampleOfLast(r.id, r.last));
    ids.add(r.id);
  }
  const firstRead = await readDayFiles(dir, candidates);
  for (const s of firstRead.samples) ids.add(s.id);
  let longestGap = 0;
  for (const id of ids) longestGap = Math.max(longestGap, opts.maxGapMs(id));
  const lookaheadEnd = utcDay(dayStart(cutoffDay) + longestGap + DAY_MS);
  const lookahead = pending.filter((x) => x.day >= cutoffDay && x.day <= lookaheadEnd);
  const more = await readDayFiles(dir, lookahead);

  const lines = computeRollups({ days, samples: [...firstRead.samples, ...more.samples], carry, maxGapMs: opts.maxGapMs, now: opts.now, ...(opts.regionRule ? { regionRule: opts.regionRule } : {}) });

  // 2. Append the lines to their month files.
  result.rollupFiles.push(...(await appendRollups(dir, lines)));
  // 3. Only now delete the raw days.
  for (const f of candidates) {
    await rm(f.file, { force: true }).catch((err: unknown) => {
      throw fsFault(err, 'delete', f.file);
    });
    removed.push(f.file);
  }
  await removeEmptyDirs(dir, removed);
  result.days = [...new Set(candidates.map((c) => c.day))];
  result.lines = lines.length;
  result.removed = removed.map((f) => path.relative(dir, f));
  return result;
}
