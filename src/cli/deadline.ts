/**
 * The global deadline (`defaults.deadline`) bounds the whole command, counted from the start of
 * the process: loading the configuration, the checks, the writes, the commit and push, the
 * notifications. "The run always ends by it."
 *
 * - The checks stop `reserveFor(deadline)` before it (a fifth of it, between 1 s and 60 s), so
 *   that what follows them normally fits in the time left.
 * - Every network step after them (git push and fetch, notification deliveries) is aborted when
 *   it passes: a push not done leaves the commit in the local branch, a message not delivered
 *   stays owed for a later run (with its id).
 * - A watchdog ends the process `DEADLINE_GRACE_MS` after it, whatever still runs, with one
 *   sentence and exit 1. Local writes are atomic and a git killed mid-way is cleaned up by the
 *   next run (src/store/git-locks.ts), so nothing is left broken.
 *
 * `cairn run --build` builds the site after the deadline's work is done, outside it.
 */
import { performance } from 'node:perf_hooks';
import { EXIT_INTERNAL } from './errors.ts';
import type { Output } from './output.ts';

/** How long after the deadline the watchdog ends a command that is still running. */
export const DEADLINE_GRACE_MS = 5000;

/** The part of the deadline kept for what follows the checks: a fifth, between 1 s and 60 s. */
export function reserveFor(deadlineMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.round(deadlineMs / 5)));
}

export interface CommandDeadline {
  /** The configured deadline. */
  deadlineMs: number;
  /** When it passes, on the monotonic clock (`performance.now()`, 0 = start of the process). */
  at: number;
  /** When the checks must have stopped (monotonic clock). */
  checksStopAt: number;
  /** Aborts when the deadline passes. */
  signal: AbortSignal;
  /** Ends the process `DEADLINE_GRACE_MS` after the deadline if it still runs then. */
  arm(out: Output): void;
  /** Stands the watchdog down (the work bounded by the deadline is done). */
  disarm(): void;
}

/** `3.5 s`, `5 min`. */
export function formatDeadline(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}

/** The deadline of a command that started at `origin` on the monotonic clock (default: the start of the process). */
export function commandDeadline(deadlineMs: number, origin = 0): CommandDeadline {
  const at = origin + Math.max(0, deadlineMs);
  const checksStopAt = at - Math.min(reserveFor(deadlineMs), deadlineMs / 2);
  const controller = new AbortController();
  const fire = setTimeout(() => controller.abort(new Error(`the run's deadline of ${formatDeadline(deadlineMs)} passed`)), Math.max(0, at - performance.now()));
  // Neither timer keeps the process alive: they only stop work that does.
  fire.unref();
  let watchdog: NodeJS.Timeout | undefined;
  return {
    deadlineMs,
    at,
    checksStopAt,
    signal: controller.signal,
    arm(out) {
      clearTimeout(watchdog);
      watchdog = setTimeout(
        () => {
          out.error(`the run's deadline of ${formatDeadline(deadlineMs)} passed ${DEADLINE_GRACE_MS / 1000} s ago and a step had not ended: stopped (what was written is kept; the next run goes on from there)`);
          process.exit(EXIT_INTERNAL);
        },
        Math.max(0, at + DEADLINE_GRACE_MS - performance.now()),
      );
      watchdog.unref();
    },
    disarm() {
      clearTimeout(watchdog);
      clearTimeout(fire);
    },
  };
}
