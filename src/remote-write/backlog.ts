/**
 * The backlog of a remote-write endpoint: the stored runs of this runner (its shard's day files,
 * its region) after the endpoint's cursor and before the current run. Those within the backlog
 * bound are sent again; older ones are dropped and counted.
 *
 * Only the day files from the cursor's day on are read, and a line is parsed only when its start
 * time falls in the window (the start time is read off the line's head first): a day file of a
 * thousand checks a minute is tens of megabytes, read once per run.
 */
import { readFile } from 'node:fs/promises';
import { DAY_MS, dayFile, utcDay } from '../store/layout.ts';
import { type RunRecord, parseRunLine } from '../store/samples.ts';
import type { Shard } from '../store/shard.ts';

export interface BacklogQuery {
  /** The endpoint's cursor: runs that started after this instant (epoch ms) are owed. */
  afterMs: number;
  /** The backlog bound: runs that started before this are dropped. */
  fromMs: number;
  /** The current run's start: it is sent on its own, with its full detail. */
  beforeMs: number;
  shard: Shard | null;
  /** The runner's region: runs of other regions are theirs to send. */
  region: string | null;
}

export interface Backlog {
  /** Runs to send, oldest first. */
  runs: RunRecord[];
  /** Runs owed but older than the bound: not sent. */
  dropped: number;
  /** Start of the newest dropped run (epoch ms), or null: the cursor moves past it. */
  droppedUntil: number | null;
  /** Lines that did not parse (reported by `cairn verify`; skipped here). */
  unreadable: number;
}

const HEAD_RE = /^\{"v":2,"t":"([^"]+)"/;

function regionOf(rec: RunRecord): string | null {
  return rec.r[0]?.g ?? null;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function readBacklog(dir: string, q: BacklogQuery): Promise<Backlog> {
  const out: Backlog = { runs: [], dropped: 0, droppedUntil: null, unreadable: 0 };
  if (!(q.afterMs < q.beforeMs)) return out;
  const lastDay = utcDay(q.beforeMs);
  for (let day = utcDay(q.afterMs), ms = q.afterMs; day <= lastDay; ms += DAY_MS, day = utcDay(ms)) {
    const text = await readIfExists(dayFile(dir, day, q.shard));
    if (text === null) continue;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const head = HEAD_RE.exec(line);
      if (head) {
        const t = Date.parse(head[1] as string);
        if (!(t > q.afterMs && t < q.beforeMs)) continue;
      }
      const rec = parseRunLine(line);
      if (typeof rec === 'string') {
        out.unreadable++;
        continue;
      }
      const t = Date.parse(rec.t);
      if (!(t > q.afterMs && t < q.beforeMs) || regionOf(rec) !== q.region) continue;
      if (t < q.fromMs) {
        out.dropped++;
        out.droppedUntil = Math.max(out.droppedUntil ?? t, t);
      } else {
        out.runs.push(rec);
      }
    }
  }
  out.runs.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
  return out;
}
