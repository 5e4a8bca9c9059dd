import type { APIRoute } from 'astro';
import { getModel, url } from '../site/data.ts';
import { rssFeed } from '../site/feeds.ts';

export const GET: APIRoute = () => new Response(rssFeed(getModel(), url()), { headers: { 'content-type': 'application/rss+xml; charset=utf-8' } });
