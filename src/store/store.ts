/**
 * Reading the whole store: raw samples and rollups together, as the model takes them.
 */
import { utcDay } from './layout.ts';
import { type RollupRecord, readRollups } from './rollup-format.ts';
import { type Sample, type StoreProblem, rawDayFiles, readSamples } from './samples.ts';
import { SampleColumns, readDayFilesInto } from './columns.ts';

export interface StoreContent {
  samples: Sample[];
  rollups: RollupRecord[];
  problems: StoreProblem[];
}

export interface ReadStoreOptions {
  /** Raw samples of whole UTC days from this instant on. */
  sinceMs?: number;
  /** Rollups from this instant on (default: `sinceMs`). */
  rollupsSinceMs?: number;
}

/**
 * Raw days and rollups; raw files of days a rollup covers are ignored, so an interrupted
 * compaction never counts a day twice. Bad files and lines are reported and skipped.
 */
export async function readStore(dir: string, opts: ReadStoreOptions = {}): Promise<StoreContent> {
  const rollupsSince = opts.rollupsSinceMs ?? opts.sinceMs;
  const r = await readRollups(dir, rollupsSince === undefined ? {} : { sinceDay: utcDay(rollupsSince) });
  const s = await readSamples(dir, { ...(opts.sinceMs === undefined ? {} : { sinceMs: opts.sinceMs }), coveredDays: r.covered });
  return { samples: s.samples, rollups: r.rollups, problems: [...s.problems, ...r.problems] };
}

export interface StoreColumns {
  samples: SampleColumns;
  rollups: RollupRecord[];
  problems: StoreProblem[];
}

/**
 * `readStore` into columns (src/store/columns.ts, every field kept): the same samples, rollups
 * and problems, without one object per sample.
 */
export async function readStoreColumns(dir: string, opts: ReadStoreOptions = {}): Promise<StoreColumns> {
  const rollupsSince = opts.rollupsSinceMs ?? opts.sinceMs;
  const r = await readRollups(dir, rollupsSince === undefined ? {} : { sinceDay: utcDay(rollupsSince) });
  const samples = new SampleColumns({ full: true });
  const problems = await readDayFilesInto(dir, await rawDayFiles(dir, { ...(opts.sinceMs === undefined ? {} : { sinceMs: opts.sinceMs }), coveredDays: r.covered }), samples);
  return { samples, rollups: r.rollups, problems: [...problems, ...r.problems] };
}
