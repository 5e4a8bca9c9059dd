/**
 * Every path of the status site, from the model. The pages are rendered on request (by
 * `cairn serve`) or for each of these paths into files (by `cairn build`); a dynamic page looks its
 * parameter up in the model and answers 404 for anything this list does not name.
 */
import type { StatusModel } from '../model/model.ts';
import { componentBadges } from './badges.ts';
import { FEED_FILES, feedPath } from './feeds.ts';
import { omittedOutputs } from './outputs.ts';
import { STATUS_CARD_FILE } from './status-card.ts';
import { StatuspageApi } from './statuspage.ts';
import { CAIRN_API_PATH, cairnApiFiles } from './cairn-api.ts';

export const INCIDENTS_PER_PAGE = 25;

const apiCache = new WeakMap<StatusModel, Record<string, unknown>>();

/** The Statuspage-compatible API documents by path under /api/v2/ (computed once per model). */
export function apiDocuments(model: StatusModel): Record<string, unknown> {
  let docs = apiCache.get(model);
  if (!docs) {
    docs = new StatuspageApi(model, model.site.baseUrl ?? '/').documents();
    apiCache.set(model, docs);
  }
  return docs;
}

const cairnApiCache = new WeakMap<StatusModel, Record<string, unknown>>();

/** Cairn's own API documents and their schemas by path under /api/cairn/v1/ (computed once per model). */
export function cairnApiDocuments(model: StatusModel): Record<string, unknown> {
  let docs = cairnApiCache.get(model);
  if (!docs) {
    docs = cairnApiFiles(model);
    cairnApiCache.set(model, docs);
  }
  return docs;
}

/** Badge files (`<name>.json`, `<name>.svg`) of one component. */
export function badgeFiles(model: StatusModel, componentId: string): string[] {
  const c = model.components.find((x) => x.id === componentId);
  return c ? componentBadges(c).flatMap((b) => [`${b.name}.json`, `${b.name}.svg`]) : [];
}

export function incidentPages(model: StatusModel): number {
  return Math.max(1, Math.ceil(model.incidents.length / INCIDENTS_PER_PAGE));
}

const seg = encodeURIComponent;

/** Site paths, relative to the base, each starting with '/': a trailing '/' is a page (index.html). */
export function siteRoutes(model: StatusModel): string[] {
  // Without site.baseUrl the outputs that need absolute URLs are left out (src/site/outputs.ts).
  const omitted = new Set<string>(omittedOutputs(model.site));
  const routes = ['/', '/incidents/', '/maintenance/', '/uptime/', '/reports/', '/subscribe/', ...FEED_FILES.filter((f) => !omitted.has(f)).map((f) => `/${f}`)];
  routes.push(`/badges/${STATUS_CARD_FILE}`);
  for (let n = 2; n <= incidentPages(model); n++) routes.push(`/incidents/page/${n}/`);
  for (const c of model.components) {
    routes.push(`/components/${seg(c.id)}/`);
    for (const f of FEED_FILES) if (!omitted.has(f)) routes.push(`/${feedPath(f, c.id)}`);
    for (const f of badgeFiles(model, c.id)) routes.push(`/badges/${seg(c.id)}/${seg(f)}`);
  }
  for (const i of model.incidents) routes.push(`/incidents/${seg(i.id)}/`);
  if (!omitted.has('api/v2')) for (const doc of Object.keys(apiDocuments(model))) routes.push(`/api/v2/${doc.split('/').map(seg).join('/')}`);
  // Cairn's own API links relatively: published with or without site.baseUrl.
  for (const doc of Object.keys(cairnApiDocuments(model))) routes.push(`/${CAIRN_API_PATH}/${doc.split('/').map(seg).join('/')}`);
  for (const r of model.reports ?? []) {
    routes.push(`/reports/${seg(r.month)}/`, `/reports/${seg(r.month)}.html`);
    if (r.markdown !== null) routes.push(`/reports/${seg(r.month)}.md`);
  }
  return routes;
}

/** The file a route is written to: `/x/` -> `x/index.html`, `/feed.atom` -> `feed.atom`. */
export function routeFile(route: string): string {
  const rel = decodeURIComponent(route.replace(/^\//, ''));
  return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
}
