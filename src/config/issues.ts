/**
 * Turns zod's validation issues into `ConfigError`s that point at the offending place in the
 * YAML file and say what was expected and what was found, in the words of someone editing YAML.
 */
import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import type { Redactor } from './secrets.ts';
import type { SourceLocation } from './types.ts';
import { closestMatch } from './suggest.ts';
import { formatPath, locateKey, locatePath, type PathKey, type SourceFile } from './yaml-source.ts';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/**
 * The message zod gives an issue when the schema did not set one. Passed as the error map of
 * every parse, so a message that differs from it was written in the schema and is kept.
 */
export const DEFAULT_MESSAGE = '\u0000cairn-default';

export interface IssueContext {
  source: SourceFile;
  /** The value that was validated (after environment substitution). */
  data: unknown;
  schema: Schema;
  /** Redacts secrets out of every value quoted in a message. */
  redactor: Redactor;
  /** Keys allowed at the top level of this file, when narrower than the schema's. */
  topLevelKeys?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Values

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function childValue(value: unknown, key: PathKey): unknown {
  if (Array.isArray(value) && typeof key === 'number') return value[key];
  if (isRecord(value)) return value[String(key)];
  return undefined;
}

export function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  return path.reduce<unknown>((value, key) => childValue(value, key), data);
}

/** True when the field at `path` is absent from a mapping that exists. */
function isMissing(data: unknown, path: readonly PathKey[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(data, path.slice(0, -1));
  return isRecord(parent) && !Object.hasOwn(parent, String(path[path.length - 1]));
}

const MAX_QUOTED = 80;

/** A found value as it may be shown: secrets redacted first, then shortened. */
function quote(value: unknown, redactor: Redactor): string {
  if (typeof value === 'string') {
    return JSON.stringify(redactor.cut(value, MAX_QUOTED + 1));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return redactor.redact(String(value));
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  return 'a mapping';
}

/** A found value with its type: `string "abc"`, `number 5`, `a list`. */
function describeFound(value: unknown, redactor: Redactor): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return `${typeof value} ${quote(value, redactor)}`;
  }
  return quote(value, redactor);
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  int: 'an integer',
  record: 'a mapping',
  undefined: 'nothing',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function listValues(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? (shown[0] as string) : `one of ${shown.join(', ')}`;
}

function didYouMean(found: unknown, candidates: readonly unknown[]): string {
  if (typeof found !== 'string') return '';
  const match = closestMatch(found, candidates.filter((c): c is string => typeof c === 'string'));
  return match === null ? '' : `; did you mean ${JSON.stringify(match)}?`;
}

// ---------------------------------------------------------------------------------------------
// Schema lookup (for the keys a mapping allows)

interface LooseDef {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: readonly Schema[];
  discriminator?: string;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function defOf(schema: Schema): LooseDef {
  return schema._zod.def as unknown as LooseDef;
}

function unwrap(schema: Schema): Schema {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

/** The member of a union that `value` was meant to be (by discriminator, else by shape). */
function pickOption(schema: Schema, value: unknown): Schema {
  const plain = unwrap(schema);
  const def = defOf(plain);
  if (def.type !== 'union' || !def.options) return plain;
  const options = def.options.map(unwrap);
  const disc = def.discriminator;
  if (disc && isRecord(value)) {
    const tag = value[disc];
    const match = options.find((o) => o._zod.propValues?.[disc]?.has(tag as string));
    if (match) return match;
  }
  const wanted = Array.isArray(value) ? 'array' : isRecord(value) ? 'object' : null;
  return options.find((o) => defOf(o).type === wanted) ?? plain;
}

function childSchema(schema: Schema, key: PathKey, value: unknown): Schema | null {
  const def = defOf(pickOption(schema, value));
  if (def.type === 'object') return def.shape?.[String(key)] ?? null;
  if (def.type === 'array') return def.element ?? null;
  if (def.type === 'record') return def.valueType ?? null;
  return null;
}

/** The keys the schema allows in the mapping at `path` (empty when it is not a fixed mapping). */
export function allowedKeysAt(root: Schema, path: readonly PathKey[], data: unknown): string[] {
  let schema: Schema | null = root;
  let value = data;
  for (const key of path) {
    if (schema === null) return [];
    schema = childSchema(schema, key, value);
    value = childValue(value, key);
  }
  if (schema === null) return [];
  const def = defOf(pickOption(schema, value));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

// ---------------------------------------------------------------------------------------------
// Messages

function hasSchemaMessage(issue: Issue): boolean {
  return issue.message !== DEFAULT_MESSAGE;
}

/** What a field must hold, for "missing required field" messages. */
function expectedOf(issue: Issue): string | null {
  switch (issue.code) {
    case 'invalid_type':
      return typeName(issue.expected);
    case 'invalid_value':
      return listValues(issue.values);
    case 'invalid_union':
      if (issue.discriminator && 'options' in issue && issue.options) return listValues(issue.options);
      return branchTypes(issue)?.join(' or ') ?? null;
    default:
      return null;
  }
}

/** When every member of a union failed on type alone: the types it would have accepted. */
function branchTypes(issue: z.core.$ZodIssueInvalidUnion): string[] | null {
  const types: string[] = [];
  for (const branch of issue.errors) {
    const only = branch.length === 1 ? branch[0] : undefined;
    if (!only || only.code !== 'invalid_type' || only.path.length > 0) return null;
    types.push(typeName(only.expected));
  }
  return types.length > 0 ? [...new Set(types)] : null;
}

/** The member of a union whose type matched but whose content did not: its issues explain best. */
function closestBranch(issue: z.core.$ZodIssueInvalidUnion): Issue[] | null {
  const typeMismatch = (i: Issue) => i.code === 'invalid_type' && i.path.length === 0;
  return issue.errors.find((branch) => branch.length > 0 && !branch.some(typeMismatch)) ?? null;
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, found: unknown, redactor: Redactor): string {
  const small = issue.code === 'too_small';
  const limit = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array') {
    const count = Array.isArray(found) ? found.length : 0;
    const bound = `${small ? 'at least' : 'at most'} ${limit} item${Number(limit) === 1 ? '' : 's'}`;
    return `expected ${bound}, got ${count === 0 ? 'an empty list' : `${count}`}`;
  }
  if (issue.origin === 'string') {
    if (small && Number(limit) === 1) return `expected a non-empty string, got ${quote(found, redactor)}`;
    return `expected ${small ? 'at least' : 'at most'} ${limit} characters, got ${quote(found, redactor)}`;
  }
  const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  const what = issue.origin === 'int' ? 'an integer' : 'a number';
  return `expected ${what} ${op} ${limit}, got ${quote(found, redactor)}`;
}

function unionMessage(issue: z.core.$ZodIssueInvalidUnion, found: unknown, redactor: Redactor): string {
  if (issue.discriminator && 'options' in issue && issue.options) {
    return `expected ${listValues(issue.options)}, got ${describeFound(found, redactor)}${didYouMean(found, issue.options)}`;
  }
  const types = branchTypes(issue);
  if (types) return `expected ${types.join(' or ')}, got ${describeFound(found, redactor)}`;
  return `expected a different value, got ${describeFound(found, redactor)}`;
}

/** The message for an issue about a value that is present. */
function describeIssue(issue: Issue, found: unknown, redactor: Redactor): string {
  if (hasSchemaMessage(issue)) return `${issue.message}, got ${quote(found, redactor)}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${typeName(issue.expected)}, got ${describeFound(found, redactor)}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue, found, redactor);
    case 'invalid_value':
      return `expected ${listValues(issue.values)}, got ${describeFound(found, redactor)}${didYouMean(found, issue.values)}`;
    case 'invalid_union':
      return unionMessage(issue, found, redactor);
    case 'invalid_format':
      return `expected a string matching ${issue.pattern ?? issue.format}, got ${quote(found, redactor)}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, got ${quote(found, redactor)}`;
    default:
      return `invalid value ${quote(found, redactor)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Issues to errors

function errorAt(where: SourceLocation, path: readonly PathKey[], message: string): ConfigError {
  return new ConfigError({ file: where.file, line: where.line, column: where.column, path: formatPath(path), message });
}

function unknownKeyErrors(issue: z.core.$ZodIssueUnrecognizedKeys, path: PathKey[], ctx: IssueContext): ConfigError[] {
  const allowed = path.length === 0 && ctx.topLevelKeys ? [...ctx.topLevelKeys] : allowedKeysAt(ctx.schema, path, ctx.data);
  return issue.keys.map((key) => {
    const suggestion = closestMatch(key, allowed);
    const hint = suggestion === null ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
    const message = `unknown field ${JSON.stringify(key)}${hint}; expected one of: ${allowed.join(', ')}`;
    return errorAt(locateKey(ctx.source, path, key), [...path, key], message);
  });
}

function missingFieldError(issue: Issue, path: PathKey[], ctx: IssueContext): ConfigError {
  const parent = path.slice(0, -1);
  const field = String(path[path.length - 1]);
  const expected = expectedOf(issue);
  const message = `missing required field ${JSON.stringify(field)}${expected ? ` (expected ${expected})` : ''}`;
  return errorAt(locatePath(ctx.source, parent), parent, message);
}

/** The errors one zod issue stands for, each at its place in the file. */
export function issueToErrors(issue: Issue, ctx: IssueContext): ConfigError[] {
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') return unknownKeyErrors(issue, path, ctx);
  if (isMissing(ctx.data, path)) return [missingFieldError(issue, path, ctx)];
  if (issue.code === 'invalid_union' && !issue.discriminator && !hasSchemaMessage(issue)) {
    const branch = closestBranch(issue);
    if (branch) return branch.flatMap((inner) => issueToErrors({ ...inner, path: [...path, ...inner.path] }, ctx));
  }
  const found = valueAt(ctx.data, path);
  return [errorAt(locatePath(ctx.source, path), path, describeIssue(issue, found, ctx.redactor))];
}
