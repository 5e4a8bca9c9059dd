/**
 * Gatus endpoint conditions (`[STATUS] == 200`, `[RESPONSE_TIME] < 300`, `[BODY].status == UP`,
 * `[CERTIFICATE_EXPIRATION] > 48h`, `[CONNECTED] == true`, ...) to the parts of a Cairn check.
 *
 * Each condition either maps to a field of the check (`expectStatus`, `thresholds.down`,
 * `assert.body`, `assert.json`, the `expect` of a dns check), to a companion tls check (the
 * certificate expiry), is implied by the Cairn check kind (`[CONNECTED] == true`,
 * `[DNS_RCODE] == NOERROR`), or is returned as unsupported with the reason.
 */
import { parseGoDuration } from './peer.ts';

export type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Condition {
  text: string;
  left: string;
  op: Op;
  right: string;
}

const COND_RE = /^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.*?)\s*$/;

export function parseCondition(text: string): Condition | null {
  const m = COND_RE.exec(text);
  if (!m) return null;
  return { text, left: m[1] as string, op: m[2] as Op, right: m[3] as string };
}

/** What the conditions of one endpoint add to its Cairn check. */
export interface ConditionParts {
  expectStatus: (number | string)[] | null;
  thresholdDownMs: number | null;
  body: { contains: string[]; notContains: string[]; matches: string[] };
  json: Record<string, unknown>[];
  /** Days below which the certificate is critical (from `[CERTIFICATE_EXPIRATION] > ...`). */
  certificateDays: number | null;
  /** dns: expected answers. */
  dnsExpect: string[];
  unsupported: { condition: string; reason: string }[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Gatus' `pat()` globs: `*` any run of characters. */
function globToRegex(glob: string): string {
  return `^${glob.split('*').map(escapeRegex).join('.*')}$`;
}

/** `any(a, b)` → [a, b]; `pat(x)` → { pat: x }; else the literal. */
function rightValue(right: string): { any: string[] } | { pat: string } | { literal: string } {
  const any = /^any\((.*)\)$/.exec(right);
  if (any) return { any: (any[1] as string).split(',').map((s) => s.trim()) };
  const pat = /^pat\((.*)\)$/.exec(right);
  if (pat) return { pat: pat[1] as string };
  return { literal: right };
}

/** A JSON value from Gatus' text: numbers and booleans as such, the rest as strings. */
function jsonLiteral(s: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return s;
}

/** `[BODY].data[0].id` → `$.data[0].id`; null when it is not a plain path. */
function jsonPathOf(left: string): string | null {
  const m = /^\[BODY\]((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+)$/.exec(left);
  if (!m) return null;
  const parts = (m[1] as string).match(/\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]/g) ?? [];
  return `$${parts.map((p) => (p.startsWith('.') && p.includes('-') ? `["${p.slice(1)}"]` : p)).join('')}`;
}

/** Status codes from a `[STATUS]` condition, or null when it cannot be written as Cairn's list. */
function statusCodes(op: Op, right: string): (number | string)[] | null {
  const v = rightValue(right);
  if ('any' in v) return op === '==' && v.any.every((s) => /^[1-5]\d\d$/.test(s)) ? v.any.map(Number) : null;
  if ('pat' in v) {
    const m = /^([1-5])(\*|xx)$/i.exec(v.pat);
    return op === '==' && m ? [`${m[1]}xx`] : null;
  }
  if (!/^\d+$/.test(v.literal)) return null;
  const n = Number(v.literal);
  const range = (lo: number, hi: number) => (lo > hi || lo < 100 || hi > 599 ? null : [lo === hi ? lo : `${lo}-${hi}`]);
  switch (op) {
    case '==':
      return n >= 100 && n <= 599 ? [n] : null;
    case '<':
      return range(100, n - 1);
    case '<=':
      return range(100, n);
    case '>':
      return range(n + 1, 599);
    case '>=':
      return range(n, 599);
    default:
      return null;
  }
}

/** Intersects two lists of accepted codes when both are single ranges (`[STATUS] >= 200`, `[STATUS] < 300`). */
function intersect(a: (number | string)[], b: (number | string)[]): (number | string)[] | null {
  const bounds = (x: (number | string)[]) => {
    if (x.length !== 1) return null;
    const v = x[0] as number | string;
    if (typeof v === 'number') return [v, v] as const;
    const m = /^(\d{3})-(\d{3})$/.exec(v);
    return m ? ([Number(m[1]), Number(m[2])] as const) : null;
  };
  const p = bounds(a);
  const q = bounds(b);
  if (!p || !q) return null;
  const lo = Math.max(p[0], q[0]);
  const hi = Math.min(p[1], q[1]);
  if (lo > hi) return null;
  return [lo === hi ? lo : `${lo}-${hi}`];
}

export type EndpointKind = 'http' | 'tcp' | 'tls' | 'icmp' | 'dns';

export function convertConditions(conditions: readonly string[], kind: EndpointKind): ConditionParts {
  const parts: ConditionParts = {
    expectStatus: null,
    thresholdDownMs: null,
    body: { contains: [], notContains: [], matches: [] },
    json: [],
    certificateDays: null,
    dnsExpect: [],
    unsupported: [],
  };
  const no = (condition: string, reason: string) => parts.unsupported.push({ condition, reason });
  for (const text of conditions) {
    const c = parseCondition(text);
    if (!c) {
      no(text, 'not a condition Cairn can read');
      continue;
    }
    const left = c.left.trim();
    const right = c.right.trim();
    const value = rightValue(right);
    if (left === '[STATUS]') {
      if (kind !== 'http') {
        no(text, `[STATUS] on a ${kind} endpoint`);
        continue;
      }
      const codes = statusCodes(c.op, right);
      const merged = codes && parts.expectStatus ? intersect(parts.expectStatus, codes) : codes;
      if (!merged) no(text, 'status condition Cairn\'s expectStatus cannot express (it takes codes, classes such as 2xx, and ranges)');
      else parts.expectStatus = merged;
    } else if (left === '[RESPONSE_TIME]') {
      const ms = /^\d+$/.test(right) ? Number(right) : parseGoDuration(right);
      if ((c.op === '<' || c.op === '<=') && ms !== null && ms > 0) {
        parts.thresholdDownMs = Math.min(parts.thresholdDownMs ?? Infinity, ms);
      } else no(text, 'only an upper bound on the response time (< or <=) maps to thresholds.down');
    } else if (left === '[CONNECTED]') {
      if (!(c.op === '==' && right === 'true')) no(text, 'only [CONNECTED] == true (what every Cairn check requires)');
      // Implied: every Cairn check is down when it cannot connect.
    } else if (left === '[CERTIFICATE_EXPIRATION]') {
      const ms = parseGoDuration(right);
      if ((c.op === '>' || c.op === '>=') && ms !== null && (kind === 'http' || kind === 'tls')) {
        parts.certificateDays = Math.max(parts.certificateDays ?? 0, Math.ceil(ms / 86_400_000));
      } else no(text, 'only [CERTIFICATE_EXPIRATION] > <duration> on an https or tls endpoint maps (to a tls check)');
    } else if (left === '[DNS_RCODE]') {
      if (!(kind === 'dns' && c.op === '==' && right === 'NOERROR')) no(text, 'only [DNS_RCODE] == NOERROR (what a Cairn dns check requires)');
    } else if (left === '[BODY]' && kind === 'dns') {
      if (c.op === '==' && 'literal' in value) parts.dnsExpect.push(value.literal);
      else if (c.op === '==' && 'any' in value) {
        no(text, 'a Cairn dns check expects all its values by default; any() is written as match: any only when it is the one body condition');
        parts.dnsExpect.push(...value.any);
      } else no(text, 'only [BODY] == <answer> on a dns endpoint');
    } else if (left === '[BODY]' && kind === 'http') {
      if (c.op === '==' && 'literal' in value) parts.body.matches.push(`^${escapeRegex(value.literal)}$`);
      else if (c.op === '==' && 'pat' in value) {
        const inner = /^\*([^*]+)\*$/.exec(value.pat);
        if (inner) parts.body.contains.push(inner[1] as string);
        else parts.body.matches.push(globToRegex(value.pat));
      } else if (c.op === '==' && 'any' in value) parts.body.matches.push(`^(${value.any.map(escapeRegex).join('|')})$`);
      else if (c.op === '!=' && 'pat' in value && /^\*([^*]+)\*$/.test(value.pat)) parts.body.notContains.push(/^\*([^*]+)\*$/.exec(value.pat)?.[1] as string);
      else no(text, 'this comparison of the whole body');
    } else if (left.startsWith('[BODY]') && kind === 'http') {
      const jsonPath = jsonPathOf(left);
      if (!jsonPath) {
        no(text, 'not a plain JSON path');
        continue;
      }
      const a: Record<string, unknown> = { path: jsonPath };
      if ('any' in value) {
        if (c.op !== '==') {
          no(text, 'any() with another operator than ==');
          continue;
        }
        a['matches'] = `^(${value.any.map(escapeRegex).join('|')})$`;
      } else if ('pat' in value) {
        if (c.op !== '==') {
          no(text, 'pat() with another operator than ==');
          continue;
        }
        a['matches'] = globToRegex(value.pat);
      } else {
        const lit = jsonLiteral(value.literal);
        const numeric = typeof lit === 'number';
        const opKey = { '==': 'equals', '!=': 'notEquals', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' }[c.op];
        if (!numeric && !['==', '!='].includes(c.op)) {
          no(text, 'an ordering comparison with something other than a number');
          continue;
        }
        a[opKey] = lit;
      }
      parts.json.push(a);
    } else if (/^(len|has)\(/.test(left)) {
      const has = /^has\((\[BODY\][^)]*)\)$/.exec(left);
      const jsonPath = has ? jsonPathOf(has[1] as string) : null;
      if (has && jsonPath && c.op === '==' && (right === 'true' || right === 'false')) parts.json.push({ path: jsonPath, exists: right === 'true' });
      else no(text, `${left.slice(0, 3)}() has no Cairn assertion`);
    } else if (left === '[DOMAIN_EXPIRATION]') {
      no(text, 'domain expiry is not a condition of a Cairn check');
    } else if (left === '[IP]') {
      no(text, 'Cairn checks do not assert the resolved IP address (use a dns check with expect)');
    } else {
      no(text, `${left} has no Cairn equivalent for this endpoint`);
    }
  }
  return parts;
}
