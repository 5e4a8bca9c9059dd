/**
 * Appending heartbeat signals to the store (`cairn heartbeat`); their format and reading live
 * beside the check, in src/checks/heartbeat-signals.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeSignal, type Signal, signalFile } from '../checks/heartbeat-signals.ts';
import { writeFileAtomic } from './atomic.ts';
import { fsFault } from './fault.ts';

/**
 * Appends a signal to its month's file (atomic rewrite: a crash leaves the old or the new
 * content). Returns the file written, relative to the status repo.
 */
export async function appendSignal(dir: string, signal: Signal): Promise<string> {
  const file = signalFile(dir, signal.at);
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsFault(err, 'append to', file);
  }
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  await writeFileAtomic(file, `${prefix}${encodeSignal(signal)}\n`);
  return path.relative(dir, file);
}

