/**
 * What a report reads from the status repo (the I/O edge of src/reports): the store's raw days
 * and rollups of the months it shows, incidents, the daily SLO snapshots, the notification state.
 * Raw days are read one file at a time into columns per check, so a month of 1,000 checks at
 * 5-minute samples never lives as millions of objects at once.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents } from '../incidents/store.ts';
import type { Incident } from '../incidents/types.ts';
import { NOTIFY_STATE_FILE, type NotifyState } from '../notify/state.ts';
import { HISTORY_DIR, readSnapshot } from '../prometheus/snapshot.ts';
import { SNAPSHOT_VERSION, type SloSnapshot } from '../prometheus/types.ts';
import { utcDay } from '../store/layout.ts';
import { type RollupRecord, readRollups } from '../store/rollup-format.ts';
import { type Sample, type StoreProblem, listDayFiles, readDayFiles } from '../store/samples.ts';
import type { CheckStatus } from '../checks/types.ts';

const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];

/** Samples of many checks in columns; `of(id)` gives one check's samples as objects, sorted. */
export class SampleColumns {
  #cols = new Map<string, { at: number[]; st: number[]; ms: number[]; code: number[]; err: Map<number, string> }>();
  count = 0;

  add(s: Sample): void {
    let c = this.#cols.get(s.id);
    if (!c) this.#cols.set(s.id, (c = { at: [], st: [], ms: [], code: [], err: new Map() }));
    c.at.push(s.at);
    c.st.push(STATUSES.indexOf(s.status));
    c.ms.push(s.responseTimeMs ?? -1);
    c.code.push(s.statusCode ?? -1);
    if (s.error !== null) c.err.set(c.at.length - 1, s.error);
    this.count += 1;
  }

  of(id: string): Sample[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    const out: Sample[] = c.at.map((at, i) => ({
      id,
      status: STATUSES[c.st[i] as number] as CheckStatus,
      at,
      responseTimeMs: (c.ms[i] as number) < 0 ? null : (c.ms[i] as number),
      error: c.err.get(i) ?? null,
      statusCode: (c.code[i] as number) < 0 ? null : (c.code[i] as number),
    }));
    return out.sort((a, b) => a.at - b.at);
  }

  /** Per check, the stored errors (with their sample's time): certificate facts live there. */
  errors(id: string): { at: number; error: string }[] {
    const c = this.#cols.get(id);
    if (!c) return [];
    return [...c.err].map(([i, error]) => ({ at: c.at[i] as number, error })).sort((a, b) => a.at - b.at);
  }
}

export interface ReportInputs {
  samples: SampleColumns;
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
  const samples = new SampleColumns();
  const problems: StoreProblem[] = [...r.problems];
  for (const f of files) {
    const got = await readDayFiles(dir, [f]);
    for (const s of got.samples) samples.add(s);
    problems.push(...got.problems);
  }
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
