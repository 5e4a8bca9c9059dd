/**
 * The CLI the end-to-end tests run: Cairn compiled as `npm run build` compiles it (tsc with
 * tsconfig.build.json, the templates beside the code, bin/cairn.js in front). Each `cairn` child
 * then starts in plain JavaScript instead of registering tsx and compiling the sources it loads,
 * which halves the CPU of a command (`cairn validate`: 0.85 s of CPU instead of 1.7 s).
 * Kept in node_modules/.cache/cairn-cli/<hash of the sources>/, so it is compiled once per change
 * of the sources (about 10 s of CPU), like the status pages (src/site/bundle.ts).
 * The tests that spawn bin/cairn.js itself (serve, the widget, pages served) keep the checkout's
 * tsx path covered; test/package.e2e.test.ts covers the packed package.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkoutHash } from '../src/site/bundle.ts';
import { ROOT } from './helpers.ts';

const run = promisify(execFile);

/** What scripts/build.ts copies beside the compiled code (relative to src/), read from it so the two never differ. */
async function runtimeFiles(): Promise<string[]> {
  const m = /const RUNTIME_FILES = (\[[^\]]*\])/.exec(await readFile(path.join(ROOT, 'scripts', 'build.ts'), 'utf8'));
  if (!m) throw new Error('scripts/build.ts no longer declares `const RUNTIME_FILES = [...]`: update test/test-cli.ts');
  return JSON.parse((m[1] as string).replace(/'/g, '"').replace(/,\s*\]/, ']')) as string[];
}

/** Hash of everything the compiled CLI is made of. */
function sourceHash(): Promise<string> {
  return checkoutHash(ROOT, ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'bin/cairn.js', 'scripts/build.ts']);
}

/** The compiled CLI of the current sources (compiled now if they changed): its bin/cairn.js. */
export async function compiledCli(): Promise<string> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'cairn-cli');
  const target = path.join(cache, await sourceHash());
  const bin = path.join(target, 'bin', 'cairn.js');
  if (existsSync(bin)) return bin;
  await mkdir(cache, { recursive: true });
  const tmp = await mkdtemp(path.join(cache, 'build-'));
  try {
    // --noCheck: `npm run typecheck` type-checks; here only the JavaScript is wanted.
    await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', path.join(tmp, 'dist')], { cwd: ROOT });
    for (const rel of await runtimeFiles()) await cp(path.join(ROOT, 'src', rel), path.join(tmp, 'dist', rel), { recursive: true });
    await cp(path.join(ROOT, 'package.json'), path.join(tmp, 'package.json'));
    await mkdir(path.join(tmp, 'bin'));
    await cp(path.join(ROOT, 'bin', 'cairn.js'), path.join(tmp, 'bin', 'cairn.js'));
    // Another test run may have finished the same compile first: theirs is as good as ours.
    await rename(tmp, target).catch((err: NodeJS.ErrnoException) => {
      if (!existsSync(bin)) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  // Compiles of older sources go a day after they were made.
  const dayAgo = Date.now() - 86_400_000;
  for (const name of await readdir(cache)) {
    const p = path.join(cache, name);
    if (p !== target && ((await stat(p).catch(() => null))?.mtimeMs ?? Infinity) < dayAgo) await rm(p, { recursive: true, force: true });
  }
  return bin;
}
