/**
 * Worker thread of `cairn serve` (src/site/live-model.ts): computes the status model of a status
 * repo from its files (the same `buildModel` as `cairn build`), writes it to the model cache, and
 * posts it back. Reading a big store takes seconds and hundreds of megabytes: here it neither
 * blocks the thread that answers requests nor leaves its memory behind (the worker ends after
 * each model).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/load.ts';
import { buildModel } from './build.ts';
import { dataStamp, tryWriteModelCache } from './model-cache.ts';

export interface ModelWorkerInput {
  dir: string;
  /** Write the model to the cache (src/site/model-cache.ts). */
  cache: boolean;
}

export type ModelWorkerMessage = { model: unknown; cached: boolean } | { error: string };

const { dir, cache } = workerData as ModelWorkerInput;
try {
  // Secrets are not needed for the model (as for `cairn build`); the configuration was validated by the caller.
  const config = await loadConfig(dir, { missingEnv: 'keep' });
  // Taken before the data is read: a file that changes meanwhile makes the cache say "data changed".
  const stamp = await dataStamp(dir);
  const model = await buildModel(config);
  const cached = cache ? await tryWriteModelCache(dir, model, stamp) : false;
  parentPort?.postMessage({ model, cached } satisfies ModelWorkerMessage);
} catch (err) {
  parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies ModelWorkerMessage);
}
