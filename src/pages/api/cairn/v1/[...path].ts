/**
 * Cairn's own API: /api/cairn/v1/index.json, components.json, slos.json, capacity.json,
 * incidents.json, reports.json and their JSON Schemas under schemas/ (src/site/cairn-api.ts;
 * src/site/routes.ts lists them).
 */
import type { APIRoute } from 'astro';
import { getModel } from '../../../../site/data.ts';
import { cairnApiDocuments } from '../../../../site/routes.ts';

export const GET: APIRoute = ({ params }) => {
  const path = params['path'] ?? '';
  const body = cairnApiDocuments(getModel())[path];
  if (body === undefined) return new Response('Not found\n', { status: 404 });
  // Documents compact (components.json of a large page is half the size unindented); schemas, which people read, indented.
  const text = path.startsWith('schemas/') ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  return new Response(`${text}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
