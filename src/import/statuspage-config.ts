/**
 * Atlassian Statuspage's components (public `/api/v2/components.json` or `summary.json`) to Cairn
 * groups and components, and its scheduled maintenances to maintenance windows.
 *
 * - A component with `group: true` becomes a group; a component with a `group_id` a component of
 *   that group; one without stays a component of its own. Order follows `position`.
 * - Statuspage has no checks: each component gets a placeholder http check, disabled, with an
 *   `https://example.invalid/` URL, so the page shows the component and `cairn validate` accepts
 *   the repo; the report lists every one to finish.
 * - A scheduled maintenance with its components becomes a one-off window (`scheduled_for` →
 *   `scheduled_until`).
 */
import { IdAllocator, type PeerSkip } from './peer.ts';

export interface SpComponent {
  id: string;
  name: string;
  description: string | null;
  position: number;
  groupId: string | null;
  isGroup: boolean;
  status: string | null;
  onlyShowIfDegraded: boolean;
}

export interface SpUpdate {
  status: string;
  body: string;
  at: number;
  components: string[];
}

export interface SpIncident {
  id: string;
  name: string;
  status: string;
  impact: string;
  createdAt: number;
  startedAt: number | null;
  resolvedAt: number | null;
  shortlink: string | null;
  scheduledFor: number | null;
  scheduledUntil: number | null;
  components: string[];
  updates: SpUpdate[];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const time = (v: unknown): number | null => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : null);

export function readComponents(value: unknown): SpComponent[] | null {
  const list = (value as { components?: unknown } | null)?.components;
  if (!Array.isArray(list)) return null;
  const out: SpComponent[] = [];
  list.forEach((raw, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const id = str(o['id']);
    const name = str(o['name']);
    if (!id || !name) return;
    out.push({
      id,
      name: name.trim() || id,
      description: str(o['description'])?.trim() || null,
      position: typeof o['position'] === 'number' ? o['position'] : i,
      groupId: str(o['group_id']),
      isGroup: o['group'] === true,
      status: str(o['status']),
      onlyShowIfDegraded: o['only_show_if_degraded'] === true,
    });
  });
  return out.sort((a, b) => a.position - b.position);
}

function readUpdate(raw: unknown): SpUpdate | null {
  const o = (raw ?? {}) as Record<string, unknown>;
  const at = time(o['display_at']) ?? time(o['created_at']);
  const status = str(o['status']);
  if (at === null || !status) return null;
  const affected = Array.isArray(o['affected_components']) ? o['affected_components'] : [];
  return {
    status,
    body: (str(o['body']) ?? '').replace(/\r\n/g, '\n').trim(),
    at,
    components: affected.map((a) => str((a as Record<string, unknown> | null)?.['code'])).filter((c): c is string => c !== null),
  };
}

/** Incidents or scheduled maintenances (`incidents.json`, `scheduled-maintenances.json`). */
export function readIncidents(value: unknown, key: 'incidents' | 'scheduled_maintenances'): { items: SpIncident[]; malformed: number } | null {
  const list = (value as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(list)) return null;
  const items: SpIncident[] = [];
  let malformed = 0;
  for (const raw of list) {
    const o = (raw ?? {}) as Record<string, unknown>;
    const id = str(o['id']);
    const name = str(o['name']);
    const createdAt = time(o['created_at']);
    if (!id || !name || createdAt === null) {
      malformed++;
      continue;
    }
    const updates = (Array.isArray(o['incident_updates']) ? o['incident_updates'] : [])
      .map(readUpdate)
      .filter((u): u is SpUpdate => u !== null)
      .sort((a, b) => a.at - b.at);
    const components = (Array.isArray(o['components']) ? o['components'] : []).map((c) => str((c as Record<string, unknown> | null)?.['id'])).filter((c): c is string => c !== null);
    items.push({
      id,
      name,
      status: str(o['status']) ?? '',
      impact: str(o['impact']) ?? 'none',
      createdAt,
      startedAt: time(o['started_at']),
      resolvedAt: time(o['resolved_at']),
      shortlink: str(o['shortlink']),
      scheduledFor: time(o['scheduled_for']),
      scheduledUntil: time(o['scheduled_until']),
      components,
      updates,
    });
  }
  return { items, malformed };
}

export interface ConvertedComponents {
  groups: Record<string, unknown>[];
  checks: Record<string, unknown>[];
  /** Statuspage component id → Cairn component id (groups too: an incident may name a group). */
  ids: Map<string, string>;
  /** Statuspage group id → the Cairn ids of its components. */
  members: Map<string, string[]>;
  skipped: PeerSkip[];
  notes: string[];
}

export const PLACEHOLDER_URL = 'https://example.invalid/';

export function convertComponents(components: readonly SpComponent[], reserved: ReadonlySet<string> = new Set()): ConvertedComponents {
  const alloc = new IdAllocator(reserved);
  const ids = new Map<string, string>();
  const members = new Map<string, string[]>();
  const skipped: PeerSkip[] = [];
  const notes: string[] = [];
  const groups: Record<string, unknown>[] = [];
  const checks: Record<string, unknown>[] = [];
  const groupsById = new Map(components.filter((c) => c.isGroup).map((c) => [c.id, c]));
  const groupIds = new Map<string, string>();
  for (const g of groupsById.values()) groupIds.set(g.id, alloc.take(g.name, `group-${g.id}`));
  const leaves = components.filter((c) => !c.isGroup);
  for (const c of leaves) ids.set(c.id, alloc.take(c.name, `component-${c.id}`));

  const groupEntries = new Map<string, Record<string, unknown>[]>();
  for (const c of leaves) {
    const id = ids.get(c.id) as string;
    checks.push({
      id,
      name: c.name,
      ...(c.description ? { description: c.description } : {}),
      component: id,
      kind: 'http',
      url: PLACEHOLDER_URL,
      enabled: false,
    });
    const group = c.groupId ? groupsById.get(c.groupId) : undefined;
    if (c.groupId && !group) notes.push(`component "${c.name}": its group ${c.groupId} is not in the components list; imported outside any group`);
    if (!group) continue;
    const entry: Record<string, unknown> = { id, name: c.name, ...(c.description ? { description: c.description } : {}) };
    groupEntries.set(group.id, [...(groupEntries.get(group.id) ?? []), entry]);
    members.set(group.id, [...(members.get(group.id) ?? []), id]);
  }
  for (const g of groupsById.values()) {
    const entries = groupEntries.get(g.id) ?? [];
    if (!entries.length) {
      skipped.push({ what: 'component group', message: `group "${g.name}" has no components (a Cairn group needs at least one)` });
      continue;
    }
    groups.push({ id: groupIds.get(g.id), name: g.name, ...(g.description ? { description: g.description } : {}), components: entries });
  }
  const onlyDegraded = leaves.filter((c) => c.onlyShowIfDegraded);
  if (onlyDegraded.length) {
    skipped.push({
      what: 'component option',
      message: `"only show if degraded" on ${onlyDegraded.map((c) => `"${c.name}"`).join(', ')}: Cairn shows every component`,
      count: onlyDegraded.length,
    });
  }
  return { groups, checks, ids, members, skipped, notes };
}

/** The Cairn components an incident names: its components, the ones its updates affected, groups expanded. */
export function componentsOf(item: SpIncident, conv: Pick<ConvertedComponents, 'ids' | 'members'>): string[] {
  const out = new Set<string>();
  for (const sp of [...item.components, ...item.updates.flatMap((u) => u.components)]) {
    const id = conv.ids.get(sp);
    if (id) out.add(id);
    for (const m of conv.members.get(sp) ?? []) out.add(m);
  }
  return [...out];
}

/** Scheduled maintenances to one-off windows. */
export function convertMaintenances(
  items: readonly SpIncident[],
  conv: Pick<ConvertedComponents, 'ids' | 'members'>,
  reserved: ReadonlySet<string> = new Set(),
): { windows: Record<string, unknown>[]; skipped: PeerSkip[] } {
  const windows: Record<string, unknown>[] = [];
  const skipped: PeerSkip[] = [];
  const alloc = new IdAllocator(reserved);
  for (const m of items) {
    const components = componentsOf(m, conv);
    const start = m.scheduledFor;
    const end = m.scheduledUntil;
    if (start === null || end === null || end <= start) {
      skipped.push({ what: 'maintenance', message: `maintenance "${m.name}" (${m.id}): no scheduled_for/scheduled_until window` });
      continue;
    }
    if (!components.length) {
      skipped.push({ what: 'maintenance', message: `maintenance "${m.name}" (${m.id}): names no component (a Cairn window needs at least one)` });
      continue;
    }
    const described = [...m.updates].reverse().find((u) => u.body)?.body ?? m.updates.find((u) => u.body)?.body;
    windows.push({
      id: alloc.take(`statuspage-${m.id}`, 'maintenance'),
      title: m.name,
      ...(described ? { description: described } : {}),
      components,
      start: new Date(start).toISOString().replace('.000Z', 'Z'),
      end: new Date(end).toISOString().replace('.000Z', 'Z'),
    });
  }
  const updates = items.reduce((n, m) => n + Math.max(0, m.updates.length - 1), 0);
  if (updates) skipped.push({ what: 'maintenance update', message: `${updates} update${updates === 1 ? '' : 's'} of scheduled maintenances (a Cairn window has a title and one description: the latest update's text)`, count: updates });
  return { windows, skipped };
}
