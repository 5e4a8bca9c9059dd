/**
 * The results store: append runs, read samples back.
 *
 * A run is handled in memory as a `RunRecord` (the schema version 1 line):
 *
 *   {"v":1,"t":"2026-11-24T10:05:00.000Z","r":[{"id":"api","s":"up","t":"2026-11-24T10:05:00.120Z","ms":84,"e":null,"code":200,"n":2}]}
 *
 * and written to disk as ONE compact columnar line (schema version 4):
 *
 *   {"v":4,"t":"2026-11-24T10:05:00.000Z","id":["api","web"],"s":"ud","ms":"1~K","dt":[0,3],"c":{"1":null},"e":{"1":"connection refused"},"n":{"1":2}}
 *   {"v":4,"t":"2026-11-24T10:10:00.000Z","k":"Yqhi82_P","s":"uu","ms":"11KL"}
 *
 * - `t`     when the run started (UTC ISO-8601, ms)
 * - `id`    the check ids of the run, in order; every other column follows this order
 * - `k`     in place of `id` when a line of the same day file already gives these ids: their key
 *           (src/store/ids-book.ts), resolved within the file
 * - `s`     one letter per check: u up, w degraded, d down, m maintenance
 * - `ms`    response times in whole milliseconds (or none), as text: src/store/ms-text.ts
 * - `dt`    optional: when each check's final attempt started, in whole seconds after `t`
 *           (omitted when every check started within the run's first second)
 * - `c`     optional: the status codes that are not 200 (a number, or null for none) by column
 *           index; every other column's code is 200. Absent: no result of the run has a code.
 * - `e`     optional: errors (redacted) by column index; absent means null
 * - `n`     optional: attempts by column index, when more than one
 * - `g`     optional: the region the run was made from (`cairn run --region eu`); absent in a
 *           single-region store, whose lines are unchanged
 *
 * The columns repeat from one line to the next (ids, statuses, codes), so git stores a new line
 * as a few copy instructions plus the response times: see docs/benchmarks.md.
 *
 * Version 3 lines are version 4 lines that always carry `id`. Version 2 lines hold the same
 * columns with `ms` a JSON array of numbers or nulls and `code` the array of every column's code
 * or null (`"ms":[84,null],"code":[200,null]`); `encodeRunLine`
 * still writes one when a response time is beyond what version 3 text holds (over 4.6 hours).
 * Every version is read, and a version 2, 3 or 4 line is held in memory as a `CompactRunLine`
 * (with its ids, resolved from the key).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { forEachRecord } from './ndjson.ts';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import { writeFileAtomic, listTree } from './atomic.ts';
import { fsFault } from './fault.ts';
import { SAMPLES_DIR, dayFile, dayOfFile, utcDay } from './layout.ts';
import { coveredDays } from './rollup-format.ts';
import { decodeMsText, encodeMsText } from './ms-text.ts';
import { IDS_KEY_RE, IdsBook, idsKey } from './ids-book.ts';
import { isRegion } from './region.ts';
import type { Shard } from './shard.ts';

/** Version of the in-memory run record (and of the verbose line format). */
export const STORE_VERSION = 1;
/** Version of the compact line format that `appendRun` writes: version 3 with `k` in place of a repeated `id`. */
export const LINE_VERSION = 4;
/** The compact line format with response times as text, ids on every line; still read. */
export const LINE_VERSION_3 = 3;
/** The earlier compact line format (response times and status codes as JSON arrays), still read. */
export const LINE_VERSION_2 = 2;

const STATUSES: ReadonlySet<string> = new Set<CheckStatus>(['up', 'degraded', 'down', 'maintenance']);
const LETTER: Record<CheckStatus, string> = { up: 'u', degraded: 'w', down: 'd', maintenance: 'm' };
const FROM_LETTER: Record<string, CheckStatus> = { u: 'up', w: 'degraded', d: 'down', m: 'maintenance' };

export interface StoredResult {
  id: string;
  s: CheckStatus;
  t: string;
  ms: number | null;
  e: string | null;
  code?: number;
  n?: number;
  /** Region the result was checked from; absent in a single-region store. */
  g?: string;
  /** What expires, when the check watches an expiry (a tls certificate's notAfter, a domain's registration), ISO-8601 UTC. */
  x?: string;
}

export interface RunRecord {
  v: typeof STORE_VERSION;
  t: string;
  r: StoredResult[];
}

/**
 * A compact line (version 2 or 3) as readers take it: the version 2 columns (a version 3 line's
 * `ms` text and `c` codes decoded into the arrays `ms` and `code`).
 */
export interface CompactRunLine {
  v: typeof LINE_VERSION | typeof LINE_VERSION_3 | typeof LINE_VERSION_2;
  t: string;
  id: string[];
  s: string;
  ms: (number | null)[];
  dt?: number[];
  code?: (number | null)[];
  e?: Record<string, string>;
  n?: Record<string, number>;
  g?: string;
  /** Expiry dates by column index (tls and domain checks). */
  x?: Record<string, string>;
}

/** A sample as the model reads it. */
export interface Sample {
  id: string;
  status: CheckStatus;
  /** Epoch milliseconds of the check. */
  at: number;
  responseTimeMs: number | null;
  error: string | null;
  statusCode: number | null;
  /** Region of the sample; absent (not undefined) in a single-region store. */
  region?: string;
  /** The expiry the check watches (certificate notAfter, domain registration), ISO-8601 UTC; absent when none. */
  expiresAt?: string;
}

/** A file or line the store could not read; reported, skipped, never fatal. */
import type { StoreProblem } from './ndjson.ts';

export type { StoreProblem };

/** The expiry a result carries in its details: a tls certificate's notAfter, a domain's expiresAt. */
export function expiryOf(r: Pick<CheckResult, 'kind' | 'details'>): string | null {
  const key = r.kind === 'tls' ? 'notAfter' : r.kind === 'domain' ? 'expiresAt' : null;
  const v = key === null ? undefined : r.details?.[key];
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : null;
}

export function toRunRecord(startedAt: Date, results: CheckResult[]): RunRecord {
  return {
    v: STORE_VERSION,
    t: startedAt.toISOString(),
    r: results.map((r) => {
      const stored: StoredResult = { id: r.id, s: r.status, t: r.checkedAt, ms: r.responseTimeMs, e: r.error };
      if (r.statusCode !== undefined) stored.code = r.statusCode;
      if (r.attempts > 1) stored.n = r.attempts;
      if (r.region !== undefined) stored.g = r.region;
      const x = expiryOf(r);
      if (x !== null) stored.x = x;
      return stored;
    }),
  };
}

export interface EncodeOptions {
  /**
   * A line of the same day file gives these ids (as `JSON.stringify(ids)` spells them): write
   * their key (`k`) instead of the ids. Not for a version 2 line, which always holds its ids.
   */
  idsGiven?: (idsJson: string) => boolean;
}

/**
 * The compact line of a run, without the newline: version 4, or version 2 when a response time
 * is beyond what version 4 text holds. The keys come in this order (the scanner of
 * src/store/run-scan.ts expects it): v t id|k s ms dt c|code e n x g. Without `idsGiven` the line
 * holds its ids, and reads on its own.
 */
export function encodeRunLine(record: RunRecord, opts: EncodeOptions = {}): string {
  const t0 = Date.parse(record.t);
  const ms = record.r.map((r) => (r.ms === null ? null : Math.round(r.ms)));
  const text = encodeMsText(ms);
  const ids = record.r.map((r) => r.id);
  const idsJson = text === null || opts.idsGiven === undefined ? null : JSON.stringify(ids);
  const line: Record<string, unknown> = {
    v: text === null ? LINE_VERSION_2 : LINE_VERSION,
    t: new Date(t0).toISOString(),
    ...(idsJson !== null && opts.idsGiven?.(idsJson) ? { k: idsKey(idsJson) } : { id: ids }),
    s: record.r.map((r) => LETTER[r.s]).join(''),
    ms: text ?? ms,
  };
  const dt = record.r.map((r) => Math.floor((Date.parse(r.t) - t0) / 1000));
  if (dt.some((x) => x !== 0)) line['dt'] = dt;
  if (record.r.some((r) => r.code !== undefined)) {
    if (text === null) line['code'] = record.r.map((r) => r.code ?? null);
    else {
      const c: Record<string, number | null> = {};
      record.r.forEach((r, i) => {
        if (r.code !== 200) c[i] = r.code ?? null;
      });
      line['c'] = c;
    }
  }
  const e: Record<string, string> = {};
  const n: Record<string, number> = {};
  const x: Record<string, string> = {};
  record.r.forEach((r, i) => {
    if (r.e !== null) e[i] = r.e;
    if (r.n !== undefined && r.n > 1) n[i] = r.n;
    if (r.x !== undefined) x[i] = r.x;
  });
  if (Object.keys(e).length) line['e'] = e;
  if (Object.keys(n).length) line['n'] = n;
  if (Object.keys(x).length) line['x'] = x;
  const regions = new Set(record.r.map((r) => r.g));
  if (regions.size > 1) throw new Error(`a run holds results of one region, found ${[...regions].map(String).join(', ')}`);
  const g = record.r[0]?.g;
  if (g !== undefined) line['g'] = g;
  return JSON.stringify(line);
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw fsFault(err, 'append to', file);
  }
}

export interface AppendOptions {
  /** Write to this shard's own day file. */
  shard?: Shard | null;
}

/**
 * Appends one run to the day file of its start time (its shard's, with `shard`). The file is
 * rewritten atomically (temp file + fsync + rename), so a crash at any moment leaves either the
 * previous content or the new one. Returns the path written, relative to the status repo.
 */
export async function appendRun(dir: string, record: RunRecord, opts: AppendOptions = {}): Promise<string> {
  const [file] = await appendRuns(dir, [record], opts);
  return file as string;
}

/**
 * Bulk write (imports, backfills): appends many runs with ONE atomic rewrite per day file, in
 * time order. Returns the files written, relative to the status repo.
 */
export async function appendRuns(dir: string, records: readonly RunRecord[], opts: AppendOptions = {}): Promise<string[]> {
  const byFile = new Map<string, RunRecord[]>();
  for (const rec of [...records].sort((a, b) => Date.parse(a.t) - Date.parse(b.t))) {
    const file = dayFile(dir, utcDay(Date.parse(rec.t)), opts.shard);
    let list = byFile.get(file);
    if (!list) byFile.set(file, (list = []));
    list.push(rec);
  }
  const written: string[] = [];
  for (const [file, recs] of byFile) {
    let existing = await readIfExists(file);
    if (existing !== '' && !existing.endsWith('\n')) existing += '\n';
    await writeFileAtomic(file, `${existing}${encodeDayLines(existing, recs)}`);
    written.push(path.relative(dir, file));
  }
  return written;
}

/**
 * The lines (each with its newline) that append `records` to a day file holding `existing`: a
 * run whose ids a valid line of the file (or an earlier run of `records`) gives names them by key.
 */
export function encodeDayLines(existing: string, records: readonly RunRecord[]): string {
  // What the file's lines give, as every reader resolves a key (src/store/ids-book.ts).
  const book = dayFileBook(() => existing);
  const given = new Set<string>();
  const idsGiven = (json: string): boolean => {
    if (given.has(json)) return true;
    const ids = book.lookup(idsKey(json));
    if (ids === undefined || JSON.stringify(ids) !== json) return false;
    given.add(json);
    return true;
  };
  let out = '';
  for (const r of records) {
    let keyed = false;
    out += `${encodeRunLine(r, { idsGiven: (json) => (keyed = idsGiven(json)) })}\n`;
    // A line with its ids gives them to the lines after it.
    if (!keyed) given.add(JSON.stringify(r.r.map((x) => x.id)));
  }
  return out;
}

/**
 * Parses one line of a day file (version 1 to 4) into a run record, or returns a reason. A
 * version 4 line that names its ids by key reads only with the `book` of its file.
 */
export function parseRunLine(line: string, book?: IdsBook): RunRecord | string {
  const rec = parseStoredLine(line, book);
  return typeof rec === 'string' || rec.v === STORE_VERSION ? rec : expandCompact(rec);
}

/** The book of a day file's ids (its whole text on demand): what its version 4 lines' keys resolve against. */
export function dayFileBook(whole: () => string | null): IdsBook {
  return new IdsBook(whole, (line) => {
    const rec = parseStoredLine(line);
    return typeof rec === 'string' || rec.v === STORE_VERSION ? null : rec.id;
  });
}

/** The parser of the lines of a day file whose text is `text` (for `forEachRecord`): run records. */
export function runLinesOf(text: string): (line: string) => RunRecord | string {
  const book = dayFileBook(() => text);
  return (line) => parseRunLine(line, book);
}

/** The parser of the lines of a day file whose text is `text`: lines as stored (`parseStoredLine`). */
export function storedLinesOf(text: string): (line: string) => RunRecord | CompactRunLine | string {
  const book = dayFileBook(() => text);
  return (line) => parseStoredLine(line, book);
}

/**
 * Parses and checks one line of a day file as it is stored: a version 1 run record, or a version 2
 * or 3 compact line left in columns (version 3's `ms` text and `c` codes decoded into arrays) (`parseRunLine` turns it into a run record; a reader of columns
 * takes it as it is, src/store/columns.ts). A line that does not hold returns the reason.
 */
export function parseStoredLine(line: string, book?: IdsBook): RunRecord | CompactRunLine | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a run record object';
  const rec = value as Record<string, unknown>;
  if (typeof rec['t'] !== 'string' || Number.isNaN(Date.parse(rec['t']))) return 'field "t": expected an ISO-8601 time';
  if (rec['v'] === LINE_VERSION || rec['v'] === LINE_VERSION_3) {
    const given = rec['id'] !== undefined;
    if (rec['v'] === LINE_VERSION && rec['k'] !== undefined) {
      const key = rec['k'];
      if (given) return 'fields "id" and "k": a line has one of them';
      if (typeof key !== 'string' || !IDS_KEY_RE.test(key)) return 'field "k": expected the 8-character key of check ids (docs/store.md)';
      const ids = book?.lookup(key);
      if (ids === undefined) return `field "k": no line of this file gives the check ids of key "${key}"`;
      rec['id'] = ids;
    }
    const line = fromVersion3(rec as Record<string, unknown> & { t: string });
    if (typeof line === 'string') return line;
    const problem = compactProblem(line);
    if (problem) return problem;
    if (given) book?.note(line.id as string[]);
    return line as CompactRunLine;
  }
  if (rec['v'] === LINE_VERSION_2) {
    const problem = compactProblem(rec as Partial<CompactRunLine> & { t: string });
    if (problem) return problem;
    book?.note(rec['id'] as string[]);
    return rec as unknown as CompactRunLine;
  }
  if (rec['v'] !== STORE_VERSION) return `unsupported schema version ${JSON.stringify(rec['v'])} (expected ${STORE_VERSION}, ${LINE_VERSION_2}, ${LINE_VERSION_3} or ${LINE_VERSION})`;
  if (!Array.isArray(rec['r'])) return 'field "r": expected an array of results';
  for (const [i, r] of (rec['r'] as unknown[]).entries()) {
    const problem = resultProblem(r);
    if (problem) return `r[${i}]: ${problem}`;
  }
  return rec as unknown as RunRecord;
}

/**
 * A version 3 line with its `ms` text and `c` codes decoded into the version 2 columns `ms` and
 * `code` (the other columns as they are, checked by `compactProblem`), or what is wrong with them.
 */
function fromVersion3(rec: Record<string, unknown> & { t: string }): (Partial<CompactRunLine> & { t: string }) | string {
  const { ms: text, c, code: _ignored, k: _key, ...rest } = rec;
  const ids = rec['id'];
  const n = Array.isArray(ids) ? ids.length : 0;
  const ms = typeof text === 'string' ? decodeMsText(text, n) : null;
  if (ms === null) return `field "ms": expected the response times of ${n} checks as text (docs/store.md)`;
  const line: Partial<CompactRunLine> & { t: string } = { ...(rest as { t: string }), v: rec['v'] as typeof LINE_VERSION, ms };
  if (c !== undefined) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return 'field "c": expected an object by column index';
    for (const [k, v] of Object.entries(c)) {
      if (!/^\d+$/.test(k) || Number(k) >= n || !(v === null || (typeof v === 'number' && Number.isInteger(v)))) return `field "c": bad entry ${JSON.stringify(k)}`;
    }
    // Column i's code: the entry spelled `"i"` (as `e[i]` is read), else 200.
    const codes = c as Record<string, number | null>;
    line.code = Array.from({ length: n }, (_, i) => (Object.hasOwn(codes, String(i)) ? (codes[String(i)] as number | null) : 200));
  }
  return line;
}

/** What is wrong with a compact line, or null. */
function compactProblem(rec: Partial<CompactRunLine> & { t: string }): string | null {
  const ids = rec.id;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id !== '')) return 'field "id": expected an array of check ids';
  const n = ids.length;
  if (typeof rec.s !== 'string' || rec.s.length !== n || ![...rec.s].every((c) => c in FROM_LETTER)) {
    return `field "s": expected ${n} status letters (u, w, d, m)`;
  }
  const column = <T>(name: string, value: unknown, ok: (x: unknown) => x is T, optional: boolean): T[] | string | undefined => {
    if (value === undefined && optional) return undefined;
    if (!Array.isArray(value) || value.length !== n || !value.every(ok)) return `field "${name}": expected an array of ${n} values`;
    return value as T[];
  };
  const ms = column('ms', rec.ms, (x): x is number | null => x === null || (typeof x === 'number' && x >= 0), false);
  if (typeof ms === 'string') return ms;
  const dt = column('dt', rec.dt, (x): x is number => typeof x === 'number' && Number.isInteger(x), true);
  if (typeof dt === 'string') return dt;
  const code = column('code', rec.code, (x): x is number | null => x === null || (typeof x === 'number' && Number.isInteger(x)), true);
  if (typeof code === 'string') return code;
  const sparse = (name: string, value: unknown, ok: (x: unknown) => boolean): string | null => {
    if (value === undefined) return null;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `field "${name}": expected an object by column index`;
    for (const [k, v] of Object.entries(value)) {
      if (!/^\d+$/.test(k) || Number(k) >= n || !ok(v)) return `field "${name}": bad entry ${JSON.stringify(k)}`;
    }
    return null;
  };
  const eProblem = sparse('e', rec.e, (x) => typeof x === 'string');
  if (eProblem) return eProblem;
  const nProblem = sparse('n', rec.n, (x) => typeof x === 'number' && Number.isInteger(x) && x > 1);
  if (nProblem) return nProblem;
  const xProblem = sparse('x', rec.x, (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)));
  if (xProblem) return xProblem;
  if (rec.g !== undefined && !isRegion(rec.g)) return 'field "g": expected a region name';
  return null;
}

/** The run record of a (checked) compact line. */
function expandCompact(rec: CompactRunLine): RunRecord {
  const { id: ids, ms, dt, code } = rec;
  const t0 = Date.parse(rec.t);
  const t = new Date(t0).toISOString();
  const r: StoredResult[] = ids.map((id, i) => {
    const out: StoredResult = {
      id,
      s: FROM_LETTER[rec.s?.[i] as string] as CheckStatus,
      t: dt && dt[i] ? new Date(t0 + (dt[i] as number) * 1000).toISOString() : t,
      ms: ms?.[i] ?? null,
      e: rec.e?.[i] ?? null,
    };
    const c = code?.[i];
    if (c !== undefined && c !== null) out.code = c;
    const attempts = rec.n?.[i];
    if (attempts !== undefined) out.n = attempts;
    if (rec.g !== undefined) out.g = rec.g;
    const x = rec.x?.[i];
    if (x !== undefined) out.x = x;
    return out;
  });
  return { v: STORE_VERSION, t, r };
}

function resultProblem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'expected an object';
  const x = r as Record<string, unknown>;
  if (typeof x['id'] !== 'string' || x['id'] === '') return 'field "id": expected a non-empty string';
  if (typeof x['s'] !== 'string' || !STATUSES.has(x['s'])) return 'field "s": expected up, degraded, down or maintenance';
  if (typeof x['t'] !== 'string' || Number.isNaN(Date.parse(x['t']))) return 'field "t": expected an ISO-8601 time';
  if (x['ms'] !== null && (typeof x['ms'] !== 'number' || !(x['ms'] >= 0))) return 'field "ms": expected a number >= 0 or null';
  if (x['e'] !== null && typeof x['e'] !== 'string') return 'field "e": expected a string or null';
  if (x['g'] !== undefined && !isRegion(x['g'])) return 'field "g": expected a region name';
  if (x['x'] !== undefined && (typeof x['x'] !== 'string' || Number.isNaN(Date.parse(x['x'])))) return 'field "x": expected an ISO-8601 time';
  return null;
}

export interface DayFile {
  day: string;
  /** Absolute path. */
  file: string;
}

/** Lists the day files in data/ (every shard; also the older data/samples/YYYY/MM/ layout), oldest day first. Temp files are skipped. */
export async function listDayFiles(dir: string): Promise<DayFile[]> {
  const root = path.join(dir, SAMPLES_DIR);
  const entries = await listTree(root);
  const files: DayFile[] = [];
  for (const rel of entries) {
    const day = dayOfFile(rel);
    if (day) files.push({ day, file: path.join(root, rel) });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.file.localeCompare(b.file)));
}

export function toSample(r: StoredResult): Sample {
  const sample: Sample = { id: r.id, status: r.s, at: Date.parse(r.t), responseTimeMs: r.ms, error: r.e, statusCode: r.code ?? null };
  if (r.g !== undefined) sample.region = r.g;
  if (r.x !== undefined) sample.expiresAt = r.x;
  return sample;
}

/** Reads the samples of the given day files; bad lines and files are reported and skipped. */
export async function readDayFiles(dir: string, files: readonly DayFile[]): Promise<{ samples: Sample[]; problems: StoreProblem[] }> {
  const samples: Sample[] = [];
  const problems: StoreProblem[] = [];
  for (const { file } of files) {
    await forEachRecord(dir, file, runLinesOf, (rec) => {
      for (const r of rec.r) samples.push(toSample(r));
    }, problems);
  }
  return { samples, problems };
}

export interface ReadSamplesOptions {
  /** Read whole UTC days from this instant on. */
  sinceMs?: number;
  /**
   * Days already compacted into rollups: their raw files (left by a crash between writing the
   * rollup and deleting the raw day) are ignored. Read from data/rollups when not given.
   */
  coveredDays?: ReadonlySet<string>;
}

/**
 * Reads every raw sample from `sinceMs` on (whole UTC days), merging every shard of a day and
 * skipping days that rollups cover. A corrupt line or file is reported in `problems` and skipped;
 * everything else is still returned.
 */
export async function readSamples(dir: string, opts: ReadSamplesOptions = {}): Promise<{ samples: Sample[]; problems: StoreProblem[] }> {
  return readDayFiles(dir, await rawDayFiles(dir, opts));
}

/** The day files `readSamples` reads: from `sinceMs` on, without the days rollups cover. */
export async function rawDayFiles(dir: string, opts: ReadSamplesOptions = {}): Promise<DayFile[]> {
  const sinceDay = opts.sinceMs === undefined ? '' : utcDay(opts.sinceMs);
  const covered = opts.coveredDays ?? (await coveredDays(dir));
  return (await listDayFiles(dir)).filter((f) => f.day >= sinceDay && !covered.has(f.day));
}
