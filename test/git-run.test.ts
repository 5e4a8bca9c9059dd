/** `cairn run` against real git: a bare remote, racing clones, a shallow clone. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore } from '../src/store/store.ts';
import { cairn, git, startUpDownTarget } from './helpers.ts';

let target: Awaited<ReturnType<typeof startUpDownTarget>>;
let base: string;
beforeAll(async () => {
  target = await startUpDownTarget();
  base = target.base;
});
afterAll(() => target.close());


const ENV = { CAIRN_PUSH_JITTER_MS: '50' };

/** A bare remote holding a status repo with three checks (the third one down with `broken`). */
async function remote(opts: { broken?: boolean } = {}): Promise<{ bare: string; root: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-git-'));
  const bare = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await mkdir(path.join(seed, 'checks'), { recursive: true });
  await writeFile(path.join(seed, 'cairn.yaml'), 'site:\n  title: Test\nstore:\n  git:\n    name: Status Bot\n    email: status-bot@example.com\n');
  await writeFile(
    path.join(seed, 'checks', 'web.yaml'),
    `checks:\n  - id: home\n    kind: http\n    url: ${base}/\n  - id: api\n    kind: http\n    url: ${base}/api\n  - id: broken\n    kind: http\n    url: ${base}/${opts.broken ? 'down' : 'fine'}\n    retries: 0\n`,
  );
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '-q', '-u', 'origin', 'main');
  return { bare, root };
}

async function clone(root: string, bare: string, name: string, ...flags: string[]): Promise<string> {
  const dir = path.join(root, name);
  git(root, 'clone', '-q', ...flags, `file://${bare}`, dir);
  return dir;
}

/** Samples on the remote, read from a fresh clone. */
async function remoteSamples(root: string, bare: string) {
  const dir = await clone(root, bare, `check-${Math.random().toString(36).slice(2)}`);
  const store = await readStore(dir);
  expect(store.problems).toEqual([]);
  return { dir, samples: store.samples };
}

// Each test runs the real CLI several times (about 2 s each, far more on a loaded box).
describe('cairn run with git', { timeout: 240_000 }, () => {
  it('two clones racing: both runs end up on the remote (union merge on rebase), no force-push', async () => {
    const { bare, root } = await remote();
    const a = await clone(root, bare, 'a');
    const b = await clone(root, bare, 'b');

    // Deterministic race: a commits without pushing, b pushes, then a's push is rejected and
    // must fetch, rebase its append onto b's append of the same day file, and push.
    expect((await cairn(['run', '--dir', a, '--no-push'], { env: ENV })).code).toBe(0);
    const rb = await cairn(['run', '--dir', b], { env: { ...ENV, CAIRN_GIT_NAME: 'Env Bot' } });
    expect(rb.code).toBe(0);
    const ra = await cairn(['run', '--dir', a], { env: ENV });
    expect(ra.stderr).toContain('push rejected');
    expect(ra.stderr).toMatch(/Pushed to origin\/main after 2 attempts \(1 rebased, 0 replayed\)/);
    expect(ra.code).toBe(0);

    // Then three rounds at the same time.
    for (let round = 0; round < 3; round++) {
      const [x, y] = await Promise.all([cairn(['run', '--dir', a], { env: ENV }), cairn(['run', '--dir', b], { env: ENV })]);
      expect([x.code, y.code, x.stderr + y.stderr]).toEqual([0, 0, expect.stringContaining('Pushed to origin/main')]);
    }

    const { dir, samples } = await remoteSamples(root, bare);
    // 2 + 1 + 3 x 2 = 9 runs of 3 checks.
    expect(samples).toHaveLength(27);
    expect(samples.filter((s) => s.status === 'up')).toHaveLength(27);
    // One commit per run, on a linear history: nothing was overwritten.
    const log = git(dir, 'log', '--format=%an <%ae>|%s').trim().split('\n');
    expect(log).toHaveLength(10);
    expect(log.filter((l) => l.startsWith('Status Bot <status-bot@example.com>|3 up [skip ci]'))).toHaveLength(8);
    expect(log.filter((l) => l.startsWith('Env Bot <status-bot@example.com>|3 up [skip ci]'))).toHaveLength(1);
    expect(git(dir, 'rev-list', '--merges', '--count', 'HEAD').trim()).toBe('0');
    expect(await readFile(path.join(dir, '.gitattributes'), 'utf8')).toContain('data/**/*.ndjson merge=union');
    expect((await cairn(['verify', '--dir', dir])).code).toBe(0);
  });

  it('a file changed on both sides (auto-incident state) cannot be merged: the run is replayed on top, no sample lost', async () => {
    const { bare, root } = await remote({ broken: true });
    const a = await clone(root, bare, 'a');
    const b = await clone(root, bare, 'b');
    expect((await cairn(['run', '--dir', a, '--no-push'], { env: ENV })).code).toBe(0);
    expect((await cairn(['run', '--dir', b], { env: ENV })).code).toBe(0);
    const ra = await cairn(['run', '--dir', a], { env: ENV });
    expect(ra.code).toBe(0);
    expect(ra.stderr).toMatch(/Pushed to origin\/main after 2 attempts \(0 rebased, 1 replayed\)/);
    const { samples } = await remoteSamples(root, bare);
    // b's run and both of a's runs (the unpushed --no-push one too): 3 runs of 3 checks.
    expect(samples.filter((s) => s.id === 'broken').every((s) => s.status === 'down')).toBe(true);
    expect(samples).toHaveLength(9);
  });

  it('a shallow clone (depth 1) pushes after someone else pushed', async () => {
    const { bare, root } = await remote();
    const other = await clone(root, bare, 'other');
    expect((await cairn(['run', '--dir', other], { env: ENV })).code).toBe(0);
    const shallow = await clone(root, bare, 'shallow', '--depth', '1');
    expect(git(shallow, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    // Someone else pushes in between.
    expect((await cairn(['run', '--dir', other], { env: ENV })).code).toBe(0);
    const res = await cairn(['run', '--dir', shallow], { env: ENV });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/Pushed to origin\/main after 2 attempts \(1 rebased, 0 replayed\)/);
    const { samples } = await remoteSamples(root, bare);
    expect(samples).toHaveLength(9);
  });

  it('sharded runs write their own files and never conflict', async () => {
    const { bare, root } = await remote();
    const a = await clone(root, bare, 'a');
    const b = await clone(root, bare, 'b');
    const [x, y] = await Promise.all([cairn(['run', '--dir', a, '--shard', '1/2'], { env: ENV }), cairn(['run', '--dir', b, '--shard', '2/2'], { env: ENV })]);
    expect([x.code, y.code]).toEqual([0, 0]);
    const { samples, dir } = await remoteSamples(root, bare);
    expect(samples.map((s) => s.id).sort()).toEqual(['api', 'broken', 'home']);
    const files = git(dir, 'ls-files', 'data/*.ndjson').trim().split('\n');
    expect(files.map((f) => path.basename(f).replace(/^\d{4}-\d{2}-\d{2}/, 'DAY')).sort()).toEqual(['DAY.shard-1-of-2.ndjson', 'DAY.shard-2-of-2.ndjson']);
  });

  it('a stale lock left by a killed git (index, HEAD, branch ref) does not stop the run: the sample reaches the remote', async () => {
    const { bare, root } = await remote();
    const a = await clone(root, bare, 'a');
    const gitDir = path.join(a, '.git');
    // What a run killed between `git add` and `git commit` leaves, and its cousins.
    for (const lock of ['index.lock', 'HEAD.lock', 'refs/heads/main.lock']) await writeFile(path.join(gitDir, lock), '');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(path.join(gitDir, 'index.lock'), old, old);
    const res = await cairn(['run', '--dir', a], { env: ENV });
    expect(res.stderr).not.toContain('internal error');
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/removed a stale git lock .*index\.lock/);
    expect(res.stderr).toContain('Pushed to origin/main');
    for (const lock of ['index.lock', 'HEAD.lock', 'refs/heads/main.lock']) expect(existsSync(path.join(gitDir, lock))).toBe(false);
    const { samples } = await remoteSamples(root, bare);
    expect(samples).toHaveLength(3);
  });

  it('a run killed in the middle of a rebase (detached HEAD, rebase-merge/) is cleaned up and pushes', async () => {
    const { bare, root } = await remote();
    const a = await clone(root, bare, 'a');
    // Leave a stopped rebase behind, as a killed `git rebase` would: edit a file on both sides.
    const other = await clone(root, bare, 'other');
    await writeFile(path.join(other, 'notes.txt'), 'theirs\n');
    git(other, 'add', '-A');
    git(other, 'commit', '-q', '-m', 'theirs');
    git(other, 'push', '-q');
    await writeFile(path.join(a, 'notes.txt'), 'ours\n');
    git(a, 'add', '-A');
    git(a, 'commit', '-q', '-m', 'ours');
    git(a, 'fetch', '-q');
    expect(() => execFileSync('git', ['rebase', 'origin/main'], { cwd: a, stdio: 'ignore' })).toThrow();
    expect(existsSync(path.join(a, '.git', 'rebase-merge'))).toBe(true);
    const res = await cairn(['run', '--dir', a], { env: ENV });
    expect(res.stderr).not.toContain('internal error');
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/aborted a rebase/);
    const { samples } = await remoteSamples(root, bare);
    expect(samples).toHaveLength(3);
  });

  it('a lock held by a live git process is left alone: the run says so in one sentence and the sample stays in data/', async () => {
    const { bare, root } = await remote();
    const a = await clone(root, bare, 'a');
    // `git update-index --stdin` holds .git/index.lock until its input ends.
    const holder = spawn('git', ['update-index', '--stdin'], { cwd: a, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const lock = path.join(a, '.git', 'index.lock');
      for (let i = 0; i < 500 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(lock)).toBe(true);
      const res = await cairn(['run', '--dir', a], { env: ENV });
      expect(existsSync(lock)).toBe(true);
      expect(res.code).toBe(1);
      expect(res.stderr).not.toContain('internal error');
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(res.stderr).toMatch(new RegExp(`git process ${holder.pid} \\(git update-index\\) holds .*index\\.lock`));
      const day = (await readStore(a)).samples;
      expect(day).toHaveLength(3);
      // The holder finishes its own work undisturbed, and the next run commits.
      holder.stdin?.end();
      await new Promise((r) => holder.once('exit', r));
      expect(holder.exitCode).toBe(0);
      const again = await cairn(['run', '--dir', a], { env: ENV });
      expect(again.code).toBe(0);
      expect((await remoteSamples(root, bare)).samples).toHaveLength(6);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
