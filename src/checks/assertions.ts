/**
 * Assertions on an HTTP response (body text, JSON paths, headers, size), each failure as one
 * sentence: `expected body to contain "ok"`, `$.status: expected "pass", got "fail"`,
 * `expected JSON but got text/html ("<!doctype html>…")`. Pure: no I/O.
 */
import { isDeepStrictEqual } from 'node:util';
import { cut } from '../config/secrets.ts';
import type { ResolvedAssertions } from '../config/types.ts';
import { queryJsonPath } from './jsonpath.ts';

/** What the assertions look at: the part of the body that was read, and the headers. */
export interface ResponseView {
  /** Header names lowercased, as node and undici give them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as read (at most `maxBodyBytes`). */
  body: Buffer;
  /** Whether reading stopped at `maxBodyBytes` before the end of the body. */
  truncated: boolean;
  maxBodyBytes: number;
}

const MAX_SNIPPET = 40;
const MAX_VALUE = 80;

/**
 * The start of a text, one line, for messages: `"<!doctype html>…"`. Cut with the marked `cut`:
 * the engine's redaction then also masks a part of a secret the cut left.
 */
export function snippet(text: string, max = MAX_SNIPPET): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(cut(flat, max + 1));
}

/** A JSON value for messages: strings quoted, long values cut. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return cut(text, MAX_VALUE + 1);
}

export function headerValue(headers: ResponseView['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `text/html` from `text/html; charset=utf-8`; null without a content-type. */
export function mediaType(headers: ResponseView['headers']): string | null {
  const value = headerValue(headers, 'content-type');
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type ? type : null;
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The body parsed as JSON, whatever its content-type says (many APIs send JSON as text/plain);
 * when it does not parse, a sentence saying what came instead.
 */
export function parseJsonBody(response: ResponseView, what = 'JSON'): JsonBody {
  const text = response.body.toString('utf8');
  const type = mediaType(response.headers);
  if (response.truncated) {
    return { ok: false, error: `expected ${what} but the body is larger than maxBodyBytes (${response.maxBodyBytes} bytes) and was cut there` };
  }
  if (text.trim() === '') return { ok: false, error: `expected ${what} but the body is empty${type ? ` (${type})` : ''}` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    if (type !== null && /[/+]json$/.test(type)) {
      const reason = err instanceof Error ? err.message : String(err);
      return { ok: false, error: `expected ${what} but the ${type} body is not valid JSON (${reason}): ${snippet(text)}` };
    }
    return { ok: false, error: `expected ${what} but got ${type ?? 'a body without content-type'} (${snippet(text)})` };
  }
}

function regex(source: string): RegExp {
  return new RegExp(source, 'u');
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

const COMPARISONS = {
  gt: { words: 'greater than', test: (a: number, b: number) => a > b },
  gte: { words: 'of at least', test: (a: number, b: number) => a >= b },
  lt: { words: 'less than', test: (a: number, b: number) => a < b },
  lte: { words: 'of at most', test: (a: number, b: number) => a <= b },
} as const;

/** What a JSON operator expects, as the start of a sentence: `expected "pass"`. */
function expectation(op: ResolvedAssertions['json'][number]['op'], value: unknown): string {
  switch (op) {
    case 'equals':
      return `expected ${formatValue(value)}`;
    case 'notEquals':
      return `expected a value other than ${formatValue(value)}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `expected a number ${COMPARISONS[op].words} ${formatValue(value)}`;
    case 'contains':
      return `expected a string or list containing ${formatValue(value)}`;
    case 'matches':
      return `expected a value matching /${String(value)}/`;
    case 'exists':
      return value === false ? 'expected no value' : 'expected a value';
  }
}

/** One JSON assertion: null when it holds, else the sentence. */
export function checkJsonAssertion(assertion: ResolvedAssertions['json'][number], document: unknown): string | null {
  const { path, op, value } = assertion;
  const found = queryJsonPath(path, document);
  const expected = expectation(op, value);
  if (!found.found) {
    if (op === 'exists' && value === false) return null;
    return `${path}: ${expected}, but the path does not exist`;
  }
  const actual = found.value;
  const got = `${path}: ${expected}, got ${formatValue(actual)}`;
  switch (op) {
    case 'equals':
      return isDeepStrictEqual(actual, value) ? null : got;
    case 'notEquals':
      return isDeepStrictEqual(actual, value) ? got : null;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = asNumber(actual);
      return n !== null && COMPARISONS[op].test(n, value as number) ? null : got;
    }
    case 'contains':
      if (typeof actual === 'string') return actual.includes(String(value)) ? null : `${path}: expected a string containing ${formatValue(String(value))}, got ${formatValue(actual)}`;
      if (Array.isArray(actual)) return actual.some((item) => isDeepStrictEqual(item, value)) ? null : `${path}: expected a list containing ${formatValue(value)}, got ${formatValue(actual)}`;
      return got;
    case 'matches':
      return (typeof actual === 'string' || typeof actual === 'number') && regex(String(value)).test(String(actual)) ? null : got;
    case 'exists':
      return value === false ? `${path}: expected no value, got ${formatValue(actual)}` : null;
  }
}

function checkHeader(assertion: ResolvedAssertions['headers'][number], headers: ResponseView['headers']): string | null {
  const { name, op, value } = assertion;
  const actual = headerValue(headers, name);
  if (op === 'exists') {
    if (value === false) return actual === undefined ? null : `expected header ${name} to be absent, got ${formatValue(actual)}`;
    return actual === undefined ? `expected header ${name} to be present` : null;
  }
  const wanted = String(value);
  const expected =
    op === 'equals' ? `to be ${formatValue(wanted)}` : op === 'contains' ? `to contain ${formatValue(wanted)}` : `to match /${wanted}/`;
  if (actual === undefined) return `expected header ${name} ${expected}, but it is missing`;
  const holds =
    op === 'equals' ? actual === wanted : op === 'contains' ? actual.toLowerCase().includes(wanted.toLowerCase()) : regex(wanted).test(actual);
  return holds ? null : `expected header ${name} ${expected}, got ${formatValue(actual)}`;
}

/** Every failing assertion as a sentence, in the order: size, headers, body, JSON. */
export function evaluateAssertions(assert: ResolvedAssertions, response: ResponseView): string[] {
  const failures: string[] = [];
  const size = response.body.length;
  const { min, max } = assert.size;
  if (max !== null && (size > max || response.truncated)) {
    const got = response.truncated ? `more than ${size} (reading stopped at maxBodyBytes)` : String(size);
    failures.push(`expected a body of at most ${max} bytes, got ${got}`);
  }
  if (min !== null && size < min && !response.truncated) failures.push(`expected a body of at least ${min} bytes, got ${size}`);

  for (const h of assert.headers) {
    const failure = checkHeader(h, response.headers);
    if (failure) failures.push(failure);
  }

  const text = response.body.toString('utf8');
  const partial = response.truncated ? ` (in the first ${size} bytes read; see maxBodyBytes)` : '';
  for (const s of assert.body.contains) if (!text.includes(s)) failures.push(`expected body to contain ${formatValue(s)}${partial}`);
  for (const s of assert.body.notContains) if (text.includes(s)) failures.push(`expected body not to contain ${formatValue(s)}`);
  for (const r of assert.body.matches) if (!regex(r).test(text)) failures.push(`expected body to match /${r}/${partial}`);

  if (assert.json.length > 0) {
    const json = parseJsonBody(response);
    if (!json.ok) failures.push(json.error);
    else {
      for (const a of assert.json) {
        const failure = checkJsonAssertion(a, json.value);
        if (failure) failures.push(failure);
      }
    }
  }
  return failures;
}

/** One sentence for a list of failures: the first, and how many more. */
export function summarizeFailures(failures: readonly string[]): string | null {
  if (failures.length === 0) return null;
  const more = failures.length - 1;
  return more === 0 ? (failures[0] as string) : `${failures[0]} (and ${more} more failed assertion${more === 1 ? '' : 's'})`;
}
