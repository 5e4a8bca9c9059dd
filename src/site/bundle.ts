/**
 * The compiled status pages (see scripts/build-site.ts): a server bundle that renders any route of
 * the site from a render context, and the client files served beside it. An installed Cairn ships
 * them in dist/pages; a checkout compiles them on first use into node_modules/.cache/cairn-site/,
 * keyed by a hash of the sources, so editing a page rebuilds it once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Cairn package itself (the checkout, or the installed package). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** @astrojs/node's middleware handler: renders a request, calls `next` when no route matches. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse, next: () => void, locals?: object) => Promise<void>;

export interface SiteBundle {
  dir: string;
  handler: PageHandler;
  /** Files served as they are (favicon, client scripts). */
  clientDir: string;
  /** Client scripts by name -> path under the site's base. */
  assets: Record<string, string>;
}

/** Running from TypeScript sources (a checkout) rather than the compiled package. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

let loading: Promise<SiteBundle> | undefined;

export function loadSiteBundle(): Promise<SiteBundle> {
  loading ??= siteBundleDir().then(importBundle);
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

async function importBundle(dir: string): Promise<SiteBundle> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { assets: Record<string, string> };
  const entry = (await import(pathToFileURL(path.join(dir, 'server', 'entry.mjs')).href)) as { handler: PageHandler; pageMap?: Map<string, () => Promise<unknown>> };
  // Astro imports a page's module again for every request it renders (the loaders of `pageMap`):
  // a loaded module comes back from Node's cache, but through every registered loader hook (tsx's,
  // in a checkout: a round trip to its thread per request). Each loader runs once instead.
  for (const [route, load] of entry.pageMap ?? []) {
    let loaded: Promise<unknown> | undefined;
    entry.pageMap?.set(route, () => (loaded ??= load()));
  }
  return { dir, handler: entry.handler, clientDir: path.join(dir, 'client'), assets: manifest.assets };
}

/** Where the compiled pages are: CAIRN_SITE_BUNDLE, the package's dist/pages, or a checkout's cache. */
export async function siteBundleDir(): Promise<string> {
  const explicit = process.env['CAIRN_SITE_BUNDLE'];
  if (explicit) return path.resolve(explicit);
  if (!FROM_SOURCE) {
    const shipped = path.join(PACKAGE_ROOT, 'dist', 'pages');
    if (!existsSync(path.join(shipped, 'manifest.json'))) throw new Error(`the compiled status pages are missing from ${shipped}: reinstall Cairn`);
    return shipped;
  }
  return compiledFromSources();
}

/**
 * A checkout's compiled pages: node_modules/.cache/cairn-site/<hash of the sources>/, compiled
 * now when the sources changed since the last compile. `npm run build` copies them into dist/pages.
 */
export async function compiledFromSources(): Promise<string> {
  const cache = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'cairn-site');
  const target = path.join(cache, await sourceHash());
  if (existsSync(path.join(target, 'manifest.json'))) return target;
  await mkdir(cache, { recursive: true });
  const tmp = await mkdtemp(path.join(cache, 'build-'));
  try {
    // Only a checkout gets here; the builder (and Astro, Vite, esbuild) are its dev dependencies.
    const builder = (await import(pathToFileURL(path.join(PACKAGE_ROOT, 'scripts', 'build-site.ts')).href)) as { buildSiteBundle(out: string): Promise<void> };
    process.stderr.write('Compiling the status pages (once per change of the sources)…\n');
    await builder.buildSiteBundle(tmp);
    // Another process may have finished the same build first: theirs is as good as ours.
    await rename(tmp, target).catch(async (err: NodeJS.ErrnoException) => {
      if (!existsSync(path.join(target, 'manifest.json'))) throw err;
    });
    await pruneCache(cache, path.basename(target));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

/**
 * What identifies the compiled pages without compiling them: the hash of the sources in a
 * checkout, the explicit bundle's path, or the package's version.
 */
export async function bundleIdentity(): Promise<string> {
  const explicit = process.env['CAIRN_SITE_BUNDLE'];
  if (explicit) return `bundle:${path.resolve(explicit)}`;
  if (FROM_SOURCE) return `source:${await sourceHash()}`;
  const pkg = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: unknown };
  return `package:${String(pkg.version)}`;
}

/** Hash of everything the pages are compiled from. */
function sourceHash(): Promise<string> {
  return checkoutHash(PACKAGE_ROOT, ['astro.config.mjs', 'scripts/build-site.ts', 'public/favicon.svg']);
}

/**
 * Hash of a checkout's sources: every file under `root`/src/ but the tests, and the `extra` files
 * (paths relative to `root`). What something compiled from them is cached under.
 */
export async function checkoutHash(root: string, extra: readonly string[]): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (!/\.test\.ts$/.test(e.name)) files.push(p);
    }
  };
  await walk(path.join(root, 'src'));
  files.push(...extra.map((f) => path.join(root, f)));
  files.sort();
  const h = createHash('sha256');
  for (const f of files) h.update(path.relative(root, f)).update('\0').update(await readFile(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Drops compiled pages of older sources, a day after they were built. */
async function pruneCache(cache: string, keep: string): Promise<void> {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of await readdir(cache)) {
    if (name === keep) continue;
    const p = path.join(cache, name);
    const s = await stat(p).catch(() => null);
    if (s && s.mtimeMs < dayAgo) await rm(p, { recursive: true, force: true });
  }
}
