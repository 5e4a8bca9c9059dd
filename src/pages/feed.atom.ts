import type { APIRoute } from 'astro';
import { getModel, url } from '../site/data.ts';
import { atomFeed } from '../site/feeds.ts';

export const GET: APIRoute = () => new Response(atomFeed(getModel(), url()), { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
