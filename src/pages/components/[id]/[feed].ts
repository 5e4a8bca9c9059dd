/** A component's feeds: components/<id>/feed.atom, feed.rss, feed.json and maintenance.ics (its incidents and maintenance). */
import type { APIRoute } from 'astro';
import { getModel, url } from '../../../site/data.ts';
import { feedFile, fileResponse } from '../../../site/files.ts';

export const GET: APIRoute = ({ params }) => fileResponse(feedFile(getModel(), url(), params['feed'] ?? '', params['id'] ?? ''));
