/**
 * The results store: append one run's results, read samples back.
 *
 * Each line of a day file is one run record (schema version 1):
 *
 *   {"v":1,"t":"2026-11-24T10:05:00.000Z","r":[{"id":"api","s":"up","t":"2026-11-24T10:05:00.120Z","ms":84,"e":null,"code":200,"n":1}]}
 *
 * - `v`  schema version; `t` when the run started (UTC ISO-8601)
 * - `r`  one entry per check: `id`, `s` status, `t` when it was checked, `ms` response time or
 *   null, `e` error text (already redacted) or null, optional `code` (HTTP status) and `n`
 *   (attempts, when more than one).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import { writeFileAtomic } from './atomic.ts';
import { SAMPLES_DIR, dayFile, dayOfFile, utcDay } from './layout.ts';

export const STORE_VERSION = 1;

const STATUSES: ReadonlySet<string> = new Set<CheckStatus>(['up', 'degraded', 'down', 'maintenance']);

export interface StoredResult {
  id: string;
  s: CheckStatus;
  t: string;
  ms: number | null;
  e: string | null;
  code?: number;
  n?: number;
}

export interface RunRecord {
  v: typeof STORE_VERSION;
  t: string;
  r: StoredResult[];
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
}

/** A file or line the store could not read; reported, skipped, never fatal. */
export interface StoreProblem {
  file: string;
  line: number | null;
  message: string;
}

export function toRunRecord(startedAt: Date, results: CheckResult[]): RunRecord {
  return {
    v: STORE_VERSION,
    t: startedAt.toISOString(),
    r: results.map((r) => {
      const stored: StoredResult = { id: r.id, s: r.status, t: r.checkedAt, ms: r.responseTimeMs, e: r.error };
      if (r.statusCode !== undefined) stored.code = r.statusCode;
      if (r.attempts > 1) stored.n = r.attempts;
      return stored;
    }),
  };
}

/**
 * Appends one run to the day file of its start time. The file is rewritten atomically
 * (temp file + rename), so a crash leaves the previous content intact.
 * Returns the path written, relative to the status repo.
 */
export async function appendRun(dir: string, record: RunRecord): Promise<string> {
  const file = dayFile(dir, utcDay(Date.parse(record.t)));
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing !== '' && !existing.endsWith('\n')) existing += '\n';
  await writeFileAtomic(file, `${existing}${JSON.stringify(record)}\n`);
  return path.relative(dir, file);
}

/** Parses one line of a day file; returns the record or a reason. */
export function parseRunLine(line: string): RunRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null) return 'expected a run record object';
  const rec = value as Partial<RunRecord>;
  if (rec.v !== STORE_VERSION) return `unsupported schema version ${JSON.stringify(rec.v)} (expected ${STORE_VERSION})`;
  if (typeof rec.t !== 'string' || Number.isNaN(Date.parse(rec.t))) return 'field "t": expected an ISO-8601 time';
  if (!Array.isArray(rec.r)) return 'field "r": expected an array of results';
  for (const [i, r] of rec.r.entries()) {
    const problem = resultProblem(r);
    if (problem) return `r[${i}]: ${problem}`;
  }
  return rec as RunRecord;
}

function resultProblem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'expected an object';
  const x = r as Record<string, unknown>;
  if (typeof x['id'] !== 'string' || x['id'] === '') return 'field "id": expected a non-empty string';
  if (typeof x['s'] !== 'string' || !STATUSES.has(x['s'])) return 'field "s": expected up, degraded, down or maintenance';
  if (typeof x['t'] !== 'string' || Number.isNaN(Date.parse(x['t']))) return 'field "t": expected an ISO-8601 time';
  if (x['ms'] !== null && (typeof x['ms'] !== 'number' || !(x['ms'] >= 0))) return 'field "ms": expected a number >= 0 or null';
  if (x['e'] !== null && typeof x['e'] !== 'string') return 'field "e": expected a string or null';
  return null;
}

/** Lists the day files under data/samples, oldest first, with their day. */
export async function listDayFiles(dir: string): Promise<{ day: string; file: string }[]> {
  const root = path.join(dir, SAMPLES_DIR);
  let entries: string[];
  try {
    entries = await readdir(root, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: { day: string; file: string }[] = [];
  for (const rel of entries) {
    const day = dayOfFile(rel);
    if (day) files.push({ day, file: path.join(root, rel) });
  }
  return files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.file.localeCompare(b.file)));
}

/**
 * Reads every sample from `sinceMs` on (whole UTC days). A corrupt line or file is reported in
 * `problems` and skipped; everything else is still returned.
 */
export async function readSamples(
  dir: string,
  opts: { sinceMs?: number } = {},
): Promise<{ samples: Sample[]; problems: StoreProblem[] }> {
  const sinceDay = opts.sinceMs === undefined ? '' : utcDay(opts.sinceMs);
  const samples: Sample[] = [];
  const problems: StoreProblem[] = [];
  for (const { day, file } of await listDayFiles(dir)) {
    if (day < sinceDay) continue;
    const rel = path.relative(dir, file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push({ file: rel, line: null, message: `unreadable: ${(err as Error).message}` });
      continue;
    }
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const rec = parseRunLine(line);
      if (typeof rec === 'string') {
        problems.push({ file: rel, line: i + 1, message: rec });
        return;
      }
      for (const r of rec.r) {
        samples.push({
          id: r.id,
          status: r.s,
          at: Date.parse(r.t),
          responseTimeMs: r.ms,
          error: r.e,
          statusCode: r.code ?? null,
        });
      }
    });
  }
  return { samples, problems };
}
