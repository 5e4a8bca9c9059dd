/** The status card: the page's state and each component's in one SVG (src/site/status-card.ts). */
import type { APIRoute } from 'astro';
import { getModel } from '../../site/data.ts';
import { fileResponse, statusCardFile } from '../../site/files.ts';

export const GET: APIRoute = () => fileResponse(statusCardFile(getModel()));
