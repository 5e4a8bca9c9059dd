/**
 * Compiles the status pages once: Astro builds src/pages into a server bundle (the @astrojs/node
 * middleware handler, every dependency bundled in), and esbuild bundles the client scripts of
 * src/site/client/ with content-hashed names. `npm run build` runs this when Cairn is packed; a
 * checkout runs it on first use (src/site/bundle.ts caches it). Nothing here ships.
 *
 * Output folder:
 *   server/entry.mjs   the page renderer (`handler(req, res, next, locals)`)
 *   client/            files served as they are: favicon, assets/<name>.<hash>.js, widget.js
 *   manifest.json      { "assets": { "chart": "assets/chart.<hash>.js", ... } }
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLIENT_ENTRIES = path.join(ROOT, 'src/site/client');

export interface SiteBundleManifest {
  assets: Record<string, string>;
}

export async function buildSiteBundle(outDir: string): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'cairn-pages-'));
  // Vite reads import.meta.env's built-in keys from the environment when they are set there (test
  // runners set BASE_URL=/ and MODE=test); the bundle must not depend on who built it.
  const saved = Object.fromEntries(['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'ASTRO_TELEMETRY_DISABLED'].map((k) => [k, process.env[k]]));
  for (const k of Object.keys(saved)) delete process.env[k];
  process.env['ASTRO_TELEMETRY_DISABLED'] = '1';
  // Astro writes intermediate files inside the current folder when the outDir is outside it, and
  // decides "inside" by a string prefix (withastro/astro#14903): build from a folder of our own.
  const cwd = process.cwd();
  process.chdir(work);
  try {
    const { build } = await import('astro');
    await build({
      root: ROOT,
      outDir,
      cacheDir: path.join(work, 'cache'),
      logLevel: 'warn',
      vite: { cacheDir: path.join(work, 'vite'), ssr: { noExternal: true }, build: { sourcemap: false } },
    });
  } finally {
    process.chdir(cwd);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(work, { recursive: true, force: true });
  }
  for (const f of ['content-assets.mjs', 'content-modules.mjs', 'data-store.json', 'settings.json']) await rm(path.join(outDir, f), { force: true });
  const assets = await buildClientScripts(path.join(outDir, 'client', 'assets'));
  await buildWidget(path.join(outDir, 'client'));
  const manifest: SiteBundleManifest = { assets };
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The client scripts pages load by name (`asset('chart')`); the other modules there are their parts. */
const CLIENT_SCRIPTS = ['chart', 'time'];

/** Each client script -> assets/<name>.<hash>.js, minified, self-contained. */
async function buildClientScripts(dir: string): Promise<Record<string, string>> {
  const esbuild = await import('esbuild');
  await mkdir(dir, { recursive: true });
  const assets: Record<string, string> = {};
  for (const name of CLIENT_SCRIPTS) {
    const entry = `${name}.ts`;
    const result = await esbuild.build({
      entryPoints: [path.join(CLIENT_ENTRIES, entry)],
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2020',
      write: false,
      legalComments: 'none',
      absWorkingDir: ROOT,
    });
    const code = result.outputFiles[0]!.contents;
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 10);
    const file = `${name}.${hash}.js`;
    await writeFile(path.join(dir, file), code);
    assets[name] = `assets/${file}`;
  }
  return assets;
}

/**
 * The embeddable status widget (src/site/client/widget.ts) -> widget.js at the site's root: a
 * stable name other sites link to, a classic script (an IIFE: `document.currentScript` tells it
 * where the API is), minified and self-contained.
 */
async function buildWidget(dir: string): Promise<void> {
  const esbuild = await import('esbuild');
  await mkdir(dir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(CLIENT_ENTRIES, 'widget.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    absWorkingDir: ROOT,
  });
  await writeFile(path.join(dir, 'widget.js'), result.outputFiles[0]!.contents);
}

/** Builds into a fresh folder beside `target`, then moves it into place. */
export async function buildSiteBundleAtomically(target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = await mkdtemp(`${target}.tmp-`);
  try {
    await buildSiteBundle(tmp);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist/pages'));
  const started = performance.now();
  await buildSiteBundleAtomically(out);
  console.log(`site bundle: ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
