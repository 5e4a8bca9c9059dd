/**
 * Renders the status site from a model with the compiled pages (src/site/bundle.ts): every route
 * into files (`cairn build`), or each request as it comes (`cairn serve`). Both go through the same
 * @astrojs/node handler, inside a render context that holds the model (src/site/data.ts).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sirv from 'sirv';
import type { Pool } from 'undici';
import type { StatusModel } from '../model/model.ts';
import { loadSiteBundle, type SiteBundle } from './bundle.ts';
import { basePath, type RenderContext, renderContextStore } from './data.ts';
import { directFile } from './files.ts';
import { routeFile, siteRoutes } from './routes.ts';

/** The render context of `model`; `base` (the path the page is served at) defaults to the path of its baseUrl. */
export function renderContextFor(model: StatusModel, bundle: SiteBundle, base = basePath(model.site.baseUrl)): RenderContext {
  return { model, base, assets: bundle.assets };
}

/** Renders the pages at '/' from whatever context `current()` returns when a request arrives. */
function pageListener(bundle: SiteBundle, current: () => RenderContext | Promise<RenderContext>): http.RequestListener {
  return (req, res) => {
    void Promise.resolve(current()).then(
      (ctx) =>
        renderContextStore().run(ctx, () =>
          bundle.handler(req, res, () => {
            res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
          }),
        ),
      (err: unknown) => {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`The status data could not be loaded: ${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  };
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export interface ExportResult {
  files: number;
  bytes: number;
}

/** How many pages render at once: rendering is CPU work on this thread; a few hide the I/O. */
const CONCURRENCY = 8;

/**
 * Writes the whole site for `model` into `outDir`, replacing what a previous build put there. The
 * new site is written beside it and moved into place, so a failed build leaves the old one whole.
 */
export async function exportSite(model: StatusModel, outDir: string, opts: { keep?: readonly string[] } = {}): Promise<ExportResult> {
  outDir = path.resolve(outDir);
  const keep = opts.keep ?? [];
  await assertReplaceable(outDir, keep);
  const bundle = await loadSiteBundle();
  const ctx = renderContextFor(model, bundle);
  await mkdir(path.dirname(outDir), { recursive: true });
  const tmp = await mkdtemp(`${outDir}.tmp-`);
  const server = http.createServer(pageListener(bundle, () => ctx));
  let pool: Pool | undefined;
  try {
    const { port } = await listen(server, 0, '127.0.0.1');
    // undici only here: `cairn serve` never loads it for its pages (1.2 MB of modules at start).
    const { Pool } = await import('undici');
    pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 });
    await cp(bundle.clientDir, tmp, { recursive: true });
    const routes = siteRoutes(model);
    const failed: string[] = [];
    let bytes = 0;
    let next = 0;
    const made = new Set<string>();
    const worker = async (): Promise<void> => {
      while (next < routes.length) {
        const route = routes[next++]!;
        // Feeds, badges and API documents are written from the model directly (src/site/files.ts);
        // the pages go through the page pipeline.
        const direct = directFile(model, ctx.base, route);
        let body: Buffer;
        if (direct !== undefined) {
          if (direct === null) {
            failed.push(`${route} (404)`);
            continue;
          }
          body = Buffer.from(direct.body);
        } else {
          const res = await pool!.request({ path: route, method: 'GET' });
          body = Buffer.from(await res.body.arrayBuffer());
          if (res.statusCode !== 200) {
            failed.push(`${route} (${res.statusCode})`);
            continue;
          }
        }
        const file = path.join(tmp, routeFile(route));
        const folder = path.dirname(file);
        if (!made.has(folder)) {
          await mkdir(folder, { recursive: true });
          made.add(folder);
        }
        await writeFile(file, body);
        bytes += body.length;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (failed.length > 0) throw new Error(`${failed.length} page${failed.length === 1 ? '' : 's'} could not be rendered: ${failed.slice(0, 10).join(', ')}`);
    await carryOver(outDir, tmp, keep);
    await rm(outDir, { recursive: true, force: true });
    await rename(tmp, outDir);
    return { files: routes.length, bytes };
  } finally {
    await pool?.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Moves the folders other pages built inside `outDir` (`keep`, relative) into the new site `tmp`
 * before it replaces `outDir`, so that building one page never deletes another. A kept folder
 * where the new site wrote a file of its own is an error (the configuration forbids the names a
 * site writes; this catches any other).
 */
async function carryOver(outDir: string, tmp: string, keep: readonly string[]): Promise<void> {
  const present = keep.filter((rel) => existsSync(path.join(outDir, rel)));
  for (const rel of present) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const at = path.join(tmp, ...parts.slice(0, i));
      if (i < parts.length ? existsSync(at) && !(await stat(at)).isDirectory() : existsSync(at)) {
        throw new Error(`the site writes ${parts.slice(0, i).join('/')} where another page's folder (${rel}) is: choose another output folder for that page`);
      }
    }
  }
  for (const rel of present) {
    await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
    await rename(path.join(outDir, rel), path.join(tmp, rel));
  }
}

/** The output folder is replaced whole: refuse a folder that holds anything but a built site (and other pages' folders, `keep`). */
async function assertReplaceable(outDir: string, keep: readonly string[] = []): Promise<void> {
  if (!existsSync(outDir)) return;
  const kept = new Set(keep.map((rel) => rel.split('/')[0]));
  const entries = (await readdir(outDir).catch(() => null))?.filter((e) => !kept.has(e)) ?? null;
  if (entries === null) throw new Error(`${outDir} is not a folder`);
  if (entries.length === 0 || entries.includes('index.html')) return;
  throw new Error(`refusing to replace ${outDir}: it is not empty and holds no index.html (not a site Cairn built); choose another --out`);
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

/** One page `cairn serve` serves: the path it is served at, and its view of the current model. */
export interface ServedPage {
  /** Path prefix, starting and ending with '/': `/`, `/status/`, `/status/internal/`. */
  mount: string;
  view(model: StatusModel): StatusModel;
}

/**
 * Live mode: serves the site at `http://host:port<base>` (the path of `baseUrl`) and renders each
 * page on request from the model `current()` gives (a promise while the first model is computed:
 * requests wait for it). With `pages`, serves each at its own mount instead (the longest mount
 * that a request's path starts with answers it), each a view of the same model.
 */
export async function serveSite(
  current: () => StatusModel | Promise<StatusModel>,
  opts: { port: number; host: string; baseUrl: string | null; pages?: readonly ServedPage[] },
): Promise<LiveServer> {
  const bundle = await loadSiteBundle();
  const files = sirv(bundle.clientDir, { etag: true, dev: false });
  const served = [...(opts.pages ?? [{ mount: basePath(opts.baseUrl), view: (m: StatusModel) => m }])].sort((a, b) => b.mount.length - a.mount.length);
  const main = opts.pages?.[0]?.mount ?? basePath(opts.baseUrl);
  const cache = new RenderCache(CACHE_BYTES);
  const listeners = served.map((p) => {
    const render = pageListener(bundle, async () => renderContextFor(p.view(await current()), bundle, p.mount));
    // A page is the same for every request until the model changes: render it once per model.
    const listener: http.RequestListener = (req, res) => {
      void Promise.resolve(current()).then(
        (model) => cache.serve(p.mount, p.view(model), req, res, render),
        () => render(req, res),
      );
    };
    return { mount: p.mount, listener };
  });
  const server = http.createServer((req, res) => {
    // Anyone may read the page's data from another origin (the widget, a dashboard), as on static
    // hosting: GitHub Pages sends the same header on every file.
    res.setHeader('access-control-allow-origin', '*');
    // Pages link under their base path: strip it, serve the rest at '/'.
    const u = req.url ?? '/';
    const pathOnly = u.split('?')[0] as string;
    for (const { mount, listener } of listeners) {
      if (mount !== '/' && pathOnly === mount.slice(0, -1)) {
        res.writeHead(302, { location: mount }).end();
        return;
      }
      if (!u.startsWith(mount)) continue;
      req.url = `/${u.slice(mount.length)}`;
      files(req, res, () => listener(req, res));
      return;
    }
    // Outside every mount: '/' leads to the default page; anything else is the default page's to answer.
    if (pathOnly === '/') {
      res.writeHead(302, { location: main }).end();
      return;
    }
    const fallback = listeners.find((l) => l.mount === main) ?? listeners[listeners.length - 1]!;
    files(req, res, () => fallback.listener(req, res));
  });
  const { port, address } = await listen(server, opts.port, opts.host);
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${main}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Bytes of rendered pages `cairn serve` keeps (for the current model only). */
const CACHE_BYTES = 24 * 1024 * 1024;

interface Rendered {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

/**
 * The pages `cairn serve` rendered from the current model, by mount and path: a page is rendered
 * once per model, and requests for a page being rendered wait for that one rendering (fifty
 * readers of the home page cost one rendering, not fifty). Only complete GET responses of status
 * 200 are kept, within `budget` bytes; a new model empties the mount's entries.
 */
class RenderCache {
  #bytes = 0;
  readonly #mounts = new Map<string, { view: StatusModel; entries: Map<string, Promise<Rendered | null>>; bytes: number }>();

  constructor(readonly budget: number) {}

  serve(mount: string, view: StatusModel, req: http.IncomingMessage, res: http.ServerResponse, render: http.RequestListener): void {
    if (req.method !== 'GET') {
      render(req, res);
      return;
    }
    let m = this.#mounts.get(mount);
    if (!m || m.view !== view) {
      this.#bytes -= m?.bytes ?? 0;
      this.#mounts.set(mount, (m = { view, entries: new Map(), bytes: 0 }));
    }
    const mine = m;
    // No page reads the query string: one rendering serves `/x/` and `/x/?anything`.
    const key = (req.url ?? '/').split('?')[0] as string;
    const known = mine.entries.get(key);
    if (known) {
      void known.then((r) => (r ? replay(r, res) : render(req, res)));
      return;
    }
    const rendered = capture(res);
    mine.entries.set(key, rendered);
    void rendered.then((r) => {
      const keep = r !== null && this.#mounts.get(mount) === mine && this.#bytes + r.body.length <= this.budget;
      if (!keep) {
        if (mine.entries.get(key) === rendered) mine.entries.delete(key);
        return;
      }
      mine.bytes += r.body.length;
      this.#bytes += r.body.length;
    });
    render(req, res);
  }
}

function replay(r: Rendered, res: http.ServerResponse): void {
  res.writeHead(r.status, r.headers).end(r.body);
}

/** What `res` is sent, once it is sent whole; null when it is not a page to keep (an error, a failed write). */
function capture(res: http.ServerResponse): Promise<Rendered | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const add = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array));
    };
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
    res.write = ((...a: unknown[]) => {
      add(a[0], a[1]);
      return write(...a);
    }) as typeof res.write;
    res.end = ((...a: unknown[]) => {
      add(a[0], a[1]);
      return end(...a);
    }) as typeof res.end;
    res.once('finish', () => {
      resolve(res.statusCode === 200 ? { status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) } : null);
    });
    res.once('close', () => resolve(null));
  });
}
