/**
 * What a report reads from the status repo (the I/O edge of src/reports): the store's raw days
 * and rollups of the months it shows, incidents, the daily SLO snapshots, the notification state.
 * Raw days are read one file at a time into columns per check, so a month of 1,000 checks at
 * 5-minute samples never lives as millions of objects at once.
 */
import { open, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents } from '../incidents/store.ts';
import type { Incident } from '../incidents/types.ts';
import { NOTIFY_STATE_FILE, type NotifyState } from '../notify/state.ts';
import { HISTORY_DIR, readSnapshot } from '../prometheus/snapshot.ts';
import { SNAPSHOT_VERSION, type SloSnapshot } from '../prometheus/types.ts';
import { utcDay } from '../store/layout.ts';
import { type RollupRecord, readRollups } from '../store/rollup-format.ts';
import { type StoreProblem, dayFileBook, listDayFiles, parseRunLine } from '../store/samples.ts';
import { RunLineScanner } from '../store/run-scan.ts';
import { MonthColumns } from '../store/month-columns.ts';

// The columns live in the store (src/store/columns.ts); kept here for the report's readers.
export { MonthColumns };

/**
 * Reads whole files into one buffer, grown as needed and reused: a report reads hundreds of day
 * files of megabytes each, and a new buffer for each one costs the garbage collector dearly.
 * What `read` returns is valid until the next call.
 */
class WholeFileReader {
  #buf = Buffer.alloc(0);

  async read(file: string): Promise<Buffer> {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size > this.#buf.length) this.#buf = Buffer.allocUnsafe(Math.max(size, Math.ceil(this.#buf.length * 1.5)));
      let off = 0;
      while (off < size) {
        const { bytesRead } = await fh.read(this.#buf, off, size - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return this.#buf.subarray(0, off);
    } finally {
      await fh.close();
    }
  }
}

/**
 * Reads one day file into the columns. Compact lines are scanned from the bytes (src/store/run-scan.ts:
 * no object per result); any other line is read by the store's own parser, `parseRunLine`.
 */
async function readDayInto(dir: string, file: string, into: MonthColumns, scanner: RunLineScanner, reader: WholeFileReader): Promise<StoreProblem[]> {
  const rel = path.relative(dir, file);
  let buf: Buffer;
  try {
    buf = await reader.read(file);
  } catch (err) {
    return [{ file: rel, line: null, message: `unreadable: ${(err as Error).message}` }];
  }
  const problems: StoreProblem[] = [];
  scanner.startFile();
  // The full parser's book of this file's ids (for lines the scanner leaves to it).
  const book = dayFileBook(() => buf.toString('utf8'));
  let start = 0;
  let lineNo = 0;
  let lastT = '';
  let lastAt = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    const lineStart = start;
    start = end + 1;
    lineNo += 1;
    const run = scanner.scan(buf, lineStart, end);
    if (run) {
      into.addRun(run);
      continue;
    }
    const line = buf.toString('utf8', lineStart, end);
    if (line.trim() === '') continue;
    const rec = parseRunLine(line, book);
    if (typeof rec === 'string') {
      problems.push({ file: rel, line: lineNo, message: rec });
      continue;
    }
    for (const r of rec.r) {
      if (r.t !== lastT) {
        lastT = r.t;
        lastAt = Date.parse(r.t);
      }
      into.add({ id: r.id, status: r.s, at: lastAt, responseTimeMs: r.ms, error: r.e, statusCode: r.code ?? null, ...(r.g === undefined ? {} : { region: r.g }) });
    }
  }
  return problems;
}

export interface ReportInputs {
  samples: MonthColumns;
  rollups: RollupRecord[];
  problems: StoreProblem[];
  incidents: Incident[];
  /** Daily SLO snapshots (data/slo/history) of the report's month, oldest first. */
  history: SloSnapshot[];
  /** data/slo/latest.json. */
  latest: SloSnapshot | null;
  notifications: NotifyState | null;
  /** Raw day files read (days, sorted). */
  rawFiles: number;
}

/**
 * Reads what the months [from, to) need: raw days and rollups from the day before `from` (a
 * sample or rollup there holds into the period) up to `to`.
 */
export async function readReportInputs(config: ResolvedConfig, from: number, to: number, month: { from: number; to: number }): Promise<ReportInputs> {
  const dir = config.dir;
  const firstDay = utcDay(from - 86_400_000);
  const lastDay = utcDay(to - 1);
  const r = await readRollups(dir, { sinceDay: firstDay });
  const rollups = r.rollups.filter((x) => x.d <= lastDay);
  const files = (await listDayFiles(dir)).filter((f) => f.day >= firstDay && f.day <= lastDay && !r.covered.has(f.day));
  const samples = new MonthColumns();
  const problems: StoreProblem[] = [...r.problems];
  const scanner = new RunLineScanner();
  const reader = new WholeFileReader();
  for (const f of files) problems.push(...(await readDayInto(dir, f.file, samples, scanner, reader)));
  const loaded = await loadIncidents(config);
  for (const e of loaded.errors) problems.push({ file: e.file, line: e.line || null, message: `${e.path ? `${e.path}: ` : ''}${e.message}` });
  return {
    samples,
    rollups,
    problems,
    incidents: loaded.incidents,
    history: await readHistory(dir, utcDay(month.from), utcDay(month.to - 1)),
    latest: await readSnapshot(dir),
    notifications: await readNotifications(dir),
    rawFiles: new Set(files.map((f) => f.day)).size,
  };
}

/** The daily snapshots `cairn slo` kept for the days [firstDay, lastDay]. */
export async function readHistory(dir: string, firstDay: string, lastDay: string): Promise<SloSnapshot[]> {
  const names = (await readdir(path.join(dir, HISTORY_DIR)).catch(() => [] as string[]))
    .filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n) && n.slice(0, 10) >= firstDay && n.slice(0, 10) <= lastDay)
    .sort();
  const out: SloSnapshot[] = [];
  for (const n of names) {
    try {
      const s = JSON.parse(await readFile(path.join(dir, HISTORY_DIR, n), 'utf8')) as SloSnapshot;
      if (s && s.version === SNAPSHOT_VERSION && Array.isArray(s.slos)) out.push(s);
    } catch {
      // A broken history file is skipped: the burn-down has one point fewer.
    }
  }
  return out.sort((a, b) => (a.generatedAt < b.generatedAt ? -1 : a.generatedAt > b.generatedAt ? 1 : 0));
}

async function readNotifications(dir: string): Promise<NotifyState | null> {
  try {
    const v = JSON.parse(await readFile(path.join(dir, NOTIFY_STATE_FILE), 'utf8')) as NotifyState;
    return v && v.v === 1 ? v : null;
  } catch {
    return null;
  }
}

/** Months (`YYYY-MM`) with raw days or rollups in the store, oldest first. */
export async function monthsWithData(dir: string): Promise<string[]> {
  const months = new Set<string>();
  for (const f of await listDayFiles(dir)) months.add(f.day.slice(0, 7));
  const r = await readRollups(dir);
  for (const d of r.covered) months.add(d.slice(0, 7));
  return [...months].sort();
}
