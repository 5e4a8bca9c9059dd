/** Option parsing shared by the commands (node:util parseArgs, strict). */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export const DIR_OPTION = { dir: { type: 'string' } } as const satisfies Options;

export function parse<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The status repo: `--dir`, else the current folder; always absolute. */
export function statusDir(dir: string | undefined): string {
  return path.resolve(dir ?? process.cwd());
}
