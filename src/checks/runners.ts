/**
 * The registry of runners: one per check kind, each in its own file.
 * Adding a kind means adding its runner here; the mapped type makes a missing one a type error.
 */
import type { CheckKind, ResolvedCheck } from '../config/types.ts';
import { domainRunner } from './domain.ts';
import { healthRunner } from './health.ts';
import { heartbeatRunner } from './heartbeat.ts';
import { httpRunner } from './http.ts';
import { journeyRunner } from './journey.ts';
import { dnsRunner } from './dns.ts';
import { pingRunner } from './ping.ts';
import { tcpRunner } from './tcp.ts';
import { tlsRunner } from './tls.ts';
import type { CheckRunner } from './types.ts';

export type RunnerRegistry = { [K in CheckKind]: CheckRunner<Extract<ResolvedCheck, { kind: K }>> };

export const runners: RunnerRegistry = {
  http: httpRunner,
  tcp: tcpRunner,
  tls: tlsRunner,
  dns: dnsRunner,
  ping: pingRunner,
  health: healthRunner,
  journey: journeyRunner,
  domain: domainRunner,
  heartbeat: heartbeatRunner,
};
