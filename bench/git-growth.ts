/**
 * `npm run bench:git-growth`: how big the git history of a status repo gets.
 *
 * Simulates N days of runs every 5 minutes for M checks through Cairn's real store code
 * (appendRun: atomic day-file rewrite with fsync; compactStore), one commit per run unless
 * --batch says otherwise, then `git gc --aggressive` (with --plain-gc, a default-window
 * `git repack -a -d -f` first). The repository starts from one commit holding what `cairn init`
 * writes (--root init, the default; --root bare: .gitattributes only), and the figures are the
 * growth after it. The commits are made by
 * `git fast-import` from the work tree the store code wrote (bench/git-writers.ts): the same
 * trees, blobs, messages, author and committer lines as Cairn's `commitAndPush`, without its
 * half-dozen git processes per commit. `--commits real` makes every commit through
 * `commitAndPush` instead (about 25x slower).
 *
 * Agreement: first, a sample of --sample runs (spanning a midnight and a compaction) is written
 * twice by the store code and committed once through `commitAndPush` and once through
 * fast-import (given the dates `commitAndPush` wrote, as it dates by the clock): the JSON says
 * whether the two histories end at the same commit id (then every object is the same), and their
 * object counts and packed bytes.
 *
 * In the same run it builds an Upptime-style repository (history/<id>.yml rewritten for every
 * check and committed every run) with `git fast-import` as well.
 *
 * Options: --days 30 --checks 100 --interval-min 5 --retention-days 10 --batch 1 --seed 1
 *          --sample 120 --commits fast|real --root init|bare --plain-gc --no-upptime --keep
 *          --tmp /dev/shm (default, when present) --pack-threads 1 (0: git's default, one per CPU)
 * Progress goes to stderr; the last line of stdout is one JSON object with the figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckResult, CheckStatus } from '../src/checks/types.ts';
import { DEFAULT_CAIRN_SPEC, scaffold } from '../src/init/scaffold.ts';
import { compactStore } from '../src/store/compact.ts';
import { ensureGitattributes, runCommitMessage } from '../src/store/git.ts';
import { DAY_MS } from '../src/store/layout.ts';
import { appendRun, toRunRecord } from '../src/store/samples.ts';
import { type CommitRequest, type Committer, fastImportCommitter, realCommitter } from './git-writers.ts';
import { seededRandom } from '../src/demo/random.ts';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '30' },
    checks: { type: 'string', default: '100' },
    'interval-min': { type: 'string', default: '5' },
    'retention-days': { type: 'string', default: '10' },
    batch: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    sample: { type: 'string', default: '120' },
    commits: { type: 'string', default: 'fast' },
    'no-upptime': { type: 'boolean', default: false },
    // The repository's first commit: what `cairn init` writes (init) or nothing but .gitattributes (bare).
    root: { type: 'string', default: 'init' },
    // Also measure what a default `git gc` makes of the history (git repack -a -d -f, window 10).
    'plain-gc': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Threads of git's delta search: each thread searches its own slice of the objects, and a
    // delta across two slices is never found, so with more than one the bytes depend on timing.
    'pack-threads': { type: 'string', default: '1' },
    // A memory file system: fsync (every atomic write does one) costs nothing there; the bytes are the same.
    tmp: { type: 'string', default: existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir() },
  },
});
const DAYS = Number(values.days);
const CHECKS = Number(values.checks);
const INTERVAL = Number(values['interval-min']) * 60_000;
const RETENTION = Number(values['retention-days']) * DAY_MS;
const BATCH = Math.max(1, Number(values.batch));
const SAMPLE = Math.max(0, Number(values.sample));
const REAL = values.commits === 'real';
const ROOT = values.root;
if (ROOT !== 'init' && ROOT !== 'bare') throw new Error(`--root: expected init or bare, got ${ROOT}`);
const PLAIN_GC = values['plain-gc'];
const PACK_THREADS = ['-c', `pack.threads=${Math.max(0, Number(values['pack-threads']))}`];
if (!REAL && values.commits !== 'fast') throw new Error(`--commits: expected fast or real, got ${values.commits}`);
const log = (m: string) => process.stderr.write(`${m}\n`);

/** Deterministic pseudo-random numbers (the demo's mulberry32). */
const rng = seededRandom;
type Rand = () => number;

interface SimCheck {
  id: string;
  kind: 'http' | 'tcp';
  baseMs: number;
  url: string;
}
const NAMES = ['api', 'web', 'auth', 'db', 'cdn', 'search', 'billing', 'mail', 'queue', 'storage'];
const checks: SimCheck[] = (() => {
  const rand = rng(Number(values.seed));
  return Array.from({ length: CHECKS }, (_, i) => {
    const kind = i % 5 === 4 ? 'tcp' : 'http';
    return {
      id: `${NAMES[i % NAMES.length]}-${kind}-${String(i).padStart(3, '0')}`,
      kind,
      baseMs: kind === 'tcp' ? 5 + rand() * 40 : 40 + rand() * 400,
      url: `https://${NAMES[i % NAMES.length]}.example.com/health/${i}`,
    };
  });
})();

/** One run's results: latency jitters around each check's base; rare outages and slow spells. */
function simulate(rand: Rand, startedAt: number): CheckResult[] {
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
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
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
async function packBytes(dir: string): Promise<{ pack: number; idx: number }> {
  const packDir = path.join(dir, '.git', 'objects', 'pack');
  let pack = 0;
  let idx = 0;
  for (const f of await readdir(packDir)) {
    const s = await stat(path.join(packDir, f));
    if (f.endsWith('.pack')) pack += s.size;
    else if (f.endsWith('.idx')) idx += s.size;
  }
  return { pack, idx };
}

/** git in a child process, without blocking (the two repositories are packed side by side). */
function gitAsync(dir: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')}: ${stderr}`))));
  });
}

/**
 * Packs `dir` as the figures are stated. `threads`: git's config for the delta search (Cairn's
 * repositories: one thread, the same bytes every run; the Upptime-style one: git's default, one
 * per CPU, as its 873,000 objects take minutes of CPU and lose almost nothing to the split,
 * 57,504,486 bytes with one thread against 57,504,680 with two).
 */
async function gcSizes(dir: string, threads: string[] = PACK_THREADS): Promise<{ gc: number | null; aggressive: number; idx: number }> {
  let plain: number | null = null;
  if (PLAIN_GC) {
    // What a plain `git gc` makes of loose objects (as `git commit` leaves them): deltas searched
    // afresh with the default window. `-f`, because fast-import's own pack holds forward deltas
    // that a plain gc would reuse as they are.
    await gitAsync(dir, [...threads, 'repack', '-q', '-a', '-d', '-f']);
    plain = (await packBytes(dir)).pack;
  }
  await gitAsync(dir, [...threads, 'gc', '-q', '--aggressive', '--prune=now']);
  const aggressive = await packBytes(dir);
  return { gc: plain, aggressive: aggressive.pack, idx: aggressive.idx };
}

interface Part {
  objects: number;
  bytes: number;
}
const part = (): Part => ({ objects: 0, bytes: 0 });

/**
 * Where the packed bytes go, by kind of object (bytes as stored in the pack: compressed, most of
 * them as deltas): commit objects, tree objects (by folder; `/` is the root), blobs (day files,
 * rollups, the rest). Read after the aggressive gc with `git cat-file --batch-all-objects`.
 */
function breakdown(dir: string, commits: number, seed: string | null) {
  // The objects of the seed commit (the repository before the first run) are not growth.
  const seedObjects = new Set(seed ? git(dir, ['rev-list', '--objects', seed]).split('\n').map((l) => l.slice(0, 40)) : []);
  const names = new Map<string, string>();
  for (const line of git(dir, ['rev-list', '--objects', '--all']).split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) names.set(line.slice(0, sp), line.slice(sp + 1));
  }
  const out = { commits: part(), trees: part(), trees_by_folder: {} as Record<string, Part>, blobs: part(), blobs_day_files: part(), blobs_rollups: part(), blobs_other: part() };
  // %(objectsize:disk): the bytes the object takes in the pack (what verify-pack -v calls size-in-packfile).
  for (const line of git(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize:disk)']).split('\n')) {
    const [sha, type, packed] = line.split(' ') as [string, string, string];
    if (!packed || seedObjects.has(sha)) continue;
    const add = (p: Part) => {
      p.objects++;
      p.bytes += Number(packed);
    };
    const name = names.get(sha) ?? '';
    if (type === 'commit') add(out.commits);
    else if (type === 'tree') {
      add(out.trees);
      add((out.trees_by_folder[name === '' ? '/' : name] ??= part()));
    } else if (type === 'blob') {
      add(out.blobs);
      if (/^data\/(.*\/)?\d{4}-\d{2}-\d{2}[^/]*\.ndjson$/.test(name)) add(out.blobs_day_files);
      else if (name.startsWith('data/rollups/')) add(out.blobs_rollups);
      else add(out.blobs_other);
    }
  }
  const per = (p: Part) => Math.round((p.bytes / Math.max(1, commits)) * 10) / 10;
  return {
    ...out,
    bytes_per_commit: { commit: per(out.commits), trees: per(out.trees), day_file_blobs: per(out.blobs_day_files), rollup_blobs: per(out.blobs_rollups), all: per({ objects: 0, bytes: out.commits.bytes + out.trees.bytes + out.blobs.bytes }) },
  };
}

const IDENTITY = { name: 'Cairn bot', email: 'cairn-bot@users.noreply.github.com' };
/** What `cairn run` stages from a store (incidents/ and data/state change only on transitions; see docs/benchmarks.md). */
const PATHS = ['data', '.gitattributes'];

/**
 * Cairn's side of a run: the store code writes the run and compacts, then `commitAndPush`'s
 * commit (through `committer`) every `batch` runs, with `cairn run`'s message.
 */
function cairnWriter(dir: string, committer: Committer, retentionMs: number, batch: number) {
  let pending = 0;
  let counts = { up: 0, degraded: 0, down: 0 };
  let commits = 0;
  const ms = { append: 0, compact: 0, commit: 0 };
  return {
    get commits() {
      return commits;
    },
    ms,
    async run(startedAt: number, results: CheckResult[], last: boolean) {
      for (const r of results) if (r.status !== 'maintenance') counts[r.status]++;
      let t = performance.now();
      await appendRun(dir, toRunRecord(new Date(startedAt), results));
      ms.append += performance.now() - t;
      t = performance.now();
      // The compaction and the commit happen a minute after the run started (after the checks).
      const now = startedAt + 60_000;
      const compacted = await compactStore(dir, { retentionMs, now, maxGapMs: () => 3 * INTERVAL });
      ms.compact += performance.now() - t;
      t = performance.now();
      pending++;
      if (pending >= batch || last) {
        // `cairn run`'s message (src/cli/commands/run.ts).
        const message = runCommitMessage(`${counts.up} up${counts.degraded ? `, ${counts.degraded} degraded` : ''}${counts.down ? `, ${counts.down} down` : ''}${compacted.days.length ? `, compacted ${compacted.days.length} day` : ''} [skip ci]`);
        if (await committer.commit({ message, identity: IDENTITY, time: Math.floor(now / 1000) })) commits++;
        pending = 0;
        counts = { up: 0, degraded: 0, down: 0 };
      }
      ms.commit += performance.now() - t;
    },
  };
}

interface Repo {
  dir: string;
  /** The first commit (the repository before any run), or null for an empty one. */
  seed: string | null;
  /** Its objects packed on their own (git repack -a -d -f --window=250 --depth=50): taken off the growth. */
  seedBytes: number;
}

/**
 * A new repository whose first commit holds `files` (and the `.gitattributes` `cairn run` writes,
 * with `gitattributes`), made with a fixed identity and date so that two repositories seeded
 * alike start from the same commit.
 */
async function newRepo(prefix: string, files: { path: string; content: string }[], gitattributes: boolean): Promise<Repo> {
  const dir = await mkdtemp(path.join(values.tmp, prefix));
  git(dir, ['init', '-q', '-b', 'main']);
  for (const f of files) {
    await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
    await writeFile(path.join(dir, f.path), f.content);
  }
  if (gitattributes) await ensureGitattributes(dir);
  if (files.length === 0 && !gitattributes) return { dir, seed: null, seedBytes: 0 };
  const date = '1767139200 +0000'; // 2025-12-31, before the first run
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Status owner', GIT_AUTHOR_EMAIL: 'owner@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: 'Status owner', GIT_COMMITTER_EMAIL: 'owner@example.com', GIT_COMMITTER_DATE: date };
  for (const args of [['add', '-A'], ['commit', '-q', '-m', 'Status repo']]) {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
  git(dir, [...PACK_THREADS, 'repack', '-q', '-a', '-d', '-f', '--window=250', '--depth=50']);
  return { dir, seed: git(dir, ['rev-parse', 'HEAD']).trim(), seedBytes: (await packBytes(dir)).pack };
}

/** What `cairn init` writes (ROOT init): the root a status repo has (cairn.yaml, checks/, .github/, …). */
const cairnRoot = () => (ROOT === 'init' ? scaffold({ name: 'acme-status', cairnSpec: DEFAULT_CAIRN_SPEC, shards: 1, regions: [] }) : []);
/** The root of an Upptime repository (its template's files that sit beside history/), small stand-ins. */
const upptimeRoot = () =>
  ROOT === 'init'
    ? [
        { path: '.upptimerc.yml', content: `owner: acme\nrepo: status\nsites:\n${checks.map((c) => `  - name: ${c.id}\n    url: ${c.url}\n`).join('')}` },
        { path: 'README.md', content: '# Acme status\n\nLive status: https://acme.github.io/status\n' },
        { path: 'LICENSE', content: 'MIT License\n' },
        { path: '.github/workflows/uptime.yml', content: 'name: Uptime CI\non:\n  schedule:\n    - cron: "*/5 * * * *"\n' },
      ]
    : [];

/**
 * The same runs (around a midnight, with a 0-day retention so that the first day is compacted
 * half-way) committed by `commitAndPush` and by fast-import: do the two histories agree?
 */
async function agreement(n: number) {
  const real = (await newRepo('cairn-bench-real-', cairnRoot(), true)).dir;
  const fast = (await newRepo('cairn-bench-fast-', cairnRoot(), true)).dir;
  // commitAndPush dates its commits by the clock: the fast-import is given the date it wrote.
  let realTime = 0;
  const fastImport = fastImportCommitter(fast, PATHS);
  const writers = [
    { dir: real, committer: realCommitter(real, PATHS, (time) => (realTime = time)), ms: 0 },
    { dir: fast, committer: { commit: (req: CommitRequest) => fastImport.commit({ ...req, time: realTime }), close: () => fastImport.close() }, ms: 0 },
  ];
  const sims = writers.map((w) => cairnWriter(w.dir, w.committer, 0, 1));
  const rand = rng(Number(values.seed) + 1);
  const first = Date.parse('2026-01-02T00:00:00.000Z') - Math.floor(n / 2) * INTERVAL;
  for (let i = 0; i < n; i++) {
    const startedAt = first + i * INTERVAL + Math.floor(rand() * 90) * 1000;
    const results = simulate(rand, startedAt);
    for (const [k, w] of writers.entries()) {
      const t = performance.now();
      await (sims[k] as ReturnType<typeof cairnWriter>).run(startedAt, results, i === n - 1);
      w.ms += performance.now() - t;
    }
    if ((i + 1) % 20 === 0) log(`agreement sample: ${i + 1}/${n} runs`);
  }
  for (const w of writers) await w.committer.close();
  const side = async (dir: string, ms: number) => {
    const head = git(dir, ['rev-parse', 'refs/heads/main']).trim();
    const objects = git(dir, ['rev-list', '--objects', '--all']).split('\n').filter(Boolean).length;
    const commits = Number(git(dir, ['rev-list', '--count', 'refs/heads/main']).trim());
    const size = await gcSizes(dir);
    return { head, commits, objects, git_bytes: size.aggressive, git_bytes_plain_gc: size.gc, ms_per_run: Math.round(ms / n) };
  };
  const a = await side(real, writers[0]?.ms ?? 0);
  const b = await side(fast, writers[1]?.ms ?? 0);
  if (!values.keep) await Promise.all([rm(real, { recursive: true, force: true }), rm(fast, { recursive: true, force: true })]);
  else log(`kept: ${real} ${fast}`);
  return {
    runs: n,
    same_head_commit: a.head === b.head,
    same_objects: a.objects === b.objects,
    same_git_bytes: a.git_bytes === b.git_bytes,
    commit_and_push: a,
    fast_import: b,
    speedup: Math.round((a.ms_per_run / Math.max(1, b.ms_per_run)) * 10) / 10,
  };
}

async function main() {
  const wall = performance.now();
  let agreed: Awaited<ReturnType<typeof agreement>> | null = null;
  if (SAMPLE > 0) {
    log(`agreement: ${SAMPLE} runs through commitAndPush and through git fast-import…`);
    agreed = await agreement(SAMPLE);
    log(`agreement: same head commit ${agreed.same_head_commit} (${agreed.commit_and_push.head}), ${agreed.commit_and_push.objects} objects each`);
    if (!agreed.same_head_commit) log('agreement FAILED: the fast path does not write what commitAndPush writes');
  }

  const oursRepo = await newRepo('cairn-bench-ours-', cairnRoot(), true);
  const ours = oursRepo.dir;
  const committer = REAL ? realCommitter(ours, PATHS) : fastImportCommitter(ours, PATHS);
  const cairn = cairnWriter(ours, committer, RETENTION, BATCH);

  // The Upptime-style repo is streamed into git fast-import.
  const upptimeRepo = values['no-upptime'] ? null : await newRepo('cairn-bench-upptime-', upptimeRoot(), false);
  const upptime = upptimeRepo?.dir ?? null;
  let upFrom = upptimeRepo?.seed ? `from ${upptimeRepo.seed}\n` : '';
  const fi = upptime ? spawn('git', ['fast-import', '--quiet'], { cwd: upptime, stdio: ['pipe', 'inherit', 'inherit'] }) : null;
  const fiDone = fi
    ? new Promise<void>((resolve, reject) => fi.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))))
    : Promise.resolve();
  const write = (s: string) => (!fi || fi.stdin.write(s) ? Promise.resolve() : new Promise<void>((r) => fi.stdin.once('drain', () => r())));

  const rand = rng(Number(values.seed));
  for (let i = 0; i < CHECKS; i++) rand(); // the draws that made the checks
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const runs = Math.floor((DAYS * DAY_MS) / INTERVAL);
  const worktreeByDay: { day: number; bytes: number }[] = [];
  const t0 = performance.now();
  let upWorktree = 0;
  for (let i = 0; i < runs; i++) {
    // GitHub's cron is late by seconds to minutes: start times jitter.
    const startedAt = start + i * INTERVAL + Math.floor(rand() * 90) * 1000;
    const results = simulate(rand, startedAt);

    // Ours: the real store code, then the commit.
    await cairn.run(startedAt, results, i === runs - 1);

    // Upptime-style: every check's history file rewritten and committed every run.
    if (fi) {
      upWorktree = 0;
      let commit = `commit refs/heads/main\ncommitter Upptime Bot <73812536+upptime-bot@users.noreply.github.com> ${Math.floor(startedAt / 1000)} +0000\n`;
      const msg = `🟩 Update status [skip ci]\n`;
      commit += `data ${Buffer.byteLength(msg)}\n${msg}${upFrom}`;
      upFrom = '';
      for (const [k, r] of results.entries()) {
        const c = checks[k] as SimCheck;
        const yml = `url: ${c.url}\nstatus: ${r.status}\ncode: ${r.statusCode ?? 0}\nresponseTime: ${r.responseTimeMs === null ? 0 : Math.round(r.responseTimeMs)}\nlastUpdated: ${new Date(startedAt).toISOString()}\nstartTime: 2026-01-01T00:00:00.000Z\ngenerator: Upptime <https://github.com/upptime/upptime>\n`;
        commit += `M 100644 inline history/${c.id}.yml\ndata ${Buffer.byteLength(yml)}\n${yml}`;
        upWorktree += Buffer.byteLength(yml);
      }
      await write(`${commit}\n`);
    }

    if ((i + 1) % Math.round(DAY_MS / INTERVAL) === 0) {
      const day = Math.round(((i + 1) * INTERVAL) / DAY_MS);
      const bytes = await dirBytes(ours);
      worktreeByDay.push({ day, bytes });
      log(`day ${day}/${DAYS}: ${i + 1} runs, ${cairn.commits} commits, work tree ${(bytes / 1e6).toFixed(2)} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  await committer.close();
  fi?.stdin.end();
  await fiDone;
  const simulateSeconds = (performance.now() - t0) / 1000;

  // Both repositories are packed at once (the Upptime-style one takes longer).
  log(`${PLAIN_GC ? 'git repack -a -d -f, then ' : ''}git gc --aggressive (ours${upptime ? ' and the Upptime-style repository, side by side' : ''})…`);
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const v = await fn();
    return [v, (performance.now() - t) / 1000];
  };
  const [[oursSize, oursGcSeconds], [upSize, upGcSeconds]] = await Promise.all([
    timed(() => gcSizes(ours)),
    timed(async () => (upptime ? gcSizes(upptime, []) : null)),
  ]);
  const parts = breakdown(ours, cairn.commits, oursRepo.seed);
  // Growth: the packed history less the first commit's objects packed on their own.
  const growth = oursSize.aggressive - oursRepo.seedBytes;
  const upGrowth = upSize && upptimeRepo ? upSize.aggressive - upptimeRepo.seedBytes : null;
  const worktree = await dirBytes(ours);
  const perMonth = (bytes: number) => Math.round((bytes * (30 / DAYS) * 100) / CHECKS);
  const mb = (bytes: number) => Math.round(perMonth(bytes) / 1e4) / 100;
  const figures = {
    bench: 'git-growth',
    checks: CHECKS,
    runs,
    days: DAYS,
    interval_minutes: INTERVAL / 60_000,
    retention_days: RETENTION / DAY_MS,
    commits: cairn.commits,
    commit_batch: BATCH,
    commits_made_by: REAL ? 'commitAndPush (simple-git)' : 'git fast-import (same objects as commitAndPush: see agreement)',
    gc: `git gc --aggressive --prune=now, pack.threads=${values['pack-threads']} (pack bytes${PLAIN_GC ? '; git_bytes_plain_gc after git repack -a -d -f, what a plain git gc makes of loose objects' : ''})`,
    root: ROOT === 'init' ? 'first commit: what cairn init writes (cairn.yaml, checks/, .github/workflows/, …) and .gitattributes; growth is the pack less that commit' : 'first commit: .gitattributes only',
    git_bytes: oursSize.aggressive,
    git_bytes_first_commit: oursRepo.seedBytes,
    git_growth_bytes: growth,
    git_bytes_plain_gc: oursSize.gc,
    git_index_bytes: oursSize.idx,
    bytes_per_month_per_100_checks: perMonth(growth),
    mb_per_month_per_100_checks: mb(growth),
    breakdown: {
      commit_objects_mb_per_month_per_100_checks: mb(parts.commits.bytes),
      tree_objects_mb_per_month_per_100_checks: mb(parts.trees.bytes),
      data_blobs_mb_per_month_per_100_checks: mb(parts.blobs.bytes),
      ...parts,
    },
    worktree_bytes: worktree,
    worktree_bytes_by_day: worktreeByDay.filter((w) => w.day % 5 === 0 || w.day === DAYS),
    upptime_layout: upSize
      ? {
          git_bytes: upSize.aggressive,
          git_bytes_first_commit: upptimeRepo?.seedBytes ?? 0,
          git_growth_bytes: upGrowth,
          git_bytes_plain_gc: upSize.gc,
          git_index_bytes: upSize.idx,
          bytes_per_month_per_100_checks: perMonth(upGrowth ?? 0),
          worktree_bytes: upWorktree,
        }
      : null,
    ratio_vs_upptime_layout: upGrowth !== null ? Math.round((upGrowth / growth) * 100) / 100 : null,
    agreement: agreed,
    simulate_seconds: Math.round(simulateSeconds),
    ms_per_run_write_compact_commit: Math.round((simulateSeconds * 1000) / runs),
    ms_per_run: Object.fromEntries(Object.entries(cairn.ms).map(([k, v]) => [k, Math.round((v / runs) * 10) / 10])),
    gc_seconds: { ours: Math.round(oursGcSeconds), upptime: Math.round(upGcSeconds) },
    wall_seconds: Math.round((performance.now() - wall) / 1000),
    load_average: os.loadavg().map((x) => Math.round(x * 10) / 10),
  };
  if (!values.keep) await Promise.all([rm(ours, { recursive: true, force: true }), upptime ? rm(upptime, { recursive: true, force: true }) : null]);
  else log(`kept: ${ours} ${upptime ?? ''}`);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
