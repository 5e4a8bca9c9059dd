/** The checks engine: runners per kind, and `runChecks` to run them all within a deadline. */
export { runners, type RunnerRegistry } from './runners.ts';
export { runChecks, deadlineError, type RunChecksOptions } from './engine.ts';
export { applyThresholds } from './thresholds.ts';
export { httpRunner, MAX_BODY_BYTES } from './http.ts';
export { tcpRunner } from './tcp.ts';
export type { AttemptContext, AttemptOutcome, CheckResult, CheckRunner, CheckStatus } from './types.ts';
