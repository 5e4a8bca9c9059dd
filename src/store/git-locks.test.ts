/** Stale git locks against a real repository and the real /proc; the age fallback where /proc is missing. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { Fault } from './fault.ts';
import { STALE_LOCK_AGE_MS, clearStaleGitState, describeGitCommand, findGitLocks, gitProcessesIn } from './git-locks.ts';

async function repo(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-locks-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  return dir;
}

describe('git locks', () => {
  it('names a git command without its arguments', () => {
    expect(describeGitCommand(['git', '-C', '/x', '-c', 'user.name=a', 'push', 'https://user:tok@host/x.git'])).toBe('git push');
    expect(describeGitCommand(['/usr/lib/git-core/git-remote-https', 'origin', 'https://user:tok@host'])).toBe('git-remote-https');
  });

  it('finds the locks git takes: index, HEAD, refs, packed-refs, shallow, commit-graph', async () => {
    const dir = await repo();
    const g = path.join(dir, '.git');
    const locks = ['index.lock', 'HEAD.lock', 'packed-refs.lock', 'shallow.lock', 'refs/heads/main.lock', 'objects/info/commit-graph.lock'];
    for (const l of locks) await writeFile(path.join(g, l), '');
    expect((await findGitLocks([g])).map((f) => path.relative(g, f)).sort()).toEqual([...locks].sort());
  });

  it('sees a live git process working in the repository, and not one working elsewhere', async () => {
    const dir = await repo();
    const elsewhere = await repo();
    const here = spawn('git', ['update-index', '--stdin'], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
    const there = spawn('git', ['update-index', '--stdin'], { cwd: elsewhere, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const lock = path.join(dir, '.git', 'index.lock');
      for (let i = 0; i < 500 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 20));
      const procs = await gitProcessesIn([dir, path.join(dir, '.git')]);
      expect(procs?.inRepo.map((p) => p.pid)).toEqual([here.pid]);
      await expect(clearStaleGitState(simpleGit(dir))).rejects.toThrow(Fault);
      expect(existsSync(lock)).toBe(true);
    } finally {
      here.kill('SIGKILL');
      there.kill('SIGKILL');
    }
  });

  it('without /proc, only a lock older than the bound is taken as stale', async () => {
    const dir = await repo();
    const lock = path.join(dir, '.git', 'index.lock');
    await writeFile(lock, '');
    const git = simpleGit(dir);
    await expect(clearStaleGitState(git, () => {}, { procRoot: path.join(dir, 'no-proc') })).rejects.toThrow(/cannot tell whether a git still holds it/);
    expect(existsSync(lock)).toBe(true);
    const old = new Date(Date.now() - STALE_LOCK_AGE_MS - 60_000);
    await utimes(lock, old, old);
    const logs: string[] = [];
    expect(await clearStaleGitState(git, (m) => logs.push(m), { procRoot: path.join(dir, 'no-proc') })).toEqual({ removed: ['.git/index.lock'], abortedRebase: false });
    expect(existsSync(lock)).toBe(false);
    expect(logs.join('\n')).toMatch(/removed a stale git lock \.git\/index\.lock/);
  });
});
