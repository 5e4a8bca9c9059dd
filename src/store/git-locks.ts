/**
 * What a killed git leaves behind, and how Cairn tells it from the work of a living one.
 *
 * git takes a lock by creating `<file>.lock` (O_EXCL) next to the file it rewrites: `index.lock`,
 * `HEAD.lock`, `refs/heads/main.lock`, `packed-refs.lock`, `shallow.lock`, `config.lock`,
 * `objects/info/commit-graph.lock`... and renames it over the file when done. A git killed in
 * between (a run cancelled by CI, an OOM kill) leaves the lock, and every later git that needs
 * the file fails with `Unable to create '.../index.lock': File exists`. A `git rebase` killed
 * halfway leaves `rebase-merge/` (or `rebase-apply/`) and a detached HEAD.
 *
 * The decision: a lock is **stale** when no living git process works in this repository, seen
 * from `/proc` (Linux): no process named `git` or `git-*` whose current directory (where `-C`
 * leads too) or `GIT_DIR` / `GIT_WORK_TREE` lies inside the work tree or the git directory. A
 * lock is the work of a process that is still running or of one that is dead; lock age is no
 * proof either way (a `git gc` may hold `packed-refs.lock` for minutes, and a lock left by a
 * run killed a second ago is as dead as one from last week). Age is the fallback only where
 * processes cannot be seen: without `/proc` (macOS, Windows), or when a git process's directory
 * cannot be read (another user's process), a lock older than `STALE_LOCK_AGE_MS` is stale and a
 * younger one is left alone. Stale locks are removed (after checking that the same file is still
 * there) and an interrupted rebase is aborted; a live holder is named in one sentence, and its
 * lock is never touched.
 *
 * Out of reach: a git on another machine sharing the folder over a network file system, and
 * programs that take git's locks without being git (libgit2-based tools).
 */
import { readdir, readFile, readlink, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { Fault } from './fault.ts';

/** Where processes cannot be seen, a lock older than this is taken for a dead git's. */
export const STALE_LOCK_AGE_MS = 10 * 60_000;

/**
 * Sub-folders of a git directory where git takes locks (never the loose-object folders). A
 * linked worktree's own index and HEAD are in its git directory, which is searched too; the
 * other worktrees' are theirs.
 */
const LOCK_FOLDERS = ['', 'refs', 'logs', 'objects/info', 'objects/pack'];

export interface GitProcess {
  pid: number;
  /** `git update-index`: the program and its subcommand, never its arguments (they may hold URLs with tokens). */
  command: string;
}

export interface RepoProcesses {
  /** Git processes known to work in the repository. */
  inRepo: GitProcess[];
  /** Whether some git process could not be placed (its directory unreadable) or processes cannot be listed. */
  unsure: boolean;
}

/** Every `*.lock` file git may have left in these git directories. */
export async function findGitLocks(gitDirs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const gitDir of new Set(gitDirs)) {
    for (const folder of LOCK_FOLDERS) {
      const root = path.join(gitDir, folder);
      let names: string[];
      try {
        names = folder === '' ? await readdir(root) : await readdir(root, { recursive: true });
      } catch {
        continue;
      }
      for (const name of names) if (name.endsWith('.lock')) found.add(path.join(root, name));
    }
  }
  return [...found].sort();
}

function inside(child: string, parents: readonly string[]): boolean {
  return parents.some((p) => child === p || child.startsWith(p.endsWith(path.sep) ? p : p + path.sep));
}

/** `git -C x -c a=b update-index --stdin` → `git update-index`. */
export function describeGitCommand(argv: readonly string[]): string {
  const program = path.basename(argv[0] ?? 'git');
  if (program !== 'git') return program;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-C' || a === '-c' || a === '--git-dir' || a === '--work-tree' || a === '--namespace') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return `git ${a}`;
  }
  return 'git';
}

async function realOrSelf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The git processes of this machine working in one of `places` (a work tree, git directories),
 * from /proc; null where /proc cannot be listed.
 */
export async function gitProcessesIn(places: readonly string[], procRoot = '/proc'): Promise<RepoProcesses | null> {
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  if (pids.length === 0) return null;
  const roots = await Promise.all(places.map(realOrSelf));
  const result: RepoProcesses = { inRepo: [], unsure: false };
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    const dir = path.join(procRoot, pid);
    let argv: string[];
    let comm: string;
    try {
      comm = (await readFile(path.join(dir, 'comm'), 'utf8')).trim();
      argv = (await readFile(path.join(dir, 'cmdline'), 'utf8')).split('\0').filter((a) => a !== '');
    } catch {
      continue; // exited meanwhile
    }
    const program = path.basename(argv[0] ?? comm);
    const isGit = comm === 'git' || comm.startsWith('git-') || program === 'git' || program.startsWith('git-');
    if (!isGit) continue;
    const where: string[] = [];
    let readable = false;
    try {
      where.push(await readlink(path.join(dir, 'cwd')));
      readable = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // exited meanwhile
    }
    try {
      const env = (await readFile(path.join(dir, 'environ'), 'utf8')).split('\0');
      for (const e of env) {
        const m = /^(GIT_DIR|GIT_WORK_TREE|GIT_COMMON_DIR)=(.+)$/.exec(e);
        if (m) where.push(path.resolve(where[0] ?? '/', m[2] as string));
      }
    } catch {
      // Without the environment the directory alone decides.
    }
    if (!readable) {
      result.unsure = true;
      continue;
    }
    if (where.some((w) => inside(w, roots))) result.inRepo.push({ pid: Number(pid), command: describeGitCommand(argv.length > 0 ? argv : [comm]) });
  }
  return result;
}

export interface StaleCleanup {
  /** Lock files removed, relative to the work tree. */
  removed: string[];
  /** Whether an interrupted rebase was aborted. */
  abortedRebase: boolean;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the locks and the interrupted rebase a dead git left in the repository of `git`, and
 * throws a `Fault` naming the holder when a living git process works there while a lock exists.
 */
export async function clearStaleGitState(git: SimpleGit, log: (m: string) => void = () => {}, opts: { procRoot?: string; now?: number } = {}): Promise<StaleCleanup> {
  const [top = '', gitDir = '', common = ''] = (await git.raw(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir'])).trim().split('\n');
  const rel = (p: string) => path.relative(top, p) || p;
  const result: StaleCleanup = { removed: [], abortedRebase: false };

  const locks = await findGitLocks([gitDir, common]);
  const rebasing = (await exists(path.join(gitDir, 'rebase-merge'))) || (await exists(path.join(gitDir, 'rebase-apply')));
  if (locks.length === 0 && !rebasing) return result;

  // Listed before the processes: a lock that exists now was made by a process alive now or dead.
  const seen = new Map<string, { ino: number; mtimeMs: number }>();
  for (const lock of locks) {
    try {
      const s = await stat(lock);
      seen.set(lock, { ino: s.ino, mtimeMs: s.mtimeMs });
    } catch {
      // released meanwhile
    }
  }
  // Every worktree shares the refs: a git working in any of them counts.
  const worktrees = (await git.raw(['worktree', 'list', '--porcelain']))
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
  const procs = await gitProcessesIn([top, gitDir, common, ...worktrees], opts.procRoot);
  const live = procs?.inRepo ?? [];
  if (live.length > 0) {
    const first = live[0] as GitProcess;
    const what = seen.size > 0 ? `holds ${[...seen.keys()].map(rel).join(', ')}` : 'is rebasing';
    throw new Fault(
      `could not commit: git process ${first.pid} (${first.command}) ${what} in ${top}${live.length > 1 ? ` (and ${live.length - 1} other git process${live.length > 2 ? 'es' : ''})` : ''}; the lock was left alone, and this run's data stays in data/ for the next run to commit`,
    );
  }
  const now = opts.now ?? Date.now();
  const byAge = procs === null || procs.unsure;
  for (const [lock, before] of seen) {
    const age = now - before.mtimeMs;
    if (byAge && age < STALE_LOCK_AGE_MS) {
      throw new Fault(
        `could not commit: ${rel(lock)} exists (${Math.round(age / 1000)} s old) and ${procs === null ? 'processes cannot be listed here (no /proc)' : 'a git process of another user could not be inspected'}, so Cairn cannot tell whether a git still holds it; it is taken as stale after ${STALE_LOCK_AGE_MS / 60_000} minutes. This run's data stays in data/ for the next run to commit`,
      );
    }
    // Remove only the lock that was judged: not a new one someone took in the meantime.
    try {
      const s = await stat(lock);
      if (s.ino !== before.ino || s.mtimeMs !== before.mtimeMs) continue;
      await rm(lock, { force: true });
      result.removed.push(rel(lock));
      log(`removed a stale git lock ${rel(lock)} (${Math.round(age / 1000)} s old; no git process works in this repository)`);
    } catch {
      // released meanwhile
    }
  }
  if (rebasing) {
    try {
      await git.raw(['rebase', '--abort']);
    } catch (err) {
      throw new Fault(`could not commit: ${top} is in the middle of a rebase that a killed git left behind, and \`git rebase --abort\` failed: ${firstLine(err)}`);
    }
    result.abortedRebase = true;
    log('aborted a rebase that a killed git left behind (the branch is back where it was)');
  }
  return result;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}
