/**
 * Reading compact (version 2 and 3) run lines straight from the bytes of a day file, without building
 * an object per result: what a reader of many samples (the monthly report: a month of 1,000
 * checks is 8.6 million results) needs to stay fast and small.
 *
 * `scanRunLine` accepts only lines of exactly the shape `encodeRunLine` writes (keys in its order,
 * no whitespace, integers, no escapes in the time or the ids) and returns their columns; for any
 * other line it returns null, and the caller reads that line with the store's own parser,
 * `parseRunLine`, which accepts or reports it. A line this scanner accepts is one `parseRunLine`
 * accepts, with the same values (src/store/run-scan.test.ts holds both to that).
 *
 * The ids of a line are the same as the previous line's in nearly every file (one config, one
 * order): they are compared as bytes and parsed only when they change. A version 4 line that names
 * them by key (`"k"`) takes the ids of a line of the same file that the scanner accepted; a key it
 * has not seen in the file (given later, or by a line only the full parser reads) makes it return
 * null, and the full parser resolves it (src/store/ids-book.ts). Call `startFile` before each file.
 */
import { idsKey } from './ids-book.ts';
import { decodeMsInto } from './ms-text.ts';

/** Status codes of the `s` column, in this order: up, degraded, down, maintenance. */
export const STATUS_CODE_OF_LETTER: Readonly<Record<number, number>> = { 0x75: 0, 0x77: 1, 0x64: 2, 0x6d: 3 };
/** The same by byte, -1 for any other: a typed array is read many times faster than the record's keys. */
const STATUS_OF_BYTE = new Int8Array(256).fill(-1);
for (const [letter, code] of Object.entries(STATUS_CODE_OF_LETTER)) STATUS_OF_BYTE[Number(letter)] = code;

export interface ScannedRun {
  /** Number of results. */
  n: number;
  /** The check ids, in column order (the same array as the previous line's when they did not change). */
  ids: readonly string[];
  /** Epoch ms of every result of the line, as `parseRunLine` + `toSample` give it (per column when `dt` is present). */
  at: Float64Array;
  /** 0 up, 1 degraded, 2 down, 3 maintenance. */
  status: Uint8Array;
  /** Response time in ms; -1 for null. */
  ms: Float64Array;
  /** The error of each column (null for none). */
  error: readonly (string | null)[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_SQUARE = 0x5d;
const CLOSE_CURLY = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const PREFIX = ascii('{"v":2,"t":"');
const PREFIX3 = ascii('{"v":3,"t":"');
const PREFIX4 = ascii('{"v":4,"t":"');
const IDS = ascii('","id":[');
const KEY = ascii('","k":"');
const KEY_LENGTH = 8;
const S_AFTER_KEY = ascii(',"s":"');
const S = ascii('],"s":"');
const MS = ascii('","ms":[');
const MS3 = ascii('","ms":"');
const DT = ascii(',"dt":[');
const CODE = ascii(',"code":[');
const C = ascii(',"c":{');
const E = ascii(',"e":{');
const N = ascii(',"n":{');
const X = ascii(',"x":{');
const NULL = ascii('null');

function at(buf: Uint8Array, p: number, token: Uint8Array): boolean {
  if (p + token.length > buf.length) return false;
  for (let i = 0; i < token.length; i++) if (buf[p + i] !== token[i]) return false;
  return true;
}

/** Scans a JSON string starting at the byte after its opening quote; returns the index of its closing quote, or -1. */
function stringEnd(buf: Uint8Array, p: number, end: number, escapes: boolean): number {
  while (p < end) {
    const c = buf[p] as number;
    if (c === QUOTE) return p;
    if (c === BACKSLASH) {
      if (!escapes) return -1;
      p += 2;
      continue;
    }
    if (c < 0x20) return -1;
    p += 1;
  }
  return -1;
}

/** The index just after the `}` closing a flat object of strings or numbers that starts after `{`; -1 if none. */
function objectEnd(buf: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = buf[p] as number;
    if (c === CLOSE_CURLY) return p + 1;
    if (c === QUOTE) {
      const q = stringEnd(buf, p + 1, end, true);
      if (q < 0) return -1;
      p = q + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) return -1; // nested: not a shape `encodeRunLine` writes
    p += 1;
  }
  return -1;
}

/**
 * A JSON array of `count` integers (an optional minus sign, 1 to 15 digits, no leading zero) or
 * nulls, starting after its `[`: fills `out` (null as `nullAs`) and returns the index after `]`,
 * or -1 for anything else. `signed` false refuses minus signs.
 */
function intArray(buf: Uint8Array, p: number, end: number, count: number, out: Float64Array | null, nullAs: number, signed: boolean): number {
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      if (buf[p] !== COMMA) return -1;
      p += 1;
    }
    let c = buf[p] as number;
    if (c === 0x6e) {
      if (!at(buf, p, NULL)) return -1;
      if (out) out[i] = nullAs;
      p += 4;
      continue;
    }
    let neg = false;
    if (c === MINUS) {
      if (!signed) return -1;
      neg = true;
      p += 1;
      c = buf[p] as number;
    }
    if (c < ZERO || c > NINE) return -1;
    const first = p;
    let v = 0;
    while (p < end && (c = buf[p] as number) >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      p += 1;
    }
    const digits = p - first;
    if (digits > 15 || (digits > 1 && buf[first] === ZERO)) return -1;
    // A fraction or an exponent is valid JSON, but not what `encodeRunLine` writes: the full parser reads it.
    if (c === 0x2e || c === 0x65 || c === 0x45) return -1;
    if (out) out[i] = neg ? -v : v;
  }
  return buf[p] === CLOSE_SQUARE ? p + 1 : -1;
}

/** Reads compact run lines of day files; keeps the last line's ids to reuse them. */
interface FileIds {
  ids: string[];
  bytes: Buffer;
  key: string | null;
}

export class RunLineScanner {
  #idBytes: Buffer = Buffer.alloc(0);
  #ids: string[] = [];
  /** The ids that lines of the current file gave (lines the scanner accepted), for keys. */
  #fileIds: FileIds[] = [];
  /** Whether `#ids` is among `#fileIds`. */
  #idsInFile = false;
  #run: ScannedRun & { error: (string | null)[] } = { n: 0, ids: [], at: new Float64Array(0), status: new Uint8Array(0), ms: new Float64Array(0), error: [] };
  /** Columns of `#run.error` set by the last line, cleared before the next. */
  #errorsSet: number[] = [];
  #dt = new Float64Array(0);

  /**
   * The columns of the line `buf[start, end)` (without its newline), or null when the line is
   * not exactly the compact shape: read it with `parseRunLine` then. The arrays returned are
   * reused by the next call.
   */
  /** A new file begins: keys resolve against its lines only. */
  startFile(): void {
    this.#fileIds = [];
    this.#idsInFile = false;
  }

  scan(buf: Buffer, start: number, end: number): ScannedRun | null {
    let p = start;
    const v4 = at(buf, p, PREFIX4);
    const v3 = v4 || at(buf, p, PREFIX3);
    if (!v3 && !at(buf, p, PREFIX)) return null;
    p += PREFIX.length;
    const tStart = p;
    const tEnd = stringEnd(buf, p, end, false);
    if (tEnd < 0) return null;
    for (let i = tStart; i < tEnd; i++) if ((buf[i] as number) >= 0x80) return null;
    const t0 = Date.parse(buf.toString('latin1', tStart, tEnd));
    if (Number.isNaN(t0)) return null;
    p = tEnd;
    let given = true;
    if (v4 && at(buf, p, KEY)) {
      // The ids by key: a line of this file the scanner accepted gave them.
      const from = p + KEY.length;
      if (from + KEY_LENGTH >= end || buf[from + KEY_LENGTH] !== QUOTE) return null;
      const known = this.#fileIdsOf(buf.toString('latin1', from, from + KEY_LENGTH));
      if (!known) return null;
      this.#ids = known.ids;
      this.#idBytes = known.bytes;
      this.#idsInFile = true;
      given = false;
      p = from + KEY_LENGTH + 1;
    } else if (!at(buf, p, IDS)) return null;
    else p += IDS.length;
    let idEnd: number;
    if (!given) {
      if (!at(buf, p, S_AFTER_KEY)) return null;
      idEnd = p + 1; // as if after the ids' `]`: `S` is checked from idEnd - 1 below
    } else {
    // The ids: the previous line's (the same bytes, then the status column), else strings
    // without escapes, separated by commas.
    const idStart = p - 1;
    const prev = this.#idBytes;
    if (prev.length > 0 && idStart + prev.length <= end && buf.compare(prev, 0, prev.length, idStart, idStart + prev.length) === 0 && at(buf, idStart + prev.length - 1, S)) {
      idEnd = idStart + prev.length;
    } else {
      let count = 0;
      for (;;) {
        if (buf[p] !== QUOTE) return null;
        const q = stringEnd(buf, p + 1, end, false);
        if (q < 0 || q === p + 1) return null; // an empty id: the full parser reports it
        // Non-ASCII ids: the full parser decodes them.
        for (let i = p + 1; i < q; i++) if ((buf[i] as number) >= 0x80) return null;
        count += 1;
        p = q + 1;
        if (buf[p] !== COMMA) break;
        p += 1;
      }
      if (buf[p] !== CLOSE_SQUARE) return null;
      idEnd = p + 1;
      const ids = JSON.parse(buf.toString('latin1', idStart, idEnd)) as string[];
      if (ids.length !== count) return null;
      this.#ids = ids;
      this.#idBytes = Buffer.from(buf.subarray(idStart, idEnd));
      this.#idsInFile = false;
    }
    }
    const n = this.#ids.length;
    const run = this.#sized(n);
    p = idEnd - 1;
    if (given) {
      if (!at(buf, p, S)) return null;
      p += S.length;
    } else p += S_AFTER_KEY.length;
    if (p + n > end) return null;
    for (let i = 0; i < n; i++) {
      const code = STATUS_OF_BYTE[buf[p + i] as number] as number;
      if (code < 0) return null;
      run.status[i] = code;
    }
    p += n;
    if (v3) {
      // The response times as text (src/store/ms-text.ts), up to the closing quote.
      if (!at(buf, p, MS3)) return null;
      const from = p + MS3.length;
      const q = stringEnd(buf, from, end, false);
      if (q < 0 || !decodeMsInto((i) => buf[from + i] as number, q - from, n, run.ms, -1)) return null;
      p = q + 1;
    } else {
      if (!at(buf, p, MS)) return null;
      p = intArray(buf, p + MS.length, end, n, run.ms, -1, false);
      if (p < 0) return null;
    }
    // `parseRunLine` gives each result the run's time, or its own when `dt` is given and not 0;
    // `toSample` parses that ISO text back: the same instant, when it is a valid time.
    const iso = Date.parse(new Date(t0).toISOString());
    let hasDt = false;
    if (at(buf, p, DT)) {
      p = intArray(buf, p + DT.length, end, n, this.#dt, 0, true);
      if (p < 0) return null;
      hasDt = true;
    }
    for (let i = 0; i < n; i++) {
      const d = hasDt ? (this.#dt[i] as number) : 0;
      if (d === 0) run.at[i] = iso;
      else {
        const ms = t0 + d * 1000;
        const own = new Date(ms);
        if (Number.isNaN(own.getTime())) return null;
        run.at[i] = Date.parse(own.toISOString());
      }
    }
    if (!v3 && at(buf, p, CODE)) {
      p = intArray(buf, p + CODE.length, end, n, null, 0, true);
      if (p < 0) return null;
    } else if (v3 && at(buf, p, C)) {
      // Status codes are not read here; the column is checked as `parseRunLine` checks it.
      const o = this.#sparse(buf, p + C.length - 1, end, n, (v) => v === null || (typeof v === 'number' && Number.isInteger(v)));
      if (!o) return null;
      p = o.next;
    }
    let errors: Record<string, string> | null = null;
    if (at(buf, p, E)) {
      const o = this.#sparse(buf, p + E.length - 1, end, n, (v) => typeof v === 'string');
      if (!o) return null;
      errors = o.value as Record<string, string>;
      p = o.next;
    }
    if (at(buf, p, N)) {
      const o = this.#sparse(buf, p + N.length - 1, end, n, (v) => typeof v === 'number' && Number.isInteger(v) && v > 1);
      if (!o) return null;
      p = o.next;
    }
    if (at(buf, p, X)) {
      const o = this.#sparse(buf, p + X.length - 1, end, n, (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)));
      if (!o) return null;
      p = o.next;
    }
    // `g` (a region) and anything else: the full parser.
    if (p !== end - 1 || buf[p] !== CLOSE_CURLY) return null;
    for (const i of this.#errorsSet) run.error[i] = null;
    this.#errorsSet.length = 0;
    if (errors) {
      // `parseRunLine` gives column i the entry `e[i]`: the key spelled as the number is, `"7"`, not `"07"`.
      for (const [k, v] of Object.entries(errors)) {
        const i = Number(k);
        if (String(i) !== k) continue;
        run.error[i] = v;
        this.#errorsSet.push(i);
      }
    }
    run.n = n;
    run.ids = this.#ids;
    if (!this.#idsInFile) {
      this.#fileIds.push({ ids: this.#ids, bytes: this.#idBytes, key: null });
      this.#idsInFile = true;
    }
    return run;
  }

  /** The ids an accepted line of this file gave for `key`. */
  #fileIdsOf(key: string): FileIds | undefined {
    for (const f of this.#fileIds) {
      f.key ??= idsKey(f.bytes);
      if (f.key === key) return f;
    }
    return undefined;
  }

  #sized(n: number): ScannedRun & { error: (string | null)[] } {
    if (this.#run.at.length < n) {
      this.#run = { n: 0, ids: [], at: new Float64Array(n), status: new Uint8Array(n), ms: new Float64Array(n), error: new Array<string | null>(n).fill(null) };
      this.#errorsSet.length = 0;
      this.#dt = new Float64Array(n);
    }
    return this.#run;
  }

  /** A sparse column (`{"index": value}`) starting at its `{`, checked as `parseRunLine` checks it. */
  #sparse(buf: Buffer, open: number, end: number, n: number, ok: (v: unknown) => boolean): { value: Record<string, unknown>; next: number } | null {
    const close = objectEnd(buf, open + 1, end);
    if (close < 0) return null;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', open, close));
    } catch {
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    for (const [k, v] of Object.entries(value)) {
      if (!/^\d+$/.test(k) || Number(k) >= n || !ok(v)) return null;
    }
    return { value: value as Record<string, unknown>, next: close };
  }
}
