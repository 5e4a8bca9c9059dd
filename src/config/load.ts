/**
 * Loads the configuration of a status repo: `cairn.yaml` (site settings, defaults, groups, and
 * checks if you like) and `checks/*.yaml` / `*.yml` (checks and groups), in name order.
 *
 * Every file is parsed with positions kept, `${NAME}` references are substituted from the
 * environment, each file is validated against the one schema, and the files are then resolved
 * together into a `ResolvedConfig`. Every problem found, in every file, is thrown at once as
 * `ConfigErrors`. Nothing is ever written.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type CaFileField, loadCaFiles } from './ca.ts';
import { checkCrossFileRules } from './crossfile.ts';
import { ConfigErrors, type ConfigError } from './errors.ts';
import { substituteEnv, type Env, type FileSubstitution } from './env.ts';
import { Problems } from './problems.ts';
import { DEFAULT_RUN, DEFAULT_SITE, resolveConfig, type ValidFile } from './resolve.ts';
import { formatDuration } from './schema.ts';
import { Redactor } from './secrets.ts';
import type { ConfigWarning, ResolvedCheck, ResolvedConfig, SourceLocation } from './types.ts';
import { CHECKS_FILE_KEYS, validateFile, type FileRole } from './validate.ts';
import {
  contentShape,
  fileStart,
  formatPath,
  locatePath,
  parseSource,
  yamlErrors,
  yamlWarnings,
  type PathKey,
  type SourceFile,
} from './yaml-source.ts';

export interface LoadOptions {
  /** Where `${NAME}` values come from (default: `process.env`). */
  env?: Env;
  /**
   * `error` (default): an unset variable is a configuration error.
   * `keep`: it stays written as `${NAME}`, e.g. to build the site without the secrets checks need.
   */
  missingEnv?: 'error' | 'keep';
}

export const SETTINGS_FILE = 'cairn.yaml';
const SETTINGS_FILE_ALT = 'cairn.yml';
export const CHECKS_DIR = 'checks';

interface FileRef {
  /** Relative to the status repo, posix slashes. */
  file: string;
  absolute: string;
  role: FileRole;
}

/** A location for a problem with a folder or a file as a whole. */
function noPosition(file: string): SourceLocation {
  return { file, line: 0, column: 0 };
}

function errorCode(err: unknown): string {
  return err instanceof Error && 'code' in err ? String(err.code) : String(err);
}

async function isFile(absolute: string): Promise<boolean> {
  try {
    return (await stat(absolute)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(absolute: string): Promise<boolean> {
  try {
    return (await stat(absolute)).isDirectory();
  } catch {
    return false;
  }
}

/** What a status repo without a settings file runs with, said once in the warning. */
function defaultsSentence(): string {
  return [
    `site title "${DEFAULT_SITE.title}"`,
    `time zone ${DEFAULT_SITE.timeZone}`,
    `locale ${DEFAULT_SITE.locale}`,
    `interval ${formatDuration(DEFAULT_RUN.intervalMs)}`,
    `timeout ${formatDuration(DEFAULT_RUN.timeoutMs)}`,
    `${DEFAULT_RUN.retries} ${DEFAULT_RUN.retries === 1 ? 'retry' : 'retries'}`,
    'no notifications',
    'no Prometheus',
  ].join(', ');
}

async function findSettingsFile(root: string, problems: Problems): Promise<FileRef[]> {
  const [yaml, yml] = await Promise.all([isFile(path.join(root, SETTINGS_FILE)), isFile(path.join(root, SETTINGS_FILE_ALT))]);
  if (yaml && yml) {
    problems.error(fileStart(SETTINGS_FILE_ALT), '', `expected one settings file, found both ${SETTINGS_FILE} and ${SETTINGS_FILE_ALT}; ${SETTINGS_FILE_ALT} is ignored, merge it into ${SETTINGS_FILE}`);
  }
  const file = yaml ? SETTINGS_FILE : yml ? SETTINGS_FILE_ALT : null;
  if (file === null) {
    const folder = (await isDirectory(path.join(root, SETTINGS_FILE))) ? ` (${SETTINGS_FILE} is a folder, not a file)` : '';
    problems.warn(noPosition(SETTINGS_FILE), '', `no settings file in the status repo${folder}: running with the defaults (${defaultsSentence()}); \`cairn init\` writes one`);
  }
  return file ? [{ file, absolute: path.join(root, file), role: 'settings' }] : [];
}

function isChecksFileName(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.yaml') || name.endsWith('.yml'));
}

function looksLikeYaml(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/**
 * What sits in checks/ but is not read, said rather than skipped silently: a folder named like a
 * checks file (an error: a Docker bind mount of a missing file leaves exactly that), a sub-folder
 * holding YAML files, a file whose extension is not lowercase.
 */
async function reportUnread(dir: string, entries: readonly Dirent[], problems: Problems): Promise<void> {
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const rel = `${CHECKS_DIR}/${e.name}`;
    const folder = e.isDirectory() || (e.isSymbolicLink() && (await isDirectory(path.join(dir, e.name))));
    if (folder && looksLikeYaml(e.name)) {
      problems.error(noPosition(rel), '', `expected a YAML file, found a folder: Cairn reads the files directly in ${CHECKS_DIR}/ (a folder with this name is what a volume mount of a missing file leaves); remove it or make it a file`);
    } else if (folder) {
      const inside = await readdir(path.join(dir, e.name)).catch(() => [] as string[]);
      const yamls = inside.filter((n) => !n.startsWith('.') && looksLikeYaml(n)).sort();
      if (yamls.length > 0) {
        const listed = yamls.length > 3 ? `${yamls.slice(0, 3).join(', ')}, …` : yamls.join(', ');
        problems.warn(noPosition(`${rel}/`), '', `not read: Cairn reads only the YAML files directly in ${CHECKS_DIR}/, so the ${yamls.length} in this folder (${listed}) define nothing; move them up into ${CHECKS_DIR}/`);
      }
    } else if (looksLikeYaml(e.name) && !isChecksFileName(e.name)) {
      problems.warn(noPosition(rel), '', `not read: Cairn reads files ending in .yaml or .yml (lowercase); rename it`);
    }
  }
}

async function findChecksFiles(root: string, problems: Problems): Promise<FileRef[]> {
  const dir = path.join(root, CHECKS_DIR);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') problems.error(noPosition(`${CHECKS_DIR}/`), '', `cannot read the folder (${errorCode(err)})`);
    return [];
  }
  await reportUnread(dir, entries, problems);
  const names: string[] = [];
  for (const e of entries) {
    if (!isChecksFileName(e.name)) continue;
    if (e.isFile() || (e.isSymbolicLink() && !(await isDirectory(path.join(dir, e.name))))) names.push(e.name);
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => ({ file: `${CHECKS_DIR}/${name}`, absolute: path.join(dir, name), role: 'checks' }));
}

/** `cairn.yaml` first, then `checks/*.yaml` in name order. */
async function findConfigFiles(root: string, problems: Problems): Promise<FileRef[]> {
  if (!(await isDirectory(root))) {
    problems.error(noPosition('.'), '', `expected a status repo folder, found none at ${root}`);
    throw new ConfigErrors(problems.errors);
  }
  const [settings, checks] = await Promise.all([findSettingsFile(root, problems), findChecksFiles(root, problems)]);
  return [...settings, ...checks];
}

interface ParsedFile {
  ref: FileRef;
  source: SourceFile;
  data: Record<string, unknown>;
  substitution: FileSubstitution;
}

type ParseOutcome = { kind: 'parsed'; file: ParsedFile } | { kind: 'empty' } | { kind: 'failed' };

const TOP_LEVEL_NAMES: Record<FileRole, string> = {
  settings: 'site, defaults, groups, checks',
  checks: CHECKS_FILE_KEYS.filter((k) => k !== '$schema').join(', '),
};

const SHAPE_NAMES = { sequence: 'a list', scalar: 'a single value' } as const;

function checkTopLevel(source: SourceFile, role: FileRole, problems: Problems): 'mapping' | 'empty' | 'invalid' {
  const shape = contentShape(source);
  if (shape === 'empty') {
    problems.warn(fileStart(source.file), '', role === 'checks' ? 'the file is empty: it defines no checks' : 'the file is empty');
    return 'empty';
  }
  if (shape === 'mapping') return 'mapping';
  const hint = shape === 'sequence' && role === 'checks' ? '; put the list of checks under a "checks:" key' : '';
  problems.error(locatePath(source, []), '', `expected a mapping at the top level (keys: ${TOP_LEVEL_NAMES[role]}), got ${SHAPE_NAMES[shape]}${hint}`);
  return 'invalid';
}

function reportEnvProblems(substitution: FileSubstitution, problems: Problems): void {
  for (const e of substitution.errors) problems.error(e.location, e.path, e.message);
  for (const w of substitution.warnings) problems.warn(w.location, w.path, w.message);
}

function parseFile(ref: FileRef, text: string, env: Env, keepMissing: boolean, problems: Problems): ParseOutcome {
  const source = parseSource(ref.file, text);
  for (const w of yamlWarnings(source)) problems.warn(w.location, '', w.message);
  const syntax = yamlErrors(source);
  for (const e of syntax) problems.error(e.location, '', e.message);
  if (syntax.length > 0) return { kind: 'failed' };
  const top = checkTopLevel(source, ref.role, problems);
  if (top !== 'mapping') return { kind: top === 'empty' ? 'empty' : 'failed' };
  const substitution = substituteEnv(source, env, keepMissing);
  reportEnvProblems(substitution, problems);
  try {
    const data = source.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    return { kind: 'parsed', file: { ref, source, data, substitution } };
  } catch (err) {
    problems.error(fileStart(ref.file), '', `invalid YAML: ${err instanceof Error ? err.message : String(err)}`);
    return { kind: 'failed' };
  }
}

async function readText(ref: FileRef, problems: Problems): Promise<string | null> {
  try {
    // A byte-order mark would shift the columns of the first line.
    return (await readFile(ref.absolute, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    problems.error(noPosition(ref.file), '', `cannot read the file (${errorCode(err)})`);
    return null;
  }
}

/** A redactor of every substituted value, except those that turned out to be numbers or booleans. */
function buildRedactor(files: readonly ParsedFile[], coerced: ReadonlyMap<ParsedFile, PathKey[][]>): Redactor {
  const redactor = new Redactor();
  for (const file of files) {
    const skip = new Set((coerced.get(file) ?? []).map((p) => JSON.stringify(p.map(String))));
    for (const s of file.substitution.substitutions) {
      if (!skip.has(JSON.stringify(s.path.map(String)))) redactor.add(s.value);
    }
  }
  return redactor;
}

function messageRedactor(files: readonly ParsedFile[]): Redactor {
  const redactor = new Redactor();
  for (const file of files) for (const s of file.substitution.substitutions) redactor.add(s.value);
  return redactor;
}

function byPosition(order: readonly string[]) {
  const rank = (file: string) => {
    const i = order.indexOf(file);
    return i === -1 ? order.length : i;
  };
  return (a: SourceLocation, b: SourceLocation) => rank(a.file) - rank(b.file) || a.line - b.line || a.column - b.column;
}

function sortProblems(problems: Problems, refs: readonly FileRef[]): { errors: ConfigError[]; warnings: ConfigWarning[] } {
  const compare = byPosition(refs.map((r) => r.file));
  return {
    errors: [...problems.errors].sort(compare),
    warnings: [...problems.warnings].sort((a, b) => compare(a.location, b.location)),
  };
}

function warnIfNothingDefined(file: ValidFile, problems: Problems): void {
  const { checks, groups } = file.config;
  if (file.role === 'checks' && !checks?.length && !groups?.length) {
    problems.warn(fileStart(file.file), '', 'the file defines no checks and no groups');
  }
}

/** Validates each parsed file; returns the valid ones and whether any file was rejected. */
function validateAll(parsed: readonly ParsedFile[], keepMissing: boolean, problems: Problems) {
  const redactor = messageRedactor(parsed);
  const valid: ValidFile[] = [];
  const coerced = new Map<ParsedFile, PathKey[][]>();
  let rejected = false;
  for (const file of parsed) {
    const result = validateFile({
      source: file.source,
      role: file.ref.role,
      data: file.data,
      substitutions: file.substitution.substitutions,
      unresolved: file.substitution.unresolved,
      keepMissing,
      redactor,
    });
    problems.addErrors(result.errors);
    coerced.set(file, result.coerced);
    if (result.config === null) {
      rejected = true;
      continue;
    }
    const source = file.source;
    const validFile: ValidFile = { file: file.ref.file, role: file.ref.role, config: result.config, locate: (p) => locatePath(source, p) };
    warnIfNothingDefined(validFile, problems);
    valid.push(validFile);
  }
  return { valid, coerced, rejected };
}

/** Every `ca` field that names a file, with where it is written (the first definition of a check id counts). */
function caFileFields(files: readonly ValidFile[], checks: readonly ResolvedCheck[]): CaFileField[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const out: CaFileField[] = [];
  for (const file of files) {
    (file.config.checks ?? []).forEach((config, i) => {
      const check = byId.get(config.id);
      const at = file.locate(['checks', i]);
      if (!check || !('caFile' in check) || check.caFile === null) return;
      if (check.source.file !== at.file || check.source.line !== at.line || check.source.column !== at.column) return;
      const field = ['checks', i, 'ca'];
      out.push({ check, location: file.locate(field), path: formatPath(field) });
    });
  }
  return out;
}

export async function loadConfig(dir: string, opts: LoadOptions = {}): Promise<ResolvedConfig> {
  const root = path.resolve(dir);
  const env = opts.env ?? process.env;
  const keepMissing = opts.missingEnv === 'keep';
  const problems = new Problems();

  const refs = await findConfigFiles(root, problems);
  const texts = await Promise.all(refs.map((ref) => readText(ref, problems)));
  const parsed: ParsedFile[] = [];
  let incomplete = false;
  refs.forEach((ref, i) => {
    const text = texts[i];
    const outcome = text === null || text === undefined ? ({ kind: 'failed' } as const) : parseFile(ref, text, env, keepMissing, problems);
    if (outcome.kind === 'parsed') parsed.push(outcome.file);
    if (outcome.kind === 'failed') incomplete = true;
  });

  const { valid, coerced, rejected } = validateAll(parsed, keepMissing, problems);
  checkCrossFileRules(parsed.map((f) => ({ file: f.ref.file, data: f.data, locate: (p) => locatePath(f.source, p) })), problems);
  const resolution = resolveConfig(valid, problems);
  await loadCaFiles(root, caFileFields(valid, resolution.checks), problems);
  // A repo of SLOs (or capacity forecasts) from Prometheus alone is a status page too.
  const prometheusOnly = resolution.prometheus.slos.length > 0 || resolution.prometheus.capacity.length > 0;
  if (!incomplete && !rejected && resolution.checks.length === 0 && !prometheusOnly) {
    problems.error(noPosition(`${CHECKS_DIR}/`), '', `expected at least one check, found none: add a YAML file with a "checks:" list to ${CHECKS_DIR}/ (or SLOs from Prometheus to ${SETTINGS_FILE})`);
  }

  const { errors, warnings } = sortProblems(problems, refs);
  if (errors.length > 0) throw new ConfigErrors(errors, warnings);
  return { dir: root, ...resolution, redactor: buildRedactor(parsed, coerced), warnings };
}
