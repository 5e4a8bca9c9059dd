/** Badges per component: badges/<id>/<name>.json (shields.io endpoint) and .svg (self-contained). */
import type { APIRoute } from 'astro';
import { componentBadges, badgeSvg } from '../../../site/badges.ts';
import { getModel } from '../../../site/data.ts';

export const GET: APIRoute = ({ params }) => {
  const component = getModel().components.find((c) => c.id === params['id']);
  const file = params['file'] ?? '';
  const badge = component && componentBadges(component).find((b) => file === `${b.name}.json` || file === `${b.name}.svg`);
  if (!badge) return new Response('Not found\n', { status: 404 });
  return file.endsWith('.json')
    ? new Response(`${JSON.stringify(badge.endpoint)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } })
    : new Response(badgeSvg(badge.endpoint), { headers: { 'content-type': 'image/svg+xml; charset=utf-8' } });
};
