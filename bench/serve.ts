/**
 * npm run bench:serve — `cairn serve` on a generated status repo (bench/status-repo.ts, the repo of
 * bench:site): `components` components with `days` days of 5-minute history.
 *
 *   npm run bench:serve -- [--components 200] [--days 90] [--readers 50] [--requests 1000]
 *
 * 1. cold: `cairn serve --rounds 0` with no model cache: time to the first byte of the home page
 *    after the process was started, and until the model is computed (which writes the cache);
 * 2. warm: the same after a restart, with the cache the first run left: time to first byte;
 *    then `readers` concurrent readers make `requests` requests (home, component pages, API
 *    JSON, in turn): p50/p95 latency; RSS right after the model, right after the load, and idle
 *    (`idle_rss_mb`: 30 s without a request); time to stop on SIGTERM;
 * 3. rounds: `cairn serve --rounds 5 --interval 45s` (its checks fail fast: nothing listens on
 *    port 9): from the moment a round's results are in the store (the day file changes) to the
 *    moment the page shows a model computed after it (`page.updated_at` of /api/v2/status.json).
 *    Round 1 comes at start, while the first current model is computed from the whole store
 *    (`first_round_reflected_ms`); rounds 2 and 3 come to a server that has its model
 *    (`round_reflected_ms`: the slower of the two). Then the RSS of a server that runs rounds:
 *    right after round 3's page (`rounds_rss_after_round_mb`), and idle, 30 s later
 *    (`rounds_idle_rss_mb`).
 *
 * Memory and CPU are those of `cairn serve` and every process it started (the child process that
 * computes a model from the whole store), from /proc.
 *
 * `cairn` is the CLI compiled as `npm run build` compiles it (test/test-cli.ts), run by plain
 * node as the installed package runs; `--cli source` runs bin/cairn.js from the checkout instead
 * (TypeScript through tsx: a slower start, as in development).
 *
 * Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { siteBundleDir } from '../src/site/bundle.ts';
import { dayFile, utcDay } from '../src/store/layout.ts';
import { compiledCli } from '../test/test-cli.ts';
import { writeHistory, writeRepo } from './status-repo.ts';

const { values } = parseArgs({
  options: { components: { type: 'string' }, days: { type: 'string' }, readers: { type: 'string' }, requests: { type: 'string' }, cli: { type: 'string', default: 'compiled' } },
});
const COMPONENTS = Number(values.components ?? 200);
const DAYS = Number(values.days ?? 90);
const READERS = Number(values.readers ?? 50);
const REQUESTS = Number(values.requests ?? 1000);
/** Idle means this many seconds without a request or a round (V8 gives back memory it no longer needs after a few seconds of quiet). */
const IDLE_S = 30;
/** Seconds between the rounds of step 3: round 3's page, then IDLE_S seconds, before round 4. */
const ROUND_INTERVAL_S = 45;
if (values.cli !== 'compiled' && values.cli !== 'source') throw new Error('--cli is compiled or source');
const CAIRN = values.cli === 'source' ? fileURLToPath(new URL('../bin/cairn.js', import.meta.url)) : await compiledCli();
// The pages compiled once beforehand, as the tests do (test/global-setup.ts): not part of a start.
process.env['CAIRN_SITE_BUNDLE'] ??= await siteBundleDir();
const log = (s: string) => process.stderr.write(`${s}\n`);
const ms = (from: number) => Math.round(performance.now() - from);

interface Served {
  child: ChildProcess;
  started: number;
  stderr(): string;
  exited: Promise<number | null>;
}

function start(dir: string, args: string[]): Served {
  const env = { ...process.env };
  for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS']) delete env[k];
  const started = performance.now();
  const child = spawn(process.execPath, [CAIRN, 'serve', '--dir', dir, '--port', '0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  return { child, started, stderr: () => err, exited };
}

/** Resolves when `test` holds, checking every `everyMs`; fails when the process ends first. */
async function until<T>(s: Served, test: () => T | undefined | Promise<T | undefined>, everyMs = 10): Promise<T> {
  let done = false;
  void s.exited.then(() => (done = true));
  for (;;) {
    const v = await test();
    if (v !== undefined) return v;
    if (done) throw new Error(`cairn serve ended:\n${s.stderr()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const urlOf = (s: Served) => until(s, () => /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(s.stderr())?.[1]);

/** Time from the process start to the first byte of the home page, and the CPU time the process had used by then (every thread). */
async function firstByte(s: Served): Promise<{ url: string; ttfbMs: number; cpuMs: number }> {
  const url = await urlOf(s);
  const res = await fetch(url);
  const ttfbMs = ms(s.started);
  const cpu = await cpuMs(s.child.pid!);
  if (res.status !== 200) throw new Error(`home page: ${res.status}`);
  await res.arrayBuffer();
  return { url, ttfbMs, cpuMs: cpu };
}

/** The process and every process it started that is still running (its model's child process), by pid. */
async function tree(pid: number): Promise<number[]> {
  const out = [pid];
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const t of tasks) {
    const kids = (await readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')).trim();
    for (const k of kids ? kids.split(/\s+/) : []) out.push(...(await tree(Number(k))));
  }
  return out;
}

/**
 * User + system CPU time so far of `cairn serve` and the processes it started (every thread),
 * from /proc: a figure the load of the machine does not inflate. Children that ended count
 * through the parent's cutime/cstime, running ones by their own.
 */
async function cpuMs(pid: number): Promise<number> {
  let ticks = 0;
  for (const [i, p] of (await tree(pid)).entries()) {
    const fields = (await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '')).replace(/^.*\) /, '').split(' ');
    // Fields 14 to 17 of stat (utime, stime, cutime, cstime), counted from after the command name, in clock ticks (100 a second).
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0) + (i === 0 ? Number(fields[13] ?? 0) + Number(fields[14] ?? 0) : 0);
  }
  return ticks * 10;
}

/** Resident memory now of `cairn serve` and the processes it started, MB. */
async function rssMb(pid: number): Promise<number> {
  let kb = 0;
  for (const p of await tree(pid)) kb += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${p}/status`, 'utf8').catch(() => ''))?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

/** The highest `rssMb` of the process tree, sampled every 20 ms until `done` settles. */
async function peakWhile(pid: number, done: Promise<unknown>): Promise<number> {
  let over = false;
  void done.finally(() => (over = true));
  let peak = 0;
  while (!over) {
    peak = Math.max(peak, await rssMb(pid));
    await new Promise((r) => setTimeout(r, 20));
  }
  return peak;
}

async function stop(s: Served): Promise<{ stopMs: number; code: number | null }> {
  const t = performance.now();
  s.child.kill('SIGTERM');
  const code = await s.exited;
  return { stopMs: ms(t), code };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** `READERS` concurrent readers, `REQUESTS` requests in all: home, a component page, an API document, in turn. */
async function load(url: string): Promise<{ p50: number; p95: number; max: number; bytes: number }> {
  const base = new URL(url);
  const paths = [
    base.pathname,
    `${base.pathname}components/svc-001/`,
    `${base.pathname}api/cairn/v1/components.json`,
    `${base.pathname}components/svc-${String(Math.floor(COMPONENTS / 2)).padStart(3, '0')}/`,
    `${base.pathname}api/v2/summary.json`,
  ];
  const pool = new Pool(base.origin, { connections: READERS, pipelining: 1 });
  const times: number[] = [];
  let bytes = 0;
  let next = 0;
  const reader = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const t = performance.now();
      const res = await pool.request({ path: paths[i % paths.length]!, method: 'GET' });
      const body = Buffer.from(await res.body.arrayBuffer());
      times.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`${paths[i % paths.length]}: ${res.statusCode}`);
      bytes += body.length;
    }
  };
  await Promise.all(Array.from({ length: READERS }, reader));
  await pool.close();
  times.sort((a, b) => a - b);
  return { p50: Math.round(percentile(times, 50)), p95: Math.round(percentile(times, 95)), max: Math.round(times[times.length - 1] ?? NaN), bytes };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-serve-'));
try {
  const now = Date.now();
  log(`Generating ${COMPONENTS} components × ${DAYS} days of 5-minute history in ${work}…`);
  const dir = path.join(work, 'repo');
  const ids = await writeRepo(dir, COMPONENTS, { groups: 10 });
  const samples = await writeHistory(dir, ids, DAYS, now);
  log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  log('1. cold start (no model cache)…');
  const cold = start(dir, ['--rounds', '0']);
  const coldComputed = until(cold, () => (/Model computed/.test(cold.stderr()) ? true : undefined), 50);
  // The model is computed in a child process: the peak counts both.
  const coldPeakP = peakWhile(cold.child.pid!, coldComputed);
  const c = await firstByte(cold);
  log(`  first byte after ${c.ttfbMs} ms (${c.cpuMs} ms of CPU)`);
  await coldComputed;
  const coldModelMs = ms(cold.started);
  const coldPeak = await coldPeakP;
  log(`  model computed after ${coldModelMs} ms (peak RSS of cairn serve and its child ${coldPeak} MB)`);
  await stop(cold);

  log('2. warm start (the model cache the first run wrote)…');
  const warm = start(dir, ['--rounds', '0']);
  let warmDone!: () => void;
  const warmPeakP = peakWhile(warm.child.pid!, new Promise<void>((r) => (warmDone = r)));
  const w = await firstByte(warm);
  log(`  first byte after ${w.ttfbMs} ms (${w.cpuMs} ms of CPU)${/cached/.test(warm.stderr()) ? '' : ' (the cache was NOT used)'}`);
  await until(warm, () => (/Model computed/.test(warm.stderr()) ? true : undefined), 50);
  const warmModelMs = ms(warm.started);
  const afterModel = await rssMb(warm.child.pid!);
  log(`  model computed after ${warmModelMs} ms; RSS then ${afterModel} MB`);
  const loadStarted = performance.now();
  const l = await load(w.url);
  log(`  ${REQUESTS} requests by ${READERS} readers in ${ms(loadStarted)} ms: p50 ${l.p50} ms, p95 ${l.p95} ms, max ${l.max} ms`);
  const afterLoad = await rssMb(warm.child.pid!);
  warmDone();
  const warmPeak = await warmPeakP;
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const idle = await rssMb(warm.child.pid!);
  log(`  RSS right after the load ${afterLoad} MB (peak ${warmPeak} MB); idle, ${IDLE_S} s later, ${idle} MB`);
  const warmStop = await stop(warm);
  log(`  stopped on SIGTERM in ${warmStop.stopMs} ms, exit code ${warmStop.code}`);

  log('3. rounds: from a round in the store to the page…');
  const today = dayFile(dir, utcDay(Date.now()));
  const live = start(dir, ['--rounds', '5', '--interval', `${ROUND_INTERVAL_S}s`]);
  const lu = await urlOf(live);
  const statusUrl = new URL('api/v2/status.json', lu);
  /**
   * From the moment a round's results are in the store (today's day file replaced: an atomic
   * rename, a new inode) to the first answer of the page's status whose model was computed after
   * that moment (`page.updated_at`, the model's `generatedAt`).
   */
  const reflected = async (before: { ino: number; mtimeMs: number } | null): Promise<{ ms: number; file: { ino: number; mtimeMs: number } }> => {
    const { at: writtenAt, file } = await until(live, async () => {
      const s = await stat(today).catch(() => null);
      return s && (!before || s.ino !== before.ino || s.mtimeMs !== before.mtimeMs) ? { at: Date.now(), file: { ino: s.ino, mtimeMs: s.mtimeMs } } : undefined;
    }, 5);
    const seen = performance.now();
    await until(live, async () => {
      const res = await fetch(statusUrl).catch(() => null);
      if (!res || res.status !== 200) return undefined;
      const doc = (await res.json()) as { page: { updated_at: string } };
      return Date.parse(doc.page.updated_at) >= writtenAt ? true : undefined;
    }, 20);
    return { ms: ms(seen), file };
  };
  // Round 1 comes at once, while the server computes its first current model (a whole read of the store): it waits for that.
  const r1 = await reflected(await stat(today).catch(() => null));
  log(`  round 1 (at start) reflected ${r1.ms} ms after its results were stored`);
  // Rounds 2 and 3: a server that has its model; the model after a round reads again only today's file.
  const r2 = await reflected(r1.file);
  log(`  round 2 reflected ${r2.ms} ms after its results were stored`);
  const r3 = await reflected(r2.file);
  log(`  round 3 reflected ${r3.ms} ms after its results were stored`);
  await until(live, () => (live.stderr().split('Page updated after round').length > 3 ? true : undefined), 50);
  const roundsRss = await rssMb(live.child.pid!);
  // Idle between rounds: no request, IDLE_S seconds after round 3's page (round 4 comes later).
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  if (live.stderr().split('Page updated after round').length > 4) throw new Error('round 4 came before the idle measurement: raise --interval');
  const roundsIdleRss = await rssMb(live.child.pid!);
  // What the server said of its models: how long each took and how many day files it read.
  for (const line of live.stderr().split('\n')) if (/Model computed|Page updated/.test(line)) log(`  serve: ${line}`);
  log(`  RSS right after round 3 ${roundsRss} MB; idle ${IDLE_S} s later (the store's recent columns and folded days kept for the next round's model) ${roundsIdleRss} MB`);
  const liveStop = await stop(live);
  log(`  stopped on SIGTERM in ${liveStop.stopMs} ms, exit code ${liveStop.code}`);
  const roundMs = Math.max(r2.ms, r3.ms);

  console.log(
    JSON.stringify({
      bench: 'serve',
      components: COMPONENTS,
      days: DAYS,
      samples,
      readers: READERS,
      requests: REQUESTS,
      cold_ttfb_ms: c.ttfbMs,
      cold_ttfb_cpu_ms: c.cpuMs,
      cold_model_ms: coldModelMs,
      cold_peak_rss_mb: coldPeak,
      ttfb_ms: w.ttfbMs,
      ttfb_cpu_ms: w.cpuMs,
      warm_model_ms: warmModelMs,
      p50_ms: l.p50,
      p95_ms: l.p95,
      max_ms: l.max,
      rss_after_model_mb: afterModel,
      rss_after_load_mb: afterLoad,
      idle_rss_mb: idle,
      peak_rss_mb: warmPeak,
      first_round_reflected_ms: r1.ms,
      round_reflected_ms: roundMs,
      rounds_rss_after_round_mb: roundsRss,
      rounds_idle_rss_mb: roundsIdleRss,
      stop_ms: Math.max(warmStop.stopMs, liveStop.stopMs),
      stop_codes: [warmStop.code, liveStop.code],
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      node: process.version,
      cli: values.cli,
    }),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
