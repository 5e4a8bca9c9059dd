import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../config/secrets.ts';
import type { ResolvedCheck } from '../config/types.ts';
import { runCheckRound, type SkippedCheck } from './engine.ts';
import { autoThreads, MAX_AUTO_WORKERS, MIN_AUTO_CORES, partition, workerCount, WORKER_MIN_CHECKS } from './engine-workers.ts';
import { httpCheck } from './test-helpers.ts';
import type { CheckResult } from './types.ts';

/** A server on one loopback address that counts the requests in flight (its host's load). */
interface Host {
  address: string;
  port: number;
  inFlight: number;
  maxInFlight: number;
  served: number;
  close(): Promise<void>;
}

const SECRET = 'worker-secret-token-0123456789';

async function startHost(address: string): Promise<Host> {
  const server = http.createServer((req, res) => {
    host.inFlight += 1;
    host.served += 1;
    host.maxInFlight = Math.max(host.maxInFlight, host.inFlight);
    res.once('close', () => (host.inFlight -= 1));
    const url = new URL(req.url ?? '/', 'http://x');
    const ms = Number(url.searchParams.get('ms') ?? '20');
    const status = Number(url.searchParams.get('status') ?? '200');
    if (ms < 0) return; // never answers
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`status ${status}`);
    }, ms);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const host: Host = {
    address,
    port: (server.address() as AddressInfo).port,
    inFlight: 0,
    maxInFlight: 0,
    served: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return host;
}

let hosts: Host[] = [];
beforeAll(async () => {
  hosts = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map(startHost));
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

const reset = () => hosts.forEach((h) => (h.maxInFlight = 0));
const url = (h: Host, query: string) => `http://${h.address}:${h.port}/?${query}`;

/** What must agree in and out of threads (timings and start times differ from run to run). */
const comparable = (r: CheckResult) => ({ id: r.id, kind: r.kind, status: r.status, error: r.error, statusCode: r.statusCode, attempts: r.attempts });

/** A mixed round over three hosts: up, down (confirmed by a retry), a secret in the URL, disabled ones. */
function mixedRound(n: number): ResolvedCheck[] {
  return Array.from({ length: n }, (_, i) => {
    const h = hosts[i % 3] as Host;
    const status = i % 7 === 3 ? 503 : 200;
    return httpCheck({
      id: `c${i}`,
      url: url(h, `ms=${5 + (i % 5) * 7}&status=${status}&token=${SECRET}`),
      retries: status === 503 ? 1 : 0,
      enabled: i % 11 !== 5,
      timeoutMs: 20_000,
    });
  });
}

function redactor(): Redactor {
  const r = new Redactor();
  r.add(SECRET);
  return r;
}

describe('runCheckRound in worker threads', () => {
  it('gives the same results, in the same order, as in one thread, redacted, with progress over all threads', async () => {
    const checks = mixedRound(90);
    const enabled = checks.filter((c) => c.enabled);
    const settings = { concurrency: 12, perHostConcurrency: 3, deadlineMs: 120_000 };
    const progress: [string, number, number][] = [];
    const threaded = await runCheckRound(checks, settings, { workers: 2, redactor: redactor(), onResult: (r, done, total) => progress.push([r.id, done, total]) });
    const single = await runCheckRound(checks, settings, { workers: 0, redactor: redactor() });
    expect(threaded.skipped).toEqual([]);
    expect(threaded.results.map((r) => r.id)).toEqual(enabled.map((c) => c.id));
    expect(threaded.results.map(comparable)).toEqual(single.results.map(comparable));
    expect(threaded.results.filter((r) => r.status === 'down').length).toBeGreaterThan(5);
    expect(threaded.results.every((r) => r.checkedAt.endsWith('Z') && typeof r.responseTimeMs === 'number')).toBe(true);
    expect(JSON.stringify(threaded)).not.toContain(SECRET);
    // onResult: once per check, done counting 1..total across both threads, total fixed.
    expect(progress.map(([, done]) => done)).toEqual(enabled.map((_, i) => i + 1));
    expect(new Set(progress.map(([, , total]) => total))).toEqual(new Set([enabled.length]));
    expect(new Set(progress.map(([id]) => id))).toEqual(new Set(enabled.map((c) => c.id)));
  }, 120_000);

  it('holds the per-host bound across threads, for a host split between them and for hosts held whole', async () => {
    reset();
    // 120 checks on one host (more than a thread's share: split, its bound 4 divided 2 + 2) ...
    const one = Array.from({ length: 120 }, (_, i) => httpCheck({ id: `one${i}`, url: url(hosts[0] as Host, 'ms=30'), timeoutMs: 20_000 }));
    const round = await runCheckRound(one, { concurrency: 40, perHostConcurrency: 4, deadlineMs: 120_000 }, { workers: 3 });
    expect(round.results.filter((r) => r.status === 'up')).toHaveLength(120);
    expect((hosts[0] as Host).maxInFlight).toBeLessThanOrEqual(4);
    expect((hosts[0] as Host).maxInFlight).toBeGreaterThan(0);
    // ... and three hosts of 40, each held whole by one thread or split.
    reset();
    const three = Array.from({ length: 120 }, (_, i) => httpCheck({ id: `three${i}`, url: url(hosts[i % 3] as Host, 'ms=30'), timeoutMs: 20_000 }));
    const round3 = await runCheckRound(three, { concurrency: 40, perHostConcurrency: 3, deadlineMs: 120_000 }, { workers: 2 });
    expect(round3.results.filter((r) => r.status === 'up')).toHaveLength(120);
    for (const h of hosts) expect(h.maxInFlight).toBeLessThanOrEqual(3);
  }, 120_000);

  it('stops at the global deadline: answered checks have results, the rest are skipped with the reason', async () => {
    const checks = Array.from({ length: 40 }, (_, i) =>
      httpCheck({ id: `d${i}`, url: url(hosts[i % 3] as Host, i % 2 === 0 ? 'ms=5' : 'ms=-1'), timeoutMs: 60_000 }),
    );
    const skippedSeen: SkippedCheck[] = [];
    const round = await runCheckRound(checks, { concurrency: 100, perHostConcurrency: 20, deadlineMs: 10_000 }, { workers: 2, onSkipped: (s) => skippedSeen.push(s) });
    // Every check once, in input order: a result (only the answering ones, up) or skipped.
    const ids = [...round.results.map((r) => r.id), ...round.skipped.map((s) => s.id)];
    expect(ids.sort()).toEqual(checks.map((c) => c.id).sort());
    expect(round.results.map((r) => r.id)).toEqual(checks.filter((c) => round.results.some((r) => r.id === c.id)).map((c) => c.id));
    expect(round.results.every((r) => r.status === 'up' && Number(r.id.slice(1)) % 2 === 0)).toBe(true);
    // The ones that never answer are skipped by the deadline, never down. (Under a heavy load a
    // thread may start too late for even the answering ones: those are skipped too, not invented.)
    expect(round.skipped.map((s) => s.id)).toEqual(expect.arrayContaining(checks.filter((_, i) => i % 2 === 1).map((c) => c.id)));
    for (const s of round.skipped) expect(s.reason).toMatch(/global deadline of 10000 ms/);
    expect(skippedSeen).toEqual(round.skipped);
  }, 60_000);

  it('loses nothing when a worker thread dies mid-round: its unfinished checks run in this thread', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const checks = Array.from({ length: 60 }, (_, i) => httpCheck({ id: `x${i}`, url: url(hosts[i % 3] as Host, 'ms=20'), timeoutMs: 20_000 }));
      const progress: number[] = [];
      const round = await runCheckRound(checks, { concurrency: 10, perHostConcurrency: 4, deadlineMs: 120_000 }, { workers: 3, exitWorkerAfter: [3], onResult: (_r, done) => progress.push(done) });
      expect(round.skipped).toEqual([]);
      expect(round.results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
      expect(round.results.every((r) => r.status === 'up')).toBe(true);
      expect(progress).toEqual(checks.map((_, i) => i + 1));
      await expect.poll(() => warnings.join('\n')).toMatch(/a check worker thread failed \(thread 1 of 2 exited with code 70 before the end of its checks\); its \d+ unfinished checks run in the main thread/);
    } finally {
      process.off('warning', onWarning);
    }
  }, 120_000);
});

describe('workerCount', () => {
  const many = Array.from({ length: WORKER_MIN_CHECKS }, (_, i) => httpCheck({ id: `m${i}` }));
  const settings = { concurrency: 100, deadlineMs: 60_000 };

  it('uses threads for a big round only, never with custom runners, a custom clock or data that cannot cross', () => {
    expect(workerCount(many.slice(0, 10), settings, {})).toBe(1);
    expect(workerCount(many, settings, { workers: 3 })).toBe(3);
    expect(workerCount(many, settings, { workers: 0 })).toBe(1);
    expect(workerCount(many, { ...settings, concurrency: 2 }, { workers: 3 })).toBe(2);
    expect(workerCount(many, settings, { workers: 3, now: () => new Date() })).toBe(1);
    expect(workerCount(many, settings, { workers: 3, runners: {} })).toBe(1);
    const odd = [...many.slice(1), { ...httpCheck({ id: 'buf' }), extra: Buffer.from('x') } as unknown as ResolvedCheck];
    expect(workerCount(odd, settings, { workers: 3 })).toBe(1);
  });

  it('chooses threads by default only for a big round on 3 cores or more with one to spare', () => {
    expect(MIN_AUTO_CORES).toBe(3);
    expect(autoThreads(1000, 2, 0)).toBe(1);
    expect(autoThreads(1000, 1, 0)).toBe(1);
    expect(autoThreads(1000, 3, 0.5)).toBe(3);
    expect(autoThreads(1000, 8, 1)).toBe(MAX_AUTO_WORKERS);
    expect(autoThreads(1000, 4, 3.5)).toBe(1);
    expect(autoThreads(WORKER_MIN_CHECKS - 1, 8, 0)).toBe(1);
  });

  it('reads CAIRN_CHECK_WORKERS, and says what it expected when it is not a number', () => {
    const saved = process.env['CAIRN_CHECK_WORKERS'];
    try {
      process.env['CAIRN_CHECK_WORKERS'] = '0';
      expect(workerCount(many, settings, {})).toBe(1);
      process.env['CAIRN_CHECK_WORKERS'] = '3';
      expect(workerCount(many.slice(0, 10), settings, {})).toBe(3);
      process.env['CAIRN_CHECK_WORKERS'] = 'lots';
      expect(() => workerCount(many, settings, {})).toThrow('CAIRN_CHECK_WORKERS: expected 0 (checks in the main thread), a whole number of worker threads or "auto", got "lots"');
    } finally {
      if (saved === undefined) delete process.env['CAIRN_CHECK_WORKERS'];
      else process.env['CAIRN_CHECK_WORKERS'] = saved;
    }
  });
});

describe('partition', () => {
  it('keeps each host whole where it fits, balances counts and divides the global bound', () => {
    const hostsOf = Array.from({ length: 100 }, (_, i) => `h${i % 25}`);
    const parts = partition(hostsOf, 2, 100, 4);
    expect(parts.map((p) => p.indexes.length)).toEqual([52, 48]);
    expect(parts.reduce((s, p) => s + p.concurrency, 0)).toBe(100);
    const seen = new Map<string, number>();
    for (const p of parts) {
      expect(p.indexes).toEqual([...p.indexes].sort((a, b) => a - b));
      for (const [h, b] of p.hostBounds) {
        expect(b).toBe(4);
        seen.set(h, (seen.get(h) ?? 0) + 1);
      }
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('splits a host holding more than a thread share, its bound divided so it adds up; never splits a bound of 1', () => {
    const one = Array.from({ length: 1000 }, () => '127.0.0.1');
    const parts = partition(one, 3, 100, 100);
    expect(parts.map((p) => p.indexes.length)).toEqual([334, 333, 333]);
    expect(parts.map((p) => p.hostBounds.get('127.0.0.1'))).toEqual([34, 33, 33]);
    expect(parts.map((p) => p.concurrency)).toEqual([34, 33, 33]);
    expect(partition(one, 2, 100, 1)).toHaveLength(1);
    const odd = partition(one, 4, 10, 3);
    expect(odd.reduce((s, p) => s + (p.hostBounds.get('127.0.0.1') ?? 0), 0)).toBe(3);
    const mixed = partition([...Array.from({ length: 10 }, () => 'a'), null, null, 'b', 'b'], 2, 4, 4);
    expect(mixed.flatMap((p) => p.indexes).sort((x, y) => x - y)).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(mixed.reduce((s, p) => s + (p.hostBounds.get('a') ?? 0), 0)).toBe(4);
    expect(mixed.reduce((s, p) => s + p.concurrency, 0)).toBe(4);
  });
});
