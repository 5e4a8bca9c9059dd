/**
 * Worker thread of `cairn serve` (src/site/live-model.ts): computes the status model of a status
 * repo from its files (the same `buildModel` as `cairn build`), posts it back, then writes it to
 * the model cache. Reading a big store takes seconds and hundreds of megabytes: here it does not
 * block the thread that answers requests.
 *
 * With `keep`, the worker stays for the next model (a message asks for it) and keeps the store's
 * columns between models (LiveStoreColumns, src/store/store.ts): after a round only the day files
 * that changed are read again (today's), and the configuration is parsed again only when its
 * files changed. Without it, the worker computes one model and ends, giving its memory back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { LiveStoreColumns } from '../store/store.ts';
import { buildModel } from './build.ts';
import { cacheKey, dataStamp, tryWriteModelCache } from './model-cache.ts';

export interface ModelWorkerInput {
  dir: string;
  /** Write the model to the cache (src/site/model-cache.ts). */
  cache: boolean;
  /** Stay for more models (each asked for by a message), keeping the store's columns between them. */
  keep: boolean;
}

export type ModelWorkerMessage = { model: unknown; reread: number | null } | { error: string };

const { dir, cache, keep } = workerData as ModelWorkerInput;
const store = keep ? new LiveStoreColumns() : undefined;
let config: { key: string; config: ResolvedConfig } | null = null;

async function compute(): Promise<void> {
  try {
    // The configuration's files (and this Cairn) by hash: parsed again only when they changed, and then the columns are read again whole.
    const key = await cacheKey(dir);
    if (config?.key !== key) {
      // Secrets are not needed for the model (as for `cairn build`); the configuration was validated by the caller.
      config = { key, config: await loadConfig(dir, { missingEnv: 'keep' }) };
      if (store) store.reset();
    }
    // Taken before the data is read: a file that changes meanwhile makes the cache say "data changed".
    const stamp = cache ? await dataStamp(dir) : '';
    const model = await buildModel(config.config, Date.now(), store ? { store } : {});
    // A worker that stays (rounds) posts the page first and writes the cache (a few hundred
    // milliseconds to serialize and write) after; one that ends writes it first and is ended then.
    if (cache && !keep) await tryWriteModelCache(dir, model, stamp);
    parentPort?.postMessage({ model, reread: store ? store.lastRead : null } satisfies ModelWorkerMessage);
    if (cache && keep) await tryWriteModelCache(dir, model, stamp);
  } catch (err) {
    config = null;
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies ModelWorkerMessage);
  }
}

// Models are asked for one at a time (src/site/live-model.ts): the first at once, the next by a message each.
let chain = compute();
if (keep) parentPort?.on('message', () => (chain = chain.then(compute)));
else await chain;
