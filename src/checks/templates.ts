/**
 * `{{name}}` templates of journey steps: variables extracted by earlier steps (or declared in
 * the journey's `variables`) are substituted into URLs, query values, headers and bodies at run
 * time. `${NAME}` environment secrets are a different thing, substituted when the config loads.
 *
 * A name is letters, digits and `_`, not starting with a digit; spaces inside the braces are
 * allowed (`{{ token }}`). There is no escape: a literal `{{` followed by a valid name and `}}`
 * is always a template.
 */

export const VARIABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TEMPLATE_RE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names used in a text, in order of appearance, without repeats. */
export function templateNames(text: string): string[] {
  return [...new Set([...text.matchAll(TEMPLATE_RE)].map((m) => m[1] as string))];
}

/** Every `{{name}}` used anywhere inside a JSON-like value (strings only; keys are not templated). */
export function templateNamesDeep(value: unknown): string[] {
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const n of templateNames(v)) names.add(n);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...names];
}

export class UnknownVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly known: readonly string[],
  ) {
    const defined = known.length > 0 ? `defined so far: ${known.join(', ')}` : 'no variables are defined yet';
    super(`unknown variable {{${variable}}} (${defined})`);
  }
}

/** Replaces each `{{name}}`; an unknown name throws `UnknownVariableError`. */
export function renderTemplate(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(TEMPLATE_RE, (_, name: string) => {
    const value = vars.get(name);
    if (value === undefined) throw new UnknownVariableError(name, [...vars.keys()]);
    return value;
  });
}

/** `renderTemplate` on every string inside a JSON-like value; returns a copy. */
export function renderTemplateDeep<T>(value: T, vars: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') return renderTemplate(value, vars) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => renderTemplateDeep(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderTemplateDeep(v, vars);
    return out as T;
  }
  return value;
}

/** The text with every template replaced by a placeholder, to validate a templated URL's shape. */
export function withPlaceholders(text: string): string {
  return text.replace(TEMPLATE_RE, 'x');
}
