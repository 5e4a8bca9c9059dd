/**
 * HTTP(S) checks with undici, and the request machinery the health and journey kinds reuse.
 *
 * Each exchange gets its own Agent (fresh DNS lookup, TCP connection and TLS handshake, as a
 * visitor would see them) which is destroyed when the exchange ends, so nothing keeps the
 * process alive. Redirects are followed by undici's redirect interceptor; a small interceptor
 * under it records every hop (status, Location, when it was sent and answered). At most
 * `maxBodyBytes` of the body is read (default 1 MiB); the rest is never read: the stream is
 * destroyed, which closes the connection, so memory stays flat whatever the server sends.
 *
 * Requests ask for `Accept-Encoding: gzip, deflate, br` (and zstd where Node has it) unless the
 * check sets its own; a body sent with a Content-Encoding is decoded as it is read
 * (`content-encoding.ts`), so assertions see the content, `maxBodyBytes` caps the decoded size (a
 * decompression bomb stops there), and a body that does not decode is down with the reason.
 * `details.bodyBytes` is the decoded size; `encodedBytes` and `contentEncoding` say what came.
 *
 * Timing phases (whole milliseconds, monotonic clock, in `details`), measured by a connector
 * that wraps undici's own and timestamps the socket's `lookup`, `connect` and TLS handshake:
 * - `dnsMs`: name resolution (0 for an IP address), `connectMs`: TCP connect, `tlsMs`: TLS
 *   handshake (null for http://) — all of the last connection opened;
 * - `ttfbMs`: from sending the final request (once its connection was ready) to its response
 *   headers; `downloadMs`: from the headers to the end of the body (or the read cap);
 * - `totalMs` (= `responseTimeMs`): from the start to the end of the body, redirects included.
 * Each phase is the difference of two rounded timestamps, so the phases never add up to more
 * than `totalMs`.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable as ReadableStream, finished } from 'node:stream';
import { Agent, buildConnector, errors, interceptors, request, type Dispatcher } from 'undici';
import type { HttpRequestSpec, ResolvedHttpCheck, TlsTrust } from '../config/types.ts';
import { evaluateAssertions, summarizeFailures, type ResponseView } from './assertions.ts';
import { describeNetworkError, formatHostPort, messageOf, type Target } from './errors.ts';
import { ACCEPT_ENCODING, contentCodings, decodeBody, failedCoding, unsupportedCoding } from './content-encoding.ts';
import { tlsOptions, unloadedCaFile } from './trust.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

/** Bytes of response body read at most by default (`maxBodyBytes`). */
export const MAX_BODY_BYTES = 1024 * 1024;

export const USER_AGENT = 'Cairn-Status-Check/1 (+synthetic monitoring)';

type Phase = 'connecting' | 'waiting' | 'body';

interface Hop {
  url: string;
  statusCode: number | null;
  location: string | null;
  sentAt: number;
  headersAt: number | null;
}

/** Timestamps (performance.now()) of the last connection opened. */
interface ConnectionMarks {
  start: number;
  dnsEnd: number | null;
  tcpEnd: number | null;
  ready: number | null;
  secure: boolean;
}

interface ExchangeState {
  phase: Phase;
  target: Target;
  hops: Hop[];
  connection: ConnectionMarks | null;
  /** Bytes of the body read, decoded. */
  bodyBytes: number;
  /** Bytes of the body received as sent (encoded, when it has a Content-Encoding). */
  wireBytes: number;
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

function timeoutMessage(timeoutMs: number, state: ExchangeState, statusCode: number | null): string {
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

function describeRequestError(err: unknown, ctx: AttemptContext, state: ExchangeState, statusCode: number | null): string {
  const code = codeOf(err);
  if (ctx.signal.aborted) return timeoutMessage(ctx.timeoutMs, state, statusCode);
  const coding = failedCoding(err);
  if (coding !== null) {
    return `cannot decode the ${coding}-encoded response body: ${messageOf(err)}${code ? ` (${code})` : ''} (HTTP ${statusCode ?? '?'}, ${state.wireBytes} bytes received, ${state.bodyBytes} decoded)`;
  }
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

/** Receives the Set-Cookie headers of every hop, and gives the Cookie header of a request. */
export interface CookieStore {
  cookieHeader(url: URL): string | null;
  store(url: URL, setCookie: readonly string[]): void;
}

/** Records each hop of a request (under the redirect interceptor, so every hop passes here). */
function recordHops(state: ExchangeState, cookies: CookieStore | undefined): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const url = opts.origin === undefined ? opts.path : new URL(opts.path, opts.origin).href;
    const hop: Hop = { url, statusCode: null, location: null, sentAt: performance.now(), headersAt: null };
    state.hops.push(hop);
    const recorder: Dispatcher.DispatchHandler = {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) => {
        hop.headersAt = performance.now();
        hop.statusCode = statusCode;
        const location = headers['location'];
        hop.location = Array.isArray(location) ? (location[0] ?? null) : (location ?? null);
        const setCookie = headers['set-cookie'];
        if (cookies && setCookie !== undefined) {
          try {
            cookies.store(new URL(url), Array.isArray(setCookie) ? setCookie : [setCookie]);
          } catch {
            // A hop URL that does not parse has no cookies to keep.
          }
        }
        return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    };
    return dispatch(opts, recorder);
  };
}

/**
 * What an exchange's Agent is destroyed with once the exchange is over. undici would make a new
 * error for each (and Node reads its `stack` when it destroys the socket with it: a stack trace
 * formatted per check, for nothing); the exchange has its outcome by then, so no one sees it.
 */
const EXCHANGE_OVER = new errors.ClientDestroyedError();
void EXCHANGE_OVER.stack;

/** A per-exchange Agent whose connector timestamps DNS, TCP and TLS and tracks the phase. */
function createAgent(timeoutMs: number, trust: TlsTrust, state: ExchangeState): Agent {
  const connector = buildConnector({ timeout: timeoutMs, ...tlsOptions(trust) });
  return new Agent({
    // One exchange sends one request at a time: one connection per origin is all it can use, and
    // a Client is much lighter to build and tear down than the Pool undici makes otherwise.
    connections: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect(options, callback) {
      state.phase = 'connecting';
      state.target = { host: options.hostname, port: options.port || (options.protocol === 'https:' ? 443 : 80) };
      const marks: ConnectionMarks = { start: performance.now(), dnsEnd: null, tcpEnd: null, ready: null, secure: options.protocol === 'https:' };
      state.connection = marks;
      const socket = connector(options, (...args) => {
        if (args[0] === null) {
          marks.ready = performance.now();
          marks.tcpEnd ??= marks.ready;
          state.phase = 'waiting';
        }
        callback(...args);
      }) as unknown as Socket | undefined;
      // undici's connector returns the socket it opened; its events date the phases.
      socket?.once?.('lookup', () => (marks.dnsEnd ??= performance.now()));
      socket?.once?.('connect', () => (marks.tcpEnd ??= performance.now()));
    },
  });
}

interface CappedBody {
  /** The bytes read, at most `max`; empty unless kept. */
  body: Buffer;
  truncated: boolean;
  error: unknown;
}

/** Swallows an error that is expected and already accounted for. */
const ignore = (): void => undefined;

/**
 * `readCapped` for a body without a Content-Encoding, on the stream's events rather than an async
 * iterator (fewer promises and objects per check, the same outcome): the same cap, the same
 * counts, and the same error when the body breaks off (`finished` is what the iterator uses).
 */
function readPlain(body: ReadableStream, max: number, keep: boolean, state: ExchangeState): Promise<CappedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (truncated: boolean, error: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      stopWatching();
      resolve({ body: Buffer.concat(chunks), truncated, error });
    };
    const onData = (chunk: Buffer) => {
      state.wireBytes += chunk.length;
      const room = max - state.bodyBytes;
      if (chunk.length > room) {
        if (keep && room > 0) chunks.push(chunk.subarray(0, room));
        state.bodyBytes = max;
        settle(true, null);
        // Destroying the body makes undici emit an AbortError; nothing else listens any more (settle stopped watching).
        body.on('error', ignore);
        body.destroy();
        return;
      }
      state.bodyBytes += chunk.length;
      if (keep) chunks.push(chunk);
    };
    const stopWatching = finished(body, (err) => settle(false, err ?? null));
    body.on('data', onData);
  });
}

/** The body's chunks as they arrive, counted into `state.wireBytes`. */
async function* counted(body: ReadableStream, state: ExchangeState): AsyncGenerator<Buffer> {
  for await (const data of body) {
    const chunk = data as Buffer;
    state.wireBytes += chunk.length;
    yield chunk;
  }
}

/**
 * Reads at most `max` bytes of `source` (the body, decoded when it is encoded), then stops:
 * `stop` destroys the body, which closes the connection, and leaving the loop ends the decoders.
 * A body of exactly `max` bytes is complete; only a byte beyond the cap marks it truncated.
 */
async function readCapped(source: AsyncIterable<Buffer>, stop: () => void, max: number, keep: boolean, state: ExchangeState): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source) {
      const room = max - state.bodyBytes;
      if (chunk.length > room) {
        if (keep && room > 0) chunks.push(chunk.subarray(0, room));
        state.bodyBytes = max;
        stop();
        return { body: Buffer.concat(chunks), truncated: true, error: null };
      }
      state.bodyBytes += chunk.length;
      if (keep) chunks.push(chunk);
    }
    return { body: Buffer.concat(chunks), truncated: false, error: null };
  } catch (error) {
    return { body: Buffer.concat(chunks), truncated: false, error };
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** URL with the query appended, and headers: the request's own, a User-Agent, Basic auth from URL credentials, the body's content-type. */
export function buildRequest(spec: HttpRequestSpec): { url: string; headers: Record<string, string>; body: string | null } {
  const url = new URL(spec.url);
  for (const [k, v] of Object.entries(spec.query)) url.searchParams.append(k, v);
  const headers: Record<string, string> = { ...spec.headers };
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = USER_AGENT;
  // As a browser does: the compressed path of the server is what visitors get. Decoded on reading.
  if (!hasHeader(headers, 'accept-encoding')) headers['accept-encoding'] = ACCEPT_ENCODING;
  if (url.username || url.password) {
    if (!hasHeader(headers, 'authorization')) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    url.username = '';
    url.password = '';
  }
  let body: string | null = null;
  if (spec.body?.type === 'text') body = spec.body.text;
  else if (spec.body?.type === 'json') {
    body = JSON.stringify(spec.body.value);
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  } else if (spec.body?.type === 'form') {
    body = new URLSearchParams(spec.body.fields).toString();
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return { url: url.href, headers, body };
}

/** The response of an exchange that got one. */
export interface HttpResponse extends ResponseView {
  statusCode: number;
  statusText: string;
  /** Set when the body could not be read to its end (reset, timeout): the sentence why. */
  bodyError: string | null;
  /** `Location` of the final response, if any. */
  location: string | null;
  /** The hops followed before the final response, and the final URL. */
  redirects: number;
  finalUrl: string;
}

export type Exchange =
  | { ok: true; response: HttpResponse; details: Record<string, unknown> }
  | { ok: false; error: string; statusCode: number | null; details: Record<string, unknown> | null };

export interface ExchangeOptions {
  trust: TlsTrust;
  /** Keep the body read (for assertions and parsing); when false only its size is counted. */
  keepBody: boolean;
  cookies?: CookieStore;
}

function timingDetails(started: number, state: ExchangeState, end: number): Record<string, number | null> {
  const at = (t: number) => Math.round(t - started);
  const conn = state.connection;
  const final = state.hops.at(-1);
  const headersAt = final?.headersAt ?? end;
  let dnsMs = 0;
  let connectMs = 0;
  let tlsMs: number | null = null;
  let requestAt = final?.sentAt ?? started;
  if (conn && conn.ready !== null) {
    const dnsEnd = conn.dnsEnd ?? conn.start;
    const tcpEnd = Math.max(conn.tcpEnd ?? conn.ready, dnsEnd);
    dnsMs = at(dnsEnd) - at(conn.start);
    connectMs = at(tcpEnd) - at(dnsEnd);
    tlsMs = conn.secure ? at(conn.ready) - at(tcpEnd) : null;
    requestAt = Math.max(requestAt, conn.ready);
  }
  return {
    dnsMs,
    connectMs,
    tlsMs,
    ttfbMs: Math.max(0, at(headersAt) - at(requestAt)),
    downloadMs: Math.max(0, at(end) - at(headersAt)),
    totalMs: at(end),
  };
}

/**
 * One HTTP exchange: the request, the response headers, and at most `maxBodyBytes` of the body.
 * Never throws for target failures: `ok: false` with a sentence.
 */
export async function exchange(spec: HttpRequestSpec, ctx: AttemptContext, opts: ExchangeOptions): Promise<Exchange> {
  const started = performance.now();
  const state: ExchangeState = { phase: 'connecting', target: { host: '', port: null }, hops: [], connection: null, bodyBytes: 0, wireBytes: 0 };
  let target: ReturnType<typeof buildRequest>;
  try {
    target = buildRequest(spec);
    const u = new URL(target.url);
    state.target = { host: u.hostname, port: u.port || (u.protocol === 'https:' ? 443 : 80) };
    if (opts.cookies) {
      const cookie = opts.cookies.cookieHeader(u);
      if (cookie !== null && !hasHeader(target.headers, 'cookie')) target.headers['cookie'] = cookie;
    }
  } catch (err) {
    return { ok: false, error: `invalid URL: ${messageOf(err)}`, statusCode: null, details: null };
  }
  const unloaded = unloadedCaFile(opts.trust);
  if (unloaded !== null) return { ok: false, error: unloaded, statusCode: null, details: null };

  const agent = createAgent(ctx.timeoutMs, opts.trust, state);
  const chain: Dispatcher.DispatcherComposeInterceptor[] = [recordHops(state, opts.cookies)];
  if (spec.maxRedirects > 0) chain.push(interceptors.redirect({ maxRedirections: spec.maxRedirects }));
  const dispatcher = agent.compose(chain);

  let statusCode: number | null = null;
  try {
    const res = await request(target.url, {
      dispatcher,
      method: spec.method,
      headers: target.headers,
      body: target.body,
      signal: ctx.signal,
    });
    statusCode = res.statusCode;
    state.phase = 'body';
    const codings = contentCodings(res.headers['content-encoding']);
    const unsupported = unsupportedCoding(codings);
    // A coding Cairn cannot undo: the bytes are counted as sent, and assertions cannot look at them.
    const decode = codings.length > 0 && unsupported === null;
    const read = decode
      ? await readCapped(decodeBody(counted(res.body, state), codings), () => res.body.destroy(), spec.maxBodyBytes, opts.keepBody, state)
      : await readPlain(res.body, spec.maxBodyBytes, opts.keepBody, state);
    const end = performance.now();
    const redirects = Math.max(0, state.hops.length - 1);
    const finalHop = state.hops.at(-1);
    const undecodable =
      unsupported !== null && opts.keepBody
        ? `cannot decode the response body: content-encoding "${unsupported}" is not one Cairn decodes (${ACCEPT_ENCODING}); send your own accept-encoding header to ask for another`
        : null;
    const details: Record<string, unknown> = {
      ...timingDetails(started, state, end),
      bodyBytes: state.bodyBytes,
      ...(codings.length > 0 ? { contentEncoding: codings.join(', '), encodedBytes: state.wireBytes } : {}),
      ...(read.truncated ? { bodyTruncated: true } : {}),
      ...(redirects > 0 ? { redirects, url: finalHop?.url ?? null } : {}),
    };
    const response: HttpResponse = {
      statusCode: res.statusCode,
      statusText: res.statusText,
      headers: res.headers,
      body: read.body,
      truncated: read.truncated,
      maxBodyBytes: spec.maxBodyBytes,
      bodyError: read.error !== null ? describeRequestError(read.error, ctx, state, res.statusCode) : undecodable,
      location: finalHop?.location ?? null,
      redirects,
      finalUrl: finalHop?.url ?? target.url,
    };
    return { ok: true, response, details };
  } catch (err) {
    return { ok: false, error: describeRequestError(err, ctx, state, statusCode), statusCode, details: null };
  } finally {
    await agent.destroy(EXCHANGE_OVER).catch(() => undefined);
  }
}

/** `HTTP 503 Service Unavailable (expected 2xx)`, with what the redirects did when relevant. */
export function wrongStatusMessage(spec: HttpRequestSpec, response: HttpResponse): string {
  const code = response.statusCode;
  const expected = formatExpected(spec.expectStatus);
  const status = `HTTP ${formatStatus(code, response.statusText)}`;
  const location = response.location;
  if (code >= 300 && code < 400 && location) {
    if (spec.maxRedirects === 0) return `${status} to ${location}: redirects are not followed (${expected})`;
    if (response.redirects >= spec.maxRedirects) {
      return `too many redirects: stopped after ${response.redirects} (last ${status} to ${location}; ${expected})`;
    }
    return `${status} to ${location} (${expected})`;
  }
  return `${status} (${expected})`;
}

/** The verdict on a response: expected status, complete body, assertions; null when all hold. */
export function responseProblem(spec: HttpRequestSpec, response: HttpResponse): { error: string; failures: string[] } | null {
  if (!isExpectedStatus(response.statusCode, spec.expectStatus)) return { error: wrongStatusMessage(spec, response), failures: [] };
  if (response.bodyError !== null) return { error: response.bodyError, failures: [] };
  if (spec.assert === null) return null;
  const failures = evaluateAssertions(spec.assert, response);
  const error = summarizeFailures(failures);
  return error === null ? null : { error, failures };
}

/** Whether the spec needs the body's bytes kept (for its assertions), not only counted. */
export function needsBody(spec: HttpRequestSpec): boolean {
  return spec.assert !== null;
}

async function attempt(check: ResolvedHttpCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  const result = await exchange(check, ctx, { trust: check, keepBody: needsBody(check) });
  if (!result.ok) {
    return {
      status: 'down',
      responseTimeMs: null,
      error: result.error,
      ...(result.statusCode === null ? {} : { statusCode: result.statusCode }),
    };
  }
  const { response, details } = result;
  const totalMs = details['totalMs'] as number;
  const problem = responseProblem(check, response);
  if (problem === null) return { status: 'up', responseTimeMs: totalMs, error: null, statusCode: response.statusCode, details };
  return {
    status: 'down',
    // A body that broke off has no meaningful response time.
    responseTimeMs: response.bodyError !== null && problem.error === response.bodyError ? null : totalMs,
    error: problem.error,
    statusCode: response.statusCode,
    details: problem.failures.length > 1 ? { ...details, failedAssertions: problem.failures } : details,
  };
}

export const httpRunner: CheckRunner<ResolvedHttpCheck> = { kind: 'http', attempt };
