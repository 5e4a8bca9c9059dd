import type { APIRoute } from 'astro';
import { getModel, url } from '../site/data.ts';
import { feedFile, fileResponse } from '../site/files.ts';

export const GET: APIRoute = () => fileResponse(feedFile(getModel(), url(), 'maintenance.ics'));
