import type { APIRoute } from 'astro';
import { getModel, url } from '../site/data.ts';
import { maintenanceCalendar } from '../site/feeds.ts';

export const GET: APIRoute = () => new Response(maintenanceCalendar(getModel(), url()), { headers: { 'content-type': 'text/calendar; charset=utf-8' } });
