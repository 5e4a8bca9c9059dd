/**
 * A small, documented subset of JSONPath that points at ONE value, for assertions, health
 * mappings and journey extraction. No dependency, no `eval`, no wildcards or filters.
 *
 * Grammar: `$` followed by any number of
 * - `.name` (letters, digits, `_`, `-`, `$`),
 * - `['name']` or `["name"]` (any key; `\'`, `\"` and `\\` escape),
 * - `[n]` (array index; negative counts from the end: `[-1]` is the last item).
 *
 * Examples: `$.status`, `$.checks.db.healthy`, `$.items[0].id`, `$['x-request-id']`, `$.list[-1]`.
 */

export type PathSegment = string | number;

export interface ParsedPath {
  source: string;
  segments: PathSegment[];
}

/** Parses a path; returns the reason it is invalid as a string. */
export function parseJsonPath(source: string): ParsedPath | string {
  const s = source.trim();
  if (!s.startsWith('$')) return 'expected a JSON path starting with "$", such as "$.status" or "$.items[0].id"';
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      const m = /^[A-Za-z0-9_$-]+/.exec(s.slice(i + 1));
      if (!m) return `expected a name after "." at position ${i + 1} of "${s}"`;
      segments.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = s.slice(i + 1);
      const index = /^\s*(-?\d+)\s*\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += 1 + index[0].length;
        continue;
      }
      const quote = rest[0];
      if (quote !== "'" && quote !== '"') return `expected [index] or ['name'] at position ${i} of "${s}"`;
      let j = 1;
      let name = '';
      while (j < rest.length && rest[j] !== quote) {
        if (rest[j] === '\\' && j + 1 < rest.length) j += 1;
        name += rest[j];
        j += 1;
      }
      if (rest[j] !== quote || rest[j + 1] !== ']') return `unclosed [${quote}...${quote}] at position ${i} of "${s}"`;
      segments.push(name);
      i += 1 + j + 2;
    } else {
      return `unexpected "${c}" at position ${i} of "${s}" (supported: $.name, $['name'], $[0])`;
    }
  }
  return { source: s, segments };
}

/** The result of evaluating a path: the value, or nothing (`found: false`). */
export type PathValue = { found: true; value: unknown } | { found: false };

export function evaluateJsonPath(path: ParsedPath, root: unknown): PathValue {
  let current: unknown = root;
  for (const seg of path.segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const index = seg < 0 ? current.length + seg : seg;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, seg)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: current };
}

/** Parses and evaluates; throws on an invalid path (paths are validated when the config loads). */
export function queryJsonPath(source: string, root: unknown): PathValue {
  const parsed = parseJsonPath(source);
  if (typeof parsed === 'string') throw new Error(`invalid JSON path "${source}": ${parsed}`);
  return evaluateJsonPath(parsed, root);
}
