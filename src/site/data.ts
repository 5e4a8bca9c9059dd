/**
 * The site's only data source: the status model that `cairn build` (or `cairn serve`) computed.
 * The pages are compiled once, when Cairn is packed, into a server bundle; the renderer
 * (src/site/render.ts) runs every request inside a render context that holds the model, the base
 * path and the client assets. Pages format the model and never recompute a figure.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CheckModel, ComponentModel, StatusModel } from '../model/model.ts';
import { strings, type Strings } from './i18n.ts';

/** What one render sees: the model, the site's base path ('/' or '/status/'), client asset URLs. */
export interface RenderContext {
  model: StatusModel;
  /** Path prefix of every link, from `site.baseUrl`; always starts and ends with '/'. */
  base: string;
  /** Client scripts by name (`chart`, `time`): file names under the base, e.g. `assets/chart.1a2b3c.js`. */
  assets: Record<string, string>;
}

/**
 * The page bundle is a separate copy of this module (bundled at pack time), so the store is kept
 * on a process-wide symbol: the renderer and the pages reach the same one.
 */
const KEY = Symbol.for('cairn.site.render-context');
type Global = typeof globalThis & { [KEY]?: AsyncLocalStorage<RenderContext> };

export function renderContextStore(): AsyncLocalStorage<RenderContext> {
  const g = globalThis as Global;
  g[KEY] ??= new AsyncLocalStorage<RenderContext>();
  return g[KEY];
}

export function renderContext(): RenderContext {
  const ctx = renderContextStore().getStore();
  if (!ctx) throw new Error('no render context: the site is rendered by `cairn build` or `cairn serve`, not by `astro build`');
  return ctx;
}

export function getModel(): StatusModel {
  return renderContext().model;
}

export function componentById(model: StatusModel, id: string): ComponentModel {
  const c = model.components.find((x) => x.id === id);
  if (!c) throw new Error(`unknown component ${id}`);
  return c;
}

export function checksOf(model: StatusModel, component: ComponentModel): CheckModel[] {
  return component.checks.map((id) => model.checks.find((c) => c.id === id)).filter((c): c is CheckModel => c !== undefined);
}

/** Path under the site's base, e.g. `url('components/api/')` -> `/status/components/api/`. */
export function url(path = ''): string {
  return `${renderContext().base}${path.replace(/^\//, '')}`;
}

/** URL of a client script built with the pages (see scripts/build-site.ts). */
export function asset(name: string): string {
  const file = renderContext().assets[name];
  if (!file) throw new Error(`unknown client asset ${name}`);
  return url(file);
}

/** The page's strings, in the language of `site.locale`. */
export function t(): Strings {
  return strings(getModel().site.locale);
}

/** The base path of a public URL: `https://x.io/status` -> `/status/`; none -> `/`. */
export function basePath(baseUrl: string | null): string {
  if (!baseUrl) return '/';
  const p = new URL(baseUrl).pathname;
  return p.endsWith('/') ? p : `${p}/`;
}
