/**
 * Rollups: daily aggregates of compacted raw samples, one line per check per UTC day, one file
 * per month (`data/rollups/YYYY/YYYY-MM.ndjson`), schema version 1:
 *
 *   {"v":1,"d":"2026-08-01","id":"api","ms":[86100000,0,300000,0],"n":[287,0,1,0],
 *    "seg":[[0,3600000,"u"],[3600000,3900000,"d"],[3900000,86400000,"u"]],
 *    "last":{"t":"2026-08-01T23:55:00.000Z","s":"up","ms":84,"e":null},
 *    "lat":{"z":0,"o":219,"c":[3,10,41,...]}}
 *
 * - `ms`   time in each status within the day, [up, degraded, down, maintenance], computed with
 *          the model's gap rule (src/model/timeline.ts): a sample holds until the next one for at
 *          most the max gap, across midnight too
 * - `n`    samples taken that day, by status, same order
 * - `seg`  the status timeline of the day: [start, end, letter] in ms after UTC midnight
 *          (u up, w degraded, d down, m maintenance); lossless for every availability figure,
 *          so day bars in any time zone and rolling windows read rollups exactly like raw days
 * - `last` the check's last sample at or before the day's end (possibly from an earlier day);
 *          it holds into the next day
 * - `lat`  latency histogram of the day's non-down samples with a response time
 *          (src/store/histogram.ts): mergeable, so p50/p95/p99 of any span add up from days
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { forEachRecord } from './ndjson.ts';
import { listTree, writeFileAtomic } from './atomic.ts';
import { fsFault } from './fault.ts';
import type { CheckStatus } from '../checks/types.ts';
import { type EncodedHistogram, decodeHistogram } from './histogram.ts';
import { DAY_MS, ROLLUPS_DIR, monthOfRollupFile, rollupFile } from './layout.ts';
import type { StoreProblem, StoredResult } from './samples.ts';

export const ROLLUP_VERSION = 1;

/** Order of the per-status arrays `ms` and `n`. */
export const STATUS_ORDER: readonly CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];
export const STATUS_LETTER: Record<CheckStatus, string> = { up: 'u', degraded: 'w', down: 'd', maintenance: 'm' };
export const LETTER_STATUS: Record<string, CheckStatus> = { u: 'up', w: 'degraded', d: 'down', m: 'maintenance' };

export type PerStatus = [number, number, number, number];

export interface RollupRecord {
  v: typeof ROLLUP_VERSION;
  d: string;
  id: string;
  ms: PerStatus;
  n: PerStatus;
  seg: [number, number, string][];
  last: Omit<StoredResult, 'id'>;
  lat: EncodedHistogram | null;
}

export interface RollupFile {
  month: string;
  /** Absolute path. */
  file: string;
}

export async function listRollupFiles(dir: string): Promise<RollupFile[]> {
  const root = path.join(dir, ROLLUPS_DIR);
  const entries = await listTree(root);
  const out: RollupFile[] = [];
  for (const rel of entries) {
    const month = monthOfRollupFile(rel);
    if (month) out.push({ month, file: path.join(root, rel) });
  }
  return out.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** Parses one rollup line, or returns a reason. */
export function parseRollupLine(line: string): RollupRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a rollup object';
  const x = value as Record<string, unknown>;
  if (x['v'] !== ROLLUP_VERSION) return `unsupported rollup version ${JSON.stringify(x['v'])} (expected ${ROLLUP_VERSION})`;
  const d = x['d'];
  if (typeof d !== 'string' || !DAY_RE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) return 'field "d": expected a day YYYY-MM-DD';
  if (typeof x['id'] !== 'string' || x['id'] === '') return 'field "id": expected a check id';
  for (const key of ['ms', 'n']) {
    const arr = x[key];
    if (!Array.isArray(arr) || arr.length !== 4 || !arr.every(isCount)) return `field "${key}": expected 4 counts [up, degraded, down, maintenance]`;
  }
  const seg = x['seg'];
  if (!Array.isArray(seg)) return 'field "seg": expected an array of [start, end, status]';
  const sums: PerStatus = [0, 0, 0, 0];
  let prevEnd = 0;
  for (const [i, s] of seg.entries()) {
    if (!Array.isArray(s) || s.length !== 3 || !isCount(s[0]) || !isCount(s[1]) || typeof s[2] !== 'string' || !(s[2] in LETTER_STATUS)) {
      return `seg[${i}]: expected [start, end, "u"|"w"|"d"|"m"]`;
    }
    if (s[0] < prevEnd || s[1] <= s[0] || s[1] > DAY_MS) return `seg[${i}]: segments must be ordered, disjoint and within the day`;
    prevEnd = s[1];
    const k = STATUS_ORDER.indexOf(LETTER_STATUS[s[2]] as CheckStatus);
    sums[k] = (sums[k] as number) + s[1] - s[0];
  }
  const ms = x['ms'] as PerStatus;
  if (sums.some((v, i) => v !== ms[i])) return `field "ms": ${JSON.stringify(ms)} differs from the segments' ${JSON.stringify(sums)}`;
  const last = x['last'];
  if (typeof last !== 'object' || last === null) return 'field "last": expected the last sample';
  const l = last as Record<string, unknown>;
  if (typeof l['t'] !== 'string' || Number.isNaN(Date.parse(l['t']))) return 'field "last.t": expected an ISO-8601 time';
  if (typeof l['s'] !== 'string' || !STATUS_ORDER.includes(l['s'] as CheckStatus)) return 'field "last.s": expected a status';
  if (l['ms'] !== null && (typeof l['ms'] !== 'number' || !(l['ms'] >= 0))) return 'field "last.ms": expected a number >= 0 or null';
  if (l['e'] !== null && typeof l['e'] !== 'string') return 'field "last.e": expected a string or null';
  if (Date.parse(l['t']) >= Date.parse(`${d}T00:00:00Z`) + DAY_MS) return 'field "last.t": after the end of the day';
  if (x['lat'] !== null) {
    const h = decodeHistogram(x['lat']);
    if (typeof h === 'string') return `field "lat": ${h}`;
  }
  return value as RollupRecord;
}

export interface ReadRollupsResult {
  rollups: RollupRecord[];
  problems: StoreProblem[];
  /** Every day with at least one valid rollup line (all of them, whatever `sinceDay`). */
  covered: Set<string>;
  files: RollupFile[];
}

/**
 * Reads the rollup lines (from `sinceDay` on), sorted by day then check. A repeated (day, check)
 * line is reported and the first one kept, so nothing is ever counted twice.
 */
export async function readRollups(dir: string, opts: { sinceDay?: string } = {}): Promise<ReadRollupsResult> {
  const sinceDay = opts.sinceDay ?? '';
  const files = await listRollupFiles(dir);
  const rollups: RollupRecord[] = [];
  const problems: StoreProblem[] = [];
  const covered = new Set<string>();
  const seen = new Set<string>();
  for (const { file } of files) {
    await forEachRecord(dir, file, () => parseRollupLine, (rec, line, rel) => {
      const key = `${rec.d}\n${rec.id}`;
      if (seen.has(key)) {
        problems.push({ file: rel, line, message: `repeated rollup of check "${rec.id}" on ${rec.d} (the first one counts)` });
        return;
      }
      seen.add(key);
      covered.add(rec.d);
      if (rec.d >= sinceDay) rollups.push(rec);
    }, problems);
  }
  rollups.sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { rollups, problems, covered, files };
}

/** Days compacted into rollups: their raw files, if any are left, are ignored by readers. */
export async function coveredDays(dir: string): Promise<Set<string>> {
  return (await readRollups(dir)).covered;
}

/** The line of a rollup record (keys in schema order). */
export function encodeRollupLine(r: RollupRecord): string {
  return JSON.stringify({ v: r.v, d: r.d, id: r.id, ms: r.ms, n: r.n, seg: r.seg, last: r.last, lat: r.lat });
}

/**
 * Appends rollup lines to their month files, one atomic rewrite per file (compaction, imports).
 * Returns the files written, relative to the status repo.
 */
export async function appendRollups(dir: string, lines: readonly RollupRecord[]): Promise<string[]> {
  const byMonth = new Map<string, RollupRecord[]>();
  for (const l of lines) {
    const month = l.d.slice(0, 7);
    let list = byMonth.get(month);
    if (!list) byMonth.set(month, (list = []));
    list.push(l);
  }
  const written: string[] = [];
  for (const [month, list] of byMonth) {
    const file = rollupFile(dir, month);
    let existing = '';
    try {
      existing = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsFault(err, 'read', file);
    }
    if (existing !== '' && !existing.endsWith('\n')) existing += '\n';
    await writeFileAtomic(file, `${existing}${list.map((l) => `${encodeRollupLine(l)}\n`).join('')}`);
    written.push(path.relative(dir, file));
  }
  return written;
}
