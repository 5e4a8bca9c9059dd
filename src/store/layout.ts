/**
 * Where the results store keeps its files inside a status repo.
 *
 *   data/samples/YYYY/MM/YYYY-MM-DD.ndjson
 *
 * One NDJSON file per UTC day; every run appends ONE line holding all of its results, so a run
 * touches one file, past days never change again (git packs them tightly), and growth is
 * bounded by the number of runs, not by the number of checks x runs.
 */
import path from 'node:path';

export const DATA_DIR = 'data';
export const SAMPLES_DIR = path.join(DATA_DIR, 'samples');

/** `2026-11-24` for a UTC instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayFile(dir: string, day: string): string {
  const [y, m] = day.split('-');
  return path.join(dir, SAMPLES_DIR, y as string, m as string, `${day}.ndjson`);
}

const DAY_FILE_RE = /^(\d{4})-(\d{2})-(\d{2})\.ndjson$/;

/** The day a sample file holds, or null if the name is not a day file. */
export function dayOfFile(name: string): string | null {
  const m = DAY_FILE_RE.exec(path.basename(name));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
