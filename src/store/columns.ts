/**
 * Samples of many checks held in columns (typed arrays per check) instead of one object per
 * sample: a month of 1,000 checks at 5-minute samples never lives as millions of objects at once.
 * The report (src/reports/inputs.ts) reads the store into them.
 */
import type { CheckStatus } from '../checks/types.ts';
import type { Sample } from './samples.ts';

/** The statuses of `CheckColumns.status`, by code. */
export const COLUMN_STATUSES: readonly CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];
const STATUSES = COLUMN_STATUSES;
const STATUS_INDEX: Readonly<Record<string, number>> = { up: 0, degraded: 1, down: 2, maintenance: 3 };

/** Samples per chunk of a check's columns: a chunk is filled before the next is made, so at most one is partly empty. */
const CHUNK = 2048;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * A run of up to CHUNK samples of one check. Times are kept as whole milliseconds after the
 * chunk's first one (4 bytes instead of 8); a time that is not exactly that (samples far apart,
 * or not whole milliseconds) turns the chunk's times into full numbers (`wide`).
 */
interface Chunk {
  n: number;
  base: number;
  off: Int32Array | null;
  wide: Float64Array | null;
  st: Uint8Array;
  ms: Float32Array;
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
  /** Samples were added in time order (`of` sorts them otherwise). */
  sorted: boolean;
  /** Every time is a number (no NaN) at or after the one before: `columns` gives these. */
  ordered: boolean;
  last: number;
  err: Map<number, string>;
}

/**
 * Samples of many checks in columns; `of(id)` gives one check's samples as objects, sorted.
 * About 9 bytes a sample (a month of 1,000 checks at 5-minute samples: 78 MB), in chunks, so the
 * spare capacity is at most one chunk per check.
 */
export class SampleColumns {
  #cols = new Map<string, Column>();
  count = 0;

  add(s: Sample): void {
    let c = this.#cols.get(s.id);
    if (!c) this.#cols.set(s.id, (c = { n: 0, chunks: [], sorted: true, ordered: true, last: -Infinity, err: new Map() }));
    const at = s.at;
    let k = c.chunks[c.chunks.length - 1];
    if (!k || k.n === CHUNK) {
      k = { n: 0, base: at, off: new Int32Array(CHUNK), wide: null, st: new Uint8Array(CHUNK), ms: new Float32Array(CHUNK) };
      c.chunks.push(k);
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
    k.st[i] = STATUS_INDEX[s.status] ?? -1;
    k.ms[i] = s.responseTimeMs ?? -1;
    k.n = i + 1;
    if (s.error !== null) c.err.set(c.n, s.error);
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
        const ms = k.ms[i] as number;
        const at = k.off ? k.base + (k.off[i] as number) : ((k.wide as Float64Array)[i] as number);
        out[g] = { id, status: STATUSES[k.st[i] as number] as CheckStatus, at, responseTimeMs: ms < 0 ? null : ms, error: c.err.get(g) ?? null, statusCode: null };
      }
    }
    return c.sorted ? out : out.sort((a, b) => a.at - b.at);
  }

  /**
   * One check's samples as columns in time order (what `of` gives, without an object per
   * sample); null when they were not added in time order, or a time is not a number (read
   * them with `of`).
   */
  columns(id: string): CheckColumns | null {
    const c = this.#cols.get(id);
    if (!c) return { n: 0, at: new Float64Array(0), status: new Uint8Array(0), ms: new Float32Array(0) };
    if (!c.ordered) return null;
    const out: CheckColumns = { n: c.n, at: new Float64Array(c.n), status: new Uint8Array(c.n), ms: new Float32Array(c.n) };
    let g = 0;
    for (const k of c.chunks) {
      if (k.off) for (let i = 0; i < k.n; i++) out.at[g + i] = k.base + (k.off[i] as number);
      else out.at.set((k.wide as Float64Array).subarray(0, k.n), g);
      out.status.set(k.st.subarray(0, k.n), g);
      out.ms.set(k.ms.subarray(0, k.n), g);
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
