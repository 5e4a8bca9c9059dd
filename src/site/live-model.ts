/**
 * The model `cairn serve` renders from, kept current without ever making a request wait for a
 * store read:
 *
 * - at start, the cached model (src/site/model-cache.ts: the last one `cairn build` or `cairn
 *   serve` computed) is served at once when there is one, while the current model is computed;
 * - a model read from the whole store is computed in a child process (src/site/model-child.ts):
 *   this process keeps answering meanwhile, and the child ends after its model, so the memory a
 *   whole read needs goes back to the system (a worker thread's did not: its allocator's arenas
 *   stayed with the process, 150 MB and more for 200 components). With `keep` (a server that runs
 *   rounds) the child sends the store's columns with its model, and the models after it are
 *   computed here from them: each reads again only the day files that changed (after a round,
 *   today's), a few hundred milliseconds, without a second process that holds its own copy of
 *   every model and sends it over. A change of the configuration's files, or a failed model, goes
 *   back to a whole read in a child;
 * - `refresh()` after a round asks for a model that includes the round; requests made while a
 *   computation runs are folded into ONE more computation after it, never run side by side;
 * - `close()` ends a computation in progress at once: the cache is written atomically, so an
 *   interrupted computation leaves the previous cache whole.
 *
 * Until a first model exists, `current()` is a promise: requests wait for it.
 */
import type { DayBarMemo, StatusModel } from '../model/model.ts';
import { settled } from '../deserialized.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { type ChildProcess, spawn } from 'node:child_process';
import { removeTempFiles } from '../store/atomic.ts';
import type { LiveStoreColumns } from '../store/store.ts';
import { CACHE_DIR, cacheKey, dataStamp, readModelCache, tryWriteModelCache } from './model-cache.ts';
import type { ModelChildInput, ModelChildMessage, ModelChildResult } from './model-child.ts';
import { childArgs } from '../worker-entry.ts';

/** How long after a model computed in the serving process it is written to the cache. */
const CACHE_DELAY_MS = 5_000;

export interface LiveModelOptions {
  dir: string;
  /** Write each computed model to the cache (default true). */
  cache?: boolean;
  /**
   * Keep the store's columns between models (default false): the child that reads the store
   * whole sends them over, and the next models are computed in this process from them, reading
   * again only the day files that changed (after a round, today's). For a server that runs
   * rounds; without them nothing of a model's computation is kept.
   */
  keep?: boolean;
}

export interface ModelUpdate {
  model: StatusModel;
  /** How long the computation took, ms. */
  ms: number;
  /** Day files read for it (with `keep`; null without). */
  reread: number | null;
  /** Where it was computed: from the whole store in a child process, or from the kept columns in this one. */
  where: 'child process' | 'kept columns';
}

export class LiveModel {
  readonly #dir: string;
  readonly #cache: boolean;
  readonly #keep: boolean;
  #model: StatusModel | null = null;
  /** Until a first model is served: the promise requests wait on. */
  #first: { promise: Promise<StatusModel>; resolve(m: StatusModel): void; reject(e: unknown): void } | null;
  #running: Promise<ModelUpdate> | null = null;
  #queued: Promise<ModelUpdate> | null = null;
  /** Every child still running (one may be writing the cache after its model): ended by `close()`. */
  readonly #children = new Set<ChildProcess>();
  /** With `keep`: the store's columns a child sent, and the configuration's hash they were read with. */
  #store: { columns: LiveStoreColumns; key: string } | null = null;
  /** The configuration the models here are computed with (secrets left unresolved, as the child's), by hash. */
  #config: { key: string; config: ResolvedConfig } | null = null;
  /** The day bars of the last model computed here, for the next (src/model/model.ts). */
  #bars: DayBarMemo | null = null;
  /** The cache being written after a model computed here. */
  #cacheWrite: Promise<unknown> = Promise.resolve();
  /** The model computed here that is to be written to the cache, once the server is quiet. */
  #cacheTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(opts: LiveModelOptions) {
    this.#dir = opts.dir;
    this.#cache = opts.cache ?? true;
    this.#keep = opts.keep ?? false;
    let resolve!: (m: StatusModel) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<StatusModel>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Requests handle a failed first model themselves (503); never an unhandled rejection.
    promise.catch(() => undefined);
    this.#first = { promise, resolve, reject };
  }

  /** The model to render from now: the latest one, or a promise of the first. */
  current(): StatusModel | Promise<StatusModel> {
    // Without a model, the first one is still awaited (`#first` goes when it is served).
    return this.#model ?? this.#first?.promise ?? Promise.reject(new Error('no model'));
  }

  /** Serves the cached model, when there is a usable one, until a computed one replaces it. */
  async loadCache(): Promise<{ generatedAt: string; current: boolean } | null> {
    const cached = await readModelCache(this.#dir);
    if (!cached || this.#model) return null;
    this.#set(cached.model);
    return { generatedAt: cached.model.generatedAt, current: cached.current };
  }

  /**
   * Computes a model from the files as they are now (a round's results included once the round
   * has written them) and serves it. While one is being computed, the calls fold into one more.
   */
  refresh(): Promise<ModelUpdate> {
    if (this.#closed) return Promise.reject(new Error('the live model is closed'));
    if (!this.#running) {
      this.#running = this.#compute().finally(() => {
        this.#running = null;
      });
      return this.#running;
    }
    this.#queued ??= this.#running.then(
      () => this.#next(),
      () => this.#next(),
    );
    return this.#queued;
  }

  #next(): Promise<ModelUpdate> {
    this.#queued = null;
    return this.refresh();
  }

  /** Ends a computation in progress; the model already served stays as it is. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#store = null;
    // A cache write not yet begun is dropped (the cache there is older, and says so); one in
    // progress is let finish: it is a file written whole, then renamed.
    if (this.#cacheTimer) clearTimeout(this.#cacheTimer);
    await this.#cacheWrite;
    const running = [...this.#children].filter((c) => c.exitCode === null && c.signalCode === null);
    if (running.length > 0) {
      await Promise.all(running.map((c) => new Promise((r) => c.once('exit', r).kill('SIGKILL'))));
      // A cache write the child was making is dropped: its temporary file goes, model.bin is untouched.
      await removeTempFiles(path.join(this.#dir, CACHE_DIR)).catch(() => undefined);
    }
    this.#first?.reject(new Error('stopped'));
  }

  #set(model: StatusModel): void {
    this.#model = model;
    if (this.#first) {
      this.#first.resolve(model);
      // The promise holds the model it resolved with: kept, it would keep the first model (a whole
      // model, tens of megabytes) for the life of the server. Requests read `#model` from now on.
      this.#first = null;
    }
  }

  #compute(): Promise<ModelUpdate> {
    return this.#store ? this.#computeHere(this.#store) : this.#computeInChild();
  }

  /** A model from the kept columns, on this thread: only the day files that changed are read. */
  async #computeHere(store: { columns: LiveStoreColumns; key: string }): Promise<ModelUpdate> {
    const started = performance.now();
    try {
      const key = await cacheKey(this.#dir);
      if (key !== store.key) {
        // The configuration changed: read the store whole again, in a child (which sends new columns).
        this.#store = null;
        return await this.#computeInChild();
      }
      // Imported by a server that computes models here only (one that runs rounds).
      const [{ loadConfig }, { buildModel }, { DayBarMemo }] = await Promise.all([import('../config/load.ts'), import('./build.ts'), import('../model/model.ts')]);
      if (this.#config?.key !== key) this.#config = { key, config: await loadConfig(this.#dir, { missingEnv: 'keep' }) };
      // Taken before the data is read: a file that changes meanwhile makes the cache say "data changed".
      const stamp = this.#cache ? await dataStamp(this.#dir) : '';
      this.#bars ??= new DayBarMemo();
      const model = await buildModel(this.#config.config, Date.now(), { store: store.columns, bars: this.#bars });
      if (this.#closed) throw new Error('stopped');
      this.#set(model);
      if (this.#cache) this.#cacheLater(model, stamp);
      return { model, ms: Math.round(performance.now() - started), reread: store.columns.lastRead, where: 'kept columns' };
    } catch (err) {
      // The columns may be half updated: the next model reads the store whole again.
      if (this.#store === store) this.#store = null;
      this.#bars = null;
      this.#first?.reject(err);
      throw err;
    }
  }

  /**
   * Writes `model` to the cache a little later (CACHE_DELAY_MS), unless a newer model comes first:
   * serializing it holds this thread for 0.1 to 0.2 s, and the requests that waited for the model
   * come first. A restart before then serves the previous cache (which says the data changed).
   */
  #cacheLater(model: StatusModel, stamp: string): void {
    if (this.#cacheTimer) clearTimeout(this.#cacheTimer);
    this.#cacheTimer = setTimeout(() => {
      this.#cacheTimer = null;
      this.#cacheWrite = this.#cacheWrite.then(() => (this.#closed ? false : tryWriteModelCache(this.#dir, model, stamp)));
    }, CACHE_DELAY_MS);
    this.#cacheTimer.unref();
  }

  /** A model from the whole store, in a child process (with `keep`, it sends the columns along). */
  #computeInChild(): Promise<ModelUpdate> {
    const started = performance.now();
    return new Promise<ModelUpdate>((resolve, reject) => {
      const child = spawn(process.execPath, childArgs(import.meta.url, 'model-child'), {
        // Its errors come back as messages; what it prints (a crash) goes where the server's does.
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      this.#children.add(child);
      child.once('exit', () => this.#children.delete(child));
      const failed = (err: unknown) => {
        this.#first?.reject(err);
        reject(err);
      };
      const onMessage = (msg: ModelChildMessage) => {
        done();
        if ('error' in msg) return failed(new Error(msg.error));
        const result = 'file' in msg ? readResult(msg.file) : Promise.resolve(settled(msg));
        // The store's module is loaded by a server that keeps columns only (one that runs rounds).
        Promise.all([result, this.#keep ? import('../store/store.ts') : null]).then(([r, storeModule]) => {
          const model = r.model as StatusModel;
          // The columns are kept before the model is served, so that the next model (asked for after) goes on from them.
          if (r.store && storeModule && !this.#closed) this.#store = { columns: storeModule.LiveStoreColumns.fromState(r.store.state), key: r.store.key };
          if (!this.#closed) this.#set(model);
          resolve({ model, ms: Math.round(performance.now() - started), reread: r.reread, where: 'child process' });
        }, failed);
      };
      const onError = (err: Error) => {
        done();
        failed(err);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        failed(new Error(this.#closed ? 'stopped' : `the model computation ended without a model (${signal ? `signal ${signal}` : `exit code ${code}`})`));
      };
      const done = () => {
        child.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      child.on('message', onMessage).once('error', onError).once('exit', onExit);
      // What to compute: the child's first message.
      child.send({ dir: this.#dir, cache: this.#cache, handOver: this.#keep } satisfies ModelChildInput);
    });
  }
}

/** A child's result from the file it wrote, which is then removed. */
async function readResult(file: string): Promise<ModelChildResult> {
  try {
    return settled(v8.deserialize(await readFile(file)) as ModelChildResult);
  } finally {
    await rm(file, { force: true });
  }
}
