/**
 * Where the CLI talks: human messages go to stderr (stdout is kept for `--json`), and on GitHub
 * Actions the same facts also become annotations and a job summary.
 */
import { appendFile } from 'node:fs/promises';
import { type ConfigError, formatWhere } from '../config/errors.ts';

export interface Output {
  info(message: string): void;
  warn(message: string, where?: { file?: string; line?: number; col?: number }): void;
  error(message: string, where?: { file?: string; line?: number; col?: number }): void;
  /** Writes to stdout: machine-readable output only. */
  data(text: string): void;
  /** Appends markdown to the GitHub job summary when running on GitHub Actions. */
  summary(markdown: string): Promise<void>;
  /**
   * On a terminal only: replaces the single progress line at the bottom (`[123/1000] …`); null
   * clears it. Absent when stderr is not a terminal (logs, GitHub Actions): callers print
   * periodic lines instead, never both.
   */
  progress?(line: string | null): void;
  readonly github: boolean;
  readonly color: boolean;
}

/** Escapes a value for a GitHub workflow command (`::error file=...::message`). */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(kind: 'error' | 'warning', message: string, where?: { file?: string; line?: number; col?: number }): string {
  const props: string[] = [];
  if (where?.file) props.push(`file=${escapeProperty(where.file)}`);
  if (where?.line) props.push(`line=${where.line}`);
  if (where?.col) props.push(`col=${where.col}`);
  return `::${kind}${props.length ? ` ${props.join(',')}` : ''}::${escapeCommandData(message)}`;
}

export function createOutput(env: NodeJS.ProcessEnv = process.env): Output {
  const github = env['GITHUB_ACTIONS'] === 'true';
  const tty = !github && process.stderr.isTTY === true;
  const color = tty && !('NO_COLOR' in env);
  // On a terminal, a message is printed above the progress line, which is then redrawn.
  let pending: string | null = null;
  const line = (s: string) => process.stderr.write(pending === null ? `${s}\n` : `\r\x1b[K${s}\n${pending}`);
  const progress = (s: string | null) => {
    const width = process.stderr.columns ?? 80;
    pending = s === null ? null : s.length >= width ? `${s.slice(0, Math.max(0, width - 2))}…` : s;
    process.stderr.write(`\r\x1b[K${pending ?? ''}`);
  };
  return {
    github,
    color,
    ...(tty ? { progress } : {}),
    info: line,
    warn(message, where) {
      line(github ? annotation('warning', message, where) : `warning: ${message}`);
    },
    error(message, where) {
      line(github ? annotation('error', message, where) : `error: ${message}`);
    },
    data(text) {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    async summary(markdown) {
      const file = env['GITHUB_STEP_SUMMARY'];
      if (github && file) await appendFile(file, `${markdown}\n`);
    },
  };
}

/** Prints configuration warnings (`file:line:column: path: message`), annotated on GitHub. */
export function warnConfig(
  out: Output,
  warnings: readonly { location: { file: string; line: number; column: number }; path: string; message: string }[],
): void {
  for (const w of warnings) {
    const { file, line, column } = w.location;
    out.warn(`${formatWhere(w.location)}: ${w.path ? `${w.path}: ` : ''}${w.message}`, { file, ...(line > 0 ? { line, col: column } : {}) });
  }
}

/**
 * Problems with incident files (front matter that does not parse, an unknown component): the
 * incident is left off the page until it is fixed. Said with file, line and column, annotated on
 * GitHub, by every command that reads the incidents without failing on them.
 */
export function warnIncidentFiles(out: Output, errors: readonly ConfigError[]): void {
  for (const e of errors) out.warn(`skipped ${e.toString()}`, { file: e.file, ...(e.line > 0 ? { line: e.line, col: e.column } : {}) });
}
