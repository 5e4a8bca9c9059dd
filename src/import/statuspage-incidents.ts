/**
 * Statuspage incidents (`/api/v2/incidents.json`) to Cairn incident files,
 * `incidents/statuspage-<id>.md`, rendered by Cairn's own incident writer: the name as title,
 * the impact, the affected components, started (Statuspage's `started_at`, else creation),
 * detected (creation), resolved, and every `incident_update` in order with its status and body.
 */
import { renderIncident } from '../incidents/write.ts';
import { IMPACTS, UPDATE_STATUSES, type Impact, type IncidentUpdate, type UpdateStatus } from '../incidents/types.ts';
import type { PeerSkip } from './peer.ts';
import { componentsOf, type ConvertedComponents, type SpIncident } from './statuspage-config.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function fileId(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'incident';
}

export function convertIncidents(
  items: readonly SpIncident[],
  conv: Pick<ConvertedComponents, 'ids' | 'members'>,
): { incidents: { file: string; content: string }[]; skipped: PeerSkip[]; notes: string[] } {
  const incidents: { file: string; content: string }[] = [];
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let unknownStatus = 0;
  for (const item of items) {
    const components = componentsOf(item, conv);
    const impact: Impact = (IMPACTS as readonly string[]).includes(item.impact) ? (item.impact as Impact) : 'none';
    if (!(IMPACTS as readonly string[]).includes(item.impact)) notes.push(`incident "${item.name}": impact "${item.impact}" read as none`);
    const updates: IncidentUpdate[] = item.updates.map((u) => {
      const known = (UPDATE_STATUSES as readonly string[]).includes(u.status);
      if (!known) unknownStatus++;
      const status: UpdateStatus = known ? (u.status as UpdateStatus) : 'investigating';
      return { at: u.at, status, text: u.body || `Status: ${u.status.replace(/_/g, ' ')}.` };
    });
    const first = Math.min(item.startedAt ?? item.createdAt, item.createdAt, ...updates.map((u) => u.at));
    const resolvedUpdate = updates.find((u) => u.status === 'resolved')?.at ?? null;
    const resolved = item.resolvedAt ?? (item.status === 'resolved' || item.status === 'postmortem' ? resolvedUpdate ?? item.createdAt : null);
    let name = `incidents/statuspage-${fileId(item.id)}.md`;
    for (let n = 2; seen.has(name); n++) name = `incidents/statuspage-${fileId(item.id)}-${n}.md`;
    seen.add(name);
    const link = item.shortlink ? `[Statuspage incident ${item.id}](${item.shortlink})` : `Statuspage incident ${item.id}`;
    let content = renderIncident({
      title: item.name.trim() || `Statuspage incident ${item.id}`,
      impact,
      components,
      auto: false,
      startedAt: first,
      detectedAt: Math.max(first, item.createdAt),
      updates,
      body: `Imported from ${link}.`,
    });
    if (resolved !== null) {
      const at = Math.max(resolved, first);
      content = content.replace(/^updates:/m, `resolved: ${iso(at)}\nupdates:`);
    }
    incidents.push({ file: name, content });
    if (components.length === 0) notes.push(`incident "${item.name}" (${item.id}) names no component that was imported`);
  }
  if (unknownStatus) {
    skipped.push({ what: 'update status', message: `${unknownStatus} incident update${unknownStatus === 1 ? '' : 's'} with a status Cairn does not have (kept as "investigating", with the text)`, count: unknownStatus });
  }
  return { incidents, skipped, notes };
}
