/**
 * One remote-write request, with its retries. What the answer means for the data follows what
 * Prometheus's own remote-write client does:
 *
 * - 2xx: written.
 * - 5xx, 429, 408, a refused or reset connection, a timeout: retried with exponential backoff
 *   (honouring Retry-After) while the time allowed lasts, at most `MAX_ATTEMPTS` times; then the
 *   send stops and what was not written waits for a later run (the cursor stays).
 * - 401, 403, 404, 405, 407: the endpoint or its credentials are wrong, not the data: not
 *   retried, the send stops, the cursor stays (the backlog waits until it is fixed).
 * - any other 4xx (400 out of order or out of bounds, 413, 422): the receiver refused THESE
 *   samples and would refuse them again: not retried, dropped and counted, the send goes on.
 */
import { request } from 'undici';
import { cut, type Redactor } from '../config/secrets.ts';
import { parseRetryAfter } from '../net/retry-after.ts';
import type { RemoteWriteEndpointSettings } from '../config/resolve-remote-write.ts';
import { REMOTE_WRITE_HEADERS } from './encode.ts';

export const MAX_ATTEMPTS = 5;
export const BACKOFF = { baseMs: 250, maxMs: 10_000 } as const;

/** Answers that say the endpoint is wrong, not the data. */
const ENDPOINT_ERRORS = new Set([401, 403, 404, 405, 407]);

export type SendOutcome =
  | { kind: 'written'; status: number; attempts: number }
  /** The receiver refused these samples (a 4xx about the data): dropped, the send goes on. */
  | { kind: 'rejected'; status: number; attempts: number; detail: string }
  /** The endpoint is wrong (401, 403, 404, ...), or retries and time ran out: the send stops. */
  | { kind: 'failed'; status: number | null; attempts: number; detail: string };

export interface SendEnv {
  /** When sending must have stopped (epoch ms). */
  stopAt: number;
  /** The command's deadline. */
  signal?: AbortSignal;
  redactor: Redactor;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The request headers: the endpoint's own, its authentication, and the protocol's (which win). */
export function requestHeaders(endpoint: Pick<RemoteWriteEndpointSettings, 'auth' | 'headers'>): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'cairn-remote-write' };
  for (const [k, v] of Object.entries(endpoint.headers)) headers[k.toLowerCase()] = v;
  if (endpoint.auth.type === 'bearer') headers['authorization'] = `Bearer ${endpoint.auth.token}`;
  if (endpoint.auth.type === 'basic') headers['authorization'] = `Basic ${Buffer.from(`${endpoint.auth.username}:${endpoint.auth.password}`).toString('base64')}`;
  return { ...headers, ...REMOTE_WRITE_HEADERS };
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

function describeError(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** The start of an answer, on one line, redacted before it is cut. */
function quote(redactor: Redactor, body: string): string {
  return cut(redactor.redact(body).replace(/\s+/g, ' ').trim(), 200);
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** Sends one compressed WriteRequest. Never throws. */
export async function sendWriteRequest(endpoint: RemoteWriteEndpointSettings, body: Uint8Array, env: SendEnv): Promise<SendOutcome> {
  const now = env.now ?? Date.now;
  const sleep = env.sleep ?? ((ms: number) => defaultSleep(ms, env.signal));
  const headers = requestHeaders(endpoint);
  let attempts = 0;
  let last = 'no attempt was made: no time was left';
  let lastStatus: number | null = null;
  while (attempts < MAX_ATTEMPTS) {
    const left = env.stopAt - now();
    if (env.signal?.aborted || left < 50) break;
    attempts++;
    let wait: number | null = null;
    try {
      const signals = [AbortSignal.timeout(Math.max(1, Math.floor(Math.min(endpoint.timeoutMs, left))))];
      if (env.signal) signals.push(env.signal);
      const res = await request(endpoint.url, { method: 'POST', headers, body, signal: AbortSignal.any(signals) });
      const text = await res.body.text().catch(() => '');
      const status = res.statusCode;
      lastStatus = status;
      if (status >= 200 && status < 300) return { kind: 'written', status, attempts };
      last = `HTTP ${status}${text.trim() ? `: ${quote(env.redactor, text)}` : ''}`;
      if (ENDPOINT_ERRORS.has(status)) return { kind: 'failed', status, attempts, detail: `${last} (not retried: check the url and credentials)` };
      if (status >= 400 && status < 500 && status !== 429 && status !== 408) return { kind: 'rejected', status, attempts, detail: last };
      wait = parseRetryAfter(res.headers['retry-after'], now());
    } catch (err) {
      lastStatus = null;
      const name = (err as Error)?.name;
      if (env.signal?.aborted) {
        last = "stopped by the run's deadline";
        break;
      }
      if (name === 'TimeoutError' || name === 'AbortError') last = `no answer within ${Math.round(Math.min(endpoint.timeoutMs, left))} ms`;
      else {
        last = describeError(err);
        if (!RETRYABLE_CODES.has(errorCode(err))) return { kind: 'failed', status: null, attempts, detail: last };
      }
    }
    if (attempts >= MAX_ATTEMPTS) break;
    const backoff = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2);
    const delay = wait ?? backoff;
    if (now() + delay >= env.stopAt) {
      last += wait !== null ? `; Retry-After ${Math.ceil(wait / 1000)} s is past the time left` : '';
      break;
    }
    await sleep(delay);
  }
  return { kind: 'failed', status: lastStatus, attempts, detail: `${last}${attempts > 0 ? ` (after ${attempts} attempt${attempts === 1 ? '' : 's'})` : ''}` };
}
