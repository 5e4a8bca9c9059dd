/**
 * The two ways `bench:git-growth` turns a work tree written by the real store code into commits:
 *
 * - `realCommitter`: Cairn's own commit path (`commitAndPush` through simple-git: `git add -A`,
 *   `git diff --cached`, `git commit`), with the commit dates fixed to the simulated run time.
 * - `fastImportCommitter`: the same commit fed to ONE long-lived `git fast-import`. It stages what
 *   `git add -A -- <paths>` would (every file under the paths, changed or added as a 100644 blob,
 *   removed when gone), and writes the commit `git commit -q -m <message>` would (author and
 *   committer the bot identity at the given time, the message followed by one newline). Nothing
 *   changed: no commit, as `commitAndPush` does. A branch that already has a commit (the seeded
 *   first commit) is continued from it.
 *
 * Same work tree, same message, same identity and time give the same objects, hence the same
 * object ids: the benchmark checks it on a sample (`agreement` in its JSON).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type GitIdentity, commitAndPush } from '../src/store/git.ts';

export interface CommitRequest {
  message: string;
  identity: GitIdentity;
  /** Epoch seconds of the author and committer dates (+0000). */
  time: number;
}

export interface Committer {
  /** Commits what changed under the paths; false when nothing did (no commit made). */
  commit(req: CommitRequest): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Cairn's real commit path. Its dates are the clock's (simple-git drops GIT_AUTHOR_DATE and
 * GIT_COMMITTER_DATE from the environment, as in production), not `time`; `onCommit` is told the
 * date git wrote, so that a fast-import of the same commit can be given the same one.
 */
export function realCommitter(dir: string, paths: string[], onCommit?: (time: number) => void): Committer {
  return {
    async commit(req) {
      const res = await commitAndPush(dir, { message: req.message, identity: req.identity, paths, push: false, maxAttempts: 1, jitterMs: 0 });
      if (res.committed && onCommit) {
        const r = spawnSync('git', ['log', '-1', '--format=%at %ct'], { cwd: dir, encoding: 'utf8' });
        const [at, ct] = r.stdout.trim().split(' ').map(Number);
        if (at !== ct || !Number.isInteger(at)) throw new Error(`unexpected commit dates: ${r.stdout}`);
        onCommit(at as number);
      }
      return res.committed;
    },
    close: () => Promise.resolve(),
  };
}

interface Seen {
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  content: Buffer;
}

/** Every regular file under `rel` (a file or a folder), relative to `dir`, in git's path form. */
async function filesUnder(dir: string, rel: string): Promise<string[]> {
  const full = path.join(dir, rel);
  let s;
  try {
    s = await stat(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  if (s.isFile()) return [rel];
  const out: string[] = [];
  for (const e of await readdir(full, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  return out;
}

/** One `git fast-import` for the whole history of `dir`'s branch `branch`. */
export function fastImportCommitter(dir: string, paths: string[], branch = 'main'): Committer {
  // A branch that already has commits (a seeded repository) is continued from its tip.
  const tip = spawnSync('git', ['rev-parse', '--verify', '-q', `refs/heads/${branch}`], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  let from = tip === '' ? '' : `from ${tip}\n`;
  const fi = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => {
    fi.on('error', reject);
    fi.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with code ${code}`))));
  });
  const write = (chunks: Buffer[]): Promise<void> =>
    fi.stdin.write(Buffer.concat(chunks)) ? Promise.resolve() : new Promise((resolve) => fi.stdin.once('drain', () => resolve()));
  const seen = new Map<string, Seen>();
  return {
    async commit(req) {
      const ops: Buffer[] = [];
      const present = new Set<string>();
      for (const p of paths) {
        for (const rel of await filesUnder(dir, p)) {
          present.add(rel);
          // Atomic writes rename a new file into place: a new inode and times, so a file whose
          // inode, size and times are unchanged holds what it held (read again otherwise).
          const s = await stat(path.join(dir, rel), { bigint: true });
          if (s.mode & 0o111n) throw new Error(`${rel}: executable files are not modelled`);
          const before = seen.get(rel);
          if (before && before.size === s.size && before.mtimeNs === s.mtimeNs && before.ctimeNs === s.ctimeNs && before.ino === s.ino) continue;
          const content = await readFile(path.join(dir, rel));
          seen.set(rel, { size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, ino: s.ino, content });
          if (before && before.content.equals(content)) continue;
          ops.push(Buffer.from(`M 100644 inline ${rel}\ndata ${content.length}\n`), content, Buffer.from('\n'));
        }
      }
      for (const rel of [...seen.keys()].sort()) {
        if (present.has(rel)) continue;
        seen.delete(rel);
        ops.push(Buffer.from(`D ${rel}\n`));
      }
      if (ops.length === 0) return false;
      // `git commit -m` stores the message with trailing whitespace removed and one newline added.
      const message = Buffer.from(`${req.message.replace(/\s+$/, '')}\n`);
      const who = `${req.identity.name} <${req.identity.email}> ${req.time} +0000`;
      await write([Buffer.from(`commit refs/heads/${branch}\nauthor ${who}\ncommitter ${who}\ndata ${message.length}\n`), message, Buffer.from(from), ...ops, Buffer.from('\n')]);
      from = '';
      return true;
    },
    async close() {
      fi.stdin.end('done\n');
      await done;
    },
  };
}
