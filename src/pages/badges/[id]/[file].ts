/** Badges per component: badges/<id>/<name>.json (shields.io endpoint) and .svg (self-contained). */
import type { APIRoute } from 'astro';
import { componentBadges, badgeSvg } from '../../../site/badges.ts';
import { getModel } from '../../../site/data.ts';

export function getStaticPaths() {
  return getModel().components.flatMap((c) =>
    componentBadges(c).flatMap((b) => [
      { params: { id: c.id, file: `${b.name}.json` }, props: { body: `${JSON.stringify(b.endpoint)}\n`, type: 'application/json' } },
      { params: { id: c.id, file: `${b.name}.svg` }, props: { body: badgeSvg(b.endpoint), type: 'image/svg+xml' } },
    ]),
  );
}

export const GET: APIRoute = ({ props }) => new Response(props['body'] as string, { headers: { 'content-type': `${props['type'] as string}; charset=utf-8` } });
