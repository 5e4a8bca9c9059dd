/**
 * Worker thread of `cairn serve` (src/site/live-model.ts): computes the status model of a status
 * repo from its files (the same `buildModel` as `cairn build`), posts it back, then writes it to
 * the model cache. Reading a big store takes seconds and hundreds of megabytes: here it does not
 * block the thread that answers requests.
 *
 * With `handOver` (a server that runs rounds), the store's columns it read go back with the
 * model, moved, not copied (LiveStoreColumns, src/store/store.ts), with the hash of the
 * configuration they were read with: the thread that serves goes on from them and reads only the
 * day files a round changes, without a second thread and its copy of every model. Either way the
 * worker computes one model and ends, giving its memory back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.ts';
import { LiveStoreColumns, type LiveStoreState } from '../store/store.ts';
import { buildModel } from './build.ts';
import { cacheKey, dataStamp, tryWriteModelCache } from './model-cache.ts';

export interface ModelWorkerInput {
  dir: string;
  /** Write the model to the cache (src/site/model-cache.ts). */
  cache: boolean;
  /** Post the store's columns with the model (moved), for the thread that computes the models after it. */
  handOver: boolean;
}

export type ModelWorkerMessage =
  | {
      model: unknown;
      /** Day files read (with `handOver`; null without). */
      reread: number | null;
      /** With `handOver`: the columns, and the configuration's hash (`cacheKey`) they were read with. */
      store: { state: LiveStoreState; key: string } | null;
    }
  | { error: string };

const { dir, cache, handOver } = workerData as ModelWorkerInput;

try {
  // The configuration's files (and this Cairn) by hash, taken before they are read: the serving thread reads them again when it changes.
  const key = await cacheKey(dir);
  // Secrets are not needed for the model (as for `cairn build`); the configuration was validated by the caller.
  const config = await loadConfig(dir, { missingEnv: 'keep' });
  // Taken before the data is read: a file that changes meanwhile makes the cache say "data changed".
  const stamp = cache ? await dataStamp(dir) : '';
  const store = handOver ? new LiveStoreColumns() : undefined;
  const model = await buildModel(config, Date.now(), store ? { store } : {});
  if (store) {
    // The page first; the cache (a few hundred milliseconds to serialize and write) after.
    const { state, transfer } = store.handOver();
    parentPort?.postMessage({ model, reread: store.lastRead, store: { state, key } } satisfies ModelWorkerMessage, transfer);
    if (cache) await tryWriteModelCache(dir, model, stamp);
  } else {
    // The cache first: the worker is ended as soon as its model is posted.
    if (cache) await tryWriteModelCache(dir, model, stamp);
    parentPort?.postMessage({ model, reread: null, store: null } satisfies ModelWorkerMessage);
  }
} catch (err) {
  parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies ModelWorkerMessage);
}
