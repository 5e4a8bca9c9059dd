/**
 * The backlog of a remote-write endpoint: the stored runs of this runner (its shard's day files,
 * its region) after the endpoint's cursor and before the current run. Those within the backlog
 * bound are sent again; older ones are dropped and counted.
 *
 * A day file of a thousand checks a minute grows to tens of megabytes, and every run looks at it,
 * so a file is read from its END, a chunk at a time, and a line is decoded and parsed only when its
 * start time (read off the line's head, as bytes) falls in the window. Runs are appended in the
 * order they start, give or take runs that raced (each appends after what its checkout held, and
 * pushes within its deadline): no line sits after a line that started more than `ORDER_SLACK_MS`
 * later. So the scan stops at the first line older than the cursor by that much.
 */
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DAY_MS, dayFile, utcDay } from '../store/layout.ts';
import { type RunRecord, dayFileBook, parseRunLine } from '../store/samples.ts';
import type { Shard } from '../store/shard.ts';

/** How far out of start-time order a line of a day file can be (racing runs end within their deadline; an hour is far beyond it). */
export const ORDER_SLACK_MS = 3_600_000;
const CHUNK = 1 << 20;

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

/** Every line the compact writer writes (version 4) starts so, followed by the run's start as `toISOString()` gives it. */
const HEAD = Buffer.from('{"v":4,"t":"');
/** The same for lines of versions 3 and 2 (earlier compact lines). */
const HEAD3 = Buffer.from('{"v":3,"t":"');
const HEAD2 = Buffer.from('{"v":2,"t":"');
const ISO_LENGTH = 24;
const NEWLINE = 0x0a;

function regionOf(rec: RunRecord): string | null {
  return rec.r[0]?.g ?? null;
}

/** The run start on a line's head, as ISO text, or null when the line does not start as the compact writer writes. */
function headTime(line: Buffer): string | null {
  const at = HEAD.length;
  if (line.length <= at + ISO_LENGTH || (line.compare(HEAD, 0, at, 0, at) !== 0 && line.compare(HEAD3, 0, at, 0, at) !== 0 && line.compare(HEAD2, 0, at, 0, at) !== 0) || line[at + ISO_LENGTH] !== 0x22) return null;
  return line.toString('latin1', at, at + ISO_LENGTH);
}

/**
 * Calls `onLine` for each line of a file, last line first, until it returns false. Lines are
 * handed over as bytes (decoded only by the caller, when it needs them).
 */
async function linesFromEnd(file: string, onLine: (line: Buffer) => boolean): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    let pos = (await handle.stat()).size;
    let rest = Buffer.alloc(0);
    while (pos > 0) {
      const size = Math.min(CHUNK, pos);
      pos -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, pos);
      const buf = rest.length === 0 ? chunk : Buffer.concat([chunk, rest]);
      // Every complete line in buf, from its end; what precedes the first newline may continue in the chunk before.
      let end = buf.length;
      for (let nl = buf.lastIndexOf(NEWLINE, end - 1); nl !== -1; nl = buf.lastIndexOf(NEWLINE, end - 1)) {
        if (end - nl > 1 && !onLine(buf.subarray(nl + 1, end))) return;
        end = nl;
        if (end === 0) break;
      }
      rest = Buffer.from(buf.subarray(0, end));
    }
    if (rest.length > 0) onLine(rest);
  } finally {
    await handle.close();
  }
}

export async function readBacklog(dir: string, q: BacklogQuery): Promise<Backlog> {
  const out: Backlog = { runs: [], dropped: 0, droppedUntil: null, unreadable: 0 };
  if (!(q.afterMs < q.beforeMs)) return out;
  const after = new Date(q.afterMs).toISOString();
  const before = new Date(q.beforeMs).toISOString();
  const stopBelow = new Date(q.afterMs - ORDER_SLACK_MS).toISOString();
  const lastDay = utcDay(q.beforeMs);
  for (let day = utcDay(q.afterMs), ms = q.afterMs; day <= lastDay; ms += DAY_MS, day = utcDay(ms)) {
    const file = dayFile(dir, day, q.shard);
    // Lines that name their ids by key resolve them from the whole file, read when one first does.
    const book = dayFileBook(() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    });
    await linesFromEnd(file, (bytes) => {
      const head = headTime(bytes);
      if (head !== null) {
        if (head < stopBelow) return false;
        if (!(head > after && head < before)) return true;
      }
      const line = bytes.toString('utf8');
      if (line.trim() === '') return true;
      const rec = parseRunLine(line, book);
      if (typeof rec === 'string') {
        out.unreadable++;
        return true;
      }
      const t = Date.parse(rec.t);
      if (!(t > q.afterMs && t < q.beforeMs) || regionOf(rec) !== q.region) return true;
      if (t < q.fromMs) {
        out.dropped++;
        out.droppedUntil = Math.max(out.droppedUntil ?? t, t);
      } else {
        out.runs.push(rec);
      }
      return true;
    });
  }
  out.runs.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
  return out;
}
