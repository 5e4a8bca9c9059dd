/**
 * `npm run build` (and `npm pack`, through prepack): compiles Cairn once, so the installed package
 * runs plain JavaScript and never compiles at run time.
 *   dist/**          the CLI and everything it runs (tsc, tsconfig.build.json), with the files it
 *                    reads beside the code (report and workflow templates)
 *   dist/pages/      the status pages: server bundle + client files (scripts/build-site.ts)
 */
import { execFileSync } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledFromSources } from '../src/site/bundle.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');

/** Files the compiled code reads at run time, relative to src/ (copied to the same place in dist/). */
const RUNTIME_FILES = ['init/templates', 'reports/templates'];

const step = (name: string, started: number) => console.log(`${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

const t0 = performance.now();
await rm(DIST, { recursive: true, force: true });
// --noCheck: the JavaScript is the same with or without type errors; `npm test` type-checks (npm run static).
execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
for (const rel of RUNTIME_FILES) await cp(path.join(ROOT, 'src', rel), path.join(DIST, rel), { recursive: true });
step('compiled the CLI into dist/', t0);

const t1 = performance.now();
// The pages compiled for these sources (compiled now unless a test run or `cairn build` from this
// checkout already did: node_modules/.cache/cairn-site/<hash of the sources>/).
await cp(await compiledFromSources(), path.join(DIST, 'pages'), { recursive: true });
step('compiled the status pages into dist/pages/', t1);

// Nothing a test or a test helper needs may land in the package.
const stray: string[] = [];
const walk = async (dir: string): Promise<void> => {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p);
    else if (/(\.test\.|^test-|^testing\.|fixture)/.test(e.name)) stray.push(path.relative(ROOT, p));
  }
};
await walk(DIST);
if (stray.length > 0) throw new Error(`test files in dist/: ${stray.join(', ')}`);
