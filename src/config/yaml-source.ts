/**
 * One YAML file of the status repo, parsed with positions kept, and the ways to find the place
 * in it that a field path (`['checks', 0, 'url']`) refers to.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLError } from 'yaml';
import type { SourceLocation } from './types.ts';

export type PathKey = string | number;

export interface SourceFile {
  /** Path relative to the status repo, posix slashes. */
  file: string;
  doc: Document;
  lineCounter: LineCounter;
}

export type ContentShape = 'mapping' | 'empty' | 'sequence' | 'scalar';

export interface YamlProblem {
  location: SourceLocation;
  message: string;
}

export function parseSource(file: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  return { file, doc, lineCounter };
}

/** `checks[0].headers["X-Token"]` */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

export function locationAt(source: SourceFile, offset: number): SourceLocation {
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, column: col };
}

function nodeStart(node: unknown): number | null {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return null;
}

/** Start of the file, for problems with the file as a whole. */
export function fileStart(file: string): SourceLocation {
  return { file, line: 1, column: 1 };
}

/** What the top level of the file holds. */
export function contentShape(source: SourceFile): ContentShape {
  const contents = source.doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return 'empty';
  if (isMap(contents)) return 'mapping';
  if (isSeq(contents)) return 'sequence';
  return 'scalar';
}

function keyName(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function resolveAlias(source: SourceFile, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.doc) : node;
}

function findPair(map: unknown, key: PathKey): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => keyName(pair.key) === String(key));
}

/** `key:` with nothing after it: a null scalar that takes no room in the source. */
function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

/** One step down from `node` along `key`, or undefined when there is no such child. */
function childOf(source: SourceFile, node: unknown, key: PathKey): unknown {
  const target = resolveAlias(source, node);
  if (isMap(target)) return findPair(target, key)?.value ?? undefined;
  if (isSeq(target) && typeof key === 'number') return target.items[key];
  return undefined;
}

/** The deepest node along `path` that exists, and how many path steps it took to reach it. */
export function deepestNode(source: SourceFile, path: readonly PathKey[]): { node: unknown; depth: number } {
  let node: unknown = source.doc.contents;
  let depth = 0;
  for (const key of path) {
    const next = childOf(source, node, key);
    if (next === undefined || next === null || nodeStart(next) === null || isEmptyScalar(next)) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

/** Where the value at `path` is written, or its closest written ancestor. */
export function locatePath(source: SourceFile, path: readonly PathKey[]): SourceLocation {
  const { node, depth } = deepestNode(source, path);
  // An empty value (`url:`) has no node of its own: point at its key instead.
  if (depth < path.length) {
    const pair = findPair(resolveAlias(source, node), path[depth] as PathKey);
    const keyStart = nodeStart(pair?.key);
    if (keyStart !== null) return locationAt(source, keyStart);
  }
  const start = nodeStart(resolveAlias(source, node)) ?? nodeStart(node);
  return start === null ? fileStart(source.file) : locationAt(source, start);
}

/** Where the key `key` of the mapping at `path` is written. */
export function locateKey(source: SourceFile, path: readonly PathKey[], key: string): SourceLocation {
  const { node, depth } = deepestNode(source, path);
  const pair = depth === path.length ? findPair(resolveAlias(source, node), key) : undefined;
  const start = nodeStart(pair?.key);
  return start === null ? locatePath(source, path) : locationAt(source, start);
}

/** Calls `visit` for every scalar that is a value (not a key), with its field path. Aliases are not followed. */
export function forEachValueScalar(
  node: unknown,
  path: PathKey[],
  visit: (scalar: Node & { value: unknown }, path: PathKey[]) => void,
): void {
  if (isMap(node)) {
    for (const pair of node.items) forEachValueScalar(pair.value, [...path, keyName(pair.key)], visit);
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => forEachValueScalar(item, [...path, i], visit));
  } else if (isScalar(node)) {
    visit(node, path);
  }
}

/** Every mapping in the document, aliases not followed. */
function collectMaps(node: unknown, out: Node[] = []): Node[] {
  if (isMap(node)) {
    out.push(node);
    for (const pair of node.items) {
      collectMaps(pair.key, out);
      collectMaps(pair.value, out);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) collectMaps(item, out);
  } else if (isPair(node)) {
    collectMaps(node.value, out);
  }
  return out;
}

function duplicateKeyMessage(source: SourceFile, offset: number): string {
  for (const map of collectMaps(source.doc.contents)) {
    if (!isMap(map)) continue;
    const duplicate = map.items.find((pair) => nodeStart(pair.key) === offset);
    if (!duplicate) continue;
    const name = keyName(duplicate.key);
    const first = map.items.find((pair) => pair !== duplicate && keyName(pair.key) === name);
    const firstStart = nodeStart(first?.key);
    const where = firstStart === null ? '' : ` (first defined at line ${locationAt(source, firstStart).line})`;
    return `duplicate key ${JSON.stringify(name)}${where}: a key may appear only once in a mapping`;
  }
  return 'duplicate key: a key may appear only once in a mapping';
}

function yamlErrorMessage(source: SourceFile, error: YAMLError): string {
  if (error.code === 'DUPLICATE_KEY') return duplicateKeyMessage(source, error.pos[0]);
  if (error.code === 'MULTIPLE_DOCS') return 'invalid YAML: expected one document per file, found a "---" that starts another';
  const text = error.message.replace(/\s+/g, ' ').trim();
  return `invalid YAML: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** Aliases (`*name`) that point at no anchor: the YAML parser does not report them. */
function unresolvedAliases(source: SourceFile, node: unknown, out: YamlProblem[] = []): YamlProblem[] {
  if (isAlias(node)) {
    if (node.resolve(source.doc) === undefined) {
      const start = nodeStart(node) ?? 0;
      out.push({ location: locationAt(source, start), message: `invalid YAML: alias "*${node.source}" refers to no anchor "&${node.source}"` });
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      unresolvedAliases(source, pair.key, out);
      unresolvedAliases(source, pair.value, out);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) unresolvedAliases(source, item, out);
  }
  return out;
}

/** Syntax errors (including duplicate keys), each at its position. */
export function yamlErrors(source: SourceFile): YamlProblem[] {
  const errors = source.doc.errors.map((error) => ({
    location: locationAt(source, error.pos[0]),
    message: yamlErrorMessage(source, error),
  }));
  return errors.length > 0 ? errors : unresolvedAliases(source, source.doc.contents);
}

export function yamlWarnings(source: SourceFile): YamlProblem[] {
  return source.doc.warnings.map((warning) => ({
    location: locationAt(source, warning.pos[0]),
    message: `YAML: ${warning.message.replace(/\s+/g, ' ').trim()}`,
  }));
}
