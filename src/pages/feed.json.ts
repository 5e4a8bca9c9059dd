import type { APIRoute } from 'astro';
import { getModel, url } from '../site/data.ts';
import { jsonFeed } from '../site/feeds.ts';

export const GET: APIRoute = () => new Response(jsonFeed(getModel(), url()), { headers: { 'content-type': 'application/feed+json; charset=utf-8' } });
