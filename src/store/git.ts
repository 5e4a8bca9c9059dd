/**
 * Committing and pushing what a run wrote (simple-git; never a force-push).
 *
 * Concurrent runs (two schedules overlapping, or n shards in n jobs) append to files that the
 * other side also appended to. `.gitattributes` marks the store's NDJSON files `merge=union`
 * (git's built-in line-union driver): an append on each side rebases to both lines, with no
 * conflict. Line order within a day file does not matter to readers. Should a rebase still
 * stop on a conflict (say a hand-written file changed on both sides), it is aborted, the branch
 * is reset to the upstream, and the run's own records are written again on top (`replay`):
 * no sample is ever lost and nothing of the upstream is overwritten.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { writeFileAtomic } from './atomic.ts';
import { Fault, fsFault } from './fault.ts';
import { clearStaleGitState } from './git-locks.ts';

export const GITATTRIBUTES_LINE = 'data/**/*.ndjson merge=union';

/**
 * The body of every run's commit message. It holds no data (the subject says what the run saw):
 * it makes the commit object long enough for git to pack it as a delta against another commit.
 * Git deltifies an object only when the delta is under half its size minus 20 bytes; a run's
 * commit (two object ids, two identity lines, a one-line subject: ~265 bytes) never qualifies and
 * is stored whole, zlib'd, at ~174 bytes; with this body (~365 bytes) it is stored as a ~130-byte
 * delta. Measured with `npm run bench:git-growth` (docs/benchmarks.md).
 */
export const RUN_COMMIT_BODY = 'Written by cairn run: results in data/ (docs/store.md). Edit checks/ and cairn.yaml, not data/.';

/** A run's commit message: its one-line subject, then `RUN_COMMIT_BODY`. */
export function runCommitMessage(subject: string): string {
  return `${subject}\n\n${RUN_COMMIT_BODY}`;
}

export interface GitIdentity {
  name: string;
  email: string;
}

/** The bot identity: configuration, overridden by CAIRN_GIT_NAME / CAIRN_GIT_EMAIL. */
export function gitIdentity(configured: GitIdentity, env: NodeJS.ProcessEnv = process.env): GitIdentity {
  return { name: env['CAIRN_GIT_NAME'] || configured.name, email: env['CAIRN_GIT_EMAIL'] || configured.email };
}

/** Adds the union-merge rule to `<dir>/.gitattributes` when it is missing; true if written. */
export async function ensureGitattributes(dir: string): Promise<boolean> {
  const file = path.join(dir, '.gitattributes');
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fsFault(err, 'read', file);
  }
  if (text.split('\n').some((l) => l.trim() === GITATTRIBUTES_LINE)) return false;
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  await writeFile(file, `${prefix}# Cairn: concurrent runs append to the same files; keep both sides' lines.\n${GITATTRIBUTES_LINE}\n`).catch((err: unknown) => {
    throw fsFault(err, 'write', file);
  });
  return true;
}

export interface CommitPushOptions {
  message: string;
  identity: GitIdentity;
  /** Paths (relative to dir) to stage: additions, changes and deletions. */
  paths: string[];
  push: boolean;
  maxAttempts: number;
  /** Base of the random wait before a retry; doubles with each attempt. */
  jitterMs: number;
  /**
   * After a conflicting rebase, the branch is reset to the upstream and every store line this
   * clone added since the merge base (all unpushed runs and rollups) is appended again; then
   * this is called (e.g. to decide incidents and alerts again, to compact again) before committing.
   */
  replay?: () => Promise<void>;
  /**
   * Paths holding decisions made from the committed state (`data/state`, `incidents`). When the
   * upstream and this clone both changed any of them since their merge base, they are never merged
   * as text: the branch is replayed on top of the upstream (see `replay`), so the decisions are
   * made again from the state that won.
   */
  decisionPaths?: string[];
  log?: (message: string) => void;
  /**
   * The run's deadline: a push or fetch in flight is stopped (git and its helpers killed) when it
   * aborts, and no new one starts; the commit then stays in the local branch.
   */
  signal?: AbortSignal;
}

export interface CommitPushResult {
  committed: boolean;
  pushed: boolean;
  /** Push attempts made. */
  attempts: number;
  /** `origin/main` or null when the branch has no upstream. */
  upstream: string | null;
  /** How rejected pushes were resolved: rebases and replays. */
  rebases: number;
  replays: number;
}

export function gitFor(dir: string, identity: GitIdentity): SimpleGit {
  return simpleGit(dir, { config: [`user.name=${identity.name}`, `user.email=${identity.email}`] });
}

async function tryRaw(git: SimpleGit, args: string[]): Promise<string | null> {
  try {
    return await git.raw(args);
  } catch {
    return null;
  }
}

async function stageAndCommit(git: SimpleGit, dir: string, paths: string[], message: string): Promise<boolean> {
  const existing: string[] = [];
  for (const p of paths) {
    // A pathspec must match something on disk or in the index (a folder whose files were all deleted).
    if (existsSync(path.join(dir, p)) || (await git.raw(['ls-files', '--', p])).trim()) existing.push(p);
  }
  if (existing.length === 0) return false;
  await git.raw(['add', '-A', '--', ...existing]);
  const staged = await git.raw(['diff', '--cached', '--name-only']);
  if (!staged.trim()) return false;
  await git.raw(['commit', '-q', '--no-verify', '-m', message]);
  return true;
}

interface Upstream {
  remote: string;
  /** `refs/heads/main` on the remote. */
  merge: string;
  /** `origin/main`. */
  tracking: string;
}

async function upstreamOf(git: SimpleGit): Promise<Upstream | null> {
  const branch = (await tryRaw(git, ['symbolic-ref', '--quiet', '--short', 'HEAD']))?.trim();
  if (!branch) return null;
  const remote = (await tryRaw(git, ['config', `branch.${branch}.remote`]))?.trim();
  const merge = (await tryRaw(git, ['config', `branch.${branch}.merge`]))?.trim();
  const tracking = (await tryRaw(git, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}']))?.trim();
  if (!remote || !merge || !tracking || remote === '.') return null;
  return { remote, merge, tracking };
}

/** Makes sure the merge base of HEAD and the upstream is present (shallow clones). */
async function ensureMergeBase(git: SimpleGit, dir: string, up: Upstream, log: (m: string) => void, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < 6; i++) {
    if (await tryRaw(git, ['merge-base', 'HEAD', up.tracking])) return;
    const shallow = (await tryRaw(git, ['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
    if (!shallow) return;
    if (i < 5) {
      log(`shallow clone: deepening by ${50 * 2 ** i} commits to find the merge base`);
      await gitNetwork(dir, ['fetch', '-q', `--deepen=${50 * 2 ** i}`, up.remote, up.merge], signal);
    } else {
      log('shallow clone: fetching the full history to find the merge base');
      await gitNetwork(dir, ['fetch', '-q', '--unshallow', up.remote], signal);
    }
  }
}

/** Waits, unless the signal aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A git command that talks to a remote (push, fetch), as its own process group so that stopping
 * it stops its helpers too (ssh, git-remote-https). Rejects with git's stderr when it fails, or at
 * once when `signal` aborts.
 */
export function gitNetwork(dir: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DeadlineError(args[0] ?? 'git'));
    const child = spawn('git', args, { cwd: dir, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const onAbort = () => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new DeadlineError(args[0] ?? 'git'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve(stdout);
      else reject(new Error(stderr.trim() || `git ${args[0] ?? ''} exited with code ${code}`));
    });
  });
}

/** A network step stopped by the run's deadline. */
class DeadlineError extends Error {
  override name = 'DeadlineError';
  constructor(readonly step: string) {
    super(`stopped by the run's deadline during git ${step}`);
  }
}

/**
 * Stages `paths`, commits, and pushes to the upstream (if any). A rejected push fetches,
 * rebases and retries after a random wait, at most `maxAttempts` times. Throws when every
 * attempt failed (the commit stays in the local branch).
 */
export async function commitAndPush(dir: string, opts: CommitPushOptions): Promise<CommitPushResult> {
  const log = opts.log ?? (() => {});
  const git = gitFor(dir, opts.identity);
  const result: CommitPushResult = { committed: false, pushed: false, attempts: 0, upstream: null, rebases: 0, replays: 0 };
  if (!(await git.checkIsRepo())) throw new Fault(`could not commit: ${dir} is not in a git repository (run \`git init\`, or use --no-commit)`);
  // A git killed mid-way (a cancelled job) leaves its locks or a half-done rebase: clear them,
  // unless a living git works here (src/store/git-locks.ts says how the two are told apart).
  await clearStaleGitState(git, log);
  result.committed = await stageAndCommit(git, dir, opts.paths, opts.message);
  const up = opts.push ? await upstreamOf(git) : null;
  if (!up) return result;
  result.upstream = up.tracking;
  const ahead = Number((await tryRaw(git, ['rev-list', '--count', `${up.tracking}..HEAD`]))?.trim() ?? '1');
  if (!result.committed && ahead === 0) return result;
  let lastError: unknown = null;
  const stopped = () =>
    new Fault(`could not push to ${up.tracking}: the run's deadline passed${result.attempts > 0 ? ` after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}` : ''} (the commit stays in the local branch)`);
  for (let attempt = 1; attempt <= opts.maxAttempts; attempt++) {
    if (opts.signal?.aborted) throw stopped();
    result.attempts = attempt;
    try {
      await gitNetwork(dir, ['push', '-q', up.remote, `HEAD:${up.merge}`], opts.signal);
      result.pushed = true;
      return result;
    } catch (err) {
      if (err instanceof DeadlineError) throw stopped();
      lastError = err;
      log(`push rejected (attempt ${attempt}/${opts.maxAttempts}): ${firstLine(err)}`);
    }
    if (attempt === opts.maxAttempts) break;
    await sleep(Math.random() * opts.jitterMs * 2 ** (attempt - 1), opts.signal);
    try {
      await gitNetwork(dir, ['fetch', '-q', up.remote, up.merge], opts.signal);
    } catch (err) {
      if (err instanceof DeadlineError) throw stopped();
      throw new Fault(`could not push to ${up.tracking}: it was rejected, and fetching ${up.remote} failed (the commit stays in the local branch): ${firstLine(err)}`);
    }
    // The fetch above updates FETCH_HEAD; make sure the tracking ref follows too.
    await git.raw(['update-ref', `refs/remotes/${up.tracking}`, 'FETCH_HEAD']);
    try {
      await ensureMergeBase(git, dir, up, log, opts.signal);
    } catch (err) {
      if (err instanceof DeadlineError) throw stopped();
      throw err;
    }
    const decided = await bothChanged(git, up.tracking, opts.decisionPaths ?? []);
    if (decided.length === 0) {
      if ((await tryRaw(git, ['rebase', '-q', up.tracking])) !== null) {
        result.rebases++;
        continue;
      }
      // The rebase stopped on a conflict: start again from the upstream with this run's records.
      await tryRaw(git, ['rebase', '--abort']);
      log(`rebase onto ${up.tracking} conflicted: writing this clone's unpushed store lines again on top of it`);
    } else {
      log(`${up.tracking} also changed ${decided.length > 3 ? `${decided.slice(0, 3).join(', ')}…` : decided.join(', ')}: deciding again on top of it, with this clone's unpushed store lines`);
    }
    const ours = (await git.raw(['rev-parse', 'HEAD'])).trim();
    const mergeBase = (await git.raw(['merge-base', 'HEAD', up.tracking])).trim();
    const added = await addedStoreLines(git, mergeBase, ours);
    await git.raw(['reset', '-q', '--keep', up.tracking]);
    await appendMissingLines(dir, added);
    await opts.replay?.();
    await stageAndCommit(git, dir, opts.paths, opts.message);
    result.replays++;
  }
  throw new Fault(`could not push to ${up.tracking} in ${opts.maxAttempts} attempts (the commit stays in the local branch): ${firstLine(lastError)}`);
}

/** What `upstream` changed of the decision paths, when HEAD changed them too (differently) since their merge base. */
async function bothChanged(git: SimpleGit, upstream: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const base = (await tryRaw(git, ['merge-base', 'HEAD', upstream]))?.trim();
  if (!base) return [];
  const changed = async (to: string) => new Set((await git.raw(['diff', '--name-only', '--no-renames', base, to, '--', ...paths])).split('\n').filter(Boolean));
  const ours = await changed('HEAD');
  if (ours.size === 0) return [];
  const theirs = await changed(upstream);
  if (theirs.size === 0) return [];
  // Both sides came to the same decisions (the same bytes): nothing to decide again.
  if ((await git.raw(['diff', '--name-only', 'HEAD', upstream, '--', ...paths])).trim() === '') return [];
  // One group: incident files and the states that refer to them are decided together.
  return [...theirs].sort();
}

/** Lines added to the store's NDJSON files between two commits, by file. */
async function addedStoreLines(git: SimpleGit, from: string, to: string): Promise<Map<string, string[]>> {
  const diff = await git.raw(['diff', '--no-renames', '--no-color', '--unified=0', from, to, '--', 'data']);
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      current = target === '/dev/null' ? null : [];
      if (current) out.set(target.replace(/^b\//, ''), current);
    } else if (current && line.startsWith('+') && line.slice(1).trim() !== '') {
      current.push(line.slice(1));
    }
  }
  return out;
}

/** Appends each line a file does not hold yet (atomic rewrite). */
async function appendMissingLines(dir: string, added: ReadonlyMap<string, string[]>): Promise<void> {
  for (const [rel, lines] of added) {
    if (!rel.endsWith('.ndjson') || lines.length === 0) continue;
    const file = path.join(dir, rel);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const have = new Set(text.split('\n'));
    const missing = lines.filter((l) => !have.has(l));
    if (missing.length === 0) continue;
    const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
    await writeFileAtomic(file, `${prefix}${missing.join('\n')}\n`);
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text;
}
