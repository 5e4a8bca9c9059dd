/** A component's feeds: components/<id>/feed.atom, feed.rss, feed.json and maintenance.ics (its incidents and maintenance). */
import type { APIRoute } from 'astro';
import { getModel, url } from '../../../site/data.ts';
import { atomFeed, jsonFeed, maintenanceCalendar, rssFeed } from '../../../site/feeds.ts';
import { omittedOutputs } from '../../../site/outputs.ts';

const FEEDS = {
  'feed.atom': { render: atomFeed, type: 'application/atom+xml; charset=utf-8' },
  'feed.rss': { render: rssFeed, type: 'application/rss+xml; charset=utf-8' },
  'feed.json': { render: jsonFeed, type: 'application/feed+json; charset=utf-8' },
  'maintenance.ics': { render: maintenanceCalendar, type: 'text/calendar; charset=utf-8' },
} as const;

export const GET: APIRoute = ({ params }) => {
  const model = getModel();
  const component = model.components.find((c) => c.id === params['id']);
  const feed = FEEDS[(params['feed'] ?? '') as keyof typeof FEEDS] as (typeof FEEDS)[keyof typeof FEEDS] | undefined;
  // Like the page's feeds, they need absolute URLs: without site.baseUrl they are not published.
  if (!component || !feed || omittedOutputs(model.site).length > 0) return new Response('Not found\n', { status: 404 });
  return new Response(feed.render(model, url(), component.id), { headers: { 'content-type': feed.type } });
};
