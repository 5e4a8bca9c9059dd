/**
 * The Statuspage-compatible API: /api/v2/summary.json, status.json, components.json,
 * incidents.json, incidents/unresolved.json, scheduled-maintenances.json and its upcoming and
 * active variants (src/site/routes.ts lists them).
 */
import type { APIRoute } from 'astro';
import { getModel } from '../../../site/data.ts';
import { fileResponse, statuspageApiFile } from '../../../site/files.ts';

export const GET: APIRoute = ({ params }) => fileResponse(statuspageApiFile(getModel(), params['path'] ?? ''));
