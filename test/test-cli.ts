/**
 * The CLI the end-to-end tests run: Cairn compiled as `npm run build` compiles it (tsc with
 * tsconfig.build.json, the templates beside the code, bin/cairn.js in front), once per test run.
 * Each `cairn` child then starts in plain JavaScript instead of registering tsx and compiling the
 * sources it loads, which halves the CPU of a command (`cairn validate`: 0.8 s instead of 1.7 s).
 * The tests that spawn bin/cairn.js itself (serve, deadlines, the widget) keep the checkout's
 * tsx path covered; test/package.e2e.test.ts covers the packed package.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers.ts';

const run = promisify(execFile);

/** What scripts/build.ts copies beside the compiled code (relative to src/). */
const RUNTIME_FILES = ['init/templates', 'reports/templates'];

/** Compiles the CLI into a fresh folder under node_modules/.cache/cairn-cli/; returns its bin/cairn.js. */
export async function compileCli(into?: string): Promise<string> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'cairn-cli');
  await mkdir(cache, { recursive: true });
  const dir = into ?? (await mkdtemp(path.join(cache, 'run-')));
  await rm(path.join(dir, 'dist'), { recursive: true, force: true });
  // --noCheck: `npm run typecheck` type-checks; here only the JavaScript is wanted.
  await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', path.join(dir, 'dist')], { cwd: ROOT });
  for (const rel of RUNTIME_FILES) await cp(path.join(ROOT, 'src', rel), path.join(dir, 'dist', rel), { recursive: true });
  await cp(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await cp(path.join(ROOT, 'bin', 'cairn.js'), path.join(dir, 'bin', 'cairn.js'));
  return path.join(dir, 'bin', 'cairn.js');
}
