/**
 * How to start the module `name` beside `self` (an `import.meta.url`) in another thread or
 * process: the compiled `name.js` as the package ships it; or, running from the TypeScript
 * sources (a checkout through tsx, vitest), a first module that registers tsx's loader there (as
 * bin/cairn.js does for the process) and then imports `name.ts`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/** The code that loads `name` (registering tsx first when it is TypeScript), as a module's source. */
function loaderCode(self: string, name: string): string | null {
  if (!self.endsWith('.ts')) return null;
  const target = new URL(`./${name}.ts`, self).href;
  // tsx's ESM API (the package's `import` export of tsx/esm/api), found from its package.json.
  const api = pathToFileURL(path.join(path.dirname(createRequire(self).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
}

/** The entry of a worker thread that runs `name`. */
export function workerEntry(self: string, name: string): { file: string | URL; options: WorkerOptions } {
  const code = loaderCode(self, name);
  return code === null ? { file: new URL(`./${name}.js`, self), options: {} } : { file: code, options: { eval: true } };
}

/** The arguments of `node` for a child process that runs `name`. */
export function childArgs(self: string, name: string): string[] {
  const code = loaderCode(self, name);
  return code === null ? [fileURLToPath(new URL(`./${name}.js`, self))] : ['--input-type=module', '--eval', code];
}
