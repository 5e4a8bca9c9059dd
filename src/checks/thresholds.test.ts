import { describe, expect, it } from 'vitest';
import { applyThresholds } from './thresholds.ts';
import type { AttemptOutcome } from './types.ts';

const t = (degradedMs: number | null, downMs: number | null) => ({ degradedMs, downMs });
const out = (status: AttemptOutcome['status'], responseTimeMs: number | null, error: string | null = null): AttemptOutcome => ({
  status,
  responseTimeMs,
  error,
});

describe('applyThresholds', () => {
  it.each<[string, AttemptOutcome, ReturnType<typeof t>, AttemptOutcome]>([
    ['no thresholds', out('up', 5000), t(null, null), out('up', 5000)],
    ['below both', out('up', 100), t(500, 1000), out('up', 100)],
    ['exactly at the warning threshold', out('up', 500), t(500, 1000), out('up', 500)],
    ['above warning', out('up', 501), t(500, 1000), out('degraded', 501, 'response time 501 ms above warning threshold 500 ms')],
    ['exactly at the critical threshold', out('up', 1000), t(500, 1000), out('degraded', 1000, 'response time 1000 ms above warning threshold 500 ms')],
    ['above critical', out('up', 1234), t(500, 1000), out('down', 1234, 'response time 1234 ms above critical threshold 1000 ms')],
    ['critical only', out('up', 1234), t(null, 1000), out('down', 1234, 'response time 1234 ms above critical threshold 1000 ms')],
    ['warning only', out('up', 1234), t(1000, null), out('degraded', 1234, 'response time 1234 ms above warning threshold 1000 ms')],
    ['fractional times are shown whole', out('up', 1234.56), t(1000, null), out('degraded', 1234.56, 'response time 1235 ms above warning threshold 1000 ms')],
    ['down stays down with its reason', out('down', 5000, 'HTTP 500'), t(500, 1000), out('down', 5000, 'HTTP 500')],
    ['no time measured', out('down', null, 'refused'), t(500, 1000), out('down', null, 'refused')],
    ['degraded keeps its own reason below critical', out('degraded', 700, 'cert expires soon'), t(500, 1000), out('degraded', 700, 'cert expires soon')],
    ['degraded becomes down above critical', out('degraded', 1500, 'cert expires soon'), t(500, 1000), out('down', 1500, 'response time 1500 ms above critical threshold 1000 ms')],
    ['up never carries an error', out('up', 10, 'stray'), t(null, null), out('up', 10, null)],
  ])('%s', (_name, outcome, thresholds, expected) => {
    expect(applyThresholds(outcome, thresholds)).toEqual(expected);
  });

  it('keeps the status code and details', () => {
    const o: AttemptOutcome = { status: 'up', responseTimeMs: 2000, error: null, statusCode: 200, details: { ttfbMs: 1 } };
    expect(applyThresholds(o, t(1000, null))).toMatchObject({ status: 'degraded', statusCode: 200, details: { ttfbMs: 1 } });
  });
});
