/**
 * Validation of one file against the `CairnFile` schema, with the rules that depend on which
 * file it is (`site` and `defaults` only in `cairn.yaml`).
 */
import { ConfigError } from './errors.ts';
import type { Substitution } from './env.ts';
import { DEFAULT_MESSAGE, issueToErrors, valueAt, type IssueContext } from './issues.ts';
import { CairnFile, type CairnFileConfig } from './schema.ts';
import type { Redactor } from './secrets.ts';
import { locateKey, type PathKey, type SourceFile } from './yaml-source.ts';
import type { z } from 'zod';

/** `cairn.yaml` holds site settings; a `checks/` file holds checks. */
export type FileRole = 'settings' | 'checks';

/** Sections only the settings file may hold. */
export const SETTINGS_ONLY_KEYS = ['site', 'defaults', 'incidents', 'store', 'prometheus', 'slos', 'capacity', 'notifications', 'reports', 'pages', 'subscribers', 'remoteWrite'] as const;
/** Sections a checks/ file may hold. */
export const CHECKS_FILE_KEYS = ['$schema', 'checks', 'groups', 'maintenance'] as const;

export interface ValidationInput {
  source: SourceFile;
  role: FileRole;
  /** The file's content as plain data, after environment substitution. Modified in place. */
  data: Record<string, unknown>;
  substitutions: readonly Substitution[];
  /** Paths whose value still holds an unset `${NAME}`. */
  unresolved: readonly PathKey[][];
  /** True when unset variables are kept as written rather than reported. */
  keepMissing: boolean;
  /** Redacts substituted values out of messages. */
  redactor: Redactor;
}

export interface ValidationResult {
  /** The validated file, or null when the schema rejected it. */
  config: CairnFileConfig | null;
  errors: ConfigError[];
  /** Paths of whole `${NAME}` values that were read as numbers or booleans. */
  coerced: PathKey[][];
}

const PARSE_OPTIONS = { error: () => DEFAULT_MESSAGE };

function samePath(a: readonly PathKey[], b: readonly PathKey[]): boolean {
  return a.length === b.length && a.every((k, i) => String(k) === String(b[i]));
}

function startsWith(path: readonly PathKey[], prefix: readonly PathKey[]): boolean {
  return prefix.length <= path.length && prefix.every((k, i) => String(k) === String(path[i]));
}

function issuePath(issue: z.core.$ZodIssue): PathKey[] {
  return issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
}

/** `site:` in a checks/ file: an error at the key; the section is then left out of validation. */
function misplacedSections(input: ValidationInput): ConfigError[] {
  if (input.role !== 'checks') return [];
  const errors: ConfigError[] = [];
  for (const key of SETTINGS_ONLY_KEYS) {
    if (!Object.hasOwn(input.data, key)) continue;
    const where = locateKey(input.source, [], key);
    errors.push(
      new ConfigError({
        ...where,
        path: key,
        message: `expected "${key}" only in cairn.yaml, found it in a checks/ file (a checks/ file may hold ${CHECKS_FILE_KEYS.join(', ')})`,
      }),
    );
    delete input.data[key];
  }
  return errors;
}

/** The number or boolean a substituted string stands for, if it is one. */
function scalarFromText(text: string): number | boolean | undefined {
  if (/^[-+]?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return undefined;
}

function setAt(data: unknown, path: readonly PathKey[], value: unknown): void {
  const parent = valueAt(data, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent !== null && typeof parent === 'object' && key !== undefined) (parent as Record<PathKey, unknown>)[key] = value;
}

/**
 * `port: ${PORT}` substitutes a string; where the schema rejected such a string and it reads as
 * a number or boolean, that is what was meant. Returns the paths it changed.
 */
function coerceWholeValues(data: unknown, issues: readonly z.core.$ZodIssue[], substitutions: readonly Substitution[]): PathKey[][] {
  const changed: PathKey[][] = [];
  for (const issue of issues) {
    const path = issuePath(issue);
    if (!substitutions.some((s) => s.whole && samePath(s.path, path))) continue;
    const text = valueAt(data, path);
    const value = typeof text === 'string' ? scalarFromText(text) : undefined;
    if (value === undefined) continue;
    setAt(data, path, value);
    changed.push(path);
  }
  return changed;
}

const UNSET_NOTE = ' (the value uses an environment variable that is not set)';

/** Errors for the issues, leaving out those caused by an unset variable already reported. */
function issueErrors(issues: readonly z.core.$ZodIssue[], input: ValidationInput): ConfigError[] {
  const ctx: IssueContext = {
    source: input.source,
    data: input.data,
    schema: CairnFile,
    redactor: input.redactor,
    ...(input.role === 'checks' ? { topLevelKeys: CHECKS_FILE_KEYS } : {}),
  };
  const errors: ConfigError[] = [];
  for (const issue of issues) {
    const path = issuePath(issue);
    const unset = input.unresolved.some((p) => startsWith(path, p));
    if (unset && !input.keepMissing) continue;
    for (const error of issueToErrors(issue, ctx)) {
      errors.push(unset ? new ConfigError({ ...error, message: error.message + UNSET_NOTE }) : error);
    }
  }
  return errors;
}

export function validateFile(input: ValidationInput): ValidationResult {
  const errors = misplacedSections(input);
  let result = CairnFile.safeParse(input.data, PARSE_OPTIONS);
  let coerced: PathKey[][] = [];
  if (!result.success) {
    coerced = coerceWholeValues(input.data, result.error.issues, input.substitutions);
    if (coerced.length > 0) result = CairnFile.safeParse(input.data, PARSE_OPTIONS);
  }
  if (result.success) return { config: result.data, errors, coerced };
  return { config: null, errors: [...errors, ...issueErrors(result.error.issues, input)], coerced };
}

