/**
 * Journeys: an ordered list of HTTP steps run as one check (log in, create an order, read it).
 *
 * Each step is an http request with its own expectStatus and assertions, and may extract values
 * (a JSON path, a header, a regex on either or on the body) into variables that later steps use
 * as `{{name}}` in their URL, query, headers and body. The journey stops at the first failing
 * step and names it: `step 2 "create order": expected status 201, got 500` style sentences
 * (the step's own error after the step's number and name).
 *
 * Extracted values may be tokens: they are never written into the result, and any that appears
 * in an error (an echoed URL, a quoted value) is replaced by [REDACTED]. One cookie jar per run:
 * cookies set by a response are sent by the later steps to the same host.
 *
 * `details.steps: [{name, status: up|down|skipped, statusCode, totalMs, error}]`; the result's
 * response time is the sum of the steps' times; the check's timeout covers the whole journey.
 */
import type { ExtractionSpec, JourneyStepSpec, ResolvedJourneyCheck } from '../config/types.ts';
import { Redactor } from '../config/secrets.ts';
import { headerValue, parseJsonBody } from './assertions.ts';
import { exchange, responseProblem, type CookieStore, type HttpResponse } from './http.ts';
import { queryJsonPath } from './jsonpath.ts';
import { renderTemplate, renderTemplateDeep, UnknownVariableError } from './templates.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

export interface StepResult {
  name: string;
  status: 'up' | 'down' | 'skipped';
  statusCode: number | null;
  totalMs: number | null;
  error: string | null;
}

/** A minimal cookie jar: name=value per host (and its subdomains for a Domain attribute). */
export class CookieJar implements CookieStore {
  readonly #cookies = new Map<string, { value: string; domain: string; hostOnly: boolean }>();

  store(url: URL, setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let domain = url.hostname;
      let hostOnly = true;
      let expired = false;
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=').map((s) => s.trim());
        const key = k.toLowerCase();
        if (key === 'domain' && v) {
          const d = v.replace(/^\./, '').toLowerCase();
          // A server may only set cookies for its own domain.
          if (url.hostname === d || url.hostname.endsWith(`.${d}`)) {
            domain = d;
            hostOnly = false;
          }
        } else if (key === 'max-age' && Number(v) <= 0) expired = true;
        else if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${domain}\n${name}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { value, domain, hostOnly });
    }
  }

  cookieHeader(url: URL): string | null {
    const host = url.hostname;
    const pairs: string[] = [];
    for (const [id, c] of this.#cookies) {
      const matches = c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`);
      if (matches) pairs.push(`${id.slice(id.indexOf('\n') + 1)}=${c.value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : null;
  }
}

/** The step with `{{variables}}` substituted in its URL, query, headers and body. */
export function renderStep(step: JourneyStepSpec, vars: ReadonlyMap<string, string>): JourneyStepSpec {
  return {
    ...step,
    url: renderTemplate(step.url, vars),
    query: renderTemplateDeep(step.query, vars),
    headers: renderTemplateDeep(step.headers, vars),
    body: renderTemplateDeep(step.body, vars),
  };
}

function firstGroup(pattern: string, text: string): string | null {
  const m = new RegExp(pattern, 'u').exec(text);
  if (!m) return null;
  return m[1] ?? m[0];
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One extracted value, or the sentence why there is none. */
export function extractValue(name: string, spec: ExtractionSpec, response: HttpResponse): { value: string } | { error: string } {
  const fail = (why: string) => ({ error: `could not extract "${name}": ${why}` });
  let source: string;
  let what: string;
  if (spec.header !== null) {
    const header = headerValue(response.headers, spec.header);
    if (header === undefined) return fail(`the response has no ${spec.header} header`);
    source = header;
    what = `the ${spec.header} header`;
  } else if (spec.json !== null) {
    const json = parseJsonBody(response);
    if (!json.ok) return fail(json.error);
    const found = queryJsonPath(spec.json, json.value);
    if (!found.found || found.value === null) return fail(`${spec.json} is ${found.found ? 'null' : 'missing'} in the response`);
    source = asText(found.value);
    what = spec.json;
  } else {
    source = response.body.toString('utf8');
    what = 'the response body';
  }
  if (spec.regex === null) return { value: source };
  const value = firstGroup(spec.regex, source);
  // The text itself is not quoted: it may be a token.
  return value === null ? fail(`${what} does not match /${spec.regex}/`) : { value };
}

function stepLabel(index: number, step: JourneyStepSpec): string {
  return `step ${index + 1} ${JSON.stringify(step.name)}`;
}

async function attempt(check: ResolvedJourneyCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const vars = new Map(Object.entries(check.variables));
  const extracted = new Redactor();
  const jar = new CookieJar();
  const steps: StepResult[] = check.steps.map((s) => ({ name: s.name, status: 'skipped', statusCode: null, totalMs: null, error: null }));
  let totalMs = 0;
  let lastStatusCode: number | undefined;

  const finish = (failed: number | null, error: string | null): AttemptOutcome => {
    const safeSteps = steps.map((s) => ({ ...s, error: s.error === null ? null : extracted.redact(s.error) }));
    const details: Record<string, unknown> = { steps: safeSteps, ...(failed === null ? {} : { failedStep: failed + 1 }) };
    if (failed === null) return { status: 'up', responseTimeMs: totalMs, error: null, details, ...(lastStatusCode === undefined ? {} : { statusCode: lastStatusCode }) };
    return {
      status: 'down',
      responseTimeMs: null,
      error: error === null ? null : extracted.redact(error),
      details,
      ...(lastStatusCode === undefined ? {} : { statusCode: lastStatusCode }),
    };
  };

  for (const [i, raw] of check.steps.entries()) {
    const result = steps[i] as StepResult;
    const fail = (error: string) => {
      result.status = 'down';
      result.error = error;
      return finish(i, `${stepLabel(i, raw)}: ${error}`);
    };
    let step: JourneyStepSpec;
    try {
      step = renderStep(raw, vars);
    } catch (err) {
      if (err instanceof UnknownVariableError) return fail(err.message);
      throw err;
    }
    const ex = await exchange(step, ctx, { trust: check, keepBody: true, cookies: jar });
    if (!ex.ok) {
      result.statusCode = ex.statusCode;
      if (ex.statusCode !== null) lastStatusCode = ex.statusCode;
      return fail(ex.error);
    }
    const { response, details } = ex;
    const stepMs = details['totalMs'] as number;
    totalMs += stepMs;
    result.statusCode = response.statusCode;
    result.totalMs = stepMs;
    lastStatusCode = response.statusCode;
    const problem = responseProblem(step, response);
    if (problem !== null) return fail(problem.error);
    for (const [name, spec] of Object.entries(step.extract)) {
      const out = extractValue(name, spec, response);
      if ('error' in out) return fail(out.error);
      vars.set(name, out.value);
      extracted.add(out.value);
    }
    result.status = 'up';
    if (ctx.signal.aborted) return fail(`timed out after ${ctx.timeoutMs} ms (the journey's timeout covers all its steps)`);
  }
  return finish(null, null);
}

export const journeyRunner: CheckRunner<ResolvedJourneyCheck> = { kind: 'journey', attempt };

