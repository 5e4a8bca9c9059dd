/**
 * The Statuspage-compatible API: /api/v2/summary.json, status.json, components.json,
 * incidents.json, incidents/unresolved.json, scheduled-maintenances.json and its upcoming and
 * active variants (src/site/routes.ts lists them).
 */
import type { APIRoute } from 'astro';
import { getModel } from '../../../site/data.ts';
import { apiDocuments } from '../../../site/routes.ts';

export const GET: APIRoute = ({ params }) => {
  const body = apiDocuments(getModel())[params['path'] ?? ''];
  if (body === undefined) return new Response('Not found\n', { status: 404 });
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
