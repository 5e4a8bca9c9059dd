/**
 * The contract of the check engine: one runner per check kind, one typed result per check.
 */
import type { CheckKind, ResolvedCheck } from '../config/types.ts';

/** Status of one check result. `maintenance` is assigned by the engine, never by a runner. */
export type CheckStatus = 'up' | 'degraded' | 'down' | 'maintenance';

export interface CheckResult {
  id: string;
  kind: CheckKind;
  status: CheckStatus;
  /** Total time of the final attempt in milliseconds; null when nothing was measured. */
  responseTimeMs: number | null;
  /** Why the check is not up (down or degraded), in one redacted sentence; null when up. */
  error: string | null;
  /** When the final attempt started, ISO-8601 UTC. */
  checkedAt: string;
  /** Number of attempts made (1 + retries used to confirm a failure). */
  attempts: number;
  /** HTTP status code, where the kind has one. */
  statusCode?: number;
  /** Region the check ran from (`--region`, `CAIRN_REGION`); absent when none is set. */
  region?: string;
  /** Kind-specific details (timing phases, certificate, ...), plain JSON. */
  details?: Record<string, unknown>;
}

/** What one attempt of a runner returns; the engine adds id, kind, attempts and thresholds. */
export interface AttemptOutcome {
  status: Exclude<CheckStatus, 'maintenance'>;
  responseTimeMs: number | null;
  error: string | null;
  statusCode?: number;
  details?: Record<string, unknown>;
}

export interface AttemptContext {
  /** Aborts when the attempt's timeout or the run's global deadline passes. */
  signal: AbortSignal;
  /** Per-attempt timeout in milliseconds (already capped by the global deadline). */
  timeoutMs: number;
  /** When the attempt started, on the run's clock (the engine's `now`). */
  now?: Date;
  /** Absolute path of the status repo, for kinds that read committed data (heartbeat); absent outside a status repo. */
  dir?: string;
}

/** One runner per check kind; each lives in its own file under src/checks. */
export interface CheckRunner<C extends ResolvedCheck = ResolvedCheck> {
  kind: C['kind'];
  /** Runs one attempt. Must never throw for target failures: it returns `down` with an error. */
  attempt(check: C, ctx: AttemptContext): Promise<AttemptOutcome>;
}
