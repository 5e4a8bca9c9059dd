/**
 * The entry of a worker thread that runs the module `name` beside `self` (an `import.meta.url`):
 * the compiled `name.js` as the package ships it; or, running from the TypeScript sources (a
 * checkout through tsx, vitest), a first module that registers tsx's loader in the worker (as
 * bin/cairn.js does for the process) and then imports `name.ts`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

export function workerEntry(self: string, name: string): { file: string | URL; options: WorkerOptions } {
  if (!self.endsWith('.ts')) return { file: new URL(`./${name}.js`, self), options: {} };
  const target = new URL(`./${name}.ts`, self).href;
  // tsx's ESM API (the package's `import` export of tsx/esm/api), found from its package.json.
  const api = pathToFileURL(path.join(path.dirname(createRequire(self).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return { file: code, options: { eval: true } };
}
