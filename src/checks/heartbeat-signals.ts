/**
 * Heartbeat signals: a job says "I ran" (`cairn heartbeat <id>`, written by src/store/heartbeats.ts),
 * and the `heartbeat` check reads the latest signal at each run. The format and the reading live
 * here, beside the check; the store only appends.
 *
 *   data/heartbeats/YYYY-MM.ndjson      one line per signal, every heartbeat of the month
 *
 * A signal is one appended line, never a rewrite of another's: two jobs signalling at once (or
 * a signal racing a `cairn run`) rebase to both lines through the store's `merge=union` rule
 * (`data/**\/*.ndjson`, src/store/git.ts), and a conflicting rebase re-appends this clone's lines.
 * Line order does not matter: the latest signal is the one with the latest time. A month file
 * grows by one line per signal (a nightly job: 31 lines), and past months never change again.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { forEachRecord } from '../store/ndjson.ts';

/** Under the store's data/ folder (src/store/layout.ts), whose NDJSON files merge by line union. */
export const HEARTBEATS_DIR = path.join('data', 'heartbeats');

export type SignalStatus = 'ok' | 'fail';

/** One signal as stored (short keys like the sample lines). */
export interface SignalLine {
  v: 1;
  /** Heartbeat check id. */
  id: string;
  /** When the job ran (or finished), ISO-8601 UTC. */
  t: string;
  s: SignalStatus;
  /** What the job said, one line, redacted. */
  m?: string;
  /** Where the signal came from: a workflow run URL, a host name. */
  src?: string;
}

export interface Signal {
  id: string;
  at: number;
  status: SignalStatus;
  message: string | null;
  source: string | null;
}

/** Longest message kept; the rest is cut with an ellipsis. */
export const MAX_SIGNAL_MESSAGE = 300;

const MONTH_FILE_RE = /^(\d{4})-(\d{2})\.ndjson$/;

/** `data/heartbeats/2026-11.ndjson` for an instant. */
export function signalFile(dir: string, atMs: number): string {
  return path.join(dir, HEARTBEATS_DIR, `${new Date(atMs).toISOString().slice(0, 7)}.ndjson`);
}

/** A message as stored: one line, control characters removed, at most MAX_SIGNAL_MESSAGE characters. */
export function cleanMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  const one = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > MAX_SIGNAL_MESSAGE ? `${one.slice(0, MAX_SIGNAL_MESSAGE - 1)}…` : one;
}

export function encodeSignal(signal: Signal): string {
  const line: SignalLine = { v: 1, id: signal.id, t: new Date(signal.at).toISOString(), s: signal.status };
  if (signal.message) line.m = cleanMessage(signal.message);
  if (signal.source) line.src = cleanMessage(signal.source);
  return JSON.stringify(line);
}

export function parseSignal(line: string): Signal | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected a signal object';
  const x = v as Record<string, unknown>;
  if (x['v'] !== 1) return `unsupported signal version ${JSON.stringify(x['v'])} (expected 1)`;
  if (typeof x['id'] !== 'string' || x['id'] === '') return 'field "id": expected a heartbeat id';
  if (typeof x['t'] !== 'string' || Number.isNaN(Date.parse(x['t']))) return 'field "t": expected an ISO-8601 time';
  if (x['s'] !== 'ok' && x['s'] !== 'fail') return 'field "s": expected "ok" or "fail"';
  if (x['m'] !== undefined && typeof x['m'] !== 'string') return 'field "m": expected a string';
  if (x['src'] !== undefined && typeof x['src'] !== 'string') return 'field "src": expected a string';
  return { id: x['id'], at: Date.parse(x['t']), status: x['s'], message: (x['m'] as string | undefined) ?? null, source: (x['src'] as string | undefined) ?? null };
}

/** A line or file of the signals that could not be read; reported, skipped. */
export interface SignalProblem {
  file: string;
  line: number | null;
  message: string;
}

/**
 * The latest signal of each of `ids` (by time, whatever the line order), reading month files from
 * the newest back until every id has one. Bad lines are reported and skipped. Signals after
 * `untilMs` are not seen. Throws when the folder exists but cannot be listed.
 */
export async function latestSignals(dir: string, ids: readonly string[], untilMs = Infinity): Promise<{ latest: Map<string, Signal>; problems: SignalProblem[] }> {
  const latest = new Map<string, Signal>();
  const problems: SignalProblem[] = [];
  const root = path.join(dir, HEARTBEATS_DIR);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { latest, problems };
    throw err;
  }
  const wanted = new Set(ids);
  const months = names.filter((n) => MONTH_FILE_RE.test(n)).sort().reverse();
  for (const name of months) {
    await forEachRecord(dir, path.join(root, name), () => parseSignal, (s) => {
      if (!wanted.has(s.id) || s.at > untilMs) return;
      const known = latest.get(s.id);
      if (!known || s.at > known.at || (s.at === known.at && s.status === 'fail')) latest.set(s.id, s);
    }, problems);
    if ([...wanted].every((id) => latest.has(id))) break;
  }
  return { latest, problems };
}

/**
 * Every signal file's lines against the schema and for plausible times (`cairn verify`): a line
 * that does not parse, a signal in the future (beyond `limitMs`), a signal in another month's
 * file. Returns the problems and how many files and signals there are.
 */
export async function verifySignalFiles(dir: string, limitMs: number): Promise<{ files: number; signals: number; problems: SignalProblem[] }> {
  const root = path.join(dir, HEARTBEATS_DIR);
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => MONTH_FILE_RE.test(n)).sort();
  const problems: SignalProblem[] = [];
  let signals = 0;
  for (const name of names) {
    await forEachRecord(dir, path.join(root, name), () => parseSignal, (s, line, rel) => {
      const say = (message: string) => problems.push({ file: rel, line, message });
      signals++;
      const iso = new Date(s.at).toISOString();
      if (s.at > limitMs) say(`signal of heartbeat "${s.id}" at ${iso} is in the future`);
      if (iso.slice(0, 7) !== name.slice(0, 7)) say(`signal of heartbeat "${s.id}" at ${iso} is not in ${name.slice(0, 7)}, the month of its file`);
    }, problems);
  }
  return { files: names.length, signals, problems };
}
