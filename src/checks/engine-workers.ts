/**
 * A big round on several cores: the checks split between this thread and worker threads
 * (node:worker_threads), each running the engine's core (`runRoundCore`) on its share, with the
 * same results as in one thread. `threads` counts this one: 2 is this thread and one worker. The engine is CPU-bound
 * (~1.2-1.5 ms of CPU per HTTP check in a fresh process, docs/benchmarks.md, "Check engine"): on
 * a machine with cores to spare, one thread may not keep up with a big round.
 *
 * Guarantees, on top of the engine's (engine.ts):
 * - the per-host bound holds across threads: a host's checks go to one thread, or, when a host
 *   holds more than a thread's share, to several, its bound divided between them so that the
 *   bounds add up to the host's; the global bound is divided in proportion to the checks held;
 * - results come back in input order, `onResult` counts done/total over all threads, in the
 *   order results arrive, and the redactor runs here, in the calling thread, before `onResult`;
 * - each thread stops at the round's deadline (the same instant, passed as an absolute time);
 *   a thread that has not answered ATTEMPT_GRACE_MS + 1 s after the deadline is stopped;
 * - a thread that fails (throws, exits, is out of memory) loses nothing: the checks it held
 *   without a verdict run in this thread, within the round's deadline, and a warning says so;
 * - a round that cannot cross threads (custom runners, a custom clock, a check holding anything
 *   other than plain data) runs in this thread.
 *
 * When: `opts.workers`, else `CAIRN_CHECK_WORKERS` (0 = never, N = N threads), else at least
 * WORKER_MIN_CHECKS enabled checks on a machine with MIN_AUTO_CORES cores or more and a core to spare
 * (1-minute load average at most cores - 1), with min(availableParallelism, MAX_AUTO_WORKERS)
 * threads, this one included.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ResolvedCheck } from '../config/types.ts';
import { ATTEMPT_GRACE_MS, DEFAULT_PER_HOST_CONCURRENCY, hostOf, runRoundCore, type EngineSettings, type IndexedRound, type RunChecksOptions, type SkippedCheck } from './engine.ts';
import { messageOf } from './errors.ts';
import type { CheckResult } from './types.ts';
import { workerEntry } from '../worker-entry.ts';

/** Enabled checks from which a round goes to worker threads by default. */
export const WORKER_MIN_CHECKS = 200;
/**
 * Fewest cores on which a round goes to threads by default. On 2 cores a worker's start-up (its
 * own module loading and JIT warm-up, ~0.3 s of CPU) and the second copy of the engine cost more
 * than the second core gives back: with the exchange on node:http one thread needs ~1.2-1.5 ms of
 * CPU per check, 2 threads ~1.8-2.3 ms, and a round of 1,000 checks ran slower on 2 threads than
 * on one on the quiet machine (docs/benchmarks.md, "Check engine").
 */
export const MIN_AUTO_CORES = 3;
/** Most threads used by default (each costs ~10-20 MB and its own JIT warm-up). */
export const MAX_AUTO_WORKERS = 4;
/** Most threads anyone may ask for. */
const MAX_WORKERS = 16;

/** What one worker thread is given (engine-worker.ts). Plain data only. */
export interface WorkerJob {
  checks: ResolvedCheck[];
  settings: EngineSettings;
  hostBounds: [string, number][];
  /** When the checks must have stopped, as performance.timeOrigin + performance.now(). */
  stopAtAbsolute: number;
  dir?: string;
  /** Tests only: the thread exits abruptly (code 70) after sending this many results. */
  exitAfter?: number;
}

/** A message from a worker thread. */
export type WorkerMessage = { type: 'result'; index: number; result: CheckResult } | { type: 'done'; skipped: [number, SkippedCheck][] };

/** The threads asked for: `opts.workers`, else CAIRN_CHECK_WORKERS; undefined means choose. */
function requested(opts: RunChecksOptions): number | undefined {
  if (opts.workers !== undefined) return opts.workers;
  const env = process.env['CAIRN_CHECK_WORKERS']?.trim();
  if (env === undefined || env === '' || env === 'auto') return undefined;
  if (!/^\d+$/.test(env)) throw new Error(`CAIRN_CHECK_WORKERS: expected 0 (checks in the main thread), a whole number of worker threads or "auto", got "${env}"`);
  return Number(env);
}

/** Whether a value survives structured cloning unchanged: primitives, arrays, plain objects, RegExps, Dates. */
function plain(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  if (t !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) return value.every((v) => plain(v, depth + 1));
  if (value instanceof RegExp || value instanceof Date) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const v of Object.values(value as Record<string, unknown>)) if (!plain(v, depth + 1)) return false;
  return true;
}

/** How many threads this round runs on: 1 is this thread alone. */
export function workerCount(enabled: readonly ResolvedCheck[], settings: EngineSettings, opts: RunChecksOptions): number {
  const asked = requested(opts);
  if (asked === 0 || enabled.length < 2) return 1;
  // Functions cannot cross to another thread.
  if (opts.runners !== undefined || opts.now !== undefined) return 1;
  let threads: number;
  if (asked === undefined) {
    threads = autoThreads(enabled.length, availableParallelism(), loadavg()[0] ?? 0);
  } else {
    threads = Math.min(Math.max(1, Math.floor(asked)), MAX_WORKERS);
  }
  threads = Math.min(threads, Math.max(1, Math.floor(settings.concurrency)), enabled.length);
  if (threads <= 1 || !enabled.every((c) => plain(c))) return 1;
  return threads;
}

/**
 * The threads chosen by default for a round of `checks` enabled checks on `cores` cores at a 1-minute
 * load average `load`: one, unless the round is big, the machine has MIN_AUTO_CORES cores or more
 * and a core to spare. A thread pays only on a core with time to spare: on a busy machine the
 * threads' own costs (each loads the engine's modules and warms up its JIT; ~1.3 s of CPU more per
 * 1,000 checks on 2 cores at load 18, docs/benchmarks.md) make the round slower, not faster.
 */
export function autoThreads(checks: number, cores: number, load: number): number {
  if (checks < WORKER_MIN_CHECKS || cores < MIN_AUTO_CORES || load > cores - 1) return 1;
  return Math.min(cores, MAX_AUTO_WORKERS);
}

/** One thread's share of the round. */
export interface WorkerPart {
  /** Indexes of the enabled checks, in input order. */
  indexes: number[];
  /** Per-host bound in this thread for every host it holds. */
  hostBounds: Map<string, number>;
  /** Its share of the global bound. */
  concurrency: number;
}

/**
 * Splits a round between `threads`: each host whole to one thread, or, when it holds more than a
 * thread's share of the checks (and its bound allows), across several with its bound divided;
 * counts balanced (largest first to the least loaded); the global bound divided in proportion.
 * Empty parts are left out.
 */
export function partition(hosts: readonly (string | null)[], threads: number, concurrency: number, perHost: number): WorkerPart[] {
  const n = hosts.length;
  const share = Math.ceil(n / threads);
  const groups = new Map<string, number[]>();
  const chunks: { host: string | null; indexes: number[]; bound: number }[] = [];
  hosts.forEach((host, i) => {
    if (host === null) chunks.push({ host: null, indexes: [i], bound: 0 });
    else {
      const g = groups.get(host);
      if (g) g.push(i);
      else groups.set(host, [i]);
    }
  });
  for (const [host, indexes] of groups) {
    const k = Math.min(threads, perHost, Math.ceil(indexes.length / share));
    if (k <= 1) {
      chunks.push({ host, indexes, bound: perHost });
      continue;
    }
    // Every k-th check, so that each part runs through the host's checks in input order.
    for (let p = 0; p < k; p++) {
      chunks.push({ host, indexes: indexes.filter((_, j) => j % k === p), bound: Math.floor(perHost / k) + (p < perHost % k ? 1 : 0) });
    }
  }
  chunks.sort((a, b) => b.indexes.length - a.indexes.length);
  const parts: WorkerPart[] = Array.from({ length: threads }, () => ({ indexes: [], hostBounds: new Map(), concurrency: 0 }));
  for (const c of chunks) {
    const host = c.host;
    const free = host === null ? parts : parts.filter((p) => !p.hostBounds.has(host));
    const from = free.length > 0 ? free : parts;
    let best = from[0] as WorkerPart;
    for (const p of from) if (p.indexes.length < best.indexes.length) best = p;
    best.indexes.push(...c.indexes);
    if (host !== null) best.hostBounds.set(host, (best.hostBounds.get(host) ?? 0) + c.bound);
  }
  const used = parts.filter((p) => p.indexes.length > 0);
  for (const p of used) {
    p.indexes.sort((a, b) => a - b);
    p.concurrency = Math.max(1, Math.floor((concurrency * p.indexes.length) / n));
  }
  // What the rounding left, to the largest parts first.
  let left = concurrency - used.reduce((sum, p) => sum + p.concurrency, 0);
  const bySize = [...used].sort((a, b) => b.indexes.length - a.indexes.length);
  for (let i = 0; left > 0 && bySize.length > 0; i = (i + 1) % bySize.length, left--) (bySize[i] as WorkerPart).concurrency += 1;
  return used;
}

/** Redacts as the engine's core does (the threads run without the redactor: it holds functions). */
function redacted(result: CheckResult, opts: RunChecksOptions): CheckResult {
  const r = opts.redactor;
  if (!r) return result;
  return {
    ...result,
    error: result.error === null ? null : r.redact(result.error),
    ...(result.details === undefined ? {} : { details: r.redactDeep(result.details) }),
  };
}

/** Runs the round's enabled checks on `threads` worker threads; see the module comment. */
export async function runInWorkers(enabled: readonly ResolvedCheck[], settings: EngineSettings, opts: RunChecksOptions, threads: number): Promise<IndexedRound> {
  const total = enabled.length;
  const budget = Math.min(settings.deadlineMs, opts.stopAt === undefined ? Infinity : opts.stopAt - performance.now());
  // No time left: the core says so for every check.
  if (budget <= 0 && settings.deadlineMs > 0) return runRoundCore(enabled, settings, opts);
  const stopAt = performance.now() + Math.max(0, budget);
  const perHost = Math.max(1, Math.floor(settings.perHostConcurrency ?? DEFAULT_PER_HOST_CONCURRENCY));
  const parts = partition(enabled.map(hostOf), threads, Math.max(1, Math.floor(settings.concurrency)), perHost);

  const results: (CheckResult | undefined)[] = enabled.map(() => undefined);
  const skipped: (SkippedCheck | undefined)[] = enabled.map(() => undefined);
  let done = 0;
  let failure: { err: unknown } | null = null;
  const stopAll = new AbortController();
  const settle = (index: number, raw: CheckResult) => {
    if (failure !== null || results[index] !== undefined) return;
    const final = redacted(raw, opts);
    results[index] = final;
    done += 1;
    try {
      opts.onResult?.(final, done, total);
    } catch (err) {
      failure = { err };
      stopAll.abort();
    }
  };

  /** The checks of a part without a verdict yet, run here: the first part, or one whose thread failed (why). */
  const runHere = async (part: WorkerPart, why: string | null): Promise<void> => {
    const rest = part.indexes.filter((i) => results[i] === undefined && skipped[i] === undefined);
    if (rest.length === 0 || failure !== null) return;
    if (why !== null) process.emitWarning(`a check worker thread failed (${why}); its ${rest.length} unfinished check${rest.length === 1 ? '' : 's'} run in the main thread`, 'CairnWarning');
    const round = await runRoundCore(
      rest.map((i) => enabled[i] as ResolvedCheck),
      { concurrency: part.concurrency, deadlineMs: settings.deadlineMs, perHostConcurrency: perHost },
      { stopAt, ...(opts.dir === undefined ? {} : { dir: opts.dir }) },
      { hostBounds: part.hostBounds, onIndexed: (i, r) => settle(rest[i] as number, r) },
    );
    round.skipped.forEach((s, i) => {
      if (s !== undefined) skipped[rest[i] as number] = s;
    });
  };

  const entry = workerEntry(import.meta.url, 'engine-worker');
  const runPart = (part: WorkerPart, n: number): Promise<void> =>
    // The first part runs in this thread, which would otherwise only wait: one thread fewer to
    // start, load and warm up (each costs ~30 MB and a JIT warm-up of its own).
    n === 0 ? runHere(part, null) : new Promise<void>((resolve) => {
      const job: WorkerJob = {
        checks: part.indexes.map((i) => enabled[i] as ResolvedCheck),
        settings: { concurrency: part.concurrency, deadlineMs: settings.deadlineMs, perHostConcurrency: perHost },
        hostBounds: [...part.hostBounds],
        stopAtAbsolute: performance.timeOrigin + stopAt,
        ...(opts.dir === undefined ? {} : { dir: opts.dir }),
        ...(opts.exitWorkerAfter?.[n - 1] === undefined ? {} : { exitAfter: opts.exitWorkerAfter[n - 1] }),
      };
      let worker: Worker;
      try {
        worker = new Worker(entry.file, { ...entry.options, workerData: job, stdout: false, stderr: false });
      } catch (err) {
        void runHere(part, `it could not start: ${messageOf(err)}`).then(resolve);
        return;
      }
      let over = false;
      const finish = (why: string | null) => {
        if (over) return;
        over = true;
        clearTimeout(guard);
        stopAll.signal.removeEventListener('abort', onStop);
        worker.removeAllListeners();
        worker.on('error', () => undefined);
        void worker.terminate();
        if (why === null) resolve();
        else void runHere(part, why).then(resolve, resolve);
      };
      const onStop = () => finish(null);
      stopAll.signal.addEventListener('abort', onStop, { once: true });
      const guard = setTimeout(() => finish('no answer by the global deadline'), Math.max(0, stopAt - performance.now()) + ATTEMPT_GRACE_MS + 1000);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'result') settle(part.indexes[m.index] as number, m.result);
        else {
          for (const [i, s] of m.skipped) skipped[part.indexes[i] as number] = s;
          finish(null);
        }
      });
      worker.on('error', (err) => finish(`thread ${n} of ${parts.length - 1}: ${messageOf(err)}`));
      worker.on('exit', (code) => finish(`thread ${n} of ${parts.length - 1} exited with code ${code} before the end of its checks`));
    });

  await Promise.all(parts.map(runPart));
  if (failure !== null) throw (failure as { err: unknown }).err;
  return { results, skipped };
}
