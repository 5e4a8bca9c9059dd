import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { seededRandom } from './random.ts';
import { type SimulatedRound, simulateRounds } from './simulate.ts';
import { DEMO_SEED, type DemoStory, LATENCY, demoStory } from './story.ts';
import { demoConfig } from './testing.ts';

const NOW = Date.parse('2026-03-18T10:17:00Z'); // a Wednesday
let config: ResolvedConfig;
let story: DemoStory;
let rounds: SimulatedRound[];

beforeAll(async () => {
  config = await demoConfig(NOW);
  story = demoStory(NOW);
  rounds = [...simulateRounds(config.checks, story, config.run.intervalMs, seededRandom(DEMO_SEED))];
});

const eventOf = (id: string) => {
  const e = story.events.find((x) => x.id === id);
  if (!e) throw new Error(`no event ${id}`);
  return e;
};
const inEvent = (id: string, at: number) => story.events.some((e) => e.checks.includes(id) && e.start <= at && at < e.end);
const resultsOf = (id: string, where: (r: SimulatedRound) => boolean): (CheckResult & { startedAt: number })[] =>
  rounds.filter(where).map((r) => ({ ...(r.results.find((x) => x.id === id) as CheckResult), startedAt: r.startedAt }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] as number;

describe('simulated rounds', () => {
  it('run every interval from the start of the history, late by seconds to minutes, and stop before the live rounds', () => {
    expect(rounds.length).toBeGreaterThan(90 * 288);
    const first = rounds[0] as SimulatedRound;
    const last = rounds[rounds.length - 1] as SimulatedRound;
    expect(first.startedAt).toBeGreaterThanOrEqual(story.from);
    expect(first.startedAt - story.from).toBeLessThan(180_000);
    expect(last.startedAt).toBeLessThan(story.until);
    expect(NOW - last.startedAt).toBeLessThan(config.run.intervalMs + 180_000);
    for (let i = 1; i < rounds.length; i++) {
      const gap = (rounds[i] as SimulatedRound).startedAt - (rounds[i - 1] as SimulatedRound).startedAt;
      expect(gap).toBeGreaterThan(config.run.intervalMs - 180_000);
      expect(gap).toBeLessThan(config.run.intervalMs + 180_000);
    }
    for (const r of rounds) expect(r.results.map((x) => x.id)).toEqual(['website', 'api-latency', 'api-orders', 'search', 'database', 'domain', 'nightly-backup']);
  });

  it('outside the story every check is up, answers under its warning threshold, and has no error', () => {
    for (const check of config.checks) {
      const quiet = resultsOf(check.id, (r) => !inEvent(check.id, r.startedAt));
      expect(quiet.length).toBeGreaterThan(20_000);
      expect(quiet.every((r) => r.status === 'up' && r.error === null)).toBe(true);
      // A heartbeat has no response time; the seed replaces the simulated heartbeat and domain results with the checks' own verdicts.
      if (check.kind === 'heartbeat' || check.kind === 'domain') continue;
      const slowest = Math.max(...quiet.map((r) => r.responseTimeMs as number));
      expect(slowest).toBeLessThanOrEqual(LATENCY[check.id]?.maxMs as number);
      expect(slowest).toBeLessThan(check.thresholds.degradedMs as number);
      if (check.kind === 'http') expect(quiet.every((r) => r.statusCode === 200)).toBe(true);
    }
  });

  it('response times follow a daily curve with a long tail', () => {
    const quiet = resultsOf('api-latency', (r) => !inEvent('api-latency', r.startedAt) && ![0, 6].includes(new Date(r.startedAt).getUTCDay()));
    const hour = (r: { startedAt: number }) => new Date(r.startedAt).getUTCHours();
    const night = quiet.filter((r) => hour(r) >= 2 && hour(r) < 5).map((r) => r.responseTimeMs as number);
    const peak = quiet.filter((r) => hour(r) >= 14 && hour(r) < 16).map((r) => r.responseTimeMs as number);
    const profile = LATENCY['api-latency'];
    expect(Math.abs(median(night) / (profile?.medianMs as number) - 1)).toBeLessThan(0.1);
    expect(median(peak) / median(night)).toBeGreaterThan(1.35); // the 15:00 UTC peak, +50% in the profile
    const all = quiet.map((r) => r.responseTimeMs as number);
    expect(quantile(all, 0.99) / median(all)).toBeGreaterThan(2);
  });

  it('a failure is down with the real check words; a check with retries confirms it, stamped at its last attempt', () => {
    const outage = eventOf('api-outage');
    const during = resultsOf('api-orders', (r) => r.startedAt >= outage.start && r.startedAt < outage.end);
    expect(during.length).toBeGreaterThanOrEqual(35);
    for (const r of during) {
      expect(r).toMatchObject({ status: 'down', error: 'timed out after 5000 ms waiting for the response headers', responseTimeMs: null, attempts: 2 });
      expect(Date.parse(r.checkedAt) - r.startedAt).toBeGreaterThanOrEqual(5000 + 200);
    }
    const search = eventOf('search-outage');
    for (const r of resultsOf('search', (x) => x.startedAt >= search.start && x.startedAt < search.end)) {
      expect(r).toMatchObject({ status: 'down', error: 'HTTP 503 Service Unavailable (expected 2xx)', statusCode: 503, attempts: 1 });
    }
    const blip = eventOf('database-blip');
    const refused = resultsOf('database', (x) => x.startedAt >= blip.start && x.startedAt < blip.end);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toMatchObject({ status: 'down', error: 'connection refused (ECONNREFUSED 127.0.0.1:9)' });
    const reset = eventOf('search-blip-1');
    const resets = resultsOf('search', (x) => x.startedAt >= reset.start && x.startedAt < reset.end);
    expect(resets.length).toBe(1);
    expect(resets[0]).toMatchObject({ status: 'down', error: 'connection reset by the server (ECONNRESET 127.0.0.1:9)', responseTimeMs: null });
  });

  it('a slow spell is degraded through the engine thresholds', () => {
    const slow = eventOf('api-slow');
    const during = resultsOf('api-latency', (r) => r.startedAt >= slow.start && r.startedAt < slow.end);
    expect(during.length).toBeGreaterThan(4 * 288);
    for (const r of during) {
      expect(r.status).toBe('degraded');
      expect(r.error).toMatch(/^response time \d+ ms above warning threshold 800 ms$/);
      expect(r.responseTimeMs).toBeGreaterThan(800);
      expect(r.responseTimeMs).toBeLessThan(4000);
    }
  });

  it('is deterministic: the same seed gives the same rounds, another seed other ones', () => {
    const again = [...simulateRounds(config.checks, story, config.run.intervalMs, seededRandom(DEMO_SEED))];
    expect(again).toEqual(rounds);
    const other = simulateRounds(config.checks, story, config.run.intervalMs, seededRandom(DEMO_SEED + 1)).next().value as SimulatedRound;
    expect(other).not.toEqual(rounds[0]);
  });
});
