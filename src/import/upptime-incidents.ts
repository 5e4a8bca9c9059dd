/**
 * Upptime incidents (GitHub issues, exported with
 * `gh issue list --state all --json number,title,body,labels,createdAt,closedAt,state,url`)
 * to Cairn incident files, `incidents/upptime-<number>.md`, rendered by Cairn's own incident
 * writer: title, impact, components, started/detected (the issue's creation), resolved (its
 * closing), a two-entry timeline, and the issue body with a link back to the issue.
 *
 * Upptime's issue comments are not in that export, so they are not carried over.
 */
import { renderIncident, updateIncidentText } from '../incidents/write.ts';
import type { Impact } from '../incidents/types.ts';
import type { SiteMapping } from './upptime-config.ts';
import type { Skip } from './upptime-report.ts';

export interface IncidentFile {
  /** Relative to the status repo, posix slashes. */
  file: string;
  content: string;
}

const TITLE_RE = /^\s*(?:🛑|⚠️|⚠)\s*(?<name>.+?)\s+(?<what>is down|has degraded performance)\s*$/u;
const IMPACTS: ReadonlySet<string> = new Set<Impact>(['critical', 'major', 'minor', 'none']);

interface GhIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  createdAt: string;
  closedAt: string | null;
  url: string | null;
}

function toIssue(x: unknown): GhIssue | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if (typeof o['number'] !== 'number' || typeof o['title'] !== 'string' || typeof o['createdAt'] !== 'string' || Number.isNaN(Date.parse(o['createdAt']))) return null;
  const labels = Array.isArray(o['labels'])
    ? o['labels'].map((l) => (typeof l === 'string' ? l : typeof l === 'object' && l !== null && typeof (l as { name?: unknown }).name === 'string' ? (l as { name: string }).name : '')).filter(Boolean)
    : [];
  const closedAt = typeof o['closedAt'] === 'string' && !Number.isNaN(Date.parse(o['closedAt'])) && o['state'] !== 'OPEN' && o['state'] !== 'open' ? o['closedAt'] : null;
  return {
    number: o['number'],
    title: o['title'],
    body: typeof o['body'] === 'string' ? o['body'] : '',
    labels,
    createdAt: o['createdAt'],
    closedAt,
    url: typeof o['url'] === 'string' ? o['url'] : null,
  };
}

export function convertIssues(value: unknown, sites: readonly SiteMapping[]): { incidents: IncidentFile[]; skipped: Skip[] } {
  const skipped: Skip[] = [];
  const incidents: IncidentFile[] = [];
  if (!Array.isArray(value)) {
    skipped.push({ category: 'issue', message: 'the issues file is not a JSON list (expected the output of `gh issue list --json ...`)' });
    return { incidents, skipped };
  }
  let malformed = 0;
  let maintenance = 0;
  let other = 0;
  const bySlug = new Map(sites.filter((s) => s.imported).map((s) => [s.slug, s]));
  const byName = new Map(sites.filter((s) => s.imported).map((s) => [s.name.toLowerCase(), s]));
  for (const raw of value) {
    const issue = toIssue(raw);
    if (!issue) {
      malformed++;
      continue;
    }
    const labels = issue.labels.map((l) => l.toLowerCase());
    if (labels.includes('maintenance')) {
      maintenance++;
      continue;
    }
    const title = TITLE_RE.exec(issue.title)?.groups;
    if (!title && !labels.includes('status')) {
      other++;
      continue;
    }
    const components = new Set<string>();
    for (const l of issue.labels) {
      const site = bySlug.get(l);
      if (site) components.add(site.id);
    }
    const named = title ? byName.get((title['name'] as string).toLowerCase()) : undefined;
    if (named) components.add(named.id);
    const impactLabel = labels.map((l) => l.replace(/^impact:\s*/, '')).find((l) => IMPACTS.has(l));
    const impact = (impactLabel ?? (title?.['what'] === 'has degraded performance' ? 'minor' : 'major')) as Impact;
    const titleText = issue.title.replace(/^\s*(?:🛑|⚠️|⚠)\s*/u, '').trim() || `Upptime issue #${issue.number}`;
    const opened = Date.parse(issue.createdAt);
    const link = issue.url ? `[Upptime issue #${issue.number}](${issue.url})` : `Upptime issue #${issue.number}`;
    const body = issue.body.replace(/\r\n/g, '\n').trim();
    let content = renderIncident({
      title: titleText,
      impact,
      components: [...components],
      auto: false,
      startedAt: opened,
      detectedAt: opened,
      updates: [{ at: opened, status: 'investigating', text: `${titleText} (opened by Upptime)` }],
      body: `Imported from ${link}.${body ? `\n\n${body}` : ''}`,
    });
    if (issue.closedAt) {
      const closed = Date.parse(issue.closedAt);
      content = updateIncidentText(content, { resolvedAt: closed, add: [{ at: closed, status: 'resolved', text: 'Resolved (Upptime closed the issue).' }] });
    }
    incidents.push({ file: `incidents/upptime-${issue.number}.md`, content });
  }
  if (malformed) skipped.push({ category: 'issue', message: `${malformed} entr${malformed === 1 ? 'y' : 'ies'} of the issues file without number, title or createdAt`, count: malformed });
  if (maintenance) skipped.push({ category: 'issue', message: `${maintenance} maintenance issue${maintenance === 1 ? '' : 's'} (Cairn's maintenance windows come with another issue)`, count: maintenance });
  if (other) skipped.push({ category: 'issue', message: `${other} issue${other === 1 ? ' that is not an Upptime incident' : 's that are not Upptime incidents'} (no "status" label, no "🛑 … is down" title)`, count: other });
  incidents.sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }));
  return { incidents, skipped };
}
