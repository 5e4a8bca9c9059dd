/**
 * `cairn <command>`: the command-line interface. Exit 0 when the command did its job (a run
 * that finds sites down still exits 0), 2 for a usage or configuration error, 1 for an
 * internal failure.
 */
import { ConfigErrors } from '../config/errors.ts';
import { Fault, describeFsError } from '../store/fault.ts';
import { EXIT_INTERNAL, EXIT_USAGE, UsageError } from './errors.ts';
import { createOutput, type Output, warnConfig } from './output.ts';

import type { Command } from './command.ts';

export type { Command };

const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate.ts')).validate,
  check: async () => (await import('./commands/check.ts')).check,
  slo: async () => (await import('./commands/slo.ts')).slo,
  build: async () => (await import('./commands/build.ts')).build,
  verify: async () => (await import('./commands/verify.ts')).verify,
  schema: async () => (await import('./commands/schema.ts')).schema,
  demo: async () => (await import('./commands/demo.ts')).demo,
  serve: async () => (await import('./commands/serve.ts')).serve,
  run: async () => (await import('./commands/run.ts')).run,
  compact: async () => (await import('./commands/compact.ts')).compact,
  incident: async () => (await import('./commands/incident.ts')).incident,
  import: async () => (await import('./commands/import.ts')).importCommand,
  export: async () => (await import('./commands/export.ts')).exportCommand,
  notify: async () => (await import('./commands/notify.ts')).notify,
  init: async () => (await import('./commands/init.ts')).init,
  report: async () => (await import('./commands/report.ts')).report,
  heartbeat: async () => (await import('./commands/heartbeat.ts')).heartbeat,
};

async function help(out: Output): Promise<void> {
  const lines = ['Usage: cairn <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push('', 'Common options:', '  --dir <path>  the status repo (default: the current folder)', '', 'Run `cairn <command> --help` for a command\'s options.');
  out.info(lines.join('\n'));
}

export async function main(argv: string[], out: Output = createOutput()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(out);
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    out.data(pkg.version);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    out.error(`unknown command "${name}"; run \`cairn --help\` for the list`);
    return EXIT_USAGE;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    out.info(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, out);
  } catch (err) {
    if (err instanceof ConfigErrors) {
      warnConfig(out, err.warnings);
      for (const e of err.errors) out.error(e.toString(), { file: e.file, line: e.line, col: e.column });
      out.info(`${err.errors.length} configuration error${err.errors.length === 1 ? '' : 's'}; nothing was written.`);
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      out.error(`${err.message}\nUsage: ${command.usage}`);
      return EXIT_USAGE;
    }
    // A fault of the environment (a read-only disk, a folder that is a file): one sentence, no stack.
    const fault = err instanceof Fault ? err.message : describeFsError(err);
    if (fault !== null) {
      out.error(fault);
      return EXIT_INTERNAL;
    }
    out.error(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT_INTERNAL;
  }
}
