/**
 * Where the CLI talks: human messages go to stderr (stdout is kept for `--json`), and on GitHub
 * Actions the same facts also become annotations and a job summary. Everything written passes
 * through the redactors a command registered with `protect` first, before any cut.
 */
import { appendFile } from 'node:fs/promises';
import { cut, type Redactor } from '../config/secrets.ts';
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
  /**
   * Redacts this redactor's secrets (also those it learns later) from everything written from
   * now on. Commands call it as soon as they have loaded the configuration.
   */
  protect(redactor: Redactor): void;
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
  const redactors = new Set<Redactor>();
  const clean = (s: string) => {
    let out = s;
    for (const r of redactors) out = r.redact(out);
    return out;
  };
  // On a terminal, a message is printed above the progress line, which is then redrawn.
  let pending: string | null = null;
  const line = (s: string) => process.stderr.write(pending === null ? `${s}\n` : `\r\x1b[K${s}\n${pending}`);
  const progress = (s: string | null) => {
    const width = process.stderr.columns ?? 80;
    pending = s === null ? null : cut(clean(s), Math.max(1, width - 1));
    process.stderr.write(`\r\x1b[K${pending ?? ''}`);
  };
  return {
    github,
    color,
    ...(tty ? { progress } : {}),
    protect(redactor) {
      redactors.add(redactor);
    },
    info: (message) => line(clean(message)),
    warn(message, where) {
      line(github ? annotation('warning', clean(message), where) : `warning: ${clean(message)}`);
    },
    error(message, where) {
      line(github ? annotation('error', clean(message), where) : `error: ${clean(message)}`);
    },
    data(text) {
      const safe = clean(text);
      process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
    },
    async summary(markdown) {
      const file = env['GITHUB_STEP_SUMMARY'];
      if (github && file) await appendFile(file, `${clean(markdown)}\n`);
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
