/** The checks engine: runners per kind, and `runChecks` to run them all within a deadline. */
export { runners, type RunnerRegistry } from './runners.ts';
export { runChecks, runCheckRound, hostOf, deadlineError, type RunChecksOptions, type RoundResults, type SkippedCheck } from './engine.ts';
export { applyThresholds } from './thresholds.ts';
export { httpRunner, MAX_BODY_BYTES } from './http.ts';
export { tcpRunner } from './tcp.ts';
export { tlsRunner } from './tls.ts';
export { dnsRunner } from './dns.ts';
export { pingRunner } from './ping.ts';
export { healthRunner } from './health.ts';
export { journeyRunner } from './journey.ts';
export { domainRunner } from './domain.ts';
export { heartbeatRunner } from './heartbeat.ts';
export type { AttemptContext, AttemptOutcome, CheckResult, CheckRunner, CheckStatus } from './types.ts';
