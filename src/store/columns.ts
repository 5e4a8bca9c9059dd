/**
 * Samples of many checks held in columns (typed arrays per check) instead of one object per
 * sample: 90 days of 1,000 checks at 5-minute samples (26 million samples) never live as
 * objects at once. The report (src/reports/inputs.ts) and the site's model (src/site/build.ts)
 * read the store into them; `of(id)` gives one check's samples as objects when they are needed.
 *
 * Two layouts: the report's (the default: status, time, response time rounded to 32 bits, error)
 * and the model's (`full`: also status codes, regions and expiry dates, and response times
 * exactly as stored), so that `of(id)` equals what the store's reader (`readSamples`) gives.
 */
import type { CheckStatus } from '../checks/types.ts';
import { forEachRecord } from './ndjson.ts';
import { type CompactRunLine, type DayFile, type Sample, type StoreProblem, STORE_VERSION, storedLinesOf, toSample } from './samples.ts';

/** The statuses by the index the columns keep (`series(id).st`). */
export const STATUSES: readonly CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];
/** Status index by the letter of a compact line (u, m, w, d). */
const LETTER_INDEX: Record<string, number> = { u: 0, w: 1, d: 2, m: 3 };
/** Status codes are kept in 16 bits; this one stands for none (a code out of range is kept aside). */
const NO_CODE = -32768;

export interface Column {
  n: number;
  /** Whether no time is less than the one before it (kept as samples are added and cut, so that reading it costs nothing). */
  sorted: boolean;
  /** Whether every time is a number at least the one before it (no NaN): then the first is the earliest. */
  ordered: boolean;
  at: Float64Array;
  st: Uint8Array;
  ms: Float32Array;
  err: Map<number, string>;
  /** `full` only: response times that 32 bits would change, by index. */
  exact?: Map<number, number>;
  /** `full` only, from the first sample with one: status codes (NO_CODE for none). */
  code?: Int16Array;
  /** `full` only: codes that do not fit in 16 bits, by index. */
  wideCode?: Map<number, number>;
  /** `full` only, from the first sample with one: 1 + the index of the sample's region in `regions` (0: none). */
  region?: Uint16Array;
  /** `full` only: expiry dates by index. */
  expiry?: Map<number, string>;
}

export interface ColumnsOptions {
  /**
   * Keep everything a sample holds (status codes, regions, expiry dates, exact response times),
   * as the status model reads them; without it, what the report reads.
   */
  full?: boolean;
}

/**
 * What `SampleColumns.handOver` gives: the columns as plain data, to send to the process that
 * goes on with them.
 */
export interface ColumnsState {
  full: boolean;
  regions: string[];
  count: number;
  cols: [string, Column][];
}

/** Samples of many checks in columns; `of(id)` gives one check's samples as objects, sorted. */
export class SampleColumns {
  #cols = new Map<string, Column>();
  /** The ids of the last compact line added and their columns: the next line usually has the same. */
  #lastIds: readonly string[] = [];
  #lastCols: Column[] = [];
  #full: boolean;
  #regions: string[] = [];
  #regionIndex = new Map<string, number>();
  count = 0;

  constructor(opts: ColumnsOptions = {}) {
    this.#full = opts.full === true;
  }

  #column(id: string): Column {
    let c = this.#cols.get(id);
    if (!c) this.#cols.set(id, (c = { n: 0, sorted: true, ordered: true, at: new Float64Array(1024), st: new Uint8Array(1024), ms: new Float32Array(1024), err: new Map() }));
    return this.#grown(c);
  }

  /** `c`, with room for one more sample. */
  #grown(c: Column): Column {
    if (c.n === c.at.length) {
      // Grow by half: the spare capacity stays small for a month of 5-minute samples.
      const grow = <T extends Float64Array | Float32Array | Uint8Array | Int16Array | Uint16Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(Math.ceil(a.length * 1.5));
        b.set(a);
        return b;
      };
      c.at = grow(c.at);
      c.st = grow(c.st);
      c.ms = grow(c.ms);
      if (c.code) {
        const from = c.code.length;
        c.code = grow(c.code);
        c.code.fill(NO_CODE, from);
      }
      if (c.region) c.region = grow(c.region);
    }
    return c;
  }

  add(s: Sample): void {
    const c = this.#column(s.id);
    this.#put(c, STATUSES.indexOf(s.status), s.at, s.responseTimeMs, s.error);
    if (this.#full) this.#details(c, s.statusCode, s.region, s.expiresAt);
    c.n += 1;
    this.count += 1;
  }

  #put(c: Column, status: number, at: number, ms: number | null, error: string | null): void {
    if (c.n > 0 && at < (c.at[c.n - 1] as number)) c.sorted = false;
    if (!(c.n > 0 ? at >= (c.at[c.n - 1] as number) : at === at)) c.ordered = false;
    c.at[c.n] = at;
    c.st[c.n] = status;
    if (ms === null) c.ms[c.n] = -1;
    else {
      c.ms[c.n] = ms;
      if (this.#full && (c.ms[c.n] as number) !== ms) (c.exact ??= new Map()).set(c.n, ms);
    }
    if (error !== null) c.err.set(c.n, error);
  }

  #details(c: Column, code: number | null, region: string | undefined, expiresAt: string | undefined): void {
    if (code !== null) {
      if (!c.code) (c.code = new Int16Array(c.at.length)).fill(NO_CODE);
      if (code > NO_CODE && code <= 32767) c.code[c.n] = code;
      else (c.wideCode ??= new Map()).set(c.n, code);
    }
    if (region !== undefined) {
      let r = this.#regionIndex.get(region);
      if (r === undefined) {
        this.#regions.push(region);
        this.#regionIndex.set(region, (r = this.#regions.length));
      }
      (c.region ??= new Uint16Array(c.at.length))[c.n] = r;
    }
    if (expiresAt !== undefined) (c.expiry ??= new Map()).set(c.n, expiresAt);
  }

  /**
   * Adds the samples of a checked compact line (src/store/samples.ts `parseStoredLine`) straight
   * from its columns: the same samples as `toSample` of each result of `parseRunLine`.
   */
  addLine(line: CompactRunLine): void {
    const t0 = Date.parse(line.t);
    const { id: ids, s, ms, dt, code, e, g, x } = line;
    const errors = e ? indexed(e) : null;
    const expiries = x ? indexed(x) : null;
    const same = ids.length === this.#lastIds.length && ids.every((id, i) => id === this.#lastIds[i]);
    if (!same) {
      this.#lastIds = ids;
      this.#lastCols = ids.map((id) => this.#column(id));
    }
    for (let i = 0; i < ids.length; i++) {
      const c = this.#grown(this.#lastCols[i] as Column);
      const d = dt?.[i];
      this.#put(c, LETTER_INDEX[s[i] as string] as number, d ? t0 + d * 1000 : t0, ms[i] ?? null, errors?.get(i) ?? null);
      if (this.#full) this.#details(c, code?.[i] ?? null, g, expiries?.get(i));
      c.n += 1;
    }
    this.count += ids.length;
  }

  /**
   * The columns as plain data, to send to another process (Node's `advanced` IPC serialization,
   * v8.serialize): each array cut to the samples it holds, so that only they are sent.
   * `fromState` there gives back columns equal to these. This instance is left empty.
   */
  handOver(): ColumnsState {
    const cols: [string, Column][] = [...this.#cols].map(([id, c]) => {
      const cut: Column = { ...c, at: c.at.subarray(0, c.n), st: c.st.subarray(0, c.n), ms: c.ms.subarray(0, c.n) };
      if (c.code) cut.code = c.code.subarray(0, c.n);
      if (c.region) cut.region = c.region.subarray(0, c.n);
      return [id, cut];
    });
    const state: ColumnsState = { full: this.#full, regions: this.#regions, count: this.count, cols };
    this.#cols = new Map();
    this.#lastIds = [];
    this.#lastCols = [];
    this.#regions = [];
    this.#regionIndex = new Map();
    this.count = 0;
    return state;
  }

  /**
   * Columns from what `handOver` gave (after v8.deserialize). Each array is copied into one of
   * its own, with room for a few hundred samples more (a round's): a deserialized typed array is
   * a view into the whole message, which it would keep alive, model and all.
   */
  static fromState(state: ColumnsState): SampleColumns {
    const out = new SampleColumns({ full: state.full });
    const own = <T extends Float64Array | Float32Array | Uint8Array | Int16Array | Uint16Array>(a: T, n: number, fill?: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n + Math.max(256, Math.ceil(n / 64)));
      b.set(a.subarray(0, n));
      if (fill !== undefined) b.fill(fill, n);
      return b;
    };
    out.#cols = new Map(
      state.cols.map(([id, c]) => {
        const mine: Column = { ...c, at: own(c.at, c.n), st: own(c.st, c.n), ms: own(c.ms, c.n) };
        if (c.code) mine.code = own(c.code, c.n, NO_CODE);
        if (c.region) mine.region = own(c.region, c.n);
        return [id, mine];
      }),
    );
    out.#regions = [...state.regions];
    out.#regionIndex = new Map(state.regions.map((r, i) => [r, i + 1]));
    out.count = state.count;
    return out;
  }

  /** How many samples each check has now: a point `truncate` can come back to. */
  lengths(): Map<string, number> {
    return new Map([...this.#cols].map(([id, c]) => [id, c.n]));
  }

  /**
   * Keeps the first `lengths.get(id)` samples of each check (none for a check not in `lengths`):
   * the columns as they were when `lengths()` gave `lengths`, exactly as if the samples added
   * since had never been added (`series`, `of`, `range`, `errors` and `earliest` give the same).
   */
  truncate(lengths: ReadonlyMap<string, number>): void {
    for (const [id, c] of this.#cols) this.#keep(id, c, 0, Math.min(c.n, lengths.get(id) ?? 0));
  }

  /**
   * Removes the first `counts.get(id)` samples of each check (a day file read first, now out of
   * the window): the columns as if those samples had never been added.
   */
  dropFirst(counts: ReadonlyMap<string, number>): void {
    for (const [id, c] of this.#cols) {
      const k = Math.min(c.n, counts.get(id) ?? 0);
      if (k > 0) this.#keep(id, c, k, c.n);
    }
  }

  /** Keeps samples `from` to `to` (exclusive) of a column, moved to the front; a column left empty is removed. */
  #keep(id: string, c: Column, from: number, to: number): void {
    this.#lastIds = [];
    this.#lastCols = [];
    const n = to - from;
    this.count -= c.n - n;
    if (n === 0) {
      this.#cols.delete(id);
      return;
    }
    if (from > 0) {
      c.at.copyWithin(0, from, to);
      c.st.copyWithin(0, from, to);
      c.ms.copyWithin(0, from, to);
      c.code?.copyWithin(0, from, to);
      c.region?.copyWithin(0, from, to);
    }
    c.n = n;
    // Part of times in order is in order; else it may be now.
    if (!c.sorted) {
      c.sorted = true;
      for (let i = 1; i < n && c.sorted; i++) if ((c.at[i] as number) < (c.at[i - 1] as number)) c.sorted = false;
    }
    if (!c.ordered) {
      c.ordered = n === 0 || !Number.isNaN(c.at[0]);
      for (let i = 1; i < n && c.ordered; i++) if (!((c.at[i] as number) >= (c.at[i - 1] as number))) c.ordered = false;
    }
    // What a sample that was never added leaves: no code, no region (see #details).
    c.code?.fill(NO_CODE, n);
    c.region?.fill(0, n);
    if (c.region && !c.region.subarray(0, n).some((r) => r > 0)) delete c.region;
    if (c.code && !c.code.subarray(0, n).some((k) => k !== NO_CODE)) delete c.code;
    const shift = <T>(sparse: Map<number, T> | undefined): Map<number, T> | undefined => {
      if (!sparse) return undefined;
      const out = new Map<number, T>();
      for (const [i, v] of sparse) if (i >= from && i < to) out.set(i - from, v);
      return out.size > 0 ? out : undefined;
    };
    c.err = shift(c.err) ?? new Map();
    const exact = shift(c.exact);
    if (exact) c.exact = exact;
    else delete c.exact;
    const wide = shift(c.wideCode);
    if (wide) c.wideCode = wide;
    else delete c.wideCode;
    const expiry = shift(c.expiry);
    if (expiry) c.expiry = expiry;
    else delete c.expiry;
  }

  /** The checks with samples, in the order their first sample was added. */
  ids(): string[] {
    return [...this.#cols.keys()];
  }

  /** The earliest sample time at or before `upTo`, or null without any. */
  earliest(upTo: number): number | null {
    let first = Infinity;
    for (const c of this.#cols.values()) {
      // In order, the first is the earliest (and none is at or before `upTo` when it is not).
      if (c.ordered) {
        const at = c.at[0] as number;
        if (c.n > 0 && at < first && at <= upTo) first = at;
        continue;
      }
      for (let i = 0; i < c.n; i++) {
        const at = c.at[i] as number;
        if (at < first && at <= upTo) first = at;
      }
    }
    return first === Infinity ? null : first;
  }

  /** One check's samples (in the report's layout, status codes are not kept: no report figure reads them). */
  of(id: string): Sample[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    const out = this.#objects(id, c, 0, c.n);
    return c.sorted ? out : out.sort((a, b) => a.at - b.at);
  }

  /**
   * One check's columns as they are, for reading without an object per sample: `n` samples,
   * their times and status indexes (STATUSES), whether they are in time order, whether any has a
   * region; null without samples.
   */
  series(id: string): { n: number; at: Float64Array; st: Uint8Array; sorted: boolean; regions: boolean } | null {
    const c = this.#cols.get(id);
    if (!c) return null;
    return { n: c.n, at: c.at.subarray(0, c.n), st: c.st.subarray(0, c.n), sorted: c.sorted, regions: c.region !== undefined };
  }

  /** Samples `from` to `to` (exclusive) of one check, as stored (in time order when `series` says so). */
  range(id: string, from: number, to: number): Sample[] {
    const c = this.#cols.get(id);
    return c ? this.#objects(id, c, Math.max(0, from), Math.min(to, c.n)) : [];
  }

  #objects(id: string, c: Column, from: number, to: number): Sample[] {
    const { at, st, ms, code, region } = c;
    const out: Sample[] = new Array(Math.max(0, to - from));
    for (let i = from; i < to; i++) {
      const m = ms[i] as number;
      const k = code ? (code[i] as number) : NO_CODE;
      // The sparse fields (errors, exact times, wide codes, expiry dates) are set below, from their maps.
      const sample: Sample = { id, status: STATUSES[st[i] as number] as CheckStatus, at: at[i] as number, responseTimeMs: m < 0 ? null : m, error: null, statusCode: k === NO_CODE ? null : k };
      if (region && (region[i] as number) > 0) sample.region = this.#regions[(region[i] as number) - 1] as string;
      out[i - from] = sample;
    }
    const set = <T>(sparse: Map<number, T> | undefined, put: (s: Sample, v: T) => void) => {
      if (!sparse) return;
      // Few entries (errors, exact times): each looked up; many (a range of a check with an error each time): walked.
      if (sparse.size > to - from) {
        for (let i = from; i < to; i++) if (sparse.has(i)) put(out[i - from] as Sample, sparse.get(i) as T);
      } else for (const [i, v] of sparse) if (i >= from && i < to) put(out[i - from] as Sample, v);
    };
    set(c.err, (s, e) => (s.error = e));
    set(c.exact, (s, v) => (s.responseTimeMs = v));
    set(c.wideCode, (s, v) => (s.statusCode = v));
    set(c.expiry, (s, x) => (s.expiresAt = x));
    return out;
  }

  /** Per check, the stored errors (with their sample's time): certificate facts live there. */
  errors(id: string): { at: number; error: string }[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    return [...c.err].map(([i, error]) => ({ at: c.at[i] as number, error })).sort((a, b) => a.at - b.at);
  }
}

/**
 * The entries of a compact line's sparse column (`e`, `x`) by index, as `parseRunLine` reads
 * them (`e[i]`): a key such as "01" is never looked up there, so it is left out here too.
 */
function indexed(sparse: Record<string, string>): Map<number, string> {
  const out = new Map<number, string>();
  for (const k of Object.keys(sparse)) {
    const i = Number(k);
    if (String(i) === k) out.set(i, sparse[k] as string);
  }
  return out;
}

/**
 * Reads day files into `into`, line by line (compact lines straight from their columns, older
 * lines through their run record); the problems are those `readDayFiles` reports for the same
 * files (a file that cannot be read, a line that does not parse), in the same order.
 */
export async function readDayFilesInto(dir: string, files: readonly DayFile[], into: SampleColumns): Promise<StoreProblem[]> {
  const problems: StoreProblem[] = [];
  for (const { file } of files) {
    await forEachRecord(dir, file, storedLinesOf, (rec) => (rec.v === STORE_VERSION ? rec.r.forEach((r) => into.add(toSample(r))) : into.addLine(rec)), problems);
  }
  return problems;
}
