/**
 * The checks engine: runs every enabled check once, concurrently within a global bound and a
 * per-host bound, each attempt with its own timeout, all inside one global deadline.
 *
 * Guarantees, whatever the runners do:
 * - at most `concurrency` checks run at once, and at most `perHostConcurrency` against one host
 *   (`hostOf`); checks start in input order, a check whose host is busy does not hold up others;
 * - one result per enabled check that came to a verdict, in the input order (disabled checks are
 *   left out);
 * - the promise settles by the global deadline, even when a runner ignores its abort signal. A
 *   check without a verdict then is never invented into downtime. It is `skipped` with a reason
 *   (`runCheckRound`), and so is *no data* for the status model, when it had not started, or when
 *   its first attempt was still in flight. Two exceptions, both real evidence: an attempt already
 *   in flight longer than the check's critical response-time threshold is `down`; a failure seen
 *   and awaiting confirmation is reported `down` with `(not confirmed: ...)`;
 * - an attempt's outcome that arrives after the deadline aborted it is discarded (a cut-short
 *   attempt says nothing about its target);
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
import type { Redactor } from '../config/secrets.ts';
import { DEFAULT_RUN } from '../config/resolve.ts';
import type { CheckKind, ResolvedCheck, RunSettings } from '../config/types.ts';
import { runInWorkers, workerCount } from './engine-workers.ts';
import { messageOf } from './errors.ts';
import { runners as defaultRunners, type RunnerRegistry } from './runners.ts';
import { applyThresholds } from './thresholds.ts';
import { nextTurn } from './turns.ts';
import type { AttemptContext, AttemptOutcome, CheckResult, CheckRunner } from './types.ts';

export interface RunChecksOptions {
  /** Redacts secrets from error messages and details (the config's redactor). */
  redactor?: Redactor;
  /** Clock for `checkedAt`; durations always use the monotonic clock. */
  now?: () => Date;
  /** Called once per check as its result is final, in completion order. */
  onResult?: (result: CheckResult, done: number, total: number) => void;
  /** Called once per check left without a verdict by the global deadline, after the last result. */
  onSkipped?: (skipped: SkippedCheck) => void;
  /** Runners to use instead of the built-in ones, by kind (tests, plugins). */
  runners?: Partial<RunnerRegistry>;
  /**
   * When the checks must have stopped, on the monotonic clock (`performance.now()`), when that
   * is earlier than `deadlineMs` from now: the command's deadline counts from its start and keeps
   * time for what follows the checks (src/cli/deadline.ts). Messages still name `deadlineMs`.
   */
  stopAt?: number;
  /** The status repo, passed to runners that read committed data (heartbeat signals). */
  dir?: string;
  /**
   * Threads for the round (engine-workers.ts), this one included: 0 or 1 runs it in this thread, N
   * in this one and N - 1 worker threads;
   * by default `CAIRN_CHECK_WORKERS`, else threads for a round of 200 checks or more on a
   * machine with more than one core.
   */
  workers?: number;
  /** Tests only: worker thread n (from 0) exits abruptly after sending exitWorkerAfter[n] results. */
  exitWorkerAfter?: readonly (number | undefined)[];
}

/** How long an attempt's runner may take to return after its signal aborted before it is abandoned. */
export const ATTEMPT_GRACE_MS = 1000;

/** Checks run at once against one host when the settings do not say. */
export const DEFAULT_PER_HOST_CONCURRENCY = DEFAULT_RUN.perHostConcurrency;

/** Wait before retry n (1-based): 200 ms, 400 ms, 800 ms... capped at 2 s. */
export function retryBackoffMs(retry: number): number {
  return Math.min(2000, 200 * 2 ** (retry - 1));
}

/** The reason given for a check aborted by the global deadline. */
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
 * An attempt's abort: its controller (whose signal the runner gets), its timeout timer, and what
 * to do once it has aborted (`runAttempt` starts the grace period there). The engine aborts it
 * itself (timeout, deadline), so it calls `onAbort` directly instead of listening on the signal.
 */
interface AttemptAbort {
  controller: AbortController;
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | null;
}

/**
 * One attempt, raced against its signal: the runner's own outcome when it returns (it knows
 * best what timed out), else a plain timeout once the grace period after the abort has passed.
 */
function runAttempt(runner: CheckRunner | undefined, check: ResolvedCheck, ctx: AttemptContext, abort: AttemptAbort): Promise<AttemptOutcome> {
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
    else abort.onAbort = onAbort;
    const settled = (outcome: AttemptOutcome) => {
      abort.onAbort = null;
      clearTimeout(grace);
      resolve(outcome);
    };
    pending.then(
      (outcome) => settled(checkedOutcome(outcome)),
      (err: unknown) => settled(down(`internal error: ${messageOf(err)}`)),
    );
  });
}

function toResult(check: ResolvedCheck, outcome: AttemptOutcome, startedAt: Date, attempts: number): CheckResult {
  const result: CheckResult = {
    id: check.id,
    kind: check.kind,
    status: outcome.status,
    responseTimeMs: outcome.responseTimeMs,
    error: outcome.status === 'up' ? null : (outcome.error ?? `${outcome.status} (no reason given)`),
    checkedAt: startedAt.toISOString(),
    attempts,
  };
  // Added in this order when present (no spread of a temporary object per result).
  if (outcome.statusCode !== undefined) result.statusCode = outcome.statusCode;
  if (outcome.details !== undefined) result.details = outcome.details;
  return result;
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
  /** Attempts started. */
  attempts: number;
  /** Start of the latest attempt. */
  checkedAt: Date | null;
  /** Monotonic start of the attempt in flight; null between attempts. */
  inFlightSince: number | null;
  /** The last attempt that finished (a failure awaiting confirmation), with its start. */
  last: { outcome: AttemptOutcome; startedAt: Date; attempts: number } | null;
}

/** A check that produced no result in this run, and why; it is not stored (no data, not down). */
export interface SkippedCheck {
  id: string;
  kind: CheckKind;
  /** Whether any attempt had started. */
  started: boolean;
  /** One sentence: why it has no result. */
  reason: string;
}

export interface RoundResults {
  /** One result per check that came to a verdict, in input order. */
  results: CheckResult[];
  /** The enabled checks that did not (the global deadline passed first), in input order. */
  skipped: SkippedCheck[];
}

export type EngineSettings = Pick<RunSettings, 'concurrency' | 'deadlineMs'> & Partial<Pick<RunSettings, 'perHostConcurrency'>>;

/**
 * The host a check puts load on, for the per-host bound: the URL's host name, `host`, a DNS
 * check's server, or the first step's URL; lowercased. Null: no per-host bound applies.
 */
export function hostOf(check: ResolvedCheck): string | null {
  const c = check as unknown as Record<string, unknown>;
  const fromUrl = (u: unknown): string | null => {
    if (typeof u !== 'string') return null;
    try {
      return new URL(u).hostname.replace(/^\[|\]$/g, '').toLowerCase() || null;
    } catch {
      return null;
    }
  };
  if (typeof c['url'] === 'string') return fromUrl(c['url']);
  if (check.kind === 'dns') {
    const server = check.server;
    if (server === null) return null;
    const v6 = /^\[([^\]]+)\]/.exec(server);
    if (v6) return (v6[1] as string).toLowerCase();
    return server.includes('.') ? (server.split(':')[0] as string) : server.toLowerCase();
  }
  if (typeof c['host'] === 'string') return c['host'].replace(/^\[|\]$/g, '').toLowerCase();
  const steps = c['steps'];
  if (Array.isArray(steps) && steps.length > 0 && steps[0] !== null && typeof steps[0] === 'object') {
    return fromUrl((steps[0] as Record<string, unknown>)['url']);
  }
  return null;
}

/**
 * Starts work in input order, at most `global` at once and at most `perHost` per host; a check
 * whose host is busy is passed over (not blocking the ones behind it) until a slot frees.
 */
class Scheduler {
  private readonly queue: number[];
  private readonly busy = new Map<string, number>();
  private active = 0;
  private stopped = false;

  constructor(
    count: number,
    private readonly hostAt: (index: number) => string | null,
    private readonly global: number,
    private readonly perHost: (host: string) => number,
    private readonly run: (index: number) => Promise<void>,
  ) {
    this.queue = Array.from({ length: count }, (_, i) => i);
  }

  /** Index of checks never started. */
  pending(): readonly number[] {
    return this.queue;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Starts the round: one check per turn of the event loop (turns.ts) until the bounds are
   * reached, so that each one's connection sends its request before the next is started, instead
   * of all requests leaving together once every check has been started. A check that ends starts
   * the next one at once, in its own turn (`pump(1)`).
   */
  start(): void {
    const before = this.active;
    this.pump(1);
    if (this.active > before && !this.stopped) void nextTurn().then(() => this.start());
  }

  /** Starts checks, at most `limit`, while the bounds allow. */
  pump(limit = Infinity): void {
    for (let q = 0, started = 0; started < limit && q < this.queue.length && this.active < this.global && !this.stopped; ) {
      const index = this.queue[q] as number;
      const host = this.hostAt(index);
      if (host !== null && (this.busy.get(host) ?? 0) >= this.perHost(host)) {
        q += 1;
        continue;
      }
      this.queue.splice(q, 1);
      started += 1;
      this.active += 1;
      if (host !== null) this.busy.set(host, (this.busy.get(host) ?? 0) + 1);
      void this.run(index).finally(() => {
        this.active -= 1;
        if (host !== null) this.busy.set(host, (this.busy.get(host) ?? 1) - 1);
        // One slot freed (the round's and its host's): at most one check can take it. A check
        // that could start for another reason is the ramp's (`start`) to start, in its turn.
        this.pump(1);
      });
    }
  }
}

/** Why a check that had started has no verdict at the deadline, or the verdict it had. */
function atDeadline(
  check: ResolvedCheck,
  p: Progress,
  deadlineMs: number,
): { result: CheckResult } | { reason: string } {
  const elapsed = p.inFlightSince === null ? null : Math.round(performance.now() - p.inFlightSince);
  const downMs = check.thresholds.downMs;
  if (elapsed !== null && downMs !== null && elapsed > downMs) {
    // Already slower than the critical threshold: down whatever the answer would have been.
    const error = `no response within ${elapsed} ms, above critical threshold ${downMs} ms (stopped by the global deadline of ${deadlineMs} ms)`;
    return { result: toResult(check, { status: 'down', responseTimeMs: null, error }, p.checkedAt ?? new Date(), p.attempts) };
  }
  if (p.last !== null) {
    // A failure seen but not yet confirmed by its retries: report it, saying so.
    const { outcome, startedAt, attempts } = p.last;
    const note = `(not confirmed: the global deadline of ${deadlineMs} ms passed before retry ${attempts})`;
    return { result: toResult(check, { ...outcome, error: `${outcome.error ?? 'down'} ${note}` }, startedAt, attempts) };
  }
  return {
    reason: `unfinished: the global deadline of ${deadlineMs} ms passed ${elapsed ?? 0} ms into its first attempt (timeout ${check.timeoutMs} ms), so there is no verdict`,
  };
}

/** What the round's core needs beyond the public options (worker threads, see engine-workers.ts). */
export interface CoreHooks {
  /** The per-host bound of these hosts, where it differs from the settings' (a host split between threads). */
  hostBounds?: ReadonlyMap<string, number>;
  /** Called with the check's index as its result is final (after onResult). */
  onIndexed?: (index: number, result: CheckResult) => void;
}

/** Results and skipped checks by the index of the check. */
export interface IndexedRound {
  results: (CheckResult | undefined)[];
  skipped: (SkippedCheck | undefined)[];
}

/**
 * Runs every enabled check once; see the module comment. Checks the global deadline left without a
 * verdict are in `skipped`, with the reason, never in `results`. A big round runs in worker
 * threads when the machine has more than one core (engine-workers.ts; `opts.workers`,
 * `CAIRN_CHECK_WORKERS`), with the same results.
 */
export async function runCheckRound(checks: readonly ResolvedCheck[], settings: EngineSettings, opts: RunChecksOptions = {}): Promise<RoundResults> {
  const enabled = checks.filter((c) => c.enabled);
  if (enabled.length === 0) return { results: [], skipped: [] };
  const threads = workerCount(enabled, settings, opts);
  const round = threads > 1 ? await runInWorkers(enabled, settings, opts, threads) : await runRoundCore(enabled, settings, opts);
  const skipped = round.skipped.filter((s): s is SkippedCheck => s !== undefined);
  skipped.forEach((s) => opts.onSkipped?.(s));
  return { results: round.results.filter((r): r is CheckResult => r !== undefined), skipped };
}

/** The round in this thread, of checks all enabled; results and skipped by index. */
export async function runRoundCore(enabled: readonly ResolvedCheck[], settings: EngineSettings, opts: RunChecksOptions, hooks: CoreHooks = {}): Promise<IndexedRound> {
  const total = enabled.length;
  if (total === 0) return { results: [], skipped: [] };

  const now = opts.now ?? (() => new Date());
  const registry: Partial<RunnerRegistry> = { ...defaultRunners, ...opts.runners };
  const deadline = new AbortController();
  // Each attempt's signal aborts at its timeout or when the deadline aborts, whichever is first.
  // One controller and one timer per attempt, cleared as it ends, and one deadline listener for
  // all attempts: AbortSignal.any() and AbortSignal.timeout() cost more (a timer left running for
  // the whole timeout, a weak dependant on the deadline signal per attempt, more garbage).
  const inFlight = new Set<AttemptAbort>();
  const abortAttempt = (a: AttemptAbort, reason: unknown) => {
    a.controller.abort(reason);
    a.onAbort?.();
  };
  deadline.signal.addEventListener('abort', () => {
    for (const a of inFlight) {
      clearTimeout(a.timer);
      abortAttempt(a, deadline.signal.reason);
    }
    inFlight.clear();
  }, { once: true });
  const startAttempt = (timeoutMs: number): AttemptAbort => {
    const a: AttemptAbort = { controller: new AbortController(), timer: undefined, onAbort: null };
    if (deadline.signal.aborted) {
      a.controller.abort(deadline.signal.reason);
      return a;
    }
    inFlight.add(a);
    a.timer = setTimeout(() => {
      inFlight.delete(a);
      abortAttempt(a, new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, timeoutMs);
    // As AbortSignal.timeout(): the engine's deadline timer keeps the process alive while a run is in progress.
    a.timer.unref();
    return a;
  };
  const endAttempt = (a: AttemptAbort) => {
    clearTimeout(a.timer);
    inFlight.delete(a);
  };

  const results: (CheckResult | undefined)[] = enabled.map(() => undefined);
  const progress: Progress[] = enabled.map(() => ({ attempts: 0, checkedAt: null, inFlightSince: null, last: null }));
  let done = 0;
  let open = true;
  let failure: { err: unknown } | null = null;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allDone = resolve));

  const settle = (index: number, result: CheckResult) => {
    if (!open || results[index] !== undefined) return;
    const final = redacted(result, opts.redactor);
    results[index] = final;
    done += 1;
    try {
      opts.onResult?.(final, done, total);
      hooks.onIndexed?.(index, final);
    } catch (err) {
      failure ??= { err };
      allDone();
    }
    if (done === total) allDone();
  };

  const runOne = async (index: number): Promise<void> => {
    const check = enabled[index] as ResolvedCheck;
    const p = progress[index] as Progress;
    const runner = registry[check.kind] as CheckRunner | undefined;
    for (;;) {
      if (deadline.signal.aborted) return;
      p.attempts += 1;
      const startedAt = now();
      p.checkedAt = startedAt;
      p.inFlightSince = performance.now();
      const timeoutMs = Math.max(1, check.timeoutMs);
      const attempt = startAttempt(timeoutMs);
      let raw: AttemptOutcome;
      try {
        raw = await runAttempt(runner, check, { signal: attempt.controller.signal, timeoutMs, now: startedAt, ...(opts.dir === undefined ? {} : { dir: opts.dir }) }, attempt);
      } finally {
        endAttempt(attempt);
      }
      p.inFlightSince = null;
      // An attempt cut short by the deadline says nothing about the target: no verdict from it.
      if (deadline.signal.aborted) return;
      const outcome = applyThresholds(raw, check.thresholds);
      if (outcome.status !== 'down' || p.attempts > check.retries) {
        settle(index, toResult(check, outcome, startedAt, p.attempts));
        return;
      }
      p.last = { outcome, startedAt, attempts: p.attempts };
      await sleep(retryBackoffMs(p.attempts), deadline.signal);
    }
  };

  // Each check's host, worked out when the scheduler first looks at it (a URL parsed per check:
  // not all before the first check can start).
  const hosts: (string | null | undefined)[] = new Array<string | null | undefined>(total);
  const hostAt = (index: number): string | null => {
    let host = hosts[index];
    if (host === undefined) hosts[index] = host = hostOf(enabled[index] as ResolvedCheck);
    return host;
  };
  const perHost = Math.max(1, Math.floor(settings.perHostConcurrency ?? DEFAULT_PER_HOST_CONCURRENCY));
  const bounds = hooks.hostBounds;
  const perHostOf = bounds === undefined ? () => perHost : (host: string) => bounds.get(host) ?? perHost;
  const scheduler = new Scheduler(total, hostAt, Math.max(1, Math.floor(settings.concurrency)), perHostOf, runOne);

  let timer: NodeJS.Timeout | undefined;
  const budget = Math.min(settings.deadlineMs, opts.stopAt === undefined ? Infinity : opts.stopAt - performance.now());
  if (budget <= 0 && settings.deadlineMs > 0) {
    // The command spent its time before the checks (a very slow start): none is begun.
    const skipped = enabled.map((check) => ({ id: check.id, kind: check.kind, started: false, reason: `not started: no time was left for checks before the global deadline of ${settings.deadlineMs} ms` }));
    return { results: enabled.map(() => undefined), skipped };
  }
  const deadlinePassed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, budget));
  });
  scheduler.start();
  try {
    await Promise.race([finished, deadlinePassed]);
  } finally {
    clearTimeout(timer);
  }
  if (failure !== null) {
    // Only onResult can throw; stop everything still running before passing it on.
    scheduler.stop();
    deadline.abort((failure as { err: unknown }).err);
    open = false;
    throw (failure as { err: unknown }).err;
  }

  const skipped: (SkippedCheck | undefined)[] = enabled.map(() => undefined);
  if (done < total) {
    scheduler.stop();
    deadline.abort(new Error(deadlineError(settings.deadlineMs)));
    const neverStarted = new Set(scheduler.pending());
    enabled.forEach((check, index) => {
      if (results[index] !== undefined) return;
      const p = progress[index] as Progress;
      if (neverStarted.has(index) || p.attempts === 0) {
        skipped[index] = {
          id: check.id,
          kind: check.kind,
          started: false,
          reason: `not started: the global deadline of ${settings.deadlineMs} ms passed before a slot was free`,
        };
        return;
      }
      const verdict = atDeadline(check, p, settings.deadlineMs);
      if ('result' in verdict) settle(index, verdict.result);
      else skipped[index] = { id: check.id, kind: check.kind, started: true, reason: verdict.reason };
    });
  }
  open = false;
  return { results, skipped };
}

/** The results of the checks that came to a verdict (see `runCheckRound` for the skipped ones). */
export async function runChecks(checks: readonly ResolvedCheck[], settings: EngineSettings, opts: RunChecksOptions = {}): Promise<CheckResult[]> {
  return (await runCheckRound(checks, settings, opts)).results;
}
