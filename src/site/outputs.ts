/**
 * Outputs that need the page's absolute URL. The Statuspage API (`page.url`, incident
 * `shortlink`s), the Atom and RSS feeds (entry links, `self`) and the iCalendar file (`URL`) are
 * read by clients away from the page (widgets, feed readers, calendars) that cannot resolve a
 * path like `/incidents/x/`. The same holds for each component's feeds (`components/<id>/feed.*`). Without `site.baseUrl` Cairn builds the page and the badges, leaves
 * these out, and says so; with it they carry absolute URLs only.
 */
import type { SiteSettings } from '../config/types.ts';

/**
 * Paths under the site's output folder, as built (a folder for the Statuspage API). Cairn's own
 * API (api/cairn/v1/) links relatively and is always built.
 */
export const ABSOLUTE_URL_OUTPUTS = ['api/v2', 'feed.atom', 'feed.rss', 'feed.json', 'maintenance.ics'] as const;

/** What a build leaves out for lack of `site.baseUrl` (nothing when it is set). */
export function omittedOutputs(site: Pick<SiteSettings, 'baseUrl'>): readonly string[] {
  return site.baseUrl ? [] : ABSOLUTE_URL_OUTPUTS;
}

/** The sentence `cairn build` (and `cairn run --build`) prints when outputs were left out. */
export function omittedWarning(omitted: readonly string[], field = 'site.baseUrl'): string | null {
  if (omitted.length === 0) return null;
  return `${field} is not set: built the page and badges without the Statuspage API (api/v2/), the Atom, RSS and JSON feeds and the maintenance calendar (maintenance.ics), for the page and each component, which need absolute URLs; set ${field} in cairn.yaml to the page's public address (e.g. https://OWNER.github.io/REPO/) to publish them`;
}
