/**
 * Integrity of the store's times, beyond the schema of each line (`cairn verify`):
 *
 * - nothing is dated in the future: a run, a result, a rollup's day or its last sample later than
 *   now plus `CLOCK_SKEW_MS` (a runner's clock a little ahead of this one is not a problem; a
 *   sample months ahead is, whatever wrote it: the model would hold it as "now" until that date);
 * - each line is in the file of its own time: a run in the day file of the UTC day it started, a
 *   rollup in the month file of its day (readers select files by name, so a line in the wrong
 *   file is counted for the wrong period or not at all).
 *
 * Lines that do not parse are the schema's business (`readStore` reports them); they are skipped here.
 */
import path from 'node:path';
import { DAY_MS, dayStart, utcDay } from './layout.ts';
import { forEachRecord, type StoreProblem } from './ndjson.ts';
import { listRollupFiles, parseRollupLine } from './rollup-format.ts';
import { listDayFiles, runLinesOf } from './samples.ts';

/** How far ahead of this machine's clock a stored time may be. */
export const CLOCK_SKEW_MS = 5 * 60_000;

function ahead(ms: number, now: number): string {
  const d = ms - now;
  if (d >= 2 * DAY_MS) return `${Math.floor(d / DAY_MS)} days`;
  if (d >= 2 * 3_600_000) return `${Math.floor(d / 3_600_000)} hours`;
  return `${Math.ceil(d / 60_000)} minutes`;
}

function future(what: string, iso: string, now: number): string {
  return `${what} ${iso} is in the future (${ahead(Date.parse(iso), now)} after now; at most ${CLOCK_SKEW_MS / 60_000} minutes of clock skew are allowed)`;
}

/** Times in the future, and lines in the wrong file, of every raw day file and rollup file. */
export async function verifyTimes(dir: string, now: number): Promise<StoreProblem[]> {
  const limit = now + CLOCK_SKEW_MS;
  const problems: StoreProblem[] = [];
  const ignored: StoreProblem[] = [];
  for (const { day, file } of await listDayFiles(dir)) {
    await forEachRecord(dir, file, runLinesOf, (rec, line, rel) => {
      const say = (message: string) => problems.push({ file: rel, line, message });
      const t = Date.parse(rec.t);
      if (t > limit) say(future('run time', rec.t, now));
      else {
        const late = rec.r.find((r) => Date.parse(r.t) > limit);
        if (late) say(future(`result "${late.id}" time`, late.t, now));
      }
      if (utcDay(t) !== day) say(`run time ${rec.t} is not on ${day}, the day of its file ${path.basename(file)}`);
    }, ignored);
  }
  for (const { month, file } of await listRollupFiles(dir)) {
    await forEachRecord(dir, file, () => parseRollupLine, (rec, line, rel) => {
      const say = (message: string) => problems.push({ file: rel, line, message });
      if (dayStart(rec.d) > limit) say(`rollup of check "${rec.id}" for ${rec.d}: the day is in the future`);
      else if (Date.parse(rec.last.t) > limit) say(future(`rollup of check "${rec.id}" for ${rec.d}: last sample time`, rec.last.t, now));
      if (rec.d.slice(0, 7) !== month) say(`rollup of check "${rec.id}" for ${rec.d} is not in ${month}, the month of its file`);
    }, ignored);
  }
  return problems;
}
