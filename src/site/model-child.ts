/**
 * Child process of `cairn serve` (src/site/live-model.ts): computes the status model of a status
 * repo from its files (the same `buildModel` as `cairn build`), sends it back, then writes it to
 * the model cache. Reading a big store takes seconds and hundreds of megabytes: here it neither
 * blocks the process that answers requests nor stays in it. A worker thread did this before; its
 * memory, once freed, stayed with the server's process (the allocator's arenas are not given
 * back), 150 MB and more for 200 components. A process's memory goes back to the system when it
 * ends.
 *
 * With `handOver` (a server that runs rounds), the store's columns it read go back with the
 * model, with the hash of the configuration they were read with: the server goes on from them
 * and reads only the day files a round changes. Either way the child computes one model and
 * ends. It ends too when the server goes (its IPC channel closes).
 *
 * Messages are sent with Node's `advanced` serialization (the structured clone of worker
 * threads): typed arrays go as they are.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { loadConfig } from '../config/load.ts';
import { LiveStoreColumns, type LiveStoreState } from '../store/store.ts';
import { buildModel } from './build.ts';
import { cacheKey, dataStamp, tryWriteModelCache } from './model-cache.ts';

export interface ModelChildInput {
  dir: string;
  /** Write the model to the cache (src/site/model-cache.ts). */
  cache: boolean;
  /** Send the store's columns with the model, for the server to compute the models after it. */
  handOver: boolean;
}

export interface ModelChildResult {
  model: unknown;
  /** Day files read (with `handOver`; null without). */
  reread: number | null;
  /** With `handOver`: the columns, and the configuration's hash (`cacheKey`) they were read with. */
  store: { state: LiveStoreState; key: string } | null;
}

/**
 * The result itself, or the file that holds it (v8.serialize; the server reads it, then removes
 * it), or why there is none. A file is read in one piece, where a message comes in thousands of
 * small ones whose memory, once freed, the server's allocator keeps in holes it cannot give back.
 */
export type ModelChildMessage = ModelChildResult | { file: string } | { error: string };

/** Sends `msg` to the server, resolving once it is written. */
function send(msg: ModelChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('model-child runs as a child process of cairn serve'));
    process.send(msg, undefined, {}, (err) => (err ? reject(err) : resolve()));
  });
}

async function compute({ dir, cache, handOver }: ModelChildInput): Promise<void> {
  // The configuration's files (and this Cairn) by hash, taken before they are read: the server reads them again when it changes.
  const key = await cacheKey(dir);
  // Secrets are not needed for the model (as for `cairn build`); the configuration was validated by the caller.
  const config = await loadConfig(dir, { missingEnv: 'keep' });
  // Taken before the data is read: a file that changes meanwhile makes the cache say "data changed".
  const stamp = cache ? await dataStamp(dir) : '';
  const store = handOver ? new LiveStoreColumns() : undefined;
  const model = await buildModel(config, Date.now(), store ? { store } : {});
  // The page first; the cache (a few hundred milliseconds to serialize and write) after.
  const reread = store ? store.lastRead : null;
  const result: ModelChildResult = { model, reread, store: store ? { state: store.handOver(), key } : null };
  const file = path.join(os.tmpdir(), `cairn-model-${process.pid}-${randomUUID()}.bin`);
  const written = await writeFile(file, v8.serialize(result), { mode: 0o600 }).then(
    () => true,
    () => false,
  );
  await send(written ? { file } : result);
  if (cache) await tryWriteModelCache(dir, model, stamp);
}

// The server gone (its channel closed, even by SIGKILL): nothing is left to compute for.
process.once('disconnect', () => process.exit());
process.once('message', (input: ModelChildInput) => {
  compute(input).then(
    () => process.disconnect?.(),
    async (err: unknown) => {
      await send({ error: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
      process.exitCode = 1;
      process.disconnect?.();
    },
  );
});
