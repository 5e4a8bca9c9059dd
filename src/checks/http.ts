/**
 * HTTP(S) checks on Node's own http client, and the request machinery the health and journey
 * kinds reuse.
 *
 * Each hop of an exchange opens its own connection (fresh DNS lookup, TCP connection and TLS
 * handshake, as a visitor would see them), with no Agent: the request says `Connection: close`,
 * and the connection is destroyed when the exchange ends, so nothing keeps the process alive.
 * Node's client costs about half the CPU per request that undici's did as the exchange composed
 * it (docs/benchmarks.md, "Check engine"). Redirects (300, 301, 302, 303, 307, 308 with a
 * Location) are followed here, as undici's redirect handler follows them: up to `maxRedirects`,
 * POST becomes GET on 301/302 and any method but HEAD on 303, credentials are not carried to
 * another origin, and a redirect back to a URL already visited is a redirect loop. Every hop is
 * recorded (status, Location, when it was sent and answered). At most `maxBodyBytes` of the body
 * is read (default 1 MiB); the rest is never read: the stream is destroyed, which closes the
 * connection, so memory stays flat whatever the server sends.
 *
 * Requests ask for `Accept-Encoding: gzip, deflate, br` (and zstd where Node has it) unless the
 * check sets its own; a body sent with a Content-Encoding is decoded as it is read
 * (`content-encoding.ts`), so assertions see the content, `maxBodyBytes` caps the decoded size (a
 * decompression bomb stops there), and a body that does not decode is down with the reason.
 * `details.bodyBytes` is the decoded size; `encodedBytes` and `contentEncoding` say what came.
 *
 * The attempt's signal (its timeout, the round's deadline) ends the hop in flight; the sentence
 * says which phase it was in. Timing phases (whole milliseconds, monotonic clock, in `details`),
 * measured by the connector, which timestamps the socket's `lookup`, `connect` and TLS handshake:
 * - `dnsMs`: name resolution (0 for an IP address), `connectMs`: TCP connect, `tlsMs`: TLS
 *   handshake (null for http://) — all of the last connection opened;
 * - `ttfbMs`: from sending the final request (once its connection was ready) to its response
 *   headers; `downloadMs`: from the headers to the end of the body (or the read cap), less the
 *   wait for the turn the body is read on when the whole body had already arrived (turns.ts);
 * - `totalMs` (= `responseTimeMs`): from the start to the end of the body, redirects included.
 * Each phase is the difference of two rounded timestamps, so the phases never add up to more
 * than `totalMs`.
 */
import { request as httpRequest, STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex, Readable as ReadableStream } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { HttpRequestSpec, ResolvedHttpCheck, TlsTrust } from '../config/types.ts';
import { evaluateAssertions, summarizeFailures, type ResponseView } from './assertions.ts';
import { describeNetworkError, formatHostPort, messageOf, type Target } from './errors.ts';
import { ACCEPT_ENCODING, contentCodings, decodeBody, failedCoding, unsupportedCoding } from './content-encoding.ts';
import { tlsOptions, unloadedCaFile } from './trust.ts';
import { nextTurn } from './turns.ts';
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

/** Node's errors for a request it refuses to send (a header value or token it cannot put on the wire). */
const INVALID_REQUEST_CODES = new Set([
  'ERR_INVALID_URL',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_PROTOCOL',
]);

/** A request that cannot be sent as it is (a protocol other than http: or https:, a Location that is no URL). */
class InvalidRequest extends Error {
  override readonly name = 'InvalidRequest';
}

/** A redirect back to a URL the exchange already visited. */
class RedirectLoop extends Error {
  override readonly name = 'RedirectLoop';
  constructor() {
    super('redirect loop');
  }
}

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
  if (err instanceof RedirectLoop) {
    const chain = state.hops.map((h) => h.url);
    const last = state.hops.at(-1);
    if (last?.location) chain.push(last.location);
    return `redirect loop: ${chain.join(' → ')}`;
  }
  if (err instanceof InvalidRequest || (code !== undefined && INVALID_REQUEST_CODES.has(code))) return `invalid request: ${messageOf(err)}`;
  if (code?.startsWith('HPE_')) return `invalid HTTP response: ${messageOf(err)} (${code})`;
  if (state.phase === 'body') {
    const received = `(HTTP ${statusCode ?? '?'}, ${state.bodyBytes} bytes received)`;
    if (isServerClose(err)) return `connection closed by the server while reading the response body ${received}`;
    return `${describeNetworkError(err, state.target)} while reading the response body ${received}`;
  }
  if (isServerClose(err)) return `connection closed by the server before the response was complete (${formatHostPort(state.target.host, state.target.port)})`;
  return describeNetworkError(err, state.target);
}

/** Receives the Set-Cookie headers of every hop, and gives the Cookie header of a request. */
export interface CookieStore {
  cookieHeader(url: URL): string | null;
  store(url: URL, setCookie: readonly string[]): void;
}

/** The status codes whose Location is followed (as undici's and browsers' redirect handling). */
const REDIRECT_CODES = new Set([300, 301, 302, 303, 307, 308]);

/** The request of one hop: its URL, method, headers and body. */
interface HopRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

/** One hop on the wire: its request, and the first error its request or socket reported. */
interface Wire {
  req: ClientRequest | null;
  /** The hop's connection, from the moment it is opened (a TLS one reaches the request only once secure). */
  socket: Socket | null;
  res: IncomingMessage | null;
  /** The first error of the request or its socket (the cause of a body that broke off). */
  error: Error | null;
  /** Rejects the hop waiting for its response headers (the attempt's signal aborted). */
  fail: (reason: unknown) => void;
}

type Connected = (err: Error | null, socket: Duplex) => void;

/**
 * Opens the connection of a hop (TCP, then TLS for https://), timestamping DNS, TCP and TLS into
 * `state.connection` and moving `state.phase` from connecting to waiting once it is ready. A
 * plain socket goes to the request at once (it writes once connected); a TLS socket only once
 * its handshake is done, so that a handshake that fails reports its own error, not the write's.
 */
function connector(url: URL, trust: TlsTrust, state: ExchangeState, wire: Wire): (options: unknown, connected: Connected) => Socket | undefined {
  return (_options, connected) => {
    const secure = url.protocol === 'https:';
    state.phase = 'connecting';
    state.target = { host: url.hostname, port: url.port || (secure ? 443 : 80) };
    const marks: ConnectionMarks = { start: performance.now(), dnsEnd: null, tcpEnd: null, ready: null, secure };
    state.connection = marks;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port) || (secure ? 443 : 80);
    const ready = () => {
      marks.ready = performance.now();
      marks.tcpEnd ??= marks.ready;
      state.phase = 'waiting';
    };
    if (!secure) {
      const socket = netConnect({ host, port, noDelay: true });
      wire.socket = socket;
      socket.once('lookup', () => (marks.dnsEnd ??= performance.now()));
      socket.once('connect', ready);
      return socket;
    }
    const socket = tlsConnect({
      host,
      port,
      // A server name for SNI and the certificate check; an IP address is checked as itself.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ALPNProtocols: ['http/1.1'],
      ...tlsOptions(trust),
    });
    wire.socket = socket;
    socket.setNoDelay(true);
    socket.once('lookup', () => (marks.dnsEnd ??= performance.now()));
    socket.once('connect', () => (marks.tcpEnd ??= performance.now()));
    const failed = (err: Error) => connected(err, socket);
    socket.once('error', failed);
    socket.once('secureConnect', () => {
      socket.off('error', failed);
      ready();
      connected(null, socket);
    });
    return undefined;
  };
}

/** Response headers as undici gives them: names lowercased, a repeated header as an array. */
function headersOf(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const had = headers[name];
    if (had === undefined) headers[name] = value;
    else if (Array.isArray(had)) had.push(value);
    else headers[name] = [had, value];
  }
  return headers;
}

/** The first value of a header, or null. */
function first(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** Swallows an error that is expected and already accounted for. */
const ignore = (): void => undefined;

/**
 * Sends one hop's request on a fresh connection (no Agent: `Connection: close`) and resolves with
 * its response once the headers are in; the body is left to read. Rejects with the request's error.
 */
function send(hop: HopRequest, trust: TlsTrust, state: ExchangeState, wire: Wire): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = hop.url.protocol === 'https:';
    const req = httpRequest({
      host: hop.url.hostname.startsWith('[') ? hop.url.hostname.slice(1, -1) : hop.url.hostname,
      port: Number(hop.url.port) || (secure ? 443 : 80),
      defaultPort: secure ? 443 : 80,
      path: hop.url.pathname + hop.url.search,
      method: hop.method,
      headers: hop.headers,
      createConnection: connector(hop.url, trust, state, wire),
    });
    wire.req = req;
    wire.res = null;
    wire.error = null;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      wire.fail = ignore;
      reject(err);
    };
    wire.fail = fail;
    req.on('error', (err) => {
      // A hop left behind (a redirect) may still report the end of its connection: not this hop's.
      if (wire.req === req) wire.error ??= err;
      fail(err);
    });
    req.once('response', (res: IncomingMessage) => {
      settled = true;
      wire.fail = ignore;
      resolve(res);
    });
    // Without a response nor an error (cannot happen in Node, but a promise must settle).
    req.once('close', () => {
      if (!settled) fail(wire.error ?? new ServerClosed());
    });
    if (hop.body === null) req.end();
    else req.end(hop.body);
  });
}

/** The server closed the connection before the response was complete, without an error. */
class ServerClosed extends Error {
  override readonly name = 'ServerClosed';
  constructor() {
    super('the server closed the connection');
  }
}

/**
 * Whether an error says the server closed the connection (FIN) before the response was complete:
 * Node's "socket hang up" and "aborted" carry ECONNRESET but, unlike a real reset read from the
 * socket, no syscall.
 */
function isServerClose(err: unknown): boolean {
  if (err instanceof ServerClosed) return true;
  if (err === null || typeof err !== 'object') return false;
  const e = err as { code?: unknown; syscall?: unknown };
  return (e.code === 'ECONNRESET' && e.syscall === undefined) || e.code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** `url` without its #fragment, as it goes on the wire. */
function wireHref(url: URL): string {
  return url.hash === '' ? url.href : url.href.slice(0, -url.hash.length);
}

/**
 * The next hop's request after a redirect, as undici's redirect handler makes it: POST becomes GET
 * without a body on 301 and 302, anything but HEAD becomes GET on 303 (which also drops the
 * Content-* headers); Host always goes, and Authorization, Cookie and Proxy-Authorization when
 * the redirect leaves the origin.
 */
function redirected(hop: HopRequest, statusCode: number, next: URL): HopRequest {
  let { method, body } = hop;
  if ((statusCode === 301 || statusCode === 302) && method === 'POST') {
    method = 'GET';
    body = null;
  }
  if (statusCode === 303 && method !== 'HEAD') {
    method = 'GET';
    body = null;
  }
  const dropContent = statusCode === 303;
  const crossOrigin = next.origin !== hop.url.origin;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(hop.headers)) {
    const n = name.toLowerCase();
    if (n === 'host') continue;
    if (dropContent && n.startsWith('content-')) continue;
    if (crossOrigin && (n === 'authorization' || n === 'cookie' || n === 'proxy-authorization')) continue;
    headers[name] = value;
  }
  return { url: next, method, headers, body };
}

interface CappedBody {
  /** The bytes read, at most `max`; empty unless kept. */
  body: Buffer;
  truncated: boolean;
  error: unknown;
}

/** A body whose stream closed before its end without an error of its own (as `finished` says it). */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * `readCapped` for a body without a Content-Encoding, on the stream's events rather than an async
 * iterator (fewer promises and objects per check, the same outcome): the same cap, the same
 * counts, and the same error when the body breaks off: the stream's error, else a premature close.
 */
function readPlain(body: ReadableStream, max: number, keep: boolean, state: ExchangeState): Promise<CappedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (truncated: boolean, error: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      // The error listener stays: an error after the verdict has no one to tell, and must not throw.
      resolve({ body: Buffer.concat(chunks), truncated, error });
    };
    const onData = (chunk: Buffer) => {
      state.wireBytes += chunk.length;
      const room = max - state.bodyBytes;
      if (chunk.length > room) {
        if (keep && room > 0) chunks.push(chunk.subarray(0, room));
        state.bodyBytes = max;
        settle(true, null);
        // Destroying the body closes the connection.
        body.destroy();
        return;
      }
      state.bodyBytes += chunk.length;
      if (keep) chunks.push(chunk);
    };
    const onEnd = () => settle(false, null);
    const onClose = () => settle(false, prematureClose());
    if (body.destroyed) {
      // Closed before it could be read (its events have passed): its error, else a premature close.
      settle(false, body.errored ?? prematureClose());
      return;
    }
    body.on('error', (err: unknown) => settle(false, err));
    body.on('end', onEnd);
    body.on('close', onClose);
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
export function buildRequest(spec: HttpRequestSpec): { url: string; parsed: URL; headers: Record<string, string>; body: string | null } {
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
  return { url: url.href, parsed: url, headers, body };
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
  let hop: HopRequest;
  try {
    target = buildRequest(spec);
    const u = target.parsed;
    state.target = { host: u.hostname, port: u.port || (u.protocol === 'https:' ? 443 : 80) };
    if (opts.cookies) {
      const cookie = opts.cookies.cookieHeader(u);
      if (cookie !== null && !hasHeader(target.headers, 'cookie')) target.headers['cookie'] = cookie;
    }
    hop = { url: u, method: spec.method, headers: target.headers, body: target.body };
  } catch (err) {
    return { ok: false, error: `invalid URL: ${messageOf(err)}`, statusCode: null, details: null };
  }
  const unloaded = unloadedCaFile(opts.trust);
  if (unloaded !== null) return { ok: false, error: unloaded, statusCode: null, details: null };

  const wire: Wire = { req: null, socket: null, res: null, error: null, fail: ignore };
  // The attempt's timeout and the round's deadline end the hop in flight; the sentence then says
  // which phase it was in (describeRequestError).
  const onAbort = () => {
    const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted');
    wire.res?.destroy(reason);
    wire.req?.destroy();
    wire.socket?.destroy();
    wire.fail(reason);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let statusCode: number | null = null;
  try {
    let res: IncomingMessage;
    let headers: Record<string, string | string[]>;
    for (;;) {
      if (hop.url.protocol !== 'http:' && hop.url.protocol !== 'https:') {
        throw new InvalidRequest(`unsupported protocol "${hop.url.protocol}" in ${wireHref(hop.url)}`);
      }
      const record: Hop = { url: wireHref(hop.url), statusCode: null, location: null, sentAt: performance.now(), headersAt: null };
      state.hops.push(record);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      res = await send(hop, opts.trust, state, wire);
      wire.res = res;
      record.headersAt = performance.now();
      record.statusCode = res.statusCode ?? 0;
      headers = headersOf(res.rawHeaders);
      const location = first(headers['location']);
      record.location = location;
      const setCookie = headers['set-cookie'];
      if (opts.cookies && setCookie !== undefined) {
        try {
          opts.cookies.store(new URL(record.url), Array.isArray(setCookie) ? setCookie : [setCookie]);
        } catch {
          // A hop URL that does not parse has no cookies to keep.
        }
      }
      const followed = state.hops.length - 1;
      if (location === null || !REDIRECT_CODES.has(record.statusCode) || followed >= spec.maxRedirects) break;
      let next: URL;
      try {
        next = new URL(location, hop.url);
      } catch (err) {
        throw new InvalidRequest(messageOf(err));
      }
      const nextHref = wireHref(next);
      if (state.hops.some((h) => h.url === nextHref)) throw new RedirectLoop();
      // The body of a redirect is not read: the connection goes with it, the next hop opens its own.
      res.on('error', ignore);
      res.destroy();
      wire.socket?.destroy();
      hop = redirected(hop, record.statusCode, next);
    }
    statusCode = res.statusCode ?? 0;
    state.phase = 'body';
    // The body is read on a turn of the event loop of its own (turns.ts): the answers that came in
    // with this one are only taken in first, so that the checks their completions start send their
    // requests at once instead of after the whole batch. A timeout meanwhile ends the body as usual.
    // A body that had all arrived with the headers was not being downloaded while it waited: that
    // wait is Cairn's, not the target's, and is left out of `downloadMs` and `totalMs`.
    const complete = res.complete;
    const waitFrom = performance.now();
    await nextTurn();
    const waited = complete ? performance.now() - waitFrom : 0;
    const codings = contentCodings(headers['content-encoding']);
    const unsupported = unsupportedCoding(codings);
    // A coding Cairn cannot undo: the bytes are counted as sent, and assertions cannot look at them.
    const decode = codings.length > 0 && unsupported === null;
    const body = res;
    const read = decode
      ? await readCapped(decodeBody(counted(body, state), codings), () => body.destroy(), spec.maxBodyBytes, opts.keepBody, state)
      : await readPlain(body, spec.maxBodyBytes, opts.keepBody, state);
    const end = performance.now() - waited;
    const redirects = Math.max(0, state.hops.length - 1);
    const finalHop = state.hops.at(-1);
    const undecodable =
      unsupported !== null && opts.keepBody
        ? `cannot decode the response body: content-encoding "${unsupported}" is not one Cairn decodes (${ACCEPT_ENCODING}); send your own accept-encoding header to ask for another`
        : null;
    // Built field by field (the same fields in the same order as before): object spreads cost
    // more than the rest of the exchange's own bookkeeping.
    const details: Record<string, unknown> = timingDetails(started, state, end);
    details['bodyBytes'] = state.bodyBytes;
    if (codings.length > 0) {
      details['contentEncoding'] = codings.join(', ');
      details['encodedBytes'] = state.wireBytes;
    }
    if (read.truncated) details['bodyTruncated'] = true;
    if (redirects > 0) {
      details['redirects'] = redirects;
      details['url'] = finalHop?.url ?? null;
    }
    // A body that broke off: the socket's own error says why, when it had one.
    const bodyError = read.error === null ? null : failedCoding(read.error) !== null ? read.error : (wire.error ?? read.error);
    const response: HttpResponse = {
      statusCode,
      statusText: res.statusMessage ?? '',
      headers,
      body: read.body,
      truncated: read.truncated,
      maxBodyBytes: spec.maxBodyBytes,
      bodyError: bodyError !== null ? describeRequestError(bodyError, ctx, state, statusCode) : undecodable,
      location: finalHop?.location ?? null,
      redirects,
      finalUrl: finalHop?.url ?? target.url,
    };
    return { ok: true, response, details };
  } catch (err) {
    return { ok: false, error: describeRequestError(err, ctx, state, statusCode), statusCode, details: null };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    // The exchange is over: its connection goes (it was opened with Connection: close).
    if (wire.res !== null && !wire.res.complete) {
      wire.res.on('error', ignore);
      wire.res.destroy();
    }
    wire.req?.destroy();
    wire.socket?.destroy();
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
