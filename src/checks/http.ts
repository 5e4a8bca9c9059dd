/**
 * HTTP(S) checks with undici.
 *
 * Each attempt gets its own Agent (fresh DNS lookup, TCP connection and TLS handshake, as a
 * visitor would see them) which is destroyed when the attempt ends, so nothing keeps the process
 * alive. Redirects are followed by undici's redirect interceptor; a small interceptor under it
 * records every hop (status and Location) for the messages. At most `MAX_BODY_BYTES` of the body
 * is read; the rest is discarded by closing the connection.
 *
 * Times are whole milliseconds measured with the monotonic clock: `responseTimeMs` is from the
 * start of the attempt to the end of the body (or to the point where reading stopped at the cap).
 * `details` holds `ttfbMs` (final response headers), `connectMs` (first connection: DNS + TCP +
 * TLS), `bodyBytes`, and when relevant `bodyTruncated`, `redirects` and the final `url`.
 */
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, interceptors, request, type Dispatcher } from 'undici';
import type { ResolvedHttpCheck } from '../config/types.ts';
import { describeNetworkError, formatHostPort, messageOf, type Target } from './errors.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

/** Bytes of response body read at most; reading stops there and the connection is closed. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const USER_AGENT = 'Cairn-Status-Check/1 (+synthetic monitoring)';

type Phase = 'connecting' | 'waiting' | 'body';

interface Hop {
  url: string;
  statusCode: number | null;
  location: string | null;
}

interface AttemptState {
  phase: Phase;
  target: Target;
  connectMs: number | null;
  hops: Hop[];
  bodyBytes: number;
}

/** Whether a status code matches one `expectStatus` entry: `200`, `"2xx"`, `"200-299"` or `"204"`. */
export function statusMatches(code: number, spec: number | string): boolean {
  if (typeof spec === 'number') return code === spec;
  const s = spec.trim().toLowerCase();
  const cls = /^([1-5])xx$/.exec(s);
  if (cls) return Math.floor(code / 100) === Number(cls[1]);
  const range = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(s);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2] ?? range[1]);
    return code >= low && code <= high;
  }
  return false;
}

export function isExpectedStatus(code: number, expect: readonly (number | string)[]): boolean {
  return expect.some((spec) => statusMatches(code, spec));
}

export function formatExpected(expect: readonly (number | string)[]): string {
  return `expected ${expect.map(String).join(', ')}`;
}

/** `503 Service Unavailable`; the standard reason phrase, else the server's, else none. */
export function formatStatus(code: number, statusText?: string): string {
  const reason = STATUS_CODES[code] ?? statusText?.trim();
  return reason ? `${code} ${reason}` : String(code);
}

const since = (start: number) => Math.round(performance.now() - start);

function timeoutMessage(timeoutMs: number, state: AttemptState, statusCode: number | null): string {
  const base = `timed out after ${timeoutMs} ms`;
  switch (state.phase) {
    case 'connecting':
      return `${base} while connecting to ${formatHostPort(state.target.host, state.target.port)}`;
    case 'waiting':
      return `${base} waiting for the response headers`;
    case 'body':
      return `${base} reading the response body (HTTP ${statusCode ?? '?'}, ${state.bodyBytes} bytes received)`;
  }
}

const TIMEOUT_PHASE: Record<string, Phase> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting',
  UND_ERR_HEADERS_TIMEOUT: 'waiting',
  UND_ERR_BODY_TIMEOUT: 'body',
};

function codeOf(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function describeRequestError(err: unknown, ctx: AttemptContext, state: AttemptState, statusCode: number | null): string {
  const code = codeOf(err);
  if (ctx.signal.aborted) return timeoutMessage(ctx.timeoutMs, state, statusCode);
  const timeoutPhase = code ? TIMEOUT_PHASE[code] : undefined;
  if (timeoutPhase) return timeoutMessage(ctx.timeoutMs, { ...state, phase: timeoutPhase }, statusCode);
  if (code === 'UND_ERR_INVALID_ARG' && /redirect loop/i.test(messageOf(err))) {
    const chain = state.hops.map((h) => h.url);
    const last = state.hops.at(-1);
    if (last?.location) chain.push(last.location);
    return `redirect loop: ${chain.join(' → ')}`;
  }
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_URL') return `invalid request: ${messageOf(err)}`;
  if (code?.startsWith('HPE_') || (err instanceof Error && err.name === 'HTTPParserError')) {
    return `invalid HTTP response: ${messageOf(err)}${code ? ` (${code})` : ''}`;
  }
  if (state.phase === 'body') {
    const received = `(HTTP ${statusCode ?? '?'}, ${state.bodyBytes} bytes received)`;
    if (code === 'UND_ERR_SOCKET') return `connection closed by the server while reading the response body ${received}`;
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return `response body shorter than its Content-Length ${received}`;
    return `${describeNetworkError(err, state.target)} while reading the response body ${received}`;
  }
  return describeNetworkError(err, state.target);
}

/** Records each hop of a request (under the redirect interceptor, so every hop passes here). */
function recordHops(state: AttemptState): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const url = opts.origin === undefined ? opts.path : new URL(opts.path, opts.origin).href;
    const hop: Hop = { url, statusCode: null, location: null };
    state.hops.push(hop);
    const recorder: Dispatcher.DispatchHandler = {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) => {
        hop.statusCode = statusCode;
        const location = headers['location'];
        hop.location = Array.isArray(location) ? (location[0] ?? null) : (location ?? null);
        return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    };
    return dispatch(opts, recorder);
  };
}

/** A per-attempt Agent whose connector records the connection time and the current phase. */
function createAgent(timeoutMs: number, state: AttemptState): Agent {
  const connector = buildConnector({ timeout: timeoutMs });
  return new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect(options, callback) {
      state.phase = 'connecting';
      state.target = { host: options.hostname, port: options.port || (options.protocol === 'https:' ? 443 : 80) };
      const started = performance.now();
      connector(options, (...args) => {
        if (args[0] === null) {
          state.connectMs ??= since(started);
          state.phase = 'waiting';
        }
        callback(...args);
      });
    },
  });
}

/** Reads at most `max` bytes, then stops (destroying the stream, which closes the connection). */
async function readCapped(body: Readable, max: number, state: AttemptState): Promise<{ truncated: boolean; error: unknown }> {
  try {
    for await (const chunk of body) {
      state.bodyBytes += (chunk as Buffer).length;
      if (state.bodyBytes >= max) {
        body.destroy();
        return { truncated: true, error: null };
      }
    }
    return { truncated: false, error: null };
  } catch (error) {
    return { truncated: false, error };
  }
}

/** Request headers: the check's own, a User-Agent unless set, Basic auth from URL credentials. */
function requestTarget(check: ResolvedHttpCheck): { url: string; headers: Record<string, string> } {
  const url = new URL(check.url);
  const headers: Record<string, string> = { ...check.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!has('user-agent')) headers['user-agent'] = USER_AGENT;
  if (url.username || url.password) {
    if (!has('authorization')) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    url.username = '';
    url.password = '';
  }
  return { url: url.href, headers };
}

function wrongStatusMessage(check: ResolvedHttpCheck, code: number, statusText: string, state: AttemptState): string {
  const expected = formatExpected(check.expectStatus);
  const status = `HTTP ${formatStatus(code, statusText)}`;
  const location = state.hops.at(-1)?.location ?? null;
  if (code >= 300 && code < 400 && location) {
    if (check.maxRedirects === 0) return `${status} to ${location}: redirects are not followed (${expected})`;
    const followed = Math.max(0, state.hops.length - 1);
    if (followed >= check.maxRedirects) {
      return `too many redirects: stopped after ${followed} (last ${status} to ${location}; ${expected})`;
    }
    return `${status} to ${location} (${expected})`;
  }
  return `${status} (${expected})`;
}

async function attempt(check: ResolvedHttpCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const started = performance.now();
  const state: AttemptState = { phase: 'connecting', target: { host: '', port: null }, connectMs: null, hops: [], bodyBytes: 0 };
  let target: { url: string; headers: Record<string, string> };
  try {
    target = requestTarget(check);
    const u = new URL(target.url);
    state.target = { host: u.hostname, port: u.port || (u.protocol === 'https:' ? 443 : 80) };
  } catch (err) {
    return { status: 'down', responseTimeMs: null, error: `invalid URL: ${messageOf(err)}` };
  }

  const agent = createAgent(ctx.timeoutMs, state);
  const chain: Dispatcher.DispatcherComposeInterceptor[] = [recordHops(state)];
  if (check.maxRedirects > 0) chain.push(interceptors.redirect({ maxRedirections: check.maxRedirects }));
  const dispatcher = agent.compose(chain);

  let statusCode: number | null = null;
  try {
    const res = await request(target.url, {
      dispatcher,
      method: check.method,
      headers: target.headers,
      body: check.body ?? null,
      signal: ctx.signal,
    });
    statusCode = res.statusCode;
    const ttfbMs = since(started);
    state.phase = 'body';
    const body = await readCapped(res.body, MAX_BODY_BYTES, state);
    const totalMs = since(started);

    const redirects = Math.max(0, state.hops.length - 1);
    const details: Record<string, unknown> = {
      ttfbMs,
      connectMs: state.connectMs,
      bodyBytes: state.bodyBytes,
      ...(body.truncated ? { bodyTruncated: true } : {}),
      ...(redirects > 0 ? { redirects, url: state.hops.at(-1)?.url ?? null } : {}),
    };

    if (!isExpectedStatus(res.statusCode, check.expectStatus)) {
      const error = wrongStatusMessage(check, res.statusCode, res.statusText, state);
      return { status: 'down', responseTimeMs: totalMs, error, statusCode: res.statusCode, details };
    }
    if (body.error !== null) {
      const error = describeRequestError(body.error, ctx, state, res.statusCode);
      return { status: 'down', responseTimeMs: null, error, statusCode: res.statusCode, details };
    }
    return { status: 'up', responseTimeMs: totalMs, error: null, statusCode: res.statusCode, details };
  } catch (err) {
    return {
      status: 'down',
      responseTimeMs: null,
      error: describeRequestError(err, ctx, state, statusCode),
      ...(statusCode === null ? {} : { statusCode }),
    };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

export const httpRunner: CheckRunner<ResolvedHttpCheck> = { kind: 'http', attempt };
