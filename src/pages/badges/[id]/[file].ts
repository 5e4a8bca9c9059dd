/** Badges per component: badges/<id>/<name>.json (shields.io endpoint) and .svg (self-contained). */
import type { APIRoute } from 'astro';
import { getModel } from '../../../site/data.ts';
import { badgeFile, fileResponse } from '../../../site/files.ts';

export const GET: APIRoute = ({ params }) => fileResponse(badgeFile(getModel(), params['id'] ?? '', params['file'] ?? ''));
