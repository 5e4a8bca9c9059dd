/**
 * `npm run bench:git-growth`: how big the git history of a status repo gets.
 *
 * Simulates N days of runs every 5 minutes for M checks through Cairn's REAL write path
 * (appendRun: atomic day-file rewrite with fsync; compactStore; commitAndPush with simple-git,
 * one commit per run unless --batch says otherwise), then `git gc` and `git gc --aggressive`.
 * In the same run it builds an Upptime-style repository (history/<id>.yml rewritten for every
 * check and committed every run) with `git fast-import`, which writes the same objects as
 * `git add -A && git commit` would, only faster.
 *
 * Options: --days 30 --checks 100 --interval-min 5 --retention-days 10 --batch 1 --seed 1
 * Progress goes to stderr; the last line of stdout is one JSON object with the figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { compactStore } from '../src/store/compact.ts';
import { commitAndPush, ensureGitattributes } from '../src/store/git.ts';
import { DAY_MS } from '../src/store/layout.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    checks: { type: 'string', default: '100' },
    'interval-min': { type: 'string', default: '5' },
    'retention-days': { type: 'string', default: '10' },
    batch: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const DAYS = Number(values.days);
const CHECKS = Number(values.checks);
const INTERVAL = Number(values['interval-min']) * 60_000;
const RETENTION = Number(values['retention-days']) * DAY_MS;
const BATCH = Math.max(1, Number(values.batch));
const log = (m: string) => process.stderr.write(`${m}\n`);

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(Number(values.seed));

interface SimCheck {
  id: string;
  kind: 'http' | 'tcp';
  baseMs: number;
  url: string;
}
const NAMES = ['api', 'web', 'auth', 'db', 'cdn', 'search', 'billing', 'mail', 'queue', 'storage'];
const checks: SimCheck[] = Array.from({ length: CHECKS }, (_, i) => {
  const kind = i % 5 === 4 ? 'tcp' : 'http';
  return {
    id: `${NAMES[i % NAMES.length]}-${kind}-${String(i).padStart(3, '0')}`,
    kind,
    baseMs: kind === 'tcp' ? 5 + rand() * 40 : 40 + rand() * 400,
    url: `https://${NAMES[i % NAMES.length]}.example.com/health/${i}`,
  };
});

/** One run's results: latency jitters around each check's base; rare outages and slow spells. */
function simulate(startedAt: number): CheckResult[] {
  return checks.map((c, i) => {
    const x = rand();
    const status: CheckStatus = x < 0.003 ? 'down' : x < 0.013 ? 'degraded' : 'up';
    const jitter = 0.8 + rand() * 0.4 + (rand() < 0.02 ? rand() * 3 : 0);
    const ms = status === 'down' ? null : c.baseMs * jitter * (status === 'degraded' ? 4 : 1);
    const offset = Math.floor(i / 20) * 150 + Math.floor(rand() * 150); // 20 at once, ~150 ms each
    return {
      id: c.id,
      kind: c.kind,
      status,
      responseTimeMs: ms,
      error: status === 'down' ? (c.kind === 'http' ? 'HTTP 503' : 'connection refused') : status === 'degraded' ? 'slower than 1s' : null,
      checkedAt: new Date(startedAt + offset).toISOString(),
      attempts: status === 'down' ? 2 : 1,
      ...(c.kind === 'http' ? { statusCode: status === 'down' ? 503 : 200 } : {}),
    };
  });
}

function git(dir: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function dirBytes(root: string, skip = '.git'): Promise<number> {
  let total = 0;
  for (const rel of await readdir(root, { recursive: true })) {
    if (rel === skip || rel.startsWith(`${skip}/`)) continue;
    const s = await stat(path.join(root, rel));
    if (s.isFile()) total += s.size;
  }
  return total;
}

/** Bytes of the pack files (what a clone downloads) and of their indexes. */
async function packBytes(dir: string): Promise<{ pack: number; idx: number; loose: number }> {
  const packDir = path.join(dir, '.git', 'objects', 'pack');
  let pack = 0;
  let idx = 0;
  for (const f of await readdir(packDir)) {
    const s = await stat(path.join(packDir, f));
    if (f.endsWith('.pack')) pack += s.size;
    else idx += s.size;
  }
  const loose = Number(/size: (\d+)/.exec(git(dir, ['count-objects', '-v']))?.[1] ?? 0) * 1024;
  return { pack, idx, loose };
}

function gcSizes(dir: string): Promise<{ gc: number; aggressive: number; idx: number }> {
  return (async () => {
    git(dir, ['gc', '-q', '--prune=now']);
    const plain = await packBytes(dir);
    git(dir, ['gc', '-q', '--aggressive', '--prune=now']);
    const aggressive = await packBytes(dir);
    return { gc: plain.pack, aggressive: aggressive.pack, idx: aggressive.idx };
  })();
}

async function main() {
  const ours = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-ours-'));
  const upptime = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-upptime-'));
  for (const d of [ours, upptime]) git(d, ['init', '-q', '-b', 'main']);
  const identity = { name: 'Cairn bot', email: 'cairn-bot@users.noreply.github.com' };
  await ensureGitattributes(ours);

  // The Upptime-style repo is streamed into git fast-import.
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: upptime, stdio: ['pipe', 'inherit', 'inherit'] });
  const fiDone = new Promise<void>((resolve, reject) => fi.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
  const write = (s: string) => (fi.stdin.write(s) ? Promise.resolve() : new Promise<void>((r) => fi.stdin.once('drain', () => r())));

  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const runs = Math.floor((DAYS * DAY_MS) / INTERVAL);
  const worktreeByDay: { day: number; bytes: number }[] = [];
  const t0 = performance.now();
  let commits = 0;
  let pending = 0;
  let counts = { up: 0, degraded: 0, down: 0 };
  let upWorktree = 0;
  for (let i = 0; i < runs; i++) {
    // GitHub's cron is late by seconds to minutes: start times jitter.
    const startedAt = start + i * INTERVAL + Math.floor(rand() * 90) * 1000;
    const results = simulate(startedAt);
    for (const r of results) if (r.status !== 'maintenance') counts[r.status]++;

    // Ours: the real path.
    await appendRun(ours, toRunRecord(new Date(startedAt), results));
    const compacted = await compactStore(ours, { retentionMs: RETENTION, now: startedAt + 60_000, maxGapMs: () => 3 * INTERVAL });
    pending++;
    if (pending >= BATCH || i === runs - 1) {
      const message = `${counts.up} up${counts.degraded ? `, ${counts.degraded} degraded` : ''}${counts.down ? `, ${counts.down} down` : ''}${compacted.days.length ? `, compacted ${compacted.days.length} day` : ''} [skip ci]`;
      await commitAndPush(ours, { message, identity, paths: ['data', '.gitattributes'], push: false, maxAttempts: 1, jitterMs: 0 });
      commits++;
      pending = 0;
      counts = { up: 0, degraded: 0, down: 0 };
    }

    // Upptime-style: every check's history file rewritten and committed every run.
    upWorktree = 0;
    let commit = `commit refs/heads/main\ncommitter Upptime Bot <73812536+upptime-bot@users.noreply.github.com> ${Math.floor(startedAt / 1000)} +0000\n`;
    const msg = `🟩 Update status [skip ci]\n`;
    commit += `data ${Buffer.byteLength(msg)}\n${msg}`;
    for (const [k, r] of results.entries()) {
      const c = checks[k] as SimCheck;
      const yml = `url: ${c.url}\nstatus: ${r.status}\ncode: ${r.statusCode ?? 0}\nresponseTime: ${r.responseTimeMs === null ? 0 : Math.round(r.responseTimeMs)}\nlastUpdated: ${new Date(startedAt).toISOString()}\nstartTime: 2026-01-01T00:00:00.000Z\ngenerator: Upptime <https://github.com/upptime/upptime>\n`;
      commit += `M 100644 inline history/${c.id}.yml\ndata ${Buffer.byteLength(yml)}\n${yml}`;
      upWorktree += Buffer.byteLength(yml);
    }
    await write(`${commit}\n`);

    if ((i + 1) % Math.round(DAY_MS / INTERVAL) === 0) {
      const day = Math.round(((i + 1) * INTERVAL) / DAY_MS);
      const bytes = await dirBytes(ours);
      worktreeByDay.push({ day, bytes });
      log(`day ${day}/${DAYS}: ${i + 1} runs, ${commits} commits, work tree ${(bytes / 1e6).toFixed(2)} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  fi.stdin.end();
  await fiDone;
  const simulateSeconds = (performance.now() - t0) / 1000;

  log('git gc, then git gc --aggressive (ours)…');
  const oursSize = await gcSizes(ours);
  log('git gc, then git gc --aggressive (Upptime-style)…');
  const upSize = await gcSizes(upptime);
  const worktree = await dirBytes(ours);
  const perMonth = (bytes: number) => Math.round((bytes * (30 / DAYS) * 100) / CHECKS);
  const figures = {
    bench: 'git-growth',
    checks: CHECKS,
    runs,
    days: DAYS,
    interval_minutes: INTERVAL / 60_000,
    retention_days: RETENTION / DAY_MS,
    commits,
    commit_batch: BATCH,
    gc: 'git gc --aggressive --prune=now (pack bytes; git_bytes_plain_gc after plain git gc)',
    git_bytes: oursSize.aggressive,
    git_bytes_plain_gc: oursSize.gc,
    git_index_bytes: oursSize.idx,
    bytes_per_month_per_100_checks: perMonth(oursSize.aggressive),
    worktree_bytes: worktree,
    worktree_bytes_by_day: worktreeByDay.filter((w) => w.day % 5 === 0 || w.day === DAYS),
    upptime_layout: {
      git_bytes: upSize.aggressive,
      git_bytes_plain_gc: upSize.gc,
      git_index_bytes: upSize.idx,
      bytes_per_month_per_100_checks: perMonth(upSize.aggressive),
      worktree_bytes: upWorktree,
    },
    ratio_vs_upptime_layout: Math.round((upSize.aggressive / oursSize.aggressive) * 100) / 100,
    simulate_seconds: Math.round(simulateSeconds),
    ms_per_run_write_compact_commit: Math.round((simulateSeconds * 1000) / runs),
  };
  if (!values.keep) await Promise.all([rm(ours, { recursive: true, force: true }), rm(upptime, { recursive: true, force: true })]);
  else log(`kept: ${ours} ${upptime}`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
