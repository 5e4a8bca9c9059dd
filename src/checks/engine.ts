/**
 * The checks engine: runs every enabled check once, concurrently within a bound, each attempt
 * with its own timeout, all inside one global deadline, and returns one result per check.
 *
 * Guarantees, whatever the runners do:
 * - one result per enabled check, in the input order (disabled checks are skipped);
 * - the promise settles by the global deadline: a check still running, backing off or not yet
 *   started then is `down` with `not completed: global deadline of N ms exceeded`, even when its
 *   runner ignores its abort signal;
 * - an attempt whose runner ignores its signal is given up `ATTEMPT_GRACE_MS` after its timeout;
 * - a runner that throws yields `down` with `internal error: <message>`;
 * - every error message and every string in `details` has passed through the redactor.
 *
 * Failure confirmation: an attempt that is `down` (after thresholds) is retried up to
 * `check.retries` times, after 200 ms, 400 ms, 800 ms... (capped at 2 s, cut short by the
 * deadline). `degraded` is not retried. The final attempt is the result; `checkedAt` is the time
 * it started and `attempts` counts the attempts made.
 */
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import type { Redactor } from '../config/secrets.ts';
import type { ResolvedCheck, RunSettings } from '../config/types.ts';
import { messageOf } from './errors.ts';
import { runners as defaultRunners, type RunnerRegistry } from './runners.ts';
import { applyThresholds } from './thresholds.ts';
import type { AttemptContext, AttemptOutcome, CheckResult, CheckRunner } from './types.ts';

export interface RunChecksOptions {
  /** Redacts secrets from error messages and details (the config's redactor). */
  redactor?: Redactor;
  /** Clock for `checkedAt`; durations always use the monotonic clock. */
  now?: () => Date;
  /** Called once per check as its result is final, in completion order. */
  onResult?: (result: CheckResult, done: number, total: number) => void;
  /** Runners to use instead of the built-in ones, by kind (tests, plugins). */
  runners?: Partial<RunnerRegistry>;
}

/** How long an attempt's runner may take to return after its signal aborted before it is abandoned. */
export const ATTEMPT_GRACE_MS = 1000;

/** Wait before retry n (1-based): 200 ms, 400 ms, 800 ms... capped at 2 s. */
export function retryBackoffMs(retry: number): number {
  return Math.min(2000, 200 * 2 ** (retry - 1));
}

export function deadlineError(deadlineMs: number): string {
  return `not completed: global deadline of ${deadlineMs} ms exceeded`;
}

const STATUSES = new Set(['up', 'degraded', 'down']);

function down(error: string): AttemptOutcome {
  return { status: 'down', responseTimeMs: null, error };
}

/** Guards against runners that return something other than an outcome. */
function checkedOutcome(outcome: unknown): AttemptOutcome {
  if (outcome === null || typeof outcome !== 'object' || !('status' in outcome) || !STATUSES.has(String(outcome.status))) {
    return down('internal error: the runner returned no valid outcome');
  }
  const o = outcome as AttemptOutcome;
  const responseTimeMs = typeof o.responseTimeMs === 'number' && Number.isFinite(o.responseTimeMs) ? o.responseTimeMs : null;
  return { ...o, responseTimeMs, error: o.error ?? null };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * One attempt, raced against its signal: the runner's own outcome when it returns (it knows
 * best what timed out), else a plain timeout once the grace period after the abort has passed.
 */
function runAttempt(runner: CheckRunner | undefined, check: ResolvedCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  if (!runner) return Promise.resolve(down(`internal error: no runner for check kind "${check.kind}"`));
  let pending: Promise<AttemptOutcome>;
  try {
    pending = Promise.resolve(runner.attempt(check, ctx));
  } catch (err) {
    return Promise.resolve(down(`internal error: ${messageOf(err)}`));
  }
  return new Promise((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      grace = setTimeout(() => resolve(down(`timed out after ${ctx.timeoutMs} ms`)), ATTEMPT_GRACE_MS);
      // The engine's own deadline timer keeps the process alive while a run is in progress.
      grace.unref();
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    pending
      .then(
        (outcome) => resolve(checkedOutcome(outcome)),
        (err: unknown) => resolve(down(`internal error: ${messageOf(err)}`)),
      )
      .finally(() => {
        clearTimeout(grace);
        ctx.signal.removeEventListener('abort', onAbort);
      });
  });
}

function toResult(check: ResolvedCheck, outcome: AttemptOutcome, startedAt: Date, attempts: number): CheckResult {
  return {
    id: check.id,
    kind: check.kind,
    status: outcome.status,
    responseTimeMs: outcome.responseTimeMs,
    error: outcome.status === 'up' ? null : (outcome.error ?? `${outcome.status} (no reason given)`),
    checkedAt: startedAt.toISOString(),
    attempts,
    ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
    ...(outcome.details === undefined ? {} : { details: outcome.details }),
  };
}

function redacted(result: CheckResult, redactor: Redactor | undefined): CheckResult {
  if (!redactor) return result;
  return {
    ...result,
    error: result.error === null ? null : redactor.redact(result.error),
    ...(result.details === undefined ? {} : { details: redactor.redactDeep(result.details) }),
  };
}

interface Progress {
  attempts: number;
  /** Start of the latest attempt. */
  checkedAt: Date | null;
}

export async function runChecks(
  checks: readonly ResolvedCheck[],
  settings: Pick<RunSettings, 'concurrency' | 'deadlineMs'>,
  opts: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const enabled = checks.filter((c) => c.enabled);
  const total = enabled.length;
  if (total === 0) return [];

  const now = opts.now ?? (() => new Date());
  const registry: Partial<RunnerRegistry> = { ...defaultRunners, ...opts.runners };
  const deadline = new AbortController();
  const deadlineAt = performance.now() + settings.deadlineMs;
  const limit = pLimit(Math.max(1, Math.floor(settings.concurrency)));

  const results: (CheckResult | undefined)[] = enabled.map(() => undefined);
  const progress: Progress[] = enabled.map(() => ({ attempts: 0, checkedAt: null }));
  let done = 0;
  let open = true;

  const settle = (index: number, result: CheckResult) => {
    if (!open || results[index] !== undefined) return;
    const final = redacted(result, opts.redactor);
    results[index] = final;
    done += 1;
    opts.onResult?.(final, done, total);
  };

  const runOne = async (check: ResolvedCheck, index: number, p: Progress): Promise<void> => {
    const runner = registry[check.kind] as CheckRunner | undefined;
    for (;;) {
      if (deadline.signal.aborted) return;
      p.attempts += 1;
      const startedAt = now();
      p.checkedAt = startedAt;
      const timeoutMs = Math.max(1, Math.min(check.timeoutMs, Math.floor(deadlineAt - performance.now())));
      const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), deadline.signal]);
      const outcome = applyThresholds(await runAttempt(runner, check, { signal, timeoutMs }), check.thresholds);
      if (outcome.status !== 'down' || p.attempts > check.retries || deadline.signal.aborted) {
        settle(index, toResult(check, outcome, startedAt, p.attempts));
        return;
      }
      await sleep(retryBackoffMs(p.attempts), deadline.signal);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const deadlinePassed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, settings.deadlineMs));
  });
  const all = Promise.all(
    enabled.map((check, index) => limit(() => runOne(check, index, progress[index] as Progress))),
  );
  try {
    await Promise.race([all, deadlinePassed]);
  } catch (err) {
    // Only onResult can throw here; stop everything still running before passing it on.
    deadline.abort(err);
    limit.clearQueue();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  if (done < total) {
    const message = deadlineError(settings.deadlineMs);
    deadline.abort(new Error(message));
    limit.clearQueue();
    const at = now();
    enabled.forEach((check, index) => {
      const p = progress[index] as Progress;
      const outcome: AttemptOutcome = { status: 'down', responseTimeMs: null, error: message };
      settle(index, toResult(check, outcome, p.checkedAt ?? at, p.attempts));
    });
  }
  open = false;
  return results as CheckResult[];
}
