/**
 * npm run bench:scale — how `cairn build` grows with the number of components: sites of 50, 200
 * and 1,000 components (one check each, every output on: site.baseUrl set) with 90 days of
 * 5-minute history each, plus a five-check site with a few rounds of history (the demo's size).
 *
 *   npm run bench:scale -- [--sizes 50,200,1000] [--days 90] [--small-rounds 12] [--cairn <bin/cairn.js>]
 *
 * Each build runs in its own process (`cairn build --dir`), after one warm-up build that compiles
 * the status pages if the sources changed (a checkout compiles them once per change; an installed
 * Cairn ships them). `--cairn` builds with another checkout's Cairn (a baseline) from the same data.
 *
 * Prints progress to stderr and one JSON object on the last line of stdout: per size, the build's
 * wall time, peak RSS (VmHWM of the build process), output files and bytes; the growth exponents
 * between consecutive sizes, log(t2/t1)/log(n2/n1) for wall time and for peak RSS (1 is linear);
 * the five-check build; the goals of issue 17 and whether each is met; the load average.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CAIRN, STEP, log, timedBuild, treeSize, writeHistory, writeRepo } from './status-repo.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string' }, days: { type: 'string' }, 'small-rounds': { type: 'string' }, cairn: { type: 'string' } },
});
const SIZES = (values.sizes ?? '50,200,1000').split(',').map(Number);
const DAYS = Number(values.days ?? 90);
const SMALL_ROUNDS = Number(values['small-rounds'] ?? 12);
const cairn = path.resolve(values.cairn ?? CAIRN);
const BASE_URL = 'https://status.bench.test/';

/** The goals of issue 17 by number of components: wall ms, peak RSS MB. */
const GOALS: Record<number, { ms: number; mb: number }> = { 200: { ms: 15_000, mb: 1024 }, 1000: { ms: 60_000, mb: 2048 } };
const SMALL_GOAL_MS = 5_000;

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
const mb = (bytes: number) => Math.round(bytes / 1048576 * 10) / 10;
const exponent = (a: number, b: number, na: number, nb: number) => Math.round((Math.log(b / a) / Math.log(nb / na)) * 100) / 100;

interface SizeResult {
  components: number;
  samples: number;
  build_ms: number;
  peak_rss_mb: number;
  files: number;
  output_bytes: number;
  output_mb: number;
  load_before: number[];
}

const work = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-scale-'));
const started = performance.now();
try {
  const now = Date.now();
  // The five-check site first: it doubles as the warm-up build (compiles the pages if needed).
  const small = path.join(work, 'small');
  const smallIds = await writeRepo(small, 5, { groups: 2, baseUrl: BASE_URL });
  const smallSamples = await writeHistory(small, smallIds, (SMALL_ROUNDS * STEP) / 86_400_000, now);
  log(`Warm-up build (compiles the status pages once per change of the sources)…`);
  await timedBuild(small, { cairn });
  const smallBuild = await timedBuild(small, { cairn });
  const smallOut = await treeSize(path.join(small, 'dist'));
  log(`five checks, ${SMALL_ROUNDS} rounds: ${smallBuild.ms} ms, peak RSS ${smallBuild.peakRssMb} MB, ${smallOut.files} files`);
  await rm(small, { recursive: true, force: true });

  const results: SizeResult[] = [];
  for (const n of SIZES) {
    const dir = path.join(work, `c${n}`);
    log(`Generating ${n} components × ${DAYS} days of 5-minute history…`);
    const samples = await writeHistory(dir, await writeRepo(dir, n, { groups: Math.max(1, Math.round(n / 20)), baseUrl: BASE_URL }), DAYS, now);
    const loadBefore = load();
    log(`Building ${n} components (${samples.toLocaleString('en')} samples; load ${loadBefore.join(' ')})…`);
    const b = await timedBuild(dir, { cairn });
    const out = await treeSize(path.join(dir, 'dist'));
    log(`  ${n} components: ${b.ms} ms, peak RSS ${b.peakRssMb} MB, ${out.files} files, ${mb(out.bytes)} MB`);
    results.push({ components: n, samples, build_ms: b.ms, peak_rss_mb: b.peakRssMb, files: out.files, output_bytes: out.bytes, output_mb: mb(out.bytes), load_before: loadBefore });
    await rm(dir, { recursive: true, force: true });
  }

  const growth = results.slice(1).map((r, i) => {
    const p = results[i] as SizeResult;
    return {
      from: p.components,
      to: r.components,
      time_exponent: exponent(p.build_ms, r.build_ms, p.components, r.components),
      rss_exponent: exponent(p.peak_rss_mb, r.peak_rss_mb, p.components, r.components),
      bytes_exponent: exponent(p.output_bytes, r.output_bytes, p.components, r.components),
    };
  });
  const goals = [
    ...results.filter((r) => GOALS[r.components]).map((r) => {
      const g = GOALS[r.components] as { ms: number; mb: number };
      return { goal: `${r.components} components under ${g.ms / 1000} s and ${g.mb} MB`, met: r.build_ms < g.ms && r.peak_rss_mb < g.mb };
    }),
    { goal: 'growth no worse than linear (time and RSS exponents at most 1)', met: growth.every((g) => g.time_exponent <= 1 && g.rss_exponent <= 1) },
    { goal: `five-check site under ${SMALL_GOAL_MS / 1000} s`, met: smallBuild.ms < SMALL_GOAL_MS },
  ];
  console.log(
    JSON.stringify({
      bench: 'scale',
      cairn: path.relative(process.cwd(), cairn) || cairn,
      days: DAYS,
      sizes: results,
      growth,
      five_checks: { checks: 5, rounds: SMALL_ROUNDS, samples: smallSamples, build_ms: smallBuild.ms, peak_rss_mb: smallBuild.peakRssMb, files: smallOut.files, output_bytes: smallOut.bytes },
      goals,
      load_after: load(),
      cpus: os.cpus().length,
      bench_ms: Math.round(performance.now() - started),
      node: process.version,
    }),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
