/**
 * The model `cairn serve` renders from, kept current without ever making a request wait for a
 * store read:
 *
 * - at start, the cached model (src/site/model-cache.ts: the last one `cairn build` or `cairn
 *   serve` computed) is served at once when there is one, while the current model is computed;
 * - every model is computed in a worker thread (src/site/model-worker.ts): the thread that renders
 *   pages keeps answering meanwhile. Without `keep` the worker ends after each model, so the memory
 *   a computation needs is returned; with `keep` (a server that runs rounds) it stays and keeps the
 *   store's columns, so that the model after a round reads again only today's day file;
 * - `refresh()` after a round asks for a model that includes the round; requests made while a
 *   computation runs are folded into ONE more computation after it, never run side by side;
 * - `close()` ends a computation in progress at once: the cache is written atomically, so an
 *   interrupted computation leaves the previous cache whole.
 *
 * Until a first model exists, `current()` is a promise: requests wait for it.
 */
import type { StatusModel } from '../model/model.ts';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { removeTempFiles } from '../store/atomic.ts';
import { CACHE_DIR, readModelCache } from './model-cache.ts';
import type { ModelWorkerInput, ModelWorkerMessage } from './model-worker.ts';

/** Running from TypeScript sources (a checkout): the worker runs through tsx, as the CLI does. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

export interface LiveModelOptions {
  dir: string;
  /** Write each computed model to the cache (default true). */
  cache?: boolean;
  /**
   * Keep the worker and the store's columns it read between models (default false): the next
   * model reads again only the day files that changed (after a round, today's). For a server
   * that runs rounds; without rounds the worker ends after its model and its memory is given back.
   */
  keep?: boolean;
}

export interface ModelUpdate {
  model: StatusModel;
  /** How long the computation took, ms. */
  ms: number;
  /** Day files read for it (with `keep`; null without). */
  reread: number | null;
}

export class LiveModel {
  readonly #dir: string;
  readonly #cache: boolean;
  readonly #keep: boolean;
  #model: StatusModel | null = null;
  #first: { promise: Promise<StatusModel>; resolve(m: StatusModel): void; reject(e: unknown): void };
  #running: Promise<ModelUpdate> | null = null;
  #queued: Promise<ModelUpdate> | null = null;
  /** The worker the next model is asked of (with `keep`), or the one computing the model now. */
  #worker: Worker | null = null;
  /** Every worker still running (one may be writing the cache after its model): ended by `close()`. */
  readonly #workers = new Set<Worker>();
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
    return this.#model ?? this.#first.promise;
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
    this.#worker = null;
    const running = [...this.#workers];
    if (running.length > 0) {
      await Promise.all(running.map((w) => w.terminate()));
      // A cache write the worker was making is dropped: its temporary file goes, model.bin is untouched.
      await removeTempFiles(path.join(this.#dir, CACHE_DIR)).catch(() => undefined);
    }
    this.#first.reject(new Error('stopped'));
  }

  #set(model: StatusModel): void {
    this.#model = model;
    this.#first.resolve(model);
  }

  #compute(): Promise<ModelUpdate> {
    const started = performance.now();
    return new Promise<ModelUpdate>((resolve, reject) => {
      let worker = this.#worker;
      if (worker) worker.postMessage('model');
      else {
        worker = new Worker(workerEntry(), {
          workerData: { dir: this.#dir, cache: this.#cache, keep: this.#keep } satisfies ModelWorkerInput,
          stdout: false,
          stderr: false,
        });
        const w = worker;
        this.#worker = w;
        this.#workers.add(w);
        w.once('exit', () => {
          this.#workers.delete(w);
          if (this.#worker === w) this.#worker = null;
        });
      }
      const w = worker;
      const onMessage = (msg: ModelWorkerMessage) => {
        done();
        // Without `keep` the worker has written the cache: it is ended now, its memory given back; the next model is another worker's.
        if (!this.#keep) {
          if (this.#worker === w) this.#worker = null;
          void w.terminate();
        }
        if ('error' in msg) {
          const err = new Error(msg.error);
          if (!this.#model) this.#first.reject(err);
          reject(err);
        } else {
          const model = msg.model as StatusModel;
          if (!this.#closed) this.#set(model);
          resolve({ model, ms: Math.round(performance.now() - started), reread: msg.reread });
        }
      };
      const onError = (err: Error) => {
        done();
        if (!this.#model) this.#first.reject(err);
        reject(err);
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(this.#closed ? 'stopped' : `the model computation ended without a model (exit code ${code})`));
      };
      const done = () => {
        w.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      w.once('message', onMessage).once('error', onError).once('exit', onExit);
    });
  }
}

/** The worker's module; from the sources, a first module that registers tsx in the worker (as bin/cairn.js does) and imports it. */
function workerEntry(): URL {
  if (!FROM_SOURCE) return new URL('./model-worker.js', import.meta.url);
  const code = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(new URL('./model-worker.ts', import.meta.url).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
