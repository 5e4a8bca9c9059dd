import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsFault } from './fault.ts';

/**
 * Writes a file atomically: the content goes to a temporary file in the same folder, is flushed
 * to disk, then renamed over the target. A crash at any moment leaves either the old file or
 * the new one, never a truncated mix.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fsFault(err, 'write', file);
  }
}

/** Every path under `root`, relative to it (recursive); none when `root` does not exist. */
export async function listTree(root: string): Promise<string[]> {
  try {
    return await readdir(root, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fsFault(err, 'list the folder', root);
  }
}

/**
 * Deletes the temporary files (`.*.tmp`) that a killed write left under `root`. Readers never
 * read them; the next run (`cairn check`, `run`, `compact`) cleans them up. One writer per
 * working tree: a concurrent writer's temp file would be deleted from under it.
 */
export async function removeTempFiles(root: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await listTree(root);
  } catch (err) {
    // A file where the folder should be holds no temporary files; the writes will say what is wrong.
    if (((err as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ENOTDIR') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const rel of entries) {
    const base = path.basename(rel);
    if (base.startsWith('.') && base.endsWith('.tmp')) {
      await rm(path.join(root, rel), { force: true }).catch((err: unknown) => {
        throw fsFault(err, 'delete the temporary file', path.join(root, rel));
      });
      removed.push(rel);
    }
  }
  return removed;
}
