/**
 * `npm run bench:checks`: how close the check engine gets to the ideal wall time, next to
 * blackbox_exporter and to a trivial client, against the same farm in the same run.
 *
 * The farm (a child process) listens on loopback addresses 127.0.0.1, 127.0.0.2, ... and answers
 * every request after `latency` ms. `n` URLs are spread round-robin over its hosts; at most
 * `concurrency` requests are in flight, and every request uses a fresh connection (as Cairn and
 * blackbox_exporter both do: a visitor's view). The floor is ceil(n / concurrency) × latency: what
 * perfect scheduling with zero overhead would take. Three clients run the same URLs, one after
 * another, in alternating order, each in its own process:
 *
 * - `cairn`: the check engine (`runCheckRound`, http checks), compiled to plain JavaScript first
 *   (esbuild, no source maps) and run by plain `node`, as the installed package runs it (dist/);
 *   its figures are the process's own: round wall time, CPU time, and peak RSS (the kernel's
 *   high-water mark for the whole process, start-up included);
 * - `blackbox`: Debian's prometheus-blackbox-exporter on 127.0.0.1 (module http_2xx, written to a
 *   temporary dir), driven through `/probe?target=...&module=http_2xx` by a small driver process
 *   over keep-alive connections, the same number in flight; its CPU time is the exporter's;
 * - `floor_client`: the farm's own floor: a raw socket per request (connect, write a GET, read to
 *   the close), nothing else. Its ratio is what the farm, the kernel and the machine's load cost.
 *
 * Variants: `multi-host` (ceil(concurrency / per-host) hosts, per-host bound 4 as by default: the
 * global bound is what is measured, as for a status page watching many sites) and `single-host`
 * (all URLs on 127.0.0.1, per-host bound raised to the concurrency, as blackbox is usually
 * measured). Every figure is the median of `--runs` runs; each run's walls are listed too.
 *
 *   npm run bench:checks                      # both variants, n=1000, concurrency 100, 200 ms, 3 runs
 *   npm run bench:checks -- --variant single-host --runs 5
 *   npm run bench:checks -- --n 5000 --concurrency 200 --latency 100 --per-host 8 --no-blackbox
 *   npm run bench:checks -- --runs 1 --cpu-prof-dir /tmp/prof   # a CPU profile of each engine process
 *
 * Progress goes to stderr; the last line of stdout is one JSON object with the figures.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCheckRound } from '../src/checks/engine.ts';
import { MAX_AUTO_WORKERS } from '../src/checks/engine-workers.ts';
import { Redactor } from '../src/config/secrets.ts';
import type { ResolvedHttpCheck } from '../src/config/types.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    latency: { type: 'string', default: '200' },
    'per-host': { type: 'string', default: '4' },
    variant: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '3' },
    'no-blackbox': { type: 'boolean', default: false },
    // Leave out the engine held to one thread (CAIRN_CHECK_WORKERS=0) and made to use its
    // threads (CAIRN_CHECK_WORKERS=N), both measured beside it by default.
    'no-engine-modes': { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
    role: { type: 'string' },
  },
});

const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';
/** Threads the engine uses when it goes to threads (on 3 cores or more by default), this one included (src/checks/engine-workers.ts). */
const AUTO_THREADS = Math.min(os.availableParallelism(), MAX_AUTO_WORKERS);
const log = (s: string) => process.stderr.write(`${s}\n`);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    log(`bench:checks: --${name} must be a positive integer, got "${value}"`);
    process.exit(2);
  }
  return n;
}

/** What a client process is asked to do (over IPC). */
interface Job {
  urls: string[];
  concurrency: number;
  perHost: number;
  /** blackbox only: the exporter's address. */
  exporter?: string;
}

/** What it reports back. */
interface Outcome {
  wallMs: number;
  /** CPU time, user and system; `systemMs` of it in the kernel. */
  cpuMs: number;
  systemMs: number;
  ok: number;
  failed: number;
  firstFailure: string | null;
  rssBeforeBytes: number;
  maxRssBytes: number;
}

/** Runs `count` tasks, at most `limit` at once, in order. */
async function pool(count: number, limit: number, task: (i: number) => Promise<boolean>): Promise<{ ok: number; failed: number }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (await task(i)) ok++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return { ok, failed };
}

// ---------------------------------------------------------------- child roles

/**
 * The farm: `hosts` servers, each answering every request after `latency` ms. Plain sockets, not
 * node:http, so that the farm spends as little CPU as it can per request (it shares the machine
 * with the clients): a request is a head ending in an empty line (GET, no body), the answer a
 * fixed 200 with a 2-byte body, on a connection kept open unless the request says `close`.
 * Reports how late its timers fired (the farm's own contribution to the ratio).
 */
async function farmRole(): Promise<void> {
  const hostCount = Number(process.env['FARM_HOSTS']);
  const latency = Number(process.env['FARM_LATENCY']);
  const KEEP = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=10\r\n\r\nok');
  const CLOSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
  let late: number[] = [];
  const ports: { host: string; port: number }[] = [];
  const serve = (socket: net.Socket) => {
    let head = '';
    socket.setEncoding('latin1');
    socket.on('error', () => undefined);
    socket.on('data', (d: string) => {
      head += d;
      for (let end = head.indexOf('\r\n\r\n'); end !== -1; end = head.indexOf('\r\n\r\n')) {
        const close = /^connection:\s*close/im.test(head.slice(0, end));
        head = head.slice(end + 4);
        const at = performance.now();
        setTimeout(() => {
          late.push(performance.now() - at - latency);
          if (socket.destroyed) return;
          if (close) socket.end(CLOSE);
          else socket.write(KEEP);
        }, latency);
      }
    });
  };
  for (let i = 1; i <= hostCount; i++) {
    const host = `127.0.0.${i}`;
    const server = net.createServer(serve);
    await new Promise<void>((resolve) => server.listen(0, host, 4096, () => resolve()));
    ports.push({ host, port: (server.address() as AddressInfo).port });
  }
  process.on('message', (m: { lateness?: boolean }) => {
    if (!m.lateness) return;
    const s = late.sort((a, b) => a - b);
    process.send?.({ lateness: { p50: s[Math.floor(s.length / 2)] ?? 0, p99: s[Math.floor(s.length * 0.99)] ?? 0, max: s.at(-1) ?? 0 } });
    late = [];
  });
  process.send?.({ ports });
  process.on('disconnect', () => process.exit(0));
}

function httpCheck(i: number, url: string): ResolvedHttpCheck {
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

async function cairnJob(job: Job): Promise<Outcome> {
  const checks = job.urls.map((url, i) => httpCheck(i, url));
  const rssBeforeBytes = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  // As `cairn run` passes them: the config's redactor (here with one secret) and a progress callback.
  const redactor = new Redactor();
  redactor.add('bench-secret-token-0123456789');
  const marks: number[][] = [];
  const round = await runCheckRound(checks, { concurrency: job.concurrency, perHostConcurrency: job.perHost, deadlineMs: 600_000 }, {
    redactor,
    onResult: (_r, done) => {
      if (done % job.concurrency === 0) {
        const c = process.cpuUsage(cpu);
        marks.push([Math.round(performance.now() - started), Math.round((c.user + c.system) / 1000)]);
      }
    },
  });
  if (process.env['BENCH_MARKS']) log(`marks (done per ${job.concurrency}: wall ms, cpu ms): ${JSON.stringify(marks)}`);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const down = round.results.filter((r) => r.status !== 'up');
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    systemMs: used.system / 1000,
    ok: round.results.length - down.length,
    failed: down.length + round.skipped.length,
    firstFailure: down[0] ? `${down[0].id}: ${down[0].error}` : (round.skipped[0]?.reason ?? null),
    rssBeforeBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** The farm's floor: one raw connection per request, a GET written, read to the close. */
async function floorJob(job: Job): Promise<Outcome> {
  const targets = job.urls.map((u) => new URL(u));
  const rssBeforeBytes = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  let firstFailure: string | null = null;
  const started = performance.now();
  const { ok, failed } = await pool(targets.length, job.concurrency, (i) => {
    const u = targets[i] as URL;
    return new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(u.port), u.hostname);
      let head = '';
      socket.setEncoding('latin1');
      socket.on('connect', () => socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`));
      socket.on('data', (d: string) => {
        if (head.length < 16) head += d;
      });
      socket.on('error', (err) => {
        firstFailure ??= err.message;
        resolve(false);
      });
      socket.on('close', () => resolve(head.startsWith('HTTP/1.1 200')));
    });
  });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000,
    systemMs: used.system / 1000, ok, failed, firstFailure, rssBeforeBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** blackbox_exporter: every URL through /probe, the same number in flight, over keep-alive connections. */
async function blackboxJob(job: Job): Promise<Outcome> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const exporter = job.exporter as string;
  let firstFailure: string | null = null;
  const probe = (target: string) =>
    new Promise<boolean>((resolve) => {
      const req = http.get(`${exporter}/probe?module=http_2xx&target=${encodeURIComponent(target)}`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => {
          const ok = res.statusCode === 200 && /^probe_success 1$/m.test(body);
          if (!ok) firstFailure ??= `${target}: HTTP ${res.statusCode} ${body.slice(0, 300)}`;
          resolve(ok);
        });
      });
      req.on('error', (err) => {
        firstFailure ??= err.message;
        resolve(false);
      });
    });
  // Warm the driver's connections to the exporter, so only the probes are timed.
  await pool(job.concurrency, job.concurrency, () => new Promise((r) => http.get(`${exporter}/`, { agent }, (res) => res.resume().on('end', () => r(true)))));
  const rssBeforeBytes = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { ok, failed } = await pool(job.urls.length, job.concurrency, (i) => probe(job.urls[i] as string));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return { wallMs, cpuMs: (used.user + used.system) / 1000,
    systemMs: used.system / 1000, ok, failed, firstFailure, rssBeforeBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

async function clientRole(role: string): Promise<void> {
  if (role === 'idle') {
    // The engine's code loaded, nothing run: the RSS of Node plus Cairn's modules.
    process.send?.({ rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
    process.disconnect();
    return;
  }
  process.once('message', (job: Job) => {
    const run = role.startsWith('cairn') ? cairnJob : role === 'floor' ? floorJob : blackboxJob;
    void run(job).then((outcome) => {
      process.send?.(outcome, () => process.exit(0));
    });
  });
  process.send?.({ ready: true });
}

// ---------------------------------------------------------------- orchestration

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** This file compiled to plain JavaScript (no tsx, no source maps), as dist/ runs in the package. */
async function compileSelf(): Promise<string> {
  const { buildSync } = await import('esbuild');
  const dir = path.join(ROOT, 'node_modules', '.cache', 'bench-checks');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'checks.mjs');
  buildSync({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: out,
    logLevel: 'warning',
  });
  // The check engine's worker threads (src/checks/engine-workers.ts) load `engine-worker.js`
  // beside the module that starts them, as in dist/checks/; this directory is ESM as dist/ is.
  buildSync({
    entryPoints: [path.join(ROOT, 'src/checks/engine-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: path.join(dir, 'engine-worker.js'),
    logLevel: 'warning',
  });
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  return out;
}

function child(script: string, role: string, env: Record<string, string> = {}): ChildProcess {
  const prof = values['cpu-prof-dir'];
  const execArgv = prof !== undefined && role === 'cairn' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(prof)}`] : [];
  return fork(script, ['--role', role], { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(c: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a bench process exited with ${code}`));
    c.once('exit', onExit);
    c.once('message', (m) => {
      c.off('exit', onExit);
      resolve(m as T);
    });
  });
}

/** Peak RSS (VmHWM) and CPU time (utime + stime) of a process, from /proc. */
function procFigures(pid: number): { hwmBytes: number; cpuMs: number; systemMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { hwmBytes: hwm, cpuMs: (ticks * 1000) / 100, systemMs: (Number(fields[12]) * 1000) / 100 };
}

async function runClient(script: string, role: string, job: Job): Promise<Outcome> {
  // cairn: as installed (threads or not as the engine decides, or as CAIRN_CHECK_WORKERS says);
  // cairn_1thread: the same engine held to one thread; cairn_threads: made to use its threads.
  const env: Record<string, string> = role === 'cairn_1thread' ? { CAIRN_CHECK_WORKERS: '0' } : role === 'cairn_threads' ? { CAIRN_CHECK_WORKERS: String(AUTO_THREADS) } : {};
  const c = child(script, role, env);
  await nextMessage(c);
  c.send(job);
  const outcome = await nextMessage<Outcome>(c);
  await new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)));
  return outcome;
}

interface Exporter {
  url: string;
  pid: number;
  stop(): void;
}

async function startBlackbox(tmp: string): Promise<Exporter> {
  const config = path.join(tmp, 'blackbox.yml');
  writeFileSync(config, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 10s\n    http:\n      preferred_ip_protocol: ip4\n');
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const proc = spawn(BLACKBOX, [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => http.get(`${url}/`, (res) => res.resume().on('end', () => resolve(res.statusCode === 200))).on('error', () => resolve(false)));
    if (up) break;
    if (proc.exitCode !== null || i > 200) throw new Error(`blackbox_exporter did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, pid: proc.pid as number, stop: () => proc.kill() };
}

interface ContenderRuns {
  walls: number[];
  cpus: number[];
  systems: number[];
  maxRss: number[];
  failed: number;
  firstFailure: string | null;
}

async function runVariant(
  script: string,
  name: string,
  farmHosts: number,
  perHost: number,
  opts: { n: number; concurrency: number; latency: number; runs: number; exporter: Exporter | null; engineModes: boolean },
): Promise<Record<string, unknown>> {
  const farm = child(script, 'farm', { FARM_HOSTS: String(farmHosts), FARM_LATENCY: String(opts.latency) });
  const { ports } = await nextMessage<{ ports: { host: string; port: number }[] }>(farm);
  const urls = Array.from({ length: opts.n }, (_, i) => {
    const { host, port } = ports[i % ports.length] as { host: string; port: number };
    return `http://${host}:${port}/r${i}`;
  });
  const job: Job = { urls, concurrency: opts.concurrency, perHost };
  const floorMs = Math.ceil(opts.n / opts.concurrency) * opts.latency;
  const contenders = ['floor', 'cairn', ...(opts.exporter ? ['blackbox'] : []), ...(opts.engineModes ? ['cairn_1thread', 'cairn_threads'] : [])];
  const runs = new Map<string, ContenderRuns>(contenders.map((c) => [c, { walls: [], cpus: [], systems: [], maxRss: [], failed: 0, firstFailure: null }]));
  const lateness: { p50: number; p99: number; max: number }[] = [];
  for (let r = 0; r < opts.runs; r++) {
    // Alternate the order, so that neither side always runs first (or after the other).
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const who of order) {
      const before = opts.exporter && who === 'blackbox' ? procFigures(opts.exporter.pid) : null;
      const out = await runClient(script, who, who === 'blackbox' ? { ...job, exporter: opts.exporter?.url as string } : job);
      const after = opts.exporter && who === 'blackbox' ? procFigures(opts.exporter.pid) : null;
      farm.send({ lateness: true });
      lateness.push((await nextMessage<{ lateness: { p50: number; p99: number; max: number } }>(farm)).lateness);
      const acc = runs.get(who) as ContenderRuns;
      acc.walls.push(Math.round(out.wallMs));
      // blackbox: the exporter's own CPU time (the driver's is not the prober's work).
      acc.cpus.push(Math.round(before && after ? after.cpuMs - before.cpuMs : out.cpuMs));
      acc.systems.push(Math.round(before && after ? after.systemMs - before.systemMs : out.systemMs));
      acc.maxRss.push(after ? after.hwmBytes : out.maxRssBytes);
      acc.failed += out.failed;
      acc.firstFailure ??= out.firstFailure;
      log(`  ${name} run ${r + 1}/${opts.runs} ${who}: ${Math.round(out.wallMs)} ms (ratio ${round3(out.wallMs / floorMs)}), cpu ${acc.cpus.at(-1)} ms (system ${acc.systems.at(-1)}), ${out.failed} failed, load ${os.loadavg()[0]?.toFixed(1)}`);
    }
  }
  farm.disconnect();
  const figure = (who: string) => {
    const acc = runs.get(who);
    if (!acc) return null;
    const wall = median(acc.walls);
    return {
      wall_ms: wall,
      ratio: round3(wall / floorMs),
      walls_ms: acc.walls,
      cpu_ms: median(acc.cpus),
      cpu_ms_per_check: round3(median(acc.cpus) / opts.n),
      cpu_system_ms: median(acc.systems),
      peak_rss_mb: mb(Math.max(...acc.maxRss)),
      failed: acc.failed,
      ...(acc.firstFailure ? { first_failure: acc.firstFailure } : {}),
    };
  };
  const cairn = figure('cairn');
  const blackbox = figure('blackbox');
  const farmFloor = figure('floor');
  const oneThread = figure('cairn_1thread');
  const threads = figure('cairn_threads');
  for (const [who, acc] of runs) if (acc.failed > 0) log(`bench:checks: ${name} ${who}: ${acc.failed} failed, e.g. ${acc.firstFailure}`);
  return {
    variant: name,
    hosts: farmHosts,
    per_host_concurrency: perHost,
    floor_ms: floorMs,
    cairn_ratio: cairn?.ratio ?? null,
    blackbox_ratio: blackbox?.ratio ?? null,
    floor_client_ratio: farmFloor?.ratio ?? null,
    ...(oneThread ? { cairn_1thread_ratio: oneThread.ratio } : {}),
    ...(threads ? { cairn_threads_ratio: threads.ratio } : {}),
    cairn,
    ...(oneThread ? { cairn_1thread: oneThread } : {}),
    ...(threads ? { cairn_threads: threads } : {}),
    blackbox,
    floor_client: farmFloor,
    farm_timer_late_ms: {
      p50: round3(median(lateness.map((l) => l.p50))),
      p99: round3(median(lateness.map((l) => l.p99))),
      max: round3(Math.max(...lateness.map((l) => l.max))),
    },
  };
}

async function main(): Promise<void> {
  const n = positive('n', values.n);
  const concurrency = positive('concurrency', values.concurrency);
  const latency = positive('latency', values.latency);
  const perHost = positive('per-host', values['per-host']);
  const runs = positive('runs', values.runs);
  const variant = values.variant as string;
  if (!['both', 'multi-host', 'single-host'].includes(variant)) {
    log(`bench:checks: --variant must be multi-host, single-host or both, got "${variant}"`);
    process.exit(2);
  }
  const started = performance.now();
  const loadStart = os.loadavg()[0] as number;
  log('bench:checks: compiling the engine (esbuild, as dist/ runs it)…');
  const script = await compileSelf();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-checks-'));
  let exporter: Exporter | null = null;
  try {
    if (!values['no-blackbox']) {
      exporter = await startBlackbox(tmp);
      log(`bench:checks: blackbox_exporter at ${exporter.url}`);
    }
    // Memory baselines, same run: bare Node, and Node with the engine's modules loaded but idle.
    const maxRssOf = (args: string[]) => Number(execFileSync(process.execPath, [...args, '-e', 'console.log(process.resourceUsage().maxRSS * 1024)'], { cwd: ROOT }).toString());
    const bare = maxRssOf([]);
    // For comparison only: what running through tsx (as the previous in-process bench did) costs before any work.
    const tsxIdle = maxRssOf(['--import', 'tsx']);
    const idleChild = child(script, 'idle');
    const idle = await nextMessage<{ rssBytes: number; maxRssBytes: number }>(idleChild);
    const opts = { n, concurrency, latency, runs, exporter, engineModes: !values['no-engine-modes'] };
    const variants: Record<string, unknown>[] = [];
    if (variant !== 'single-host') {
      const hosts = Math.min(254, Math.ceil(concurrency / perHost));
      log(`bench:checks: multi-host: ${n} URLs on ${hosts} hosts, ${concurrency} at once, ${perHost} per host, ${latency} ms per answer, ${runs} runs`);
      variants.push(await runVariant(script, 'multi-host', hosts, perHost, opts));
    }
    if (variant !== 'multi-host') {
      log(`bench:checks: single-host: ${n} URLs on 127.0.0.1, ${concurrency} at once, per-host bound ${concurrency}, ${latency} ms per answer, ${runs} runs`);
      variants.push(await runVariant(script, 'single-host', 1, concurrency, opts));
    }
    const main = variants[0] as Record<string, unknown> & { cairn: { peak_rss_mb: number } };
    const figures = {
      bench: 'checks',
      n,
      concurrency,
      latency_ms: latency,
      runs,
      variant: main['variant'],
      cairn_ratio: main['cairn_ratio'],
      blackbox_ratio: main['blackbox_ratio'],
      floor_client_ratio: main['floor_client_ratio'],
      cairn_1thread_ratio: main['cairn_1thread_ratio'] ?? null,
      cairn_threads_ratio: main['cairn_threads_ratio'] ?? null,
      cairn_threads: AUTO_THREADS,
      cairn_check_workers_env: process.env['CAIRN_CHECK_WORKERS'] ?? null,
      peak_rss_mb: Math.max(...variants.map((v) => (v as { cairn: { peak_rss_mb: number } }).cairn.peak_rss_mb)),
      node_bare_rss_mb: mb(bare),
      engine_idle_rss_mb: mb(idle.maxRssBytes),
      tsx_idle_rss_mb: mb(tsxIdle),
      goals: {
        cairn_ratio_at_most_1_10: typeof main['cairn_ratio'] === 'number' && main['cairn_ratio'] <= 1.1,
        cairn_below_blackbox: typeof main['blackbox_ratio'] === 'number' && variants.every((v) => (v['cairn_ratio'] as number) < (v['blackbox_ratio'] as number)),
        peak_rss_under_150_mb: Math.max(...variants.map((v) => (v as { cairn: { peak_rss_mb: number } }).cairn.peak_rss_mb)) < 150,
      },
      variants: Object.fromEntries(variants.map((v) => [v['variant'], v])),
      load_avg_1m: { start: Math.round(loadStart * 10) / 10, end: Math.round((os.loadavg()[0] as number) * 10) / 10 },
      cpus: os.cpus().length,
      bench_wall_s: Math.round((performance.now() - started) / 100) / 10,
      node: process.version,
      blackbox_exporter: exporter ? execFileSync(BLACKBOX, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().split('\n')[0] || null : null,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    exporter?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (values.role === 'farm') await farmRole();
else if (values.role !== undefined) await clientRole(values.role);
else await main();
