/**
 * Reading the whole store: raw samples and rollups together, as the model takes them.
 */
import { stat } from 'node:fs/promises';
import { DAY_MS, dayStart, nextDay, utcDay } from './layout.ts';
import { LETTER_STATUS, type PerStatus, type RollupRecord, STATUS_ORDER, readRollups } from './rollup-format.ts';
import { computeRollups, sampleOfLast } from './compact.ts';
import type { RegionRule } from '../model/regions.ts';
import type { CheckStatus } from '../checks/types.ts';
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

/** Days folded in one timeline per check (src/store/compact.ts computeRollups), to bound the sample objects made at once. */
const FOLD_DAYS = 8;

/** A day file the columns hold: how it looked when it was read, and where its samples start. */
export interface HeldFile {
  file: string;
  /** The UTC day it holds. */
  day: string;
  /** Size, modification time and inode when it was read (taken before reading); null when it could not be stat'ed. */
  stamp: string | null;
  /** Each check's sample count in the columns before this file was read. */
  start: Map<string, number>;
  problems: StoreProblem[];
}

/**
 * A UTC day whose raw files were read, then folded into rollups in memory (computed as
 * compaction computes them, src/store/compact.ts): the samples of its folded checks are no longer
 * held. Its files stay in the list of files read (HeldFile), for the samples of checks kept raw.
 */
export interface FoldedDay {
  day: string;
  /** How many of the files read are this day's. */
  files: number;
  rollups: RollupRecord[];
  /** Per check, its first own sample that day (ms); absent when the day only holds a sample of an earlier day. */
  first: Map<string, number>;
}

/**
 * Which raw days to fold into rollups in memory: every UTC day before `beforeDay`. The figures a
 * model shows are the same from rollups as from raw samples (compaction's promise, tested in
 * src/store/compact.test.ts), except for what only raw samples give: the response-time series and
 * latency (the last 7 days), check-based SLOs (their windows), the status now. `beforeDay` must
 * leave those raw (src/site/build.ts chooses it). Checks run from several regions are not folded:
 * a rollup keeps one last sample, and the region rule needs each region's.
 */
export interface FoldOptions {
  beforeDay: string;
  maxGapMs(id: string): number;
  regionRule?: RegionRule;
  now: number;
}

/**
 * `readStoreColumns` kept up to date between reads (`cairn serve`, src/site/model-child.ts): the
 * columns stay in memory, and each `read()` reads again only the day files that changed or are
 * new since the last one (after a round, today's file), dropping the files that left the window
 * (after midnight). What `read()` returns gives the model that `readStoreColumns` with the same
 * options would give then.
 *
 * With `fold`, the raw days before `fold.beforeDay` are folded into rollups in memory: a few
 * segments a day instead of every sample (200 checks × 90 days of 5-minute samples: 78 MB of
 * columns become a few megabytes), and `read()` returns those days as rollups. A model computed
 * from them equals one from the raw days (src/site/live-store.test.ts holds them equal).
 */
export class LiveStoreColumns {
  #samples = new SampleColumns({ full: true });
  /** Every file read, in order (those of folded days first). */
  #held: HeldFile[] = [];
  #folded: FoldedDay[] = [];
  /** Checks whose samples of folded days were folded, and checks kept raw (run from several regions). */
  #foldedIds = new Set<string>();
  #raw = new Set<string>();
  /** Whether folded days were added or dropped since the last `read()`, and which rollups on disk came before them then. */
  #foldedChanged = false;
  #rollupsBefore = '';
  /** Day files read by the last `read()` (for tests and logs). */
  lastRead = 0;

  /** How many days are held folded into rollups, and how many samples are held raw (for tests and logs). */
  held(): { foldedDays: number; samples: number } {
    return { foldedDays: this.#folded.length, samples: this.#samples.count };
  }

  async read(dir: string, opts: ReadStoreOptions & { fold?: FoldOptions } = {}): Promise<StoreColumns> {
    const rollupsSince = opts.rollupsSinceMs ?? opts.sinceMs;
    const r = await readRollups(dir, rollupsSince === undefined ? {} : { sinceDay: utcDay(rollupsSince) });
    const files = await rawDayFiles(dir, { ...(opts.sinceMs === undefined ? {} : { sinceMs: opts.sinceMs }), coveredDays: r.covered });
    const stamps = await Promise.all(files.map((f) => fileStamp(f.file)));
    // Files that left the front of the window: their samples are the first of each column.
    const head = files.length === 0 ? this.#held.length : this.#held.findIndex((h) => h.file === files[0]!.file);
    if (files.length === 0 || head < 0) this.reset();
    else if (head > 0) this.#dropFront(head);
    // The first file that differs from the one read at its place: it and every file after it are read again.
    let same = 0;
    while (same < files.length && same < this.#held.length && this.#held[same]!.file === files[same]!.file && this.#held[same]!.stamp !== null && this.#held[same]!.stamp === stamps[same]) same++;
    if (same < this.#held.length) same = this.#cut(same);
    for (let i = same; i < files.length; i++) {
      const start = this.#samples.lengths();
      const problems = await readDayFilesInto(dir, [files[i] as DayFile], this.#samples);
      this.#held.push({ file: files[i]!.file, day: files[i]!.day, stamp: stamps[i] ?? null, start, problems });
    }
    this.lastRead = files.length - same;
    // A folded check now run from several regions: read again, that check raw.
    if ([...this.#foldedIds].some((id) => this.#samples.series(id)?.regions)) {
      this.reset();
      return this.read(dir, opts);
    }
    if (opts.fold) this.#fold(opts.fold, r.rollups);
    // The first folded day has no day before it read, as in a raw read (the window moved, or this is the first read).
    // Only when the folded days or the rollups before them changed: it gives the same days again otherwise.
    const before = `${r.rollups.length} ${r.rollups[0]?.d ?? ''} ${r.rollups[r.rollups.length - 1]?.d ?? ''}`;
    if (this.#folded.length > 0 && (this.#foldedChanged || before !== this.#rollupsBefore)) this.#withoutEarlierDays(r.rollups);
    this.#foldedChanged = false;
    this.#rollupsBefore = before;
    return {
      samples: this.#samples,
      rollups: [...r.rollups, ...this.#folded.flatMap((d) => d.rollups)],
      problems: [...this.#held.flatMap((h) => h.problems), ...r.problems],
    };
  }

  /**
   * What the columns hold, to send to another process (`fromState` there goes on from it). This
   * instance is left empty.
   */
  handOver(): LiveStoreState {
    const out = { samples: this.#samples.handOver(), held: this.#held, folded: this.#folded, foldedIds: [...this.#foldedIds], raw: [...this.#raw] };
    this.reset();
    return out;
  }

  /** Columns that go on from what `handOver` gave: the next `read()` reads only what changed since. */
  static fromState(state: LiveStoreState): LiveStoreColumns {
    const out = new LiveStoreColumns();
    out.#samples = SampleColumns.fromState(state.samples);
    out.#held = state.held;
    out.#folded = state.folded;
    out.#foldedIds = new Set(state.foldedIds);
    out.#raw = new Set(state.raw);
    return out;
  }

  /** Forgets every file read: the next `read()` reads them all. */
  reset(): void {
    this.#samples = new SampleColumns({ full: true });
    this.#held = [];
    this.#folded = [];
    this.#foldedIds = new Set();
    this.#raw = new Set();
  }

  /** How many of the files read are those of folded days. */
  #foldedFiles(): number {
    return this.#folded.reduce((n, d) => n + d.files, 0);
  }

  /** Forgets the first `k` files read: they left the window (by whole days). */
  #dropFront(k: number): void {
    let files = k;
    while (files > 0 && this.#folded.length > 0) {
      const d = this.#folded[0]!;
      if (d.files > files) {
        // Part of a folded day left: read everything again.
        this.reset();
        return;
      }
      files -= d.files;
      this.#folded.shift();
      this.#foldedChanged = true;
    }
    this.#dropHead(k);
  }

  /**
   * Forgets the files from the `k`-th read on (one of them changed): returns the index of the
   * first file to read again. A folded day is read again whole, with every file after it.
   */
  #cut(k: number): number {
    let at = 0;
    let day = 0;
    while (day < this.#folded.length && at + this.#folded[day]!.files <= k) at += this.#folded[day++]!.files;
    if (day < this.#folded.length) {
      // In a folded day: from its first file (a folded check's samples there are gone, and its later ones go with them).
      this.#folded.length = day;
      this.#foldedChanged = true;
      k = at;
    }
    this.#samples.truncate(this.#held[k]!.start);
    this.#held.length = k;
    return k;
  }

  /** Forgets the first `k` files held, and their samples. */
  #dropHead(k: number): void {
    this.#dropSamples(this.#held[k]?.start ?? this.#samples.lengths());
    this.#held = this.#held.slice(k);
  }

  /** Removes the first `counts.get(id)` samples of each check, and counts them out of where each file's samples start. */
  #dropSamples(counts: ReadonlyMap<string, number>): void {
    this.#samples.dropFirst(counts);
    for (const h of this.#held) h.start = new Map([...h.start].map(([id, n]) => [id, n - (counts.get(id) ?? 0)]).filter(([, n]) => (n as number) > 0) as [string, number][]);
  }

  /**
   * Folds the days read before `opts.beforeDay` into rollups, oldest first: each from its samples
   * and the next day's (where a hold ends), and the last sample before it (a rollup's `last`).
   * The folded samples are dropped from the columns at the end, in one move.
   */
  #fold(opts: FoldOptions, fileRollups: readonly RollupRecord[]): void {
    const held = this.#held;
    let i = this.#foldedFiles();
    if (i >= held.length || held[i]!.day >= opts.beforeDay) return;
    for (const id of this.#samples.ids()) if (this.#samples.series(id)?.regions) this.#raw.add(id);
    const ids = this.#samples.ids().filter((id) => !this.#raw.has(id));
    // The last sample of each check before the first day to fold: from the rollups before it.
    const carry = new Map<string, Sample>();
    for (const r of [...fileRollups, ...this.#folded.flatMap((d) => d.rollups)].sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : 0))) {
      if (!this.#raw.has(r.id)) carry.set(r.id, sampleOfLast(r.id, r.last));
    }
    const total = this.#samples.lengths();
    // Where the samples of the `j`-th file read start in check `id`'s column.
    const at = (j: number, id: string) => (j < held.length ? (held[j]!.start.get(id) ?? 0) : (total.get(id) ?? 0));
    // The days to fold, and where their files are.
    const days: { day: string; from: number; to: number }[] = [];
    while (i < held.length && held[i]!.day < opts.beforeDay) {
      const day = held[i]!.day;
      let k = i;
      while (k < held.length && held[k]!.day === day) k++;
      days.push({ day, from: i, to: k });
      i = k;
    }
    // A few days at a time (one timeline per check across them), with the day after them (where a hold ends).
    for (let c = 0; c < days.length; c += FOLD_DAYS) {
      const chunk = days.slice(c, c + FOLD_DAYS);
      const lastTo = chunk[chunk.length - 1]!.to;
      let next = lastTo;
      while (next < held.length && held[next]!.day === nextDay(held[lastTo - 1]!.day)) next++;
      const samples: Sample[] = [];
      const firsts = chunk.map(() => new Map<string, number>());
      for (const id of ids) {
        chunk.forEach((d, j) => {
          const start = dayStart(d.day);
          for (const s of this.#samples.range(id, at(d.from, id), at(d.to, id))) {
            samples.push(s);
            if (s.at >= start && s.at < start + DAY_MS && s.at < (firsts[j]!.get(id) ?? Infinity)) firsts[j]!.set(id, s.at);
          }
        });
        for (const s of this.#samples.range(id, at(lastTo, id), at(next, id))) samples.push(s);
      }
      const rollups = computeRollups({ days: chunk.map((d) => d.day), samples, carry, maxGapMs: opts.maxGapMs, now: opts.now, ...(opts.regionRule ? { regionRule: opts.regionRule } : {}) });
      const byDay = new Map<string, RollupRecord[]>(chunk.map((d) => [d.day, []]));
      for (const r of rollups) {
        // No latency histogram: latency is read from raw days only (the last 24 hours).
        r.lat = null;
        byDay.get(r.d)?.push(r);
        carry.set(r.id, sampleOfLast(r.id, r.last));
      }
      chunk.forEach((d, j) => this.#folded.push({ day: d.day, files: d.to - d.from, rollups: byDay.get(d.day) ?? [], first: firsts[j]! }));
      this.#foldedChanged = true;
    }
    this.#dropSamples(new Map(ids.map((id) => [id, at(i, id)])));
    for (const id of ids) this.#foldedIds.add(id);
  }

  /**
   * Takes out of the folded days what came from a day no longer read (left the window, or never
   * read): a raw read starts each check's timeline at its first sample read, so the time before a
   * check's first own sample in the folded days goes, and a day that only held an earlier sample
   * goes with it.
   */
  #withoutEarlierDays(fileRollups: readonly RollupRecord[]): void {
    // A check with compacted days before: its timeline goes on from them, as in a raw read.
    const seen = new Set(fileRollups.map((r) => r.id));
    for (const d of this.#folded) {
      const start = dayStart(d.day);
      d.rollups = d.rollups.flatMap((r) => {
        if (seen.has(r.id)) return [r];
        const first = d.first.get(r.id);
        if (first === undefined) return [];
        seen.add(r.id);
        if (r.seg.length === 0 || r.seg[0]![0] >= first - start) return [r];
        const seg = r.seg.flatMap(([a, b, l]): [number, number, string][] => (b <= first - start ? [] : [[Math.max(a, first - start), b, l]]));
        const ms: PerStatus = [0, 0, 0, 0];
        for (const [a, b, l] of seg) {
          const k = STATUS_ORDER.indexOf(LETTER_STATUS[l] as CheckStatus);
          ms[k] = (ms[k] as number) + b - a;
        }
        return [{ ...r, seg, ms }];
      });
    }
  }
}

/** `LiveStoreColumns.handOver`'s plain data. */
export interface LiveStoreState {
  samples: ColumnsState;
  held: HeldFile[];
  folded: FoldedDay[];
  foldedIds: string[];
  raw: string[];
}

async function fileStamp(file: string): Promise<string | null> {
  const s = await stat(file).catch(() => null);
  return s ? `${s.size} ${s.mtimeMs} ${s.ino}` : null;
}
