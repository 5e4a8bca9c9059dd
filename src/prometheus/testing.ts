/**
 * Test and benchmark support: a REAL Prometheus on 127.0.0.1 with data backfilled through
 * `promtool tsdb create-blocks-from openmetrics`, generated so that the right answers are known.
 *
 * In CI (CI=true) a missing `prometheus` or `promtool` binary is an error, never a skip.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env['PROMTOOL_BIN'] ?? '/usr/bin/promtool';

/** True when both binaries exist; in CI their absence throws (the tests must fail, not skip). */
export function prometheusAvailable(): boolean {
  const ok = existsSync(PROMETHEUS_BIN) && existsSync(PROMTOOL_BIN);
  if (!ok && process.env['CI'] === 'true') {
    throw new Error(`prometheus and promtool are required in CI (looked for ${PROMETHEUS_BIN} and ${PROMTOOL_BIN}); install the Debian package "prometheus"`);
  }
  return ok;
}

export interface SeriesSpec {
  /** `name{label="v",…}` as written in the exposition. */
  series: string;
  /** Epoch ms of the first sample, the step, the number of samples. */
  start: number;
  stepMs: number;
  count: number;
  /** Value of sample i. */
  value: (i: number) => number;
  /** Epoch ms of sample i, for an irregular time base (default: start + i × step). */
  timeOf?: (i: number) => number;
}

function metricName(series: string): string {
  return series.replace(/\{.*$/, '');
}

/** Writes OpenMetrics text (untyped series, each contiguous, time ascending) to `file`. */
export async function writeOpenMetrics(file: string, series: readonly SeriesSpec[]): Promise<number> {
  const sorted = [...series].sort((a, b) => metricName(a.series).localeCompare(metricName(b.series)));
  const out = createWriteStream(file);
  let lines = 0;
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  for (const s of sorted) {
    let chunk = '';
    for (let i = 0; i < s.count; i++) {
      chunk += `${s.series} ${s.value(i)} ${(s.timeOf ? s.timeOf(i) : s.start + i * s.stepMs) / 1000}\n`;
      lines += 1;
      if (chunk.length > 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(chunk);
  }
  await write('# EOF\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return lines;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  dir: string;
  /** The server's process id (to read its memory use). */
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Series to backfill (none: an empty server). */
  series?: readonly SeriesSpec[];
  /** An OpenMetrics file to backfill as well (e.g. what `cairn export openmetrics` wrote). */
  openMetricsFile?: string;
  /** Alerting rules file content (YAML), evaluated every second. */
  rules?: string;
  /** Accept remote writes at /api/v1/write (`--web.enable-remote-write-receiver`). */
  remoteWriteReceiver?: boolean;
  /** `storage.tsdb.out_of_order_time_window` (e.g. "2d"): accept samples older than the head. */
  outOfOrderTimeWindow?: string;
  /** Extra flags. */
  flags?: string[];
}

/** Backfills with promtool as `cairn` users do (`--max-block-duration` long enough for any test). */
export async function backfillOpenMetrics(file: string, tsdb: string): Promise<string> {
  const { stdout } = await run(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=2400h', file, tsdb], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Backfills the series, starts Prometheus on a free loopback port and waits for /-/ready. */
export async function startPrometheus(opts: StartOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-prom-'));
  const tsdb = path.join(dir, 'tsdb');
  if (opts.series && opts.series.length > 0) {
    const om = path.join(dir, 'data.om');
    await writeOpenMetrics(om, opts.series);
    await backfillOpenMetrics(om, tsdb);
    await rm(om, { force: true });
  }
  if (opts.openMetricsFile) await backfillOpenMetrics(opts.openMetricsFile, tsdb);
  const config = path.join(dir, 'prometheus.yml');
  let yaml = 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1s\n';
  if (opts.outOfOrderTimeWindow) yaml += `storage:\n  tsdb:\n    out_of_order_time_window: ${opts.outOfOrderTimeWindow}\n`;
  if (opts.rules) {
    await writeFile(path.join(dir, 'rules.yml'), opts.rules);
    yaml += `rule_files:\n  - ${path.join(dir, 'rules.yml')}\n`;
  }
  await writeFile(config, yaml);
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--storage.tsdb.path=${tsdb}`,
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=200d',
      ...(opts.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
      ...(opts.flags ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, dir, pid: child.pid as number, stop };
}

/** Waits until the server reports a firing alert (rules are evaluated every second). */
export async function waitForFiring(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: { state: string }[] } };
    if (body.data.alerts.some((a) => a.state === 'firing')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('no alert firing in time');
}

/** One series of a query answer: its labels and its samples as [epoch ms, value]. */
export interface QueriedSeries {
  metric: Record<string, string>;
  values: [number, number][];
}

/** `GET /api/v1/<path>` with the given parameters; the `data` of the answer (throws on an error answer). */
export async function promApi<T>(url: string, api: string, params: Record<string, string | number>): Promise<T> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${url}/api/v1/${api}?${qs}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`prometheus ${api}: ${body.error ?? res.status}`);
  return body.data;
}

/**
 * The raw samples of every series a selector matches in [startMs, endMs], as they are stored
 * (a range-vector selector at one instant returns raw samples, no step alignment or lookback).
 */
export async function rawSamples(url: string, selector: string, startMs: number, endMs: number): Promise<QueriedSeries[]> {
  const rangeS = Math.max(1, Math.ceil((endMs - startMs) / 1000));
  const data = await promApi<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(url, 'query', { query: `${selector}[${rangeS}s]`, time: endMs / 1000 });
  return data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]) }));
}
