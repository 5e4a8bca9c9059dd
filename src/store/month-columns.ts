/**
 * Samples of many checks held in columns (typed arrays per check) instead of one object per
 * sample: a month of 1,000 checks at 5-minute samples never lives as millions of objects at once.
 * The report (src/reports/inputs.ts) reads the store into them.
 */
import type { CheckStatus } from '../checks/types.ts';
import type { Sample } from './samples.ts';
import type { ScannedRun } from './run-scan.ts';

/** The statuses of `CheckColumns.status`, by code. */
export const COLUMN_STATUSES: readonly CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];
const STATUSES = COLUMN_STATUSES;

/** Samples per chunk of a check's columns: a chunk is filled before the next is made, so at most one is partly empty. */
const CHUNK = 2048;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Response times 0 to 65534 whole ms fit in 2 bytes; 65535 stands for none. */
const NO_MS = 0xffff;

/**
 * A run of up to CHUNK samples of one check, 7 bytes a sample. Times are kept as whole
 * milliseconds after the chunk's first one (4 bytes instead of 8); a time that is not exactly
 * that (samples far apart, or not whole milliseconds) turns the chunk's times into full numbers
 * (`wide`). Response times are whole milliseconds under 65535 (2 bytes); any other turns the
 * chunk's response times into 4-byte floats (`ms32`, -1 for none), as they always were kept.
 */
interface Chunk {
  n: number;
  base: number;
  off: Int32Array | null;
  wide: Float64Array | null;
  st: Uint8Array;
  ms16: Uint16Array | null;
  ms32: Float32Array | null;
  /** Region of each sample, by index in `MonthColumns`' region names (0: none); null while none has one. */
  rg: Uint8Array | null;
}

/**
 * One check's samples as columns, in time order: the `n` first entries of each array hold them.
 * `status` is an index in COLUMN_STATUSES; `ms` is the response time, -1 for none.
 */
export interface CheckColumns {
  n: number;
  at: Float64Array;
  status: Uint8Array;
  ms: Float32Array;
}

interface Column {
  n: number;
  chunks: Chunk[];
  /** The last of `chunks` (null before the first sample). */
  cur: Chunk | null;
  /** Samples were added in time order (`of` sorts them otherwise). */
  sorted: boolean;
  /** Every time is a number (no NaN) at or after the one before: `columns` gives these. */
  ordered: boolean;
  last: number;
  err: Map<number, string>;
  /** Some sample has a region (a multi-region store): `columns` gives null, `of` the regions. */
  regions: boolean;
}

/**
 * Samples of many checks in columns; `of(id)` gives one check's samples as objects, sorted.
 * About 7 bytes a sample (a month of 1,000 checks at 5-minute samples: 61 MB), in chunks, so the
 * spare capacity is at most one chunk per check.
 */
export class MonthColumns {
  #cols = new Map<string, Column>();
  count = 0;

  /**
   * The ids in the order the last samples came (a run's results come in the same order line
   * after line), with their columns: `add` follows it instead of looking every id up.
   */
  #seqIds: string[] = [];
  #seqCols: Column[] = [];
  #cursor = 0;

  #column(id: string): Column {
    const k = this.#cursor;
    if (this.#seqIds[k] === id) {
      this.#cursor = k + 1;
      return this.#seqCols[k] as Column;
    }
    if (this.#seqIds[0] === id) {
      this.#cursor = 1;
      return this.#seqCols[0] as Column;
    }
    let c = this.#cols.get(id);
    if (!c) this.#cols.set(id, (c = { n: 0, chunks: [], cur: null, sorted: true, ordered: true, last: -Infinity, err: new Map(), regions: false }));
    this.#seqIds[k] = id;
    this.#seqCols[k] = c;
    this.#cursor = k + 1;
    return c;
  }

  /** Chunks are cut from slabs (one allocation for many chunks; slabs grow from 8 to 512 chunks). */
  #slab: ArrayBuffer | null = null;
  #slabUsed = 0;
  #slabChunks = 4;

  #chunk(base: number): Chunk {
    const bytes = CHUNK * (4 + 2 + 1);
    if (!this.#slab || this.#slabUsed + bytes > this.#slab.byteLength) {
      this.#slabChunks = Math.min(512, this.#slabChunks * 2);
      this.#slab = new ArrayBuffer(bytes * this.#slabChunks);
      this.#slabUsed = 0;
    }
    const o = this.#slabUsed;
    this.#slabUsed += bytes;
    const slab = this.#slab;
    return { n: 0, base, off: new Int32Array(slab, o, CHUNK), wide: null, ms16: new Uint16Array(slab, o + 4 * CHUNK, CHUNK), ms32: null, st: new Uint8Array(slab, o + 6 * CHUNK, CHUNK), rg: null };
  }

  /** Region names by index (index 0: no region). */
  #regionNames: string[] = [''];
  #regionIndex = new Map<string, number>();

  add(s: Sample): void {
    const st = s.status;
    const c = this.#column(s.id);
    this.#put(c, s.at, st === 'up' ? 0 : st === 'degraded' ? 1 : st === 'down' ? 2 : st === 'maintenance' ? 3 : -1, s.responseTimeMs, s.error);
    if (s.region !== undefined) this.#setRegion(c, s.region);
  }

  /** Gives the sample just put into `c` its region. */
  #setRegion(c: Column, region: string): void {
    let r = this.#regionIndex.get(region);
    if (r === undefined) {
      r = this.#regionNames.length;
      if (r > 255) throw new Error(`more than 255 regions in one store (at "${region}")`);
      this.#regionNames.push(region);
      this.#regionIndex.set(region, r);
    }
    const k = c.cur as Chunk;
    (k.rg ??= new Uint8Array(CHUNK))[k.n - 1] = r;
    c.regions = true;
  }

  /** The ids of the last run added (the scanner's array, the same from line to line while they do not change) and their columns. */
  #runIds: readonly string[] | null = null;
  #runCols: Column[] = [];

  /**
   * Adds every result of a scanned run line (src/store/run-scan.ts): the same as `add` of each
   * result as a sample, without making one.
   */
  addRun(run: ScannedRun): void {
    const { n, ids, at, status, ms, error } = run;
    if (ids !== this.#runIds) {
      this.#runIds = ids;
      this.#runCols = ids.map((id) => this.#column(id));
    }
    const cols = this.#runCols;
    let fast = 0;
    for (let i = 0; i < n; i++) {
      const c = cols[i] as Column;
      const t = at[i] as number;
      const m = ms[i] as number;
      // The common case in a few steps: room in the last chunk, a time that fits its 32-bit
      // offsets and comes in order, a whole response time that fits 16 bits (or none), no error.
      const k = c.cur;
      if (k !== null && k.n < CHUNK && k.off !== null && k.ms16 !== null && t >= c.last && error[i] === null) {
        const d = t - k.base;
        if ((d | 0) === d && (m === -1 || ((m | 0) === m && m >= 0 && m < NO_MS && !Object.is(m, -0)))) {
          const j = k.n;
          k.off[j] = d;
          k.st[j] = status[i] as number;
          k.ms16[j] = m === -1 ? NO_MS : m;
          k.n = j + 1;
          c.last = t;
          c.n += 1;
          fast += 1;
          continue;
        }
      }
      this.#put(c, t, status[i] as number, m < 0 ? null : m, error[i] as string | null);
    }
    this.count += fast;
  }

  /** Appends one sample to `c`: `st` is its index in COLUMN_STATUSES. */
  #put(c: Column, at: number, st: number, ms: number | null, error: string | null): void {
    let k = c.cur;
    if (!k || k.n === CHUNK) {
      k = this.#chunk(at);
      c.chunks.push(k);
      c.cur = k;
    }
    const i = k.n;
    if (k.off) {
      const d = at - k.base;
      if (Number.isInteger(d) && d >= INT32_MIN && d <= INT32_MAX && k.base + d === at) k.off[i] = d;
      else {
        const wide = new Float64Array(CHUNK);
        for (let j = 0; j < i; j++) wide[j] = k.base + (k.off[j] as number);
        k.wide = wide;
        k.off = null;
      }
    }
    if (k.wide) k.wide[i] = at;
    k.st[i] = st;
    if (k.ms16) {
      if (ms === null) k.ms16[i] = NO_MS;
      else if (ms >= 0 && ms < NO_MS && Math.floor(ms) === ms && !Object.is(ms, -0)) k.ms16[i] = ms;
      else {
        const ms32 = new Float32Array(CHUNK);
        for (let j = 0; j < i; j++) ms32[j] = msOf(k, j);
        k.ms32 = ms32;
        k.ms16 = null;
      }
    }
    if (k.ms32) k.ms32[i] = ms ?? -1;
    k.n = i + 1;
    if (error !== null) c.err.set(c.n, error);
    if (at < c.last) c.sorted = false;
    if (!(at >= c.last)) c.ordered = false;
    c.last = at;
    c.n += 1;
    this.count += 1;
  }

  /** One check's samples (status codes are not kept: no report figure reads them). */
  of(id: string): Sample[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    const out: Sample[] = new Array(c.n);
    let g = 0;
    for (const k of c.chunks) {
      for (let i = 0; i < k.n; i++, g++) {
        const ms = msOf(k, i);
        const at = k.off ? k.base + (k.off[i] as number) : ((k.wide as Float64Array)[i] as number);
        const sample: Sample = { id, status: STATUSES[k.st[i] as number] as CheckStatus, at, responseTimeMs: ms < 0 ? null : ms, error: c.err.get(g) ?? null, statusCode: null };
        const r = k.rg?.[i] ?? 0;
        if (r !== 0) sample.region = this.#regionNames[r] as string;
        out[g] = sample;
      }
    }
    return c.sorted ? out : out.sort((a, b) => a.at - b.at);
  }

  /**
   * One check's samples as columns in time order (what `of` gives, without an object per
   * sample); null when they were not added in time order, a time is not a number, or samples
   * have regions (read them with `of`: the timeline of several regions follows the store's
   * region rule, src/model/regions.ts). With `reuse`, its arrays are filled when they are large enough (and
   * replaced there when they are not) instead of new ones: a reader of one check at a time
   * (the period figures of 1,000 checks) makes no new arrays for each.
   */
  columns(id: string, reuse?: CheckColumns): CheckColumns | null {
    const c = this.#cols.get(id);
    if (!c) return { n: 0, at: new Float64Array(0), status: new Uint8Array(0), ms: new Float32Array(0) };
    if (!c.ordered || c.regions) return null;
    let out: CheckColumns;
    if (reuse) {
      if (reuse.at.length < c.n) {
        const size = Math.max(c.n, Math.ceil(reuse.at.length * 1.25));
        reuse.at = new Float64Array(size);
        reuse.status = new Uint8Array(size);
        reuse.ms = new Float32Array(size);
      }
      reuse.n = c.n;
      out = reuse;
    } else out = { n: c.n, at: new Float64Array(c.n), status: new Uint8Array(c.n), ms: new Float32Array(c.n) };
    let g = 0;
    for (const k of c.chunks) {
      if (k.off) for (let i = 0; i < k.n; i++) out.at[g + i] = k.base + (k.off[i] as number);
      else out.at.set((k.wide as Float64Array).subarray(0, k.n), g);
      out.status.set(k.st.subarray(0, k.n), g);
      if (k.ms16) for (let i = 0; i < k.n; i++) out.ms[g + i] = msOf(k, i);
      else out.ms.set((k.ms32 as Float32Array).subarray(0, k.n), g);
      g += k.n;
    }
    return out;
  }

  /** Per check, the stored errors (with their sample's time): certificate facts live there. */
  errors(id: string): { at: number; error: string }[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    return [...c.err].map(([i, error]) => ({ at: this.#at(c, i), error })).sort((a, b) => a.at - b.at);
  }

  #at(c: Column, g: number): number {
    const k = c.chunks[Math.floor(g / CHUNK)] as Chunk;
    const i = g % CHUNK;
    return k.off ? k.base + (k.off[i] as number) : ((k.wide as Float64Array)[i] as number);
  }
}

/** The response time of sample `i` of a chunk as the 4-byte float columns gave it: -1 for none. */
function msOf(k: Chunk, i: number): number {
  if (k.ms16) {
    const v = k.ms16[i] as number;
    return v === NO_MS ? -1 : v;
  }
  return (k.ms32 as Float32Array)[i] as number;
}
