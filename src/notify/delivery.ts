/**
 * Delivery: HTTP with a timeout per attempt, bounded retries with exponential backoff on 5xx,
 * 429 and refused or reset connections (honouring Retry-After, in seconds or as an HTTP date),
 * and the fan-out of a run's deliveries: channels in parallel, each channel's messages in order,
 * so one failing or stalling channel never holds up the others or the run.
 */
import { request } from 'undici';
import type { ChannelSettings } from '../config/notify-types.ts';
import { cut, type Redactor } from '../config/secrets.ts';
import { parseRetryAfter } from '../net/retry-after.ts';

export interface RetryPolicy {
  /** Extra attempts after a retryable failure. */
  retries: number;
  /** First backoff; doubled on each retry. */
  baseDelayMs: number;
  /** The longest wait between two attempts (backoff or Retry-After); a longer Retry-After gives up. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'retries'> = { baseDelayMs: 1000, maxDelayMs: 30_000 };

/** How the delivery waits and reads the clock; tests pass their own. */
export interface DeliveryEnv {
  sleep(ms: number): Promise<void>;
  now(): number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Redacts a receiver's answer before any of it is cut for a message (the config's redactor). */
  redactor: Redactor;
  /** The run's deadline: an attempt in flight is aborted, and no new one starts, once it passes. */
  signal?: AbortSignal;
}

/** The detail of a delivery the run's deadline stopped: failed, and owed to a later run (with its id). */
export const DEADLINE_DETAIL = "not sent: the run's deadline passed (a later run sends it)";

export const realEnv: Omit<DeliveryEnv, 'redactor'> = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  ...DEFAULT_RETRY,
};

export interface HttpOutcome {
  ok: boolean;
  status: number | null;
  attempts: number;
  /** The response body (first 64 KiB, marked where cut) as text, when there was a response. */
  body: string;
  /** Why it failed, or a short note on success. A quoted answer is redacted; the rest is redacted where it is shown. */
  detail: string;
}

/** How much of a response body is kept, and how much of it a failure message quotes. */
const MAX_BODY = 65_536;
const MAX_QUOTED_BODY = 200;
/** The longest detail shown for one delivery (log line, job summary). */
export const MAX_DETAIL = 400;

/**
 * The start of a response body for a message, on one line. Redacted before anything is cut or
 * joined: a cut inside a secret would leave a part that no longer matches it.
 */
function quoteBody(redactor: Redactor, body: string): string {
  return cut(redactor.redact(body).replace(/\s+/g, ' ').trim(), MAX_QUOTED_BODY + 1);
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

function errorText(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export interface HttpRequest {
  url: string;
  method?: 'POST' | 'PATCH' | 'GET';
  headers: Record<string, string>;
  /** Absent for a GET. */
  body?: string;
  timeoutMs: number;
  retries: number;
  /** A 403 with a Retry-After is a rate limit too (GitHub's secondary limits). */
  retry403WithRetryAfter?: boolean;
}

/**
 * One request with its retries. A timeout is not retried: the receiver may have the message
 * already, and the run must end on time.
 */
export async function sendHttp(req: HttpRequest, env: DeliveryEnv): Promise<HttpOutcome> {
  let attempts = 0;
  for (;;) {
    if (env.signal?.aborted) return { ok: false, status: null, attempts, body: '', detail: DEADLINE_DETAIL };
    attempts++;
    let wait: number | null = null;
    let failure: string;
    let status: number | null = null;
    let body = '';
    try {
      const res = await request(req.url, {
        method: req.method ?? 'POST',
        headers: { 'user-agent': 'cairn-notify', ...req.headers },
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: env.signal ? AbortSignal.any([AbortSignal.timeout(req.timeoutMs), env.signal]) : AbortSignal.timeout(req.timeoutMs),
      });
      status = res.statusCode;
      body = cut(await res.body.text(), MAX_BODY);
      if (status >= 200 && status < 300) return { ok: true, status, attempts, body, detail: `HTTP ${status}` };
      const retryAfter = parseRetryAfter(res.headers['retry-after'], env.now());
      failure = `HTTP ${status}${body ? `: ${quoteBody(env.redactor, body)}` : ''}`;
      const retryable = status === 429 || status >= 500 || (status === 403 && req.retry403WithRetryAfter === true && retryAfter !== null);
      if (!retryable) return { ok: false, status, attempts, body, detail: failure };
      if (retryAfter !== null) {
        if (retryAfter > env.maxDelayMs) {
          return { ok: false, status, attempts, body, detail: `${failure}; Retry-After ${Math.ceil(retryAfter / 1000)}s is beyond the ${Math.round(env.maxDelayMs / 1000)}s bound, gave up` };
        }
        wait = retryAfter;
      }
    } catch (err) {
      const name = (err as Error)?.name;
      if (env.signal?.aborted) return { ok: false, status: null, attempts, body: '', detail: `${DEADLINE_DETAIL}; the receiver may have it` };
      if (name === 'TimeoutError' || name === 'AbortError') {
        return { ok: false, status: null, attempts, body: '', detail: `timed out after ${req.timeoutMs} ms (not retried: the receiver may have it)` };
      }
      failure = errorText(err);
      if (!RETRYABLE_CODES.has(errorCode(err))) return { ok: false, status: null, attempts, body: '', detail: failure };
    }
    if (attempts > req.retries) return { ok: false, status, attempts, body, detail: `${failure} (after ${attempts} attempt${attempts === 1 ? '' : 's'})` };
    await sleepUnlessAborted(env, wait ?? Math.min(env.maxDelayMs, env.baseDelayMs * 2 ** (attempts - 1)));
  }
}

/** Waits, unless the run's deadline passes first. */
export async function sleepUnlessAborted(env: DeliveryEnv, ms: number): Promise<void> {
  const signal = env.signal;
  if (!signal) return env.sleep(ms);
  if (signal.aborted) return;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([env.sleep(ms), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** What one delivery came to. */
export interface DeliveryOutcome {
  status: 'sent' | 'failed' | 'skipped';
  attempts: number;
  /** One redacted line: `HTTP 202`, `timed out after 10000 ms`, `issue #12 opened`. */
  detail: string;
}

/** Helper for channels: an HTTP outcome as a delivery outcome. */
export function fromHttp(outcome: HttpOutcome, note?: string): DeliveryOutcome {
  return { status: outcome.ok ? 'sent' : 'failed', attempts: outcome.attempts, detail: outcome.ok && note ? note : outcome.detail };
}

export function httpRequest(channel: ChannelSettings, url: string, body: unknown, headers: Record<string, string> = {}): HttpRequest {
  return {
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    timeoutMs: channel.timeoutMs,
    retries: channel.retries,
  };
}

/** Runs `fn` over the groups in parallel and over each group's items in order. */
export async function fanOut<T, R>(groups: Map<string, T[]>, fn: (group: string, item: T) => Promise<R>): Promise<Map<string, R[]>> {
  const out = new Map<string, R[]>();
  await Promise.all(
    [...groups].map(async ([group, items]) => {
      const results: R[] = [];
      for (const item of items) results.push(await fn(group, item));
      out.set(group, results);
    }),
  );
  return out;
}

/** A delivery's detail as shown: redacted first, on one line, then cut to MAX_DETAIL. */
export function safeDetail(redactor: Redactor, text: string): string {
  return cut(redactor.redact(text).replace(/\s+/g, ' ').trim(), MAX_DETAIL);
}
