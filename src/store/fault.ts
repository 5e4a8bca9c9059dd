/**
 * Failures of the environment (a file system, a git repository, another process), not of Cairn.
 *
 * A `Fault`'s message is one complete sentence for the user, naming the path and what could not
 * be done: `could not write /srv/status/data/2026-11-24.ndjson: the file system is read-only
 * (EROFS)`. The CLI prints it without a stack trace and exits 1. File-system errors become
 * faults where the file is touched (`fsFault`), and any that slip through are described the same
 * way by the CLI (`describeFsError`).
 */
import { statSync } from 'node:fs';
import path from 'node:path';

export class Fault extends Error {
  override name = 'Fault';
}

/** What each file-system error code means, in words; codes not listed are not faults of the environment. */
export const FS_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is too large for the file system',
  EIO: 'the device reported an input/output error',
  ENOTDIR: 'a part of the path is a file where a folder is expected',
  EISDIR: 'it is a folder where a file is expected',
  EEXIST: 'a file is in the way',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'the path has too many symbolic links',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open on the system',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  ENOENT: 'it does not exist',
};

/** The verb of a failed system call, for the errors `describeFsError` meets without context. */
const SYSCALL_ACTION: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rmdir: 'delete the folder',
  scandir: 'list the folder',
  opendir: 'list the folder',
  rename: 'replace',
  unlink: 'delete',
  rm: 'delete',
  copyfile: 'copy',
  fsync: 'flush',
  close: 'close',
  stat: 'read',
  lstat: 'read',
  access: 'access',
  utime: 'update',
  chmod: 'change',
};

export function errnoOf(err: unknown): NodeJS.ErrnoException | null {
  const e = err as NodeJS.ErrnoException | null;
  return e !== null && typeof e === 'object' && typeof e.code === 'string' && e.code in FS_REASONS ? e : null;
}

/** The first part of `file`'s folder path that exists and is not a folder, if any. */
function fileInTheWay(file: string): string | null {
  let p = path.dirname(path.resolve(file));
  const parts: string[] = [];
  for (; ; p = path.dirname(p)) {
    parts.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const part of parts) {
    try {
      if (!statSync(part).isDirectory()) return part;
    } catch {
      return null;
    }
  }
  return null;
}

function reasonOf(e: NodeJS.ErrnoException, file: string): string {
  const code = e.code as string;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = fileInTheWay(code === 'EEXIST' ? path.join(file, 'x') : file);
    if (blocker) return `${blocker} is a file, not a folder`;
  }
  return FS_REASONS[code] as string;
}

/**
 * A file-system error as a `Fault` that says what could not be done to which path; anything else
 * (a bug, an unknown error) is returned unchanged for the caller to rethrow.
 */
export function fsFault(err: unknown, action: string, file: string): unknown {
  if (err instanceof Fault) return err;
  const e = errnoOf(err);
  if (!e) return err;
  return new Fault(`could not ${action} ${file}: ${reasonOf(e, file)} (${e.code})`, { cause: err });
}

/** One sentence for a file-system error met without context (from its syscall and path); null when it is none. */
export function describeFsError(err: unknown): string | null {
  const e = errnoOf(err);
  if (!e || typeof e.path !== 'string') return null;
  const action = SYSCALL_ACTION[e.syscall ?? ''] ?? 'use';
  const dest = (e as { dest?: unknown }).dest;
  const target = typeof dest === 'string' && (e.syscall === 'rename' || e.syscall === 'copyfile') ? `${e.path} → ${dest}` : e.path;
  return `could not ${action} ${target}: ${reasonOf(e, e.path)} (${e.code})`;
}
