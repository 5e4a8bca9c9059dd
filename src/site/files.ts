/**
 * The site's files that are not pages: feeds, badges, the status card and the API documents. Each
 * is a pure function of the model (and of the base path, for the feeds' links). The Astro
 * endpoints under src/pages/ answer them for `cairn serve`; `cairn build` writes them straight to
 * disk (src/site/render.ts `exportSite`), without a request through the page pipeline for each of
 * the 16 files a component has. Both call the functions here, so the bytes are the same.
 */
import type { StatusModel } from '../model/model.ts';
import { badgeSvg, componentBadges } from './badges.ts';
import { FEED_FILES, atomFeed, jsonFeed, maintenanceCalendar, rssFeed } from './feeds.ts';
import { omittedOutputs } from './outputs.ts';
import { apiDocuments, cairnApiDocuments } from './routes.ts';
import { STATUS_CARD_FILE, statusCardSvg } from './status-card.ts';

/** A file's content and its media type. */
export interface SiteFile {
  body: string;
  type: string;
}

type FeedFile = (typeof FEED_FILES)[number];

const FEEDS: Record<FeedFile, { render: (model: StatusModel, base: string, component?: string) => string; type: string }> = {
  'feed.atom': { render: atomFeed, type: 'application/atom+xml; charset=utf-8' },
  'feed.rss': { render: rssFeed, type: 'application/rss+xml; charset=utf-8' },
  'feed.json': { render: jsonFeed, type: 'application/feed+json; charset=utf-8' },
  'maintenance.ics': { render: maintenanceCalendar, type: 'text/calendar; charset=utf-8' },
};

const JSON_TYPE = 'application/json; charset=utf-8';
const SVG_TYPE = 'image/svg+xml; charset=utf-8';

/** The page's feed `file` (`feed.atom`, …), or a component's; null for an unknown file or component. */
export function feedFile(model: StatusModel, base: string, file: string, componentId?: string): SiteFile | null {
  const feed = Object.hasOwn(FEEDS, file) ? FEEDS[file as FeedFile] : undefined;
  if (!feed) return null;
  if (componentId !== undefined) {
    // Like the page's feeds, they need absolute URLs: without site.baseUrl they are not published.
    if (!model.components.some((c) => c.id === componentId) || omittedOutputs(model.site).length > 0) return null;
    return { body: feed.render(model, base, componentId), type: feed.type };
  }
  return { body: feed.render(model, base), type: feed.type };
}

/** A component's badge file (`<name>.json`, shields.io's endpoint, or `<name>.svg`); null when there is none. */
export function badgeFile(model: StatusModel, componentId: string, file: string): SiteFile | null {
  const component = model.components.find((c) => c.id === componentId);
  const badge = component && componentBadges(component).find((b) => file === `${b.name}.json` || file === `${b.name}.svg`);
  if (!badge) return null;
  return file.endsWith('.json') ? { body: `${JSON.stringify(badge.endpoint)}\n`, type: JSON_TYPE } : { body: badgeSvg(badge.endpoint), type: SVG_TYPE };
}

/** The status card (one SVG with the page's state and each component's). */
export function statusCardFile(model: StatusModel): SiteFile {
  return { body: statusCardSvg(model), type: SVG_TYPE };
}

/** A document of the Statuspage-compatible API (`summary.json`, …, under /api/v2/). */
export function statuspageApiFile(model: StatusModel, path: string): SiteFile | null {
  const docs = apiDocuments(model);
  if (!Object.hasOwn(docs, path)) return null;
  return { body: `${JSON.stringify(docs[path], null, 2)}\n`, type: JSON_TYPE };
}

/** A document of Cairn's own API (under /api/cairn/v1/): documents compact, schemas (which people read) indented. */
export function cairnApiFile(model: StatusModel, path: string): SiteFile | null {
  const docs = cairnApiDocuments(model);
  if (!Object.hasOwn(docs, path)) return null;
  const text = path.startsWith('schemas/') ? JSON.stringify(docs[path], null, 2) : JSON.stringify(docs[path]);
  return { body: `${text}\n`, type: JSON_TYPE };
}

/** The Response an endpoint gives for a file: 404 when there is none. */
export function fileResponse(file: SiteFile | null): Response {
  if (!file) return new Response('Not found\n', { status: 404 });
  return new Response(file.body, { headers: { 'content-type': file.type } });
}

/**
 * The file of a route of `siteRoutes` (relative to the base, segments encoded) when it is one of
 * the files above; undefined for a page (or anything else), which the page pipeline renders.
 */
export function directFile(model: StatusModel, base: string, route: string): SiteFile | null | undefined {
  const parts = route.split('/').slice(1).map(decodeURIComponent);
  const [a, b, c] = parts;
  if (parts.length === 1 && a !== undefined && Object.hasOwn(FEEDS, a)) return feedFile(model, base, a);
  if (a === 'badges' && parts.length === 2 && b === STATUS_CARD_FILE) return statusCardFile(model);
  if (a === 'badges' && parts.length === 3 && b !== undefined && c !== undefined) return badgeFile(model, b, c);
  if (a === 'components' && parts.length === 3 && b !== undefined && c !== undefined && Object.hasOwn(FEEDS, c)) return feedFile(model, base, c, b);
  if (a === 'api' && b === 'v2' && parts.length > 2) return statuspageApiFile(model, parts.slice(2).join('/'));
  if (a === 'api' && b === 'cairn' && c === 'v1' && parts.length > 3) return cairnApiFile(model, parts.slice(3).join('/'));
  return undefined;
}
