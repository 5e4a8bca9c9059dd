/**
 * npm run bench:report — `cairn report` for one month of a generated status repo: `checks` checks
 * (one component each) with a sample every 5 minutes for the whole month, plus the month before
 * (for the latency comparison) unless --no-previous.
 *
 *   npm run bench:report -- [--checks 1000] [--month 2026-04] [--dir PATH]
 *
 * --dir PATH generates the status repo into PATH once (when it has no cairn.yaml yet) and keeps
 * it, so a profile of `cairn report` (node --cpu-prof / --heap-prof) can be rerun on the same data.
 *
 * Prints progress to stderr and one JSON object on the last line of stdout: checks, samples (of the
 * report's month), samples_read, wall_ms (= build_ms: the whole `cairn report` process, the first
 * run), peak_rss_mb (its peak resident memory), md_bytes, html_bytes, second_run_ms (a second
 * process on the same data, which must write the same bytes), and the goals of issue 17 (10 s,
 * 500 MB).
 *
 * Every timed run is a new process. Before the first one, the generated day files are on disk
 * (each written with fsync) and `cairn report --help` has run once, untimed, so that tsx's cache
 * of the compiled sources is not cold: the first and the second run then differ by noise only.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dayFile } from '../src/store/layout.ts';
import { type RunRecord, STORE_VERSION, type StoredResult, encodeDayLines } from '../src/store/samples.ts';

const { values } = parseArgs({ options: { checks: { type: 'string' }, month: { type: 'string' }, 'no-previous': { type: 'boolean' }, dir: { type: 'string' } } });
const CHECKS = Number(values.checks ?? 1000);
const MONTH = values.month ?? '2026-04';
const STEP = 5 * 60_000;
const CAIRN = fileURLToPath(new URL('../bin/cairn.js', import.meta.url));
const log = (s: string) => process.stderr.write(`${s}\n`);

const [y, m] = MONTH.split('-').map(Number) as [number, number];
const FROM = Date.UTC(y, m - 1, 1);
const TO = Date.UTC(y, m, 1);
const START = values['no-previous'] ? FROM : Date.UTC(y, m - 2, 1);

async function writeRepo(dir: string): Promise<string[]> {
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  const ids = Array.from({ length: CHECKS }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  await writeFile(path.join(dir, 'cairn.yaml'), 'site:\n  title: Bench Status\n  baseUrl: https://status.bench.test/\n');
  await writeFile(path.join(dir, 'checks', 'bench.yaml'), `checks:\n${ids.map((id) => `  - { id: ${id}, kind: tcp, host: 127.0.0.1, port: 9 }`).join('\n')}\n`);
  return ids;
}

/** One write per day file, the lines `cairn run` would have appended (version 4: the ids once, then their key). */
async function writeHistory(dir: string, ids: string[]): Promise<{ month: number; total: number }> {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let month = 0;
  let total = 0;
  for (let day = START; day < TO; day += 86_400_000) {
    const runs: RunRecord[] = [];
    for (let t = day; t < day + 86_400_000; t += STEP) {
      const at = new Date(t).toISOString();
      const r: StoredResult[] = ids.map((id) => {
        const x = rand();
        const s = x < 0.002 ? 'down' : x < 0.01 ? 'degraded' : 'up';
        return { id, s, t: at, ms: s === 'down' ? null : Math.round(40 + rand() * 200), e: s === 'down' ? 'connection refused' : null };
      });
      runs.push({ v: STORE_VERSION, t: at, r });
      total += r.length;
      if (t >= FROM) month += r.length;
    }
    const file = dayFile(dir, new Date(day).toISOString().slice(0, 10));
    await mkdir(path.dirname(file), { recursive: true });
    // Flushed to disk before the report runs: otherwise the kernel writes the 266 MB back while
    // the first report runs (about 200 MB were still dirty then), and that run is timed with it.
    const fh = await open(file, 'w');
    try {
      await fh.writeFile(encodeDayLines('', runs));
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  return { month, total };
}

function report(dir: string, args = ['--dir', dir, '--month', MONTH, '--offline']): Promise<{ ms: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CAIRN, 'report', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let peakKb = 0;
    const sample = () =>
      readFile(`/proc/${child.pid}/status`, 'utf8')
        .then((s) => {
          const hwm = /VmHWM:\s+(\d+)/.exec(s);
          if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
        })
        .catch(() => undefined);
    const timer = setInterval(() => void sample(), 50);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`cairn report failed (${code}):\n${err}`));
      else resolve({ ms: Math.round(performance.now() - started), peakRssMb: Math.round(peakKb / 102.4) / 10 });
    });
  });
}

const keep = values.dir !== undefined;
const dir = keep ? path.resolve(values.dir as string) : await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-report-'));
try {
  let samples: { month: number; total: number };
  const days = (to: number) => Math.round((to - START) / 86_400_000);
  if (keep && (await stat(path.join(dir, 'cairn.yaml')).catch(() => null))) {
    // The same generator gives the same counts: every check has a sample every STEP.
    samples = { month: CHECKS * days(TO) * (86_400_000 / STEP) - CHECKS * days(FROM) * (86_400_000 / STEP), total: CHECKS * days(TO) * (86_400_000 / STEP) };
    log(`reusing the status repo in ${dir}`);
  } else {
    log(`generating ${CHECKS} checks, 5-minute samples from ${new Date(START).toISOString().slice(0, 10)} to ${new Date(TO).toISOString().slice(0, 10)}…`);
    const ids = await writeRepo(dir);
    const g0 = performance.now();
    samples = await writeHistory(dir, ids);
    log(`  ${samples.total.toLocaleString('en-US')} samples written in ${Math.round(performance.now() - g0)} ms`);
  }
  // In a checkout, bin/cairn.js compiles the TypeScript sources through tsx, which keeps what it
  // compiled in a cache: the first process after a change to the sources compiles them, the next
  // ones do not (the published package runs compiled JavaScript). `cairn report --help` loads
  // the report's modules, untimed, so the timed runs below measure the report, not the compiler.
  await report(dir, ['--help']);
  log(`cairn report --month ${MONTH}…`);
  const run = await report(dir);
  const md = (await stat(path.join(dir, 'reports', `${MONTH}.md`))).size;
  const html = (await stat(path.join(dir, 'reports', `${MONTH}.html`))).size;
  // Determinism at scale: a second run writes the same bytes.
  const first = await readFile(path.join(dir, 'reports', `${MONTH}.html`));
  const again = await report(dir);
  const identical = first.equals(await readFile(path.join(dir, 'reports', `${MONTH}.html`)));
  log(`  ${run.ms} ms, peak RSS ${run.peakRssMb} MB (second run ${again.ms} ms, ${again.peakRssMb} MB, identical: ${identical})`);
  console.log(
    JSON.stringify({
      bench: 'report',
      checks: CHECKS,
      samples: samples.month,
      samples_read: samples.total,
      wall_ms: run.ms,
      build_ms: run.ms,
      peak_rss_mb: run.peakRssMb,
      md_bytes: md,
      html_bytes: html,
      second_run_ms: again.ms,
      identical,
      goal_wall_ms: 10_000,
      goal_peak_rss_mb: 500,
      node: process.version,
    }),
  );
} finally {
  if (!keep) await rm(dir, { recursive: true, force: true });
}
