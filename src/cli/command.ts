import type { Output } from './output.ts';

/** One `cairn <command>`: what `--help` says of it, and what it does (returns the exit code). */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[], out: Output): Promise<number>;
}
