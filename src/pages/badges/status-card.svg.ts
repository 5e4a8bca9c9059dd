/** The status card: the page's state and each component's in one SVG (src/site/status-card.ts). */
import type { APIRoute } from 'astro';
import { getModel } from '../../site/data.ts';
import { statusCardSvg } from '../../site/status-card.ts';

export const GET: APIRoute = () => new Response(statusCardSvg(getModel()), { headers: { 'content-type': 'image/svg+xml; charset=utf-8' } });
