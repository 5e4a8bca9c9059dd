/**
 * `${NAME}` substitution from the environment, in every string value of a YAML file (keys are
 * left alone). `$${NAME}` is written for a literal `${NAME}`.
 */
import { forEachValueScalar, formatPath, locatePath, type PathKey, type SourceFile } from './yaml-source.ts';
import type { SourceLocation } from './types.ts';

export type Env = Record<string, string | undefined>;

/** `$${`, or `${` followed (if well formed) by a name and `}`. */
const REFERENCE_RE = /\$\$\{|\$\{(?:([A-Za-z_][A-Za-z0-9_]*)\})?/g;

export interface Expansion {
  value: string;
  /** Variables referenced but unset; their references are left as written. */
  missing: string[];
  /** `${` not followed by a valid name and `}`, as written (shortened). */
  malformed: string[];
  /** The variables substituted, with their values. */
  used: { name: string; value: string }[];
  /** True when the whole text was exactly one `${NAME}` that was substituted. */
  whole: boolean;
}

/** The malformed reference starting at `index`, as written: `${1X}`, `${FOO` (at most 24 characters). */
function malformedSnippet(text: string, index: number): string {
  return /^\$\{[^}\s]{0,20}\}?/.exec(text.slice(index))?.[0] ?? '${';
}

/** Expands the references in one string. Pure. */
export function expandReferences(text: string, env: Env): Expansion {
  const result: Expansion = { value: '', missing: [], malformed: [], used: [], whole: false };
  let last = 0;
  for (const match of text.matchAll(REFERENCE_RE)) {
    const index = match.index;
    result.value += text.slice(last, index);
    last = index + match[0].length;
    const name = match[1];
    if (match[0] === '$${') {
      result.value += '${';
    } else if (name === undefined) {
      result.value += match[0];
      result.malformed.push(malformedSnippet(text, index));
    } else {
      const value = env[name];
      if (value === undefined) {
        result.value += match[0];
        if (!result.missing.includes(name)) result.missing.push(name);
      } else {
        result.value += value;
        result.used.push({ name, value });
        result.whole = match[0] === text;
      }
    }
  }
  result.value += text.slice(last);
  return result;
}

export interface Substitution {
  path: PathKey[];
  name: string;
  value: string;
  /** The scalar was exactly this one reference (so a number may be meant, as in `port: ${PORT}`). */
  whole: boolean;
}

export interface EnvProblem {
  location: SourceLocation;
  path: string;
  message: string;
}

export interface FileSubstitution {
  substitutions: Substitution[];
  errors: EnvProblem[];
  warnings: EnvProblem[];
  /** Paths whose value still holds an unset `${NAME}`. */
  unresolved: PathKey[][];
}

function missingMessage(name: string): string {
  return `environment variable ${name} is not set (referenced as \${${name}}; write $\${${name}} for a literal)`;
}

/**
 * Substitutes every reference in the string values of `source`'s document, in place.
 * With `keepMissing`, an unset variable stays written as `${NAME}` and is not an error.
 */
export function substituteEnv(source: SourceFile, env: Env, keepMissing: boolean): FileSubstitution {
  const out: FileSubstitution = { substitutions: [], errors: [], warnings: [], unresolved: [] };
  forEachValueScalar(source.doc.contents, [], (scalar, path) => {
    if (typeof scalar.value !== 'string' || !scalar.value.includes('${')) return;
    const expansion = expandReferences(scalar.value, env);
    scalar.value = expansion.value;
    const where = () => ({ location: locatePath(source, path), path: formatPath(path) });
    for (const text of expansion.malformed) {
      out.errors.push({
        ...where(),
        message: `expected an environment reference such as \${API_TOKEN} (a name of letters, digits and "_", not starting with a digit), got "${text}"; write $\${ for a literal "\${"`,
      });
    }
    if (!keepMissing) for (const name of expansion.missing) out.errors.push({ ...where(), message: missingMessage(name) });
    if (expansion.missing.length > 0) out.unresolved.push(path);
    for (const { name, value } of expansion.used) {
      out.substitutions.push({ path, name, value, whole: expansion.whole });
      if (value === '') out.warnings.push({ ...where(), message: `environment variable ${name} is set but empty` });
    }
  });
  return out;
}
