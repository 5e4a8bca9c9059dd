/**
 * The demo's simulated rounds: what the scheduled job would have seen, round after round, if it
 * had checked the demo's services for the whole story. Pure: configuration + story + random
 * source in, check results out, in the engine's own shape, so they are stored, judged and shown
 * by the same code as real ones.
 *
 * - A round starts on the check interval's grid, late by a few seconds to a few minutes (as
 *   scheduled GitHub runs are).
 * - Response times are log-normal around a daily curve (slowest at the 15:00 UTC peak, a little
 *   faster at weekends) with rare slow outliers, and stay below the warning threshold unless the
 *   story slows a check down.
 * - Statuses come from the engine's own rules: failures with the real checks' error words, the
 *   response-time thresholds (applyThresholds), confirmation by retries (the final attempt's
 *   start is the sample's time, as the engine records it).
 */
import { retryBackoffMs } from '../checks/engine.ts';
import { describeNetworkError, formatHostPort } from '../checks/errors.ts';
import { formatExpected, formatStatus } from '../checks/http.ts';
import { applyThresholds } from '../checks/thresholds.ts';
import type { AttemptOutcome, CheckResult } from '../checks/types.ts';
import type { ResolvedCheck } from '../config/types.ts';
import { DAY_MS } from '../store/layout.ts';
import { type Random, exponential, logNormal, normal } from './random.ts';
import { type DemoStory, type Effect, type Fault, LATENCY, type LatencyProfile, type StoryEvent } from './story.ts';

export interface SimulatedRound {
  /** Epoch ms the round started. */
  startedAt: number;
  /** One result per enabled check, in configuration order. */
  results: CheckResult[];
}

const DEFAULT_PROFILE: LatencyProfile = { medianMs: 120, sigma: 0.25, peak: 0.3, tail: 0.01, maxMs: 700 };
/** Share of rounds where one attempt fails and the retry succeeds (stored as up, 2 attempts). */
const TRANSIENT = 0.002;
const PEAK_HOUR_UTC = 15;

/** Seconds a scheduled run starts late: usually under a minute, now and then a few. */
function startDelayMs(random: Random): number {
  return Math.min(170_000, 4_000 + exponential(random, 30_000));
}

/** The daily traffic curve: 1 at night, 1 + peak at 15:00 UTC; weekends are quieter. */
function load(profile: LatencyProfile, at: number): number {
  const hour = (at % DAY_MS) / 3_600_000;
  const distance = Math.min(Math.abs(hour - PEAK_HOUR_UTC), 24 - Math.abs(hour - PEAK_HOUR_UTC));
  const weekday = (Math.floor(at / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
  const weekend = weekday === 0 || weekday === 6 ? 0.88 : 1;
  return (1 + profile.peak * Math.exp(-(distance * distance) / (2 * 3.5 * 3.5))) * weekend;
}

function normalLatency(profile: LatencyProfile, at: number, random: Random): number {
  let ms = logNormal(random, profile.medianMs * load(profile, at), profile.sigma);
  if (random() < profile.tail) ms *= 2 + 2 * random();
  return Math.min(ms, profile.maxMs);
}

/** The words the real check uses for a fault, and how long the failing attempt took. */
function failure(check: ResolvedCheck, fault: Fault, latencyMs: number): { error: string; statusCode?: number; responseTimeMs: number | null; attemptMs: number } {
  const target = targetOf(check);
  switch (fault.kind) {
    case 'status': {
      const expected = 'expectStatus' in check ? check.expectStatus : ['2xx'];
      const ms = Math.round(latencyMs * 0.4 + 3);
      return { error: `HTTP ${formatStatus(fault.code)} (${formatExpected(expected)})`, statusCode: fault.code, responseTimeMs: ms, attemptMs: ms };
    }
    case 'timeout':
      return {
        error: check.kind === 'tcp' ? `timed out after ${check.timeoutMs} ms connecting to ${formatHostPort(target.host, target.port)}` : `timed out after ${check.timeoutMs} ms waiting for the response headers`,
        responseTimeMs: null,
        attemptMs: check.timeoutMs,
      };
    case 'refused':
      return { error: describeNetworkError({ message: `connect ECONNREFUSED ${formatHostPort(target.host, target.port)}`, code: 'ECONNREFUSED', address: target.host, port: target.port }, target), responseTimeMs: null, attemptMs: 1 };
    case 'reset':
      return { error: describeNetworkError({ message: 'read ECONNRESET', code: 'ECONNRESET' }, target), responseTimeMs: null, attemptMs: Math.round(latencyMs / 2) };
  }
}

/** Where the check connects: host and port of its URL, or its own. */
function targetOf(check: ResolvedCheck): { host: string; port: number } {
  if ('host' in check && 'port' in check) return { host: String(check.host), port: Number(check.port) };
  try {
    const u = new URL('url' in check ? check.url : '');
    return { host: u.hostname, port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80) };
  } catch {
    return { host: 'localhost', port: 443 };
  }
}

/** The effects on a check at instant `at`; `events` are the check's own, sorted by start. */
function active(events: readonly StoryEvent[], at: number): Effect[] {
  const out: Effect[] = [];
  for (const e of events) {
    if (e.start > at) break;
    if (at < e.end) out.push(e.effect);
  }
  return out;
}

/** One check's result in a round started at `startedAt`. */
export function simulateCheck(check: ResolvedCheck, story: DemoStory, startedAt: number, random: Random): CheckResult {
  return simulate(check, story.events.filter((e) => e.checks.includes(check.id)), startedAt, random);
}

function simulate(check: ResolvedCheck, events: readonly StoryEvent[], startedAt: number, random: Random): CheckResult {
  const profile = LATENCY[check.id] ?? DEFAULT_PROFILE;
  const effects = active(events, startedAt);
  let latency = normalLatency(profile, startedAt, random);
  for (const e of effects) {
    if (e.type === 'slow') latency = Math.min(e.maxMs, Math.max(e.minMs, latency * e.factor));
    if (e.type === 'latency') latency = e.ms * (1 + 0.004 * normal(random));
  }
  const fail = effects.find((e): e is Extract<Effect, { type: 'fail' }> => e.type === 'fail');
  // The checks of a round start together; a confirmed failure's sample is its last attempt.
  let offset = Math.floor(random() * 40);
  let attempts = 1;
  let outcome: AttemptOutcome;
  const http = check.kind === 'http' || check.kind === 'health';
  if (fail) {
    const f = failure(check, fail.fault, latency);
    for (let retry = 1; retry <= check.retries; retry++) offset += f.attemptMs + retryBackoffMs(retry);
    attempts = 1 + check.retries;
    outcome = { status: 'down', responseTimeMs: f.responseTimeMs, error: f.error, ...(f.statusCode === undefined ? {} : { statusCode: f.statusCode }) };
  } else {
    if (check.retries > 0 && random() < TRANSIENT) {
      offset += Math.round(latency) + retryBackoffMs(1);
      attempts = 2;
    }
    outcome = { status: 'up', responseTimeMs: Math.round(latency * 10) / 10, error: null, ...(http ? { statusCode: 200 } : {}) };
  }
  outcome = applyThresholds(outcome, check.thresholds);
  return {
    id: check.id,
    kind: check.kind,
    status: outcome.status,
    responseTimeMs: outcome.responseTimeMs,
    error: outcome.status === 'up' ? null : outcome.error,
    checkedAt: new Date(startedAt + offset).toISOString(),
    attempts,
    ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
  };
}

/** Every round of the story from `from` to `until`, one interval apart (late by a little). */
export function* simulateRounds(checks: readonly ResolvedCheck[], story: DemoStory, intervalMs: number, random: Random): Generator<SimulatedRound> {
  const enabled = checks.filter((c) => c.enabled).map((c) => ({ check: c, events: story.events.filter((e) => e.checks.includes(c.id)) }));
  for (let grid = story.from; ; grid += intervalMs) {
    const startedAt = grid + Math.round(startDelayMs(random));
    if (startedAt >= story.until) return;
    yield { startedAt, results: enabled.map(({ check, events }) => simulate(check, events, startedAt, random)) };
  }
}
