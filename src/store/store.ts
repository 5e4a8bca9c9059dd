/**
 * Reading the whole store: raw samples and rollups together, as the model takes them.
 */
import { stat } from 'node:fs/promises';
import { utcDay } from './layout.ts';
import { type RollupRecord, readRollups } from './rollup-format.ts';
import { type DayFile, type Sample, type StoreProblem, rawDayFiles, readSamples } from './samples.ts';
import { type ColumnsState, SampleColumns, readDayFilesInto } from './columns.ts';

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

/** A day file the columns hold: how it looked when it was read, and where its samples start. */
export interface HeldFile {
  file: string;
  /** Size, modification time and inode when it was read (taken before reading); null when it could not be stat'ed. */
  stamp: string | null;
  /** Each check's sample count in the columns before this file was read. */
  start: Map<string, number>;
  problems: StoreProblem[];
}

/**
 * `readStoreColumns` kept up to date between reads (`cairn serve`, src/site/model-worker.ts): the
 * columns stay in memory, and each `read()` reads again only the day files that changed or are
 * new since the last one (after a round, today's file), dropping the files that left the window
 * (after midnight). What `read()` returns equals what `readStoreColumns` with the same options
 * would return then: the same samples in the same columns, the same rollups and problems.
 */
export class LiveStoreColumns {
  #samples = new SampleColumns({ full: true });
  #held: HeldFile[] = [];
  /** Day files read by the last `read()` (for tests and logs). */
  lastRead = 0;

  async read(dir: string, opts: ReadStoreOptions = {}): Promise<StoreColumns> {
    const rollupsSince = opts.rollupsSinceMs ?? opts.sinceMs;
    const r = await readRollups(dir, rollupsSince === undefined ? {} : { sinceDay: utcDay(rollupsSince) });
    const files = await rawDayFiles(dir, { ...(opts.sinceMs === undefined ? {} : { sinceMs: opts.sinceMs }), coveredDays: r.covered });
    const stamps = await Promise.all(files.map((f) => fileStamp(f.file)));
    // Files that left the front of the window: their samples are the first of each column.
    const head = files.length === 0 ? this.#held.length : this.#held.findIndex((h) => h.file === files[0]!.file);
    if (files.length === 0 || head < 0) this.reset();
    else if (head > 0) this.#dropHead(head);
    // The first file that differs from the one held at its place: it and every file after it are read again.
    let same = 0;
    while (same < files.length && same < this.#held.length && this.#held[same]!.file === files[same]!.file && this.#held[same]!.stamp !== null && this.#held[same]!.stamp === stamps[same]) same++;
    if (same < this.#held.length) {
      this.#samples.truncate(this.#held[same]!.start);
      this.#held.length = same;
    }
    for (let i = same; i < files.length; i++) {
      const start = this.#samples.lengths();
      const problems = await readDayFilesInto(dir, [files[i] as DayFile], this.#samples);
      this.#held.push({ file: files[i]!.file, stamp: stamps[i] ?? null, start, problems });
    }
    this.lastRead = files.length - same;
    return { samples: this.#samples, rollups: r.rollups, problems: [...this.#held.flatMap((h) => h.problems), ...r.problems] };
  }

  /**
   * What the columns hold, to post to another thread (`fromState` there goes on from it; the
   * columns' buffers are moved with `transfer`). This instance is left empty.
   */
  handOver(): { state: LiveStoreState; transfer: ArrayBuffer[] } {
    const { state, transfer } = this.#samples.handOver();
    const out = { state: { samples: state, held: this.#held }, transfer };
    this.reset();
    return out;
  }

  /** Columns that go on from what `handOver` gave: the next `read()` reads only what changed since. */
  static fromState(state: LiveStoreState): LiveStoreColumns {
    const out = new LiveStoreColumns();
    out.#samples = SampleColumns.fromState(state.samples);
    out.#held = state.held;
    return out;
  }

  /** Forgets every file held: the next `read()` reads them all. */
  reset(): void {
    this.#samples = new SampleColumns({ full: true });
    this.#held = [];
  }

  /** Forgets the first `k` files held. */
  #dropHead(k: number): void {
    const counts = this.#held[k]!.start;
    this.#samples.dropFirst(counts);
    this.#held = this.#held.slice(k);
    for (const h of this.#held) h.start = new Map([...h.start].map(([id, n]) => [id, n - (counts.get(id) ?? 0)]).filter(([, n]) => (n as number) > 0) as [string, number][]);
  }
}

/** `LiveStoreColumns.handOver`'s plain data. */
export interface LiveStoreState {
  samples: ColumnsState;
  held: HeldFile[];
}

async function fileStamp(file: string): Promise<string | null> {
  const s = await stat(file).catch(() => null);
  return s ? `${s.size} ${s.mtimeMs} ${s.ino}` : null;
}
