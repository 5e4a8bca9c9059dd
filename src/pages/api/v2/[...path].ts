/**
 * The Statuspage-compatible API as static files: /api/v2/summary.json, status.json,
 * components.json, incidents.json, incidents/unresolved.json, scheduled-maintenances.json and its
 * upcoming and active variants.
 */
import type { APIRoute } from 'astro';
import { getModel } from '../../../site/data.ts';
import { StatuspageApi } from '../../../site/statuspage.ts';

export function getStaticPaths() {
  const model = getModel();
  const api = new StatuspageApi(model, model.site.baseUrl ?? '/');
  return Object.entries(api.documents()).map(([path, body]) => ({ params: { path }, props: { body } }));
}

export const GET: APIRoute = ({ props }) =>
  new Response(`${JSON.stringify(props['body'], null, 2)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
