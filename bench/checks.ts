/**
 * `npm run bench:checks`: how close the check engine gets to the ideal wall time.
 *
 * A farm of HTTP servers (in a child process, so the engine's memory and CPU are measured alone)
 * listens on loopback addresses 127.0.0.1, 127.0.0.2, ... — one host per `perHostConcurrency`
 * slots, so the per-host bound (default 4) is honoured and the global bound is the limit, as for
 * a status page watching many sites. Every request is answered after `latency` ms. The engine runs
 * `n` http checks (checks spread round-robin over the hosts), and the floor is
 * ceil(n / concurrency) × latency: what perfect scheduling with zero overhead would take.
 *
 * Flags: --n 1000 --concurrency 100 --latency 200 --per-host 4 (hosts = ceil(concurrency / per-host)).
 * Progress goes to stderr; the last line of stdout is one JSON object with the figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCheckRound } from '../src/checks/engine.ts';
import type { ResolvedHttpCheck } from '../src/config/types.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    latency: { type: 'string', default: '200' },
    'per-host': { type: 'string', default: '4' },
    farm: { type: 'string' },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:checks: --${name} must be a positive integer, got "${value}"\n`);
    process.exit(2);
  }
  return n;
}

/** Child mode: serve `hosts` addresses, each answering every request after `latency` ms. */
async function runFarm(spec: string): Promise<void> {
  const [hostCount, latency] = spec.split(',').map(Number) as [number, number];
  const ports: { host: string; port: number }[] = [];
  for (let i = 1; i <= hostCount; i++) {
    const host = `127.0.0.${i}`;
    const server = http.createServer((_req, res) => {
      setTimeout(() => res.end('ok'), latency);
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, host, 1024, () => resolve()));
    ports.push({ host, port: (server.address() as AddressInfo).port });
  }
  process.send?.({ ports });
  process.on('disconnect', () => process.exit(0));
}

async function startFarm(hosts: number, latency: number): Promise<{ child: ChildProcess; ports: { host: string; port: number }[] }> {
  const child = fork(fileURLToPath(import.meta.url), ['--farm', `${hosts},${latency}`], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ports = await new Promise<{ host: string; port: number }[]>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { ports: { host: string; port: number }[] }).ports));
    child.once('exit', (code) => reject(new Error(`the farm exited with ${code}`)));
  });
  return { child, ports };
}

function check(i: number, url: string): ResolvedHttpCheck {
  return {
    id: `bench-${i}`,
    name: `bench ${i}`,
    description: null,
    component: 'bench',
    intervalMs: 300_000,
    timeoutMs: 10_000,
    retries: 0,
    maxGapMs: 900_000,
    enabled: true,
    thresholds: { degradedMs: null, downMs: null },
    source: { file: 'bench', line: 1, column: 1 },
    kind: 'http',
    url,
    method: 'GET',
    headers: {},
    expectStatus: ['2xx'],
    maxRedirects: 5,
    // Fields of the http kind that the assertions work adds; harmless where absent.
    ...({ query: {}, body: null, maxBodyBytes: 1024 * 1024, assert: null, ca: null, caFile: null, insecureSkipVerify: false } as object),
  } as ResolvedHttpCheck;
}

async function main(): Promise<void> {
  const n = positive('n', values.n);
  const concurrency = positive('concurrency', values.concurrency);
  const latency = positive('latency', values.latency);
  const perHost = positive('per-host', values['per-host']);
  const hosts = Math.min(254, Math.ceil(concurrency / perHost));

  process.stderr.write(`bench:checks: starting ${hosts} HTTP servers (127.0.0.1-${hosts}), ${latency} ms per answer…\n`);
  const { child, ports } = await startFarm(hosts, latency);
  const checks = Array.from({ length: n }, (_, i) => {
    const { host, port } = ports[i % ports.length] as { host: string; port: number };
    return check(i, `http://${host}:${port}/r${i}`);
  });

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  process.stderr.write(`bench:checks: ${n} checks, concurrency ${concurrency}, ${perHost} per host…\n`);
  const started = performance.now();
  const step = Math.max(1, Math.floor(n / 10));
  const round = await runCheckRound(checks, { concurrency, perHostConcurrency: perHost, deadlineMs: 600_000 }, {
    onResult: (_r, done, total) => {
      if (done % step === 0 || done === total) process.stderr.write(`  ${done}/${total} (${Math.round(performance.now() - started)} ms)\n`);
    },
  });
  const wallMs = Math.round(performance.now() - started);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  child.disconnect();

  const times = round.results.map((r) => r.responseTimeMs ?? 0).sort((a, b) => a - b);
  process.stderr.write(`bench:checks: response time p50 ${times[Math.floor(times.length / 2)]} ms, max ${times.at(-1)} ms\n`);
  const down = round.results.filter((r) => r.status !== 'up');
  if (down.length > 0) process.stderr.write(`bench:checks: ${down.length} checks not up, e.g. ${down[0]?.id}: ${down[0]?.error}\n`);
  const floorMs = Math.ceil(n / concurrency) * latency;
  const figures = {
    bench: 'checks',
    n,
    concurrency,
    per_host_concurrency: perHost,
    hosts,
    latency_ms: latency,
    wall_ms: wallMs,
    floor_ms: floorMs,
    ratio: Math.round((wallMs / floorMs) * 1000) / 1000,
    peak_rss_mb: Math.round((peakRss / 1024 / 1024) * 10) / 10,
    up: round.results.length - down.length,
    not_up: down.length,
    skipped: round.skipped.length,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (values.farm !== undefined) {
  await runFarm(values.farm);
} else {
  await main();
}
