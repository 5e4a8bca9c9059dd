/**
 * The cursor of a remote-write endpoint, committed in `data/state/remote-write.<name><suffix>.json`
 * (one per endpoint, and per shard and region: each runner sends only what it stored). It holds
 * the start of the newest stored run the endpoint acknowledged; the next run sends the runs after
 * it (within the backlog bound) before its own.
 *
 * Two runners of the same shard and region that race (a late schedule and a manual run) both
 * move the same cursor. The run that loses the push writes the cursor again on top of the
 * winner's (`mergeCursor`): its own when the winner's did not move, else the EARLIER of the two,
 * so that nothing either of them left unsent is skipped (what is sent twice is a duplicate).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic.ts';
import { fsFault } from '../store/fault.ts';

export const CURSOR_DIR = path.join('data', 'state');

export interface RemoteWriteCursor {
  v: 1;
  endpoint: string;
  /** The URL without user-info or query, for people reading the file. */
  url: string;
  /** Start of the newest stored run acknowledged (ISO-8601 UTC). */
  acked: string;
  /** When the cursor was written. */
  updatedAt: string;
}

/** `data/state/remote-write.<name>.shard-1-of-4.region-eu.json` (relative to the status repo). */
export function cursorFile(name: string, suffix: string): string {
  return path.join(CURSOR_DIR, `remote-write.${name}${suffix}.json`);
}

/** The suffix of a runner's state files: its shard's (`.shard-2-of-4`) and its region (`.region-eu`). */
export function cursorSuffix(shardSuffix: string, region: string | null): string {
  return `${shardSuffix}${region === null ? '' : `.region-${region}`}`;
}

/** The cursor, or null when there is none (or it does not parse: the endpoint starts afresh). */
export async function readCursor(dir: string, rel: string): Promise<RemoteWriteCursor | null> {
  const file = path.join(dir, rel);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsFault(err, 'read', file);
  }
  try {
    const value = JSON.parse(text) as Partial<RemoteWriteCursor>;
    if (value.v !== 1 || typeof value.acked !== 'string' || Number.isNaN(Date.parse(value.acked))) return null;
    return value as RemoteWriteCursor;
  } catch {
    return null;
  }
}

export async function writeCursor(dir: string, rel: string, cursor: RemoteWriteCursor): Promise<void> {
  await writeFileAtomic(path.join(dir, rel), `${JSON.stringify(cursor, null, 2)}\n`);
}

/**
 * The cursor to commit on top of a state that won the push: `ours` when the winner's is what this
 * run started from, else the earlier of the two (nothing unsent is skipped).
 */
export function mergeCursor(start: RemoteWriteCursor | null, ours: RemoteWriteCursor, theirs: RemoteWriteCursor | null): RemoteWriteCursor {
  if (theirs === null || (start !== null && theirs.acked === start.acked)) return ours;
  return Date.parse(theirs.acked) < Date.parse(ours.acked) ? theirs : ours;
}
