/**
 * The model cache of `cairn serve` (and `cairn build`): the last status model computed for a status
 * repo, kept in `<status-repo>/.cairn/model.bin` so that a restarted `cairn serve` answers at once
 * from it while it computes the current model (a big store takes many seconds to read).
 *
 * - It is not committed data and not part of the site: `.cairn/` ignores itself (`.cairn/.gitignore`
 *   holds `*`), `cairn run` never stages it, and nothing under it is published.
 * - It is versioned: a cache written by another version of Cairn (or other compiled pages, or
 *   other configuration files) is not used.
 * - It says which data it was computed from (the size and modification time of every file under
 *   data/, incidents/ and reports/): a reader learns whether the data changed since.
 * - It is written atomically (temporary file + rename) and read defensively: anything unreadable
 *   is treated as no cache. Serialized with v8.serialize, so the model comes back exactly as it was
 *   (undefined, NaN and Infinity included), which JSON would not promise.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { CHECKS_DIR, SETTINGS_FILE } from '../config/load.ts';
import { MODEL_VERSION, type StatusModel } from '../model/model.ts';
import { settled } from '../deserialized.ts';
import { listTree, writeFileAtomic } from '../store/atomic.ts';
import { DATA_DIR } from '../store/layout.ts';
import { bundleIdentity } from './bundle.ts';

/** Version of the cache file's own layout. */
const CACHE_FORMAT = 1;
export const CACHE_DIR = '.cairn';
export const MODEL_CACHE_FILE = path.join(CACHE_DIR, 'model.bin');
/** Folders whose files the model is computed from (besides the configuration). */
const DATA_FOLDERS = [DATA_DIR, 'incidents', 'reports'];

/** What a cache file says about its model, read before the model itself (a JSON line). */
interface CacheHeader {
  format: number;
  key: string;
  /** `relative path size mtimeMs` of every data file, sorted, as they were before the model was computed. */
  stamp: string;
}

export interface CachedModel {
  model: StatusModel;
  /** True when no data file changed since the model was computed. */
  current: boolean;
}

let identity: Promise<string> | undefined;

/** What must be equal for a cached model to be usable: this Cairn, its pages, the configuration files. */
export async function cacheKey(dir: string): Promise<string> {
  identity ??= bundleIdentity();
  const h = createHash('sha256');
  h.update(`${CACHE_FORMAT}\0${MODEL_VERSION}\0${await identity}\0`);
  const files = [SETTINGS_FILE, ...(await listTree(path.join(dir, CHECKS_DIR))).map((rel) => path.join(CHECKS_DIR, rel))].sort();
  for (const rel of files) {
    const text = await readFile(path.join(dir, rel)).catch(() => null);
    if (text !== null) h.update(rel).update('\0').update(text).update('\0');
  }
  return h.digest('hex');
}

/** The size and modification time of every file the model reads data from. */
export async function dataStamp(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const folder of DATA_FOLDERS) {
    for (const rel of await listTree(path.join(dir, folder)).catch(() => [] as string[])) {
      const s = await stat(path.join(dir, folder, rel)).catch(() => null);
      if (s?.isFile()) lines.push(`${path.join(folder, rel)} ${s.size} ${s.mtimeMs}`);
    }
  }
  return lines.sort().join('\n');
}

/** Writes `model` (computed from the data as `stamp` describes it) as the status repo's cached model. */
export async function writeModelCache(dir: string, model: StatusModel, stamp: string): Promise<void> {
  const folder = path.join(dir, CACHE_DIR);
  const ignore = path.join(folder, '.gitignore');
  if (!existsSync(ignore)) await writeFileAtomic(ignore, '# Written by Cairn: caches, never committed.\n*\n');
  const header: CacheHeader = { format: CACHE_FORMAT, key: await cacheKey(dir), stamp };
  // The header first, on its own line, so that a cache of another version is rejected without reading its model.
  await writeFileAtomic(path.join(dir, MODEL_CACHE_FILE), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), v8.serialize(model)]));
}

/** The cached model of the status repo, or null when there is none usable (missing, unreadable, another version). */
export async function readModelCache(dir: string): Promise<CachedModel | null> {
  try {
    const [bytes, key] = await Promise.all([readFile(path.join(dir, MODEL_CACHE_FILE)), cacheKey(dir)]);
    const eol = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.subarray(0, eol).toString('utf8')) as Partial<CacheHeader>;
    if (eol < 0 || header.format !== CACHE_FORMAT || header.key !== key || typeof header.stamp !== 'string') return null;
    const model = v8.deserialize(bytes.subarray(eol + 1)) as StatusModel | null;
    if (model?.version !== MODEL_VERSION) return null;
    return { model: settled(model), current: header.stamp === (await dataStamp(dir)) };
  } catch {
    return null;
  }
}

/** Best effort: `cairn build` leaves its model for `cairn serve`; a cache that cannot be written changes nothing else. */
export async function tryWriteModelCache(dir: string, model: StatusModel, stamp: string): Promise<boolean> {
  return writeModelCache(dir, model, stamp).then(
    () => true,
    () => false,
  );
}
