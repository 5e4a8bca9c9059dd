/**
 * Reading the store's NDJSON files line by line: a file that cannot be read, and every line that
 * does not parse, is reported as a problem (file, line, reason) and skipped; the rest is kept.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FS_REASONS } from './fault.ts';

export interface StoreProblem {
  file: string;
  line: number | null;
  message: string;
}

/**
 * Calls `onRecord` for every line of `file` that the file's parser accepts (it returns the record,
 * or a reason as a string); blank lines are skipped. `parserFor` makes the parser of a file from
 * its text (a day file's lines may refer to each other: src/store/ids-book.ts).
 */
export async function forEachRecord<T>(
  dir: string,
  file: string,
  parserFor: (text: string) => (line: string) => T | string,
  onRecord: (record: T, line: number, rel: string) => void,
  problems: StoreProblem[],
): Promise<void> {
  const rel = path.relative(dir, file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    problems.push({ file: rel, line: null, message: `unreadable: ${e.code ? `${FS_REASONS[e.code] ?? e.message} (${e.code})` : e.message}` });
    return;
  }
  const parse = parserFor(text);
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const rec = parse(line);
    if (typeof rec === 'string') problems.push({ file: rel, line: i + 1, message: rec });
    else onRecord(rec, i + 1, rel);
  });
}
