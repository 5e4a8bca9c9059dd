/**
 * Configuration problems, each pinned to a place in a file of the status repo.
 *
 * The loader collects every problem it finds (across all files) and throws them together as one
 * `ConfigErrors`, so a user fixes a broken config in one round instead of one error at a time.
 */
import type { ConfigWarning } from './types.ts';

export interface ConfigErrorInit {
  /** Path relative to the status repo, posix slashes (`checks/api.yaml`), or a folder (`checks/`). */
  file: string;
  /** 1-based; 0 when the problem concerns a folder or a whole file rather than a position in it. */
  line: number;
  /** 1-based; 0 together with `line`. */
  column: number;
  /** Field path such as `checks[0].url`; '' for a problem with the file itself. */
  path: string;
  /** What was expected and what was found. Never contains a secret. */
  message: string;
}

export class ConfigError implements ConfigErrorInit {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;

  constructor(init: ConfigErrorInit) {
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
    this.path = init.path;
    this.message = init.message;
  }

  /** `checks/broken.yaml:3:5: checks[0].url: expected an absolute http:// or https:// URL, got "foo"` */
  toString(): string {
    return `${formatWhere(this)}: ${this.path ? `${this.path}: ` : ''}${this.message}`;
  }
}

/** Every problem of a configuration; thrown by `loadConfig`. */
export class ConfigErrors extends Error {
  readonly errors: ConfigError[];
  /** Warnings found along the way, so a caller can still show them. */
  readonly warnings: ConfigWarning[];

  constructor(errors: ConfigError[], warnings: ConfigWarning[] = []) {
    super(errors.map((e) => e.toString()).join('\n'));
    this.name = 'ConfigErrors';
    this.errors = errors;
    this.warnings = warnings;
  }
}

/** `file:line:column`, or just `file` when there is no position. */
export function formatWhere(where: { file: string; line: number; column: number }): string {
  return where.line > 0 ? `${where.file}:${where.line}:${where.column}` : where.file;
}
