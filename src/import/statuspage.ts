/**
 * `cairn import statuspage <base-url-or-folder>`: an Atlassian Statuspage page, read through its
 * public API v2 (`<page>/api/v2/summary.json`, `components.json`, `incidents.json`,
 * `scheduled-maintenances.json`), or from a folder holding those files as downloaded.
 *
 * Components and groups → `checks/statuspage.yaml` (with a disabled placeholder check per
 * component: Statuspage has no checks), scheduled maintenances → windows in the same file,
 * incidents with their updates → `incidents/statuspage-<id>.md`, the page name and time zone →
 * `cairn.yaml` when the repo has none. Statuspage keeps no samples, so no history is imported.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyPlan, ImportError, reservedIds, type PeerImportOptions, type PeerImportResult, type PeerPlan, type PeerSkip } from './peer.ts';
import { convertComponents, convertMaintenances, readComponents, readIncidents, type SpIncident } from './statuspage-config.ts';
import { convertIncidents } from './statuspage-incidents.ts';

export const STATUSPAGE_CHECKS_FILE = 'checks/statuspage.yaml';
const FILES = ['summary.json', 'components.json', 'incidents.json', 'scheduled-maintenances.json'] as const;
type SpFile = (typeof FILES)[number];

export interface StatuspageImportOptions extends PeerImportOptions {
  /** The page's base URL (`https://status.acme.com`, or with `/api/v2`) or a folder of the JSON files. */
  source: string;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
}

/** Reads one API file: null when the page (or folder) has none. */
type Reader = (name: SpFile) => Promise<{ where: string; value: unknown } | null>;

function parseJson(where: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ImportError(`${where}: invalid JSON: ${(err as Error).message}`);
  }
}

function urlReader(base: string, timeoutMs: number): Reader {
  const root = base.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  return async (name) => {
    const url = `${root}/api/v2/${name}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', 'user-agent': 'cairn-import' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ImportError(`${url}: could not fetch (${cause?.code ?? cause?.message ?? (err as Error).message}); nothing was written`);
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new ImportError(`${url}: HTTP ${res.status}; expected the page's public API v2 (is the page private?); nothing was written`);
    }
    return { where: url, value: parseJson(url, await res.text()) };
  };
}

function folderReader(folder: string): Reader {
  return async (name) => {
    for (const candidate of [path.join(folder, name), path.join(folder, 'api', 'v2', name)]) {
      let text: string;
      try {
        text = await readFile(candidate, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      return { where: candidate, value: parseJson(candidate, text) };
    }
    return null;
  };
}

/** Reads the page and computes the plan (pure but for the reads). */
export async function planStatuspage(source: string, timeoutMs = 30_000, reserved: ReadonlySet<string> = new Set()): Promise<PeerPlan> {
  const read: Reader = /^https?:\/\//i.test(source) ? urlReader(source, timeoutMs) : folderReader(path.resolve(source));
  const [summary, componentsFile, incidentsFile, maintenancesFile] = await Promise.all(FILES.map((f) => read(f)));
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];

  const components = readComponents(componentsFile?.value) ?? readComponents(summary?.value);
  if (!components) {
    throw new ImportError(`${source}: no components.json or summary.json with a "components" list; expected a Statuspage page URL or a folder of its /api/v2 files`);
  }
  const conv = convertComponents(components, reserved);
  if (conv.checks.length === 0) throw new ImportError(`${source}: the page has no components to import`);
  skipped.push(...conv.skipped);
  notes.push(...conv.notes);
  const statuses = components.filter((c) => !c.isGroup && c.status && c.status !== 'operational');
  if (statuses.length) notes.push(`current component statuses are not imported (Cairn measures its own): ${statuses.map((c) => `${c.name}: ${c.status}`).join(', ')}`);

  const page = ((summary?.value ?? componentsFile?.value) as { page?: Record<string, unknown> } | null)?.page ?? {};
  const title = typeof page['name'] === 'string' && page['name'].trim() ? page['name'].trim() : null;
  const zone = typeof page['time_zone'] === 'string' && isZone(page['time_zone']) ? page['time_zone'] : null;
  if (typeof page['url'] === 'string') notes.push(`the Statuspage page was at ${page['url']}: set site.baseUrl in cairn.yaml to where the Cairn page will be published`);

  // Incidents; maintenances found in incidents.json (impact "maintenance") belong with the windows.
  const incidents = readIncidents(incidentsFile?.value, 'incidents');
  const maintenances = readIncidents(maintenancesFile?.value, 'scheduled_maintenances');
  if (!incidentsFile) notes.push('no incidents.json: no incidents imported');
  else if (!incidents) throw new ImportError(`${incidentsFile.where}: expected an "incidents" list`);
  if (maintenancesFile && !maintenances) throw new ImportError(`${maintenancesFile.where}: expected a "scheduled_maintenances" list`);
  const maintenanceItems = new Map<string, SpIncident>((maintenances?.items ?? []).map((m) => [m.id, m]));
  const incidentItems: SpIncident[] = [];
  for (const item of incidents?.items ?? []) {
    if (item.impact === 'maintenance' || item.scheduledFor !== null) {
      if (!maintenanceItems.has(item.id)) maintenanceItems.set(item.id, item);
    } else incidentItems.push(item);
  }
  const malformed = (incidents?.malformed ?? 0) + (maintenances?.malformed ?? 0);
  if (malformed) skipped.push({ what: 'incident', message: `${malformed} entr${malformed === 1 ? 'y' : 'ies'} without id, name or created_at`, count: malformed });
  const inc = convertIncidents(incidentItems, conv);
  skipped.push(...inc.skipped);
  notes.push(...inc.notes);
  const win = convertMaintenances([...maintenanceItems.values()], conv, reserved);
  skipped.push(...win.skipped);
  if (incidents && incidents.items.length >= 50) notes.push('Statuspage\'s public incidents.json lists the 50 most recent incidents only: older ones are not in it');

  for (const c of conv.checks) {
    skipped.push({ what: 'check', message: `component "${c['name'] as string}" (${c['id'] as string}) has no check on Statuspage: a disabled placeholder check is written; set its url (or kind) and remove "enabled: false"` });
  }
  skipped.push({
    what: 'component history',
    message: `uptime history of the ${conv.checks.length} components: Statuspage keeps no check results (its uptime bars come from component status changes, not in the public API); Cairn starts measuring with its first run`,
    count: conv.checks.length,
  });
  skipped.push({ what: 'setting', message: 'subscribers and page branding (not in the public API)' });

  return {
    peer: 'Statuspage',
    checksFile: STATUSPAGE_CHECKS_FILE,
    checksHeader: [
      'Imported from Atlassian Statuspage by `cairn import statuspage`. Edit freely: a later import',
      'refuses to overwrite this file unless run with --force.',
      `Statuspage has no checks: each component has a disabled placeholder check (${conv.checks.length}); give each`,
      'a real url (or another kind) and remove "enabled: false" to start measuring it.',
    ],
    groups: conv.groups,
    checks: conv.checks,
    maintenance: win.windows,
    site: title ? { title, ...(zone ? { timeZone: zone } : {}) } : null,
    channels: {},
    routes: [],
    incidents: inc.incidents,
    counts: [
      ['component', 'components', conv.checks.length],
      ['group', 'groups', conv.groups.length],
      ['incident', 'incidents', inc.incidents.length],
      ['maintenance window', 'maintenance windows', win.windows.length],
    ],
    skipped,
    notes,
    secrets: [],
    urlSecrets: [],
  };
}

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export async function importStatuspage(opts: StatuspageImportOptions): Promise<PeerImportResult> {
  return applyPlan(await planStatuspage(opts.source, opts.timeoutMs, await reservedIds(opts.dir, STATUSPAGE_CHECKS_FILE)), opts);
}
