/**
 * Cairn's own API: /api/cairn/v1/index.json, components.json, slos.json, capacity.json,
 * incidents.json, reports.json and their JSON Schemas under schemas/ (src/site/cairn-api.ts;
 * src/site/routes.ts lists them).
 */
import type { APIRoute } from 'astro';
import { getModel } from '../../../../site/data.ts';
import { cairnApiFile, fileResponse } from '../../../../site/files.ts';

export const GET: APIRoute = ({ params }) => fileResponse(cairnApiFile(getModel(), params['path'] ?? ''));
