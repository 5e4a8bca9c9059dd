/**
 * Heartbeat checks ("tell me when it did not run"): a job signals that it ran with
 * `cairn heartbeat <id>` (a line in data/heartbeats/, committed and pushed), and at each run
 * this check reads the latest signal:
 *
 * - `up` when the latest signal is `ok` and arrived within `period + grace` of the run's clock;
 * - `down` when it reported a failure (`--status fail`, with its message), when it is older than
 *   that ("no signal since ..."), or when none ever came.
 *
 * Nothing goes over the network: the check reads the status repo's committed data (the
 * engine's `dir`), and judges with the engine's clock (`now`). Its result is a normal sample,
 * so uptime, incidents and alerts work unchanged. `details`: the last signal's time, status,
 * message and source, and when the next one is due.
 */
import { formatDuration } from '../config/schema.ts';
import type { ResolvedHeartbeatCheck } from '../config/types.ts';
import { humanDuration, isoSeconds } from './certificate.ts';
import { latestSignals, type Signal } from './heartbeat-signals.ts';
import { messageOf } from './errors.ts';
import type { AttemptContext, AttemptOutcome, CheckRunner } from './types.ts';

/** Signals stamped this far ahead of the run's clock still count (the job's clock may run ahead). */
export const CLOCK_SKEW_MS = 5 * 60_000;

function expectation(check: ResolvedHeartbeatCheck): string {
  return `expected every ${formatDuration(check.periodMs)}${check.graceMs > 0 ? ` (grace ${formatDuration(check.graceMs)})` : ''}`;
}

/** The verdict on the latest signal (or none) at `now`. Pure. */
export function heartbeatVerdict(check: ResolvedHeartbeatCheck, last: Signal | null, now: Date): AttemptOutcome {
  if (last === null) {
    return { status: 'down', responseTimeMs: null, error: `no signal received yet, ${expectation(check)}; a job signals with \`npx cairn heartbeat ${check.id}\``, details: { lastSignalAt: null } };
  }
  const at = isoSeconds(new Date(last.at));
  const dueBy = isoSeconds(new Date(last.at + check.periodMs + check.graceMs));
  const details: Record<string, unknown> = {
    lastSignalAt: at,
    lastStatus: last.status,
    ...(last.message ? { lastMessage: last.message } : {}),
    ...(last.source ? { source: last.source } : {}),
    dueBy,
  };
  const age = now.getTime() - last.at;
  const said = last.message ? `: ${last.message}` : '';
  if (age > check.periodMs + check.graceMs) {
    const lastWas = last.status === 'fail' ? ` (that one reported a failure${said})` : '';
    return { status: 'down', responseTimeMs: null, error: `no signal since ${at} (${humanDuration(age)} ago)${lastWas}, ${expectation(check)}`, details };
  }
  if (last.status === 'fail') {
    return { status: 'down', responseTimeMs: null, error: `the job reported a failure at ${at}${said || ' (no message)'}`, details };
  }
  return { status: 'up', responseTimeMs: null, error: null, details };
}

async function attempt(check: ResolvedHeartbeatCheck, ctx: AttemptContext): Promise<AttemptOutcome> {
  if (ctx.dir === undefined) return { status: 'down', responseTimeMs: null, error: 'internal error: the heartbeat check was run without a status repo to read signals from' };
  const now = ctx.now ?? new Date();
  try {
    const { latest } = await latestSignals(ctx.dir, [check.id], now.getTime() + CLOCK_SKEW_MS);
    return heartbeatVerdict(check, latest.get(check.id) ?? null, now);
  } catch (err) {
    return { status: 'down', responseTimeMs: null, error: `could not read the heartbeat signals in data/heartbeats: ${messageOf(err)}` };
  }
}

export const heartbeatRunner: CheckRunner<ResolvedHeartbeatCheck> = { kind: 'heartbeat', attempt };
