/**
 * `npm run bench:remote-write`: a day of results of 1,000 checks at one-minute resolution (1,440
 * runs) sent to a real Prometheus (Debian 2.42, `--web.enable-remote-write-receiver`, started here
 * on 127.0.0.1) through the same code `cairn run` uses after each round (`remoteWriteRound`: the
 * cursor, the backlog scan of the store, series, batching, protobuf + snappy, HTTP), one run after
 * the other in time order, as 1,440 scheduled runs would. Then checks by query that Prometheus
 * holds every sample sent.
 *
 * The store holds the whole day beforehand (the day file a run at that scale reads for its backlog
 * is tens of megabytes); each run's results carry the detail of an HTTP check (five timing phases,
 * the DNS lookup): 11 samples per check, the most any kind writes.
 *
 * Options: --checks 1000 --runs 1440. Progress goes to stderr; the last line of stdout is one JSON
 * object: samples, wall_ms (the sending), samples_per_s, peak_rss_mb (this process while sending),
 * prometheus_peak_rss_mb, and what the query found.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { loadConfig } from '../src/config/load.ts';
import { prometheusAvailable, promApi, startPrometheus } from '../src/prometheus/testing.ts';
import { remoteWriteRound } from '../src/remote-write/remote-write.ts';
import { METRICS } from '../src/remote-write/series.ts';
import { dayFile, utcDay } from '../src/store/layout.ts';
import { appendRuns, toRunRecord, type RunRecord } from '../src/store/samples.ts';

const MIN = 60_000;
const { values } = parseArgs({ options: { checks: { type: 'string', default: '1000' }, runs: { type: 'string', default: '1440' } } });
const CHECKS = Number(values.checks);
const RUNS = Number(values.runs);
/** The day sent: RUNS minutes ending a minute ago, on whole minutes. */
const T0 = Math.floor(Date.now() / MIN) * MIN - RUNS * MIN;

/** Deterministic per check and run: mostly up, some degraded, a few down. */
function statusOf(c: number, i: number): CheckStatus {
  const h = (c * 7919 + i * 104_729) % 1000;
  return h < 5 ? 'down' : h < 20 ? 'degraded' : 'up';
}

function resultsOf(i: number): CheckResult[] {
  const at = new Date(T0 + i * MIN);
  const out: CheckResult[] = [];
  for (let c = 0; c < CHECKS; c++) {
    const status = statusOf(c, i);
    const total = 40 + ((c * 31 + i * 17) % 200);
    out.push({
      id: `c${c}`,
      kind: 'http',
      status,
      responseTimeMs: status === 'down' ? null : total,
      error: status === 'down' ? 'connection refused' : status === 'degraded' ? 'slow' : null,
      checkedAt: at.toISOString(),
      attempts: 1,
      ...(status === 'down' ? {} : { statusCode: 200 }),
      details: status === 'down' ? undefined : { dnsMs: 2, connectMs: 5, tlsMs: 12, ttfbMs: total - 25, downloadMs: 6, totalMs: total },
    } as CheckResult);
  }
  return out;
}

const record = (i: number): RunRecord => toRunRecord(new Date(T0 + i * MIN), resultsOf(i));

async function vmHwmMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
}

/** User + system CPU time of a process (Linux), in milliseconds. */
async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) || 0) + (Number(fields[12]) || 0)) * 10;
}

async function main(): Promise<void> {
  if (!prometheusAvailable()) throw new Error('prometheus is needed: apt-get install prometheus');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-rw-'));
  const prom = await startPrometheus({ remoteWriteReceiver: true });
  try {
    // A status repo of CHECKS http checks sending to this Prometheus.
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'cairn.yaml'), `site: { title: Bench }\nremoteWrite:\n  name: bench\n  url: ${prom.url}/api/v1/write\n  job: bench\n  labels: { env: bench }\n`);
    const checks = Array.from({ length: CHECKS }, (_, c) => `  - { id: c${c}, kind: http, url: "https://svc${c % 50}.example.test/health/${c}", component: comp${c % 100} }`);
    await writeFile(path.join(dir, 'checks', 'bench.yaml'), `checks:\n${checks.join('\n')}\n`);
    const config = await loadConfig(dir);

    // The store holds the day: what each run's backlog scan reads.
    const s0 = performance.now();
    for (let h = 0; h < RUNS; h += 60) await appendRuns(dir, Array.from({ length: Math.min(60, RUNS - h) }, (_, k) => record(h + k)));
    const files = [...new Set(Array.from({ length: RUNS }, (_, i) => dayFile(dir, utcDay(T0 + i * MIN))))];
    const storeBytes = (await Promise.all(files.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);
    process.stderr.write(`store: ${RUNS} runs of ${CHECKS} checks, ${(storeBytes / 1e6).toFixed(1)} MB in ${files.length} day file(s), written in ${Math.round(performance.now() - s0)} ms\n`);
    process.stderr.write(`prometheus ${prom.url}; sending ${RUNS} runs, one after the other…\n`);

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    let samples = 0;
    let requests = 0;
    let failures = 0;
    const perRun: number[] = [];
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const promCpu0 = await cpuMsOf(prom.pid);
    for (let i = 0; i < RUNS; i++) {
      const r0 = performance.now();
      const results = resultsOf(i);
      const [report] = await remoteWriteRound({ config, record: toRunRecord(new Date(T0 + i * MIN), results), results, shard: null, region: null, suffix: '', stopAt: Date.now() + 60_000 });
      perRun.push(performance.now() - r0);
      if (!report?.ok || report.rejected > 0 || report.backlogRuns > 0) {
        failures++;
        process.stderr.write(`run ${i}: ${JSON.stringify(report)}\n`);
      }
      samples += report?.samples ?? 0;
      requests += report?.requests ?? 0;
      if ((i + 1) % 60 === 0 || i + 1 === RUNS) {
        const s = (performance.now() - started) / 1000;
        process.stderr.write(`[${i + 1}/${RUNS}] ${samples.toLocaleString('en-US')} samples, ${requests} requests, ${Math.round(samples / s).toLocaleString('en-US')} samples/s, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`);
      }
    }
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const promCpuMs = (await cpuMsOf(prom.pid)) - promCpu0;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    // Prometheus holds every sample: counted per family over the whole day.
    const end = (T0 + (RUNS - 1) * MIN) / 1000 + 1;
    const q0 = performance.now();
    // count_over_time drops the metric name: one query per family, or their series would collide.
    const families: Record<string, number> = {};
    for (const name of Object.keys(METRICS)) {
      const counted = await promApi<{ result: { value: [number, string] }[] }>(prom.url, 'query', { query: `sum(count_over_time(${name}{job="bench"}[${RUNS + 1}m]))`, time: end });
      const n = Number(counted.result[0]?.value[1] ?? 0);
      if (n > 0) families[name] = n;
    }
    const inPrometheus = Object.values(families).reduce((a, b) => a + b, 0);
    const queryMs = performance.now() - q0;
    process.stderr.write(`query: Prometheus holds ${inPrometheus.toLocaleString('en-US')} samples of ${samples.toLocaleString('en-US')} sent (${Math.round(queryMs)} ms); by family: ${Object.entries(families).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}\n`);
    const sorted = [...perRun].sort((a, b) => a - b);
    const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
    const result = {
      bench: 'remote-write',
      checks: CHECKS,
      runs: RUNS,
      samples,
      samples_in_prometheus: inPrometheus,
      all_samples_held: inPrometheus === samples,
      requests,
      failed_runs: failures,
      wall_ms: Math.round(wallMs),
      samples_per_s: Math.round(samples / (wallMs / 1000)),
      cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      prometheus_cpu_ms: promCpuMs,
      ms_per_run_p50: pct(50),
      ms_per_run_p95: pct(95),
      store_mb: Math.round(storeBytes / 1e5) / 10,
      peak_rss_mb: Math.round((peakRss / 1024 / 1024) * 10) / 10,
      prometheus_peak_rss_mb: await vmHwmMb(prom.pid),
      samples_by_family: families,
      query_ms: Math.round(queryMs),
      node: process.version,
    };
    console.log(JSON.stringify(result));
  } finally {
    await prom.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
