/**
 * Where the results store keeps its files inside a status repo.
 *
 *   data/YYYY-MM-DD.ndjson                                 raw runs of one UTC day (unsharded)
 *   data/YYYY-MM-DD.shard-I-of-N.ndjson                    raw runs of shard I of N
 *   data/rollups/YYYY/YYYY-MM.ndjson                       daily aggregates, one line per check per day
 *
 * Every run appends ONE line holding all of its results to ONE file (its shard's day file), so
 * growth is bounded by the number of runs, not checks x runs, and past days never change again
 * until compaction turns them into rollups. Readers merge every file of a day. Files whose name
 * starts with a dot (`.*.tmp`: atomic writes in progress or left by a crash) are never read.
 */
import path from 'node:path';
import type { Shard } from './shard.ts';

export const DATA_DIR = 'data';
/**
 * Raw day files sit directly in data/: every run commits one changed file, and each folder on its
 * path costs a new git tree object per commit (measured: two levels fewer save ~20% of the
 * repository's growth). Earlier versions wrote data/samples/YYYY/MM/; those files are still read.
 */
export const SAMPLES_DIR = DATA_DIR;
export const LEGACY_SAMPLES_DIR = path.join(DATA_DIR, 'samples');
export const ROLLUPS_DIR = path.join(DATA_DIR, 'rollups');

export const DAY_MS = 86_400_000;

/** `2026-11-24` for a UTC instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Start of a UTC day (`YYYY-MM-DD`), epoch ms. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The UTC day after `day`. */
export function nextDay(day: string): string {
  return utcDay(dayStart(day) + DAY_MS);
}

function shardSuffix(shard: Shard | null | undefined): string {
  return shard && shard.count > 1 ? `.shard-${shard.index}-of-${shard.count}` : '';
}

export function dayFile(dir: string, day: string, shard?: Shard | null): string {
  return path.join(dir, SAMPLES_DIR, `${day}${shardSuffix(shard)}.ndjson`);
}

const DAY_FILE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:\.shard-(\d+)-of-(\d+))?\.ndjson$/;

/** The day a sample file holds, or null if the name is not a day file (temporary files are not). */
export function dayOfFile(name: string): string | null {
  const m = DAY_FILE_RE.exec(path.basename(name));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** `data/rollups/2026/2026-08.ndjson` for the month `2026-08`. */
export function rollupFile(dir: string, month: string): string {
  return path.join(dir, ROLLUPS_DIR, month.slice(0, 4), `${month}.ndjson`);
}

const ROLLUP_FILE_RE = /^(\d{4})-(\d{2})\.ndjson$/;

/** The month (`YYYY-MM`) a rollup file holds, or null. */
export function monthOfRollupFile(name: string): string | null {
  const m = ROLLUP_FILE_RE.exec(path.basename(name));
  return m ? `${m[1]}-${m[2]}` : null;
}

/** A temporary file of an atomic write (`.name.<random>.tmp`). */
export function isTempFile(name: string): boolean {
  const base = path.basename(name);
  return base.startsWith('.') && base.endsWith('.tmp');
}
