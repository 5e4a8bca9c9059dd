/**
 * Renders the status site from a model with the compiled pages (src/site/bundle.ts): every route
 * into files (`cairn build`), or each request as it comes (`cairn serve`). Both go through the same
 * @astrojs/node handler, inside a render context that holds the model (src/site/data.ts).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sirv from 'sirv';
import { Pool } from 'undici';
import type { StatusModel } from '../model/model.ts';
import { loadSiteBundle, type SiteBundle } from './bundle.ts';
import { basePath, type RenderContext, renderContextStore } from './data.ts';
import { routeFile, siteRoutes } from './routes.ts';

export function renderContextFor(model: StatusModel, bundle: SiteBundle): RenderContext {
  return { model, base: basePath(model.site.baseUrl), assets: bundle.assets };
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
export async function exportSite(model: StatusModel, outDir: string): Promise<ExportResult> {
  outDir = path.resolve(outDir);
  await assertReplaceable(outDir);
  const bundle = await loadSiteBundle();
  const ctx = renderContextFor(model, bundle);
  await mkdir(path.dirname(outDir), { recursive: true });
  const tmp = await mkdtemp(`${outDir}.tmp-`);
  const server = http.createServer(pageListener(bundle, () => ctx));
  let pool: Pool | undefined;
  try {
    const { port } = await listen(server, 0, '127.0.0.1');
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
        const res = await pool!.request({ path: route, method: 'GET' });
        const body = Buffer.from(await res.body.arrayBuffer());
        if (res.statusCode !== 200) {
          failed.push(`${route} (${res.statusCode})`);
          continue;
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

/** The output folder is replaced whole: refuse a folder that holds anything but a built site. */
async function assertReplaceable(outDir: string): Promise<void> {
  if (!existsSync(outDir)) return;
  const entries = await readdir(outDir).catch(() => null);
  if (entries === null) throw new Error(`${outDir} is not a folder`);
  if (entries.length === 0 || entries.includes('index.html')) return;
  throw new Error(`refusing to replace ${outDir}: it is not empty and holds no index.html (not a site Cairn built); choose another --out`);
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Live mode: serves the site at `http://host:port<base>` (the path of `baseUrl`) and renders each
 * page on request from the model `current()` gives (a promise while the first model is computed:
 * requests wait for it).
 */
export async function serveSite(current: () => StatusModel | Promise<StatusModel>, opts: { port: number; host: string; baseUrl: string | null }): Promise<LiveServer> {
  const bundle = await loadSiteBundle();
  const files = sirv(bundle.clientDir, { etag: true, dev: false });
  const base = basePath(opts.baseUrl);
  const pages = pageListener(bundle, async () => renderContextFor(await current(), bundle));
  const server = http.createServer((req, res) => {
    // Pages link under the public base path (site.baseUrl): strip it, serve the rest at '/'.
    const u = req.url ?? '/';
    if (base !== '/') {
      if (u === '/' || u === base.slice(0, -1)) {
        res.writeHead(302, { location: base }).end();
        return;
      }
      if (u.startsWith(base)) req.url = `/${u.slice(base.length)}`;
    }
    // Anyone may read the page's data from another origin (the widget, a dashboard), as on static
    // hosting: GitHub Pages sends the same header on every file.
    res.setHeader('access-control-allow-origin', '*');
    files(req, res, () => pages(req, res));
  });
  const { port, address } = await listen(server, opts.port, opts.host);
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${base}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
