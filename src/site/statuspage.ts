/**
 * The Statuspage-compatible JSON API (`/api/v2/*.json`), from the status model.
 *
 * Field names, enums and shapes follow Atlassian Statuspage's public page API, so existing
 * clients and widgets work against a Cairn page. Cairn adds a few fields of its own, prefixed
 * `cairn_` (clients ignore unknown fields): a component with no recent data is reported as
 * `operational` (the API has no "unknown") with `cairn_status: "nodata"`. Every state word comes
 * from the one vocabulary (src/vocabulary/states.ts), which maps it to Statuspage's enums once.
 */
import type { ComponentModel, StatusModel } from '../model/model.ts';
import type { IncidentModel } from '../model/incidents.ts';
import type { MaintenanceModel } from '../model/maintenance.ts';
import { STATE_WORDS, STATUSPAGE_WORDS, type StatuspageComponentStatus, type StatuspageIndicator } from '../vocabulary/states.ts';

export type ComponentStatus = StatuspageComponentStatus;
export type Indicator = StatuspageIndicator;

export interface SpPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface SpComponent {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  components?: string[];
  cairn_status?: string;
  /** Components this one depends on (ids), when it has any. */
  cairn_depends_on?: string[];
  /** While affected by a dependency's outage: the root causes (src/model/dependencies.ts), each with its Statuspage status. */
  cairn_affected_by?: { id: string; name: string; status: ComponentStatus }[];
}

export interface SpIncidentUpdate {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: { code: string; name: string; old_status: ComponentStatus; new_status: ComponentStatus }[] | null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface SpIncident {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: SpIncidentUpdate[];
  components: SpComponent[];
}

export interface SpMaintenance extends SpIncident {
  scheduled_for: string;
  scheduled_until: string;
}


/** A short stable id (Statuspage uses 12 lowercase alphanumerics) from any string. */
export function stableId(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c, 2246822519) >>> 0;
  }
  return (h1.toString(36) + h2.toString(36)).padEnd(12, '0').slice(0, 12);
}

/** A component's status in Statuspage's words (the vocabulary's mapping, src/vocabulary/states.ts). */
export function componentStatus(c: Pick<ComponentModel, 'state'>): ComponentStatus {
  return STATUSPAGE_WORDS[c.state].component;
}

export class StatuspageApi {
  readonly page: SpPage;
  readonly #model: StatusModel;
  readonly #pageUrl: string;

  constructor(model: StatusModel, pageUrl: string) {
    this.#model = model;
    this.#pageUrl = pageUrl.replace(/\/?$/, '/');
    this.page = {
      id: stableId(`page:${model.site.title}`),
      name: model.site.title,
      url: this.#pageUrl === '/' ? '/' : this.#pageUrl.replace(/\/$/, ''),
      time_zone: model.site.timeZone,
      updated_at: model.generatedAt,
    };
  }

  /**
   * Components in page order, groups as Statuspage group components before their members. Built
   * once per API (every document and every incident's `components` share them: 200 open
   * incidents of a 200-component page cost one list, not 200).
   */
  components(): SpComponent[] {
    return this.#components().list;
  }

  #list: { list: SpComponent[]; byId: Map<string, SpComponent> } | null = null;

  #components(): { list: SpComponent[]; byId: Map<string, SpComponent> } {
    if (this.#list) return this.#list;
    const m = this.#model;
    const out: SpComponent[] = [];
    let position = 1;
    const base = (id: string, name: string, description: string | null) => ({
      id,
      name,
      created_at: m.generatedAt,
      updated_at: m.generatedAt,
      description,
      showcase: true,
      start_date: null,
      page_id: this.page.id,
      only_show_if_degraded: false,
    });
    const member = (c: ComponentModel, groupId: string | null): SpComponent => ({
      ...base(c.id, c.name, c.description),
      status: componentStatus(c),
      position: position++,
      group_id: groupId,
      group: false,
      cairn_status: c.status,
      ...(c.dependsOn.length > 0 ? { cairn_depends_on: c.dependsOn } : {}),
      ...(c.affectedBy.length > 0 ? { cairn_affected_by: c.affectedBy.map((r) => ({ id: r.id, name: r.name, status: STATUSPAGE_WORDS[r.state].component })) } : {}),
    });
    const models = new Map<string, ComponentModel>();
    // The first of an id, as `find` would give.
    for (const c of m.components) if (!models.has(c.id)) models.set(c.id, c);
    for (const g of m.groups) {
      const members = g.components.map((id) => models.get(id)).filter((c): c is ComponentModel => !!c);
      out.push({ ...base(`group-${g.id}`, g.name, g.description), status: STATUSPAGE_WORDS[g.state].component, position: position++, group_id: null, group: true, components: members.map((c) => c.id) });
      for (const c of members) out.push(member(c, `group-${g.id}`));
    }
    for (const id of m.ungrouped) {
      const c = models.get(id);
      if (c) out.push(member(c, null));
    }
    const byId = new Map<string, SpComponent>();
    for (const c of out) if (!byId.has(c.id)) byId.set(c.id, c);
    this.#list = { list: out, byId };
    return this.#list;
  }

  /**
   * The page's state (the worst component's): the indicator in Statuspage's words, the
   * description in the page's own (the banner's sentence). Open incidents are listed in
   * `incidents`; they do not change the state the page shows.
   */
  status(): { indicator: Indicator; description: string } {
    const state = this.#model.state;
    return { indicator: STATUSPAGE_WORDS[state].indicator, description: STATE_WORDS.en[state].page };
  }

  #componentsById(ids: readonly string[]): SpComponent[] {
    const { byId } = this.#components();
    return ids.map((id) => byId.get(id)).filter((c): c is SpComponent => !!c);
  }

  incident(i: IncidentModel): SpIncident {
    const id = stableId(`incident:${i.id}`);
    const updates = i.updates.map((u, n) => ({
      id: stableId(`update:${i.id}:${i.updates.length - n}`),
      status: u.status,
      body: u.text,
      incident_id: id,
      created_at: u.at,
      updated_at: u.at,
      display_at: u.at,
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    }));
    const monitoring = [...i.updates].reverse().find((u) => u.status === 'monitoring');
    return {
      id,
      name: i.title,
      status: i.status,
      created_at: i.detectedAt,
      updated_at: i.updates[0]?.at ?? i.resolvedAt ?? i.detectedAt,
      monitoring_at: monitoring?.at ?? null,
      resolved_at: i.resolvedAt,
      impact: i.impact,
      shortlink: `${this.#pageUrl}incidents/${i.id}/`,
      started_at: i.startedAt,
      page_id: this.page.id,
      incident_updates: updates,
      components: this.#componentsById(i.components),
    };
  }

  incidents(): SpIncident[] {
    return this.#model.incidents.slice(0, 50).map((i) => this.incident(i));
  }

  unresolvedIncidents(): SpIncident[] {
    return this.#model.incidents.filter((i) => i.resolvedAt === null).map((i) => this.incident(i));
  }

  maintenance(o: MaintenanceModel, state: 'scheduled' | 'in_progress' | 'completed'): SpMaintenance {
    const id = stableId(`maintenance:${o.id}`);
    const body = o.description ?? `${o.title}: scheduled maintenance.`;
    const update = (status: string, at: string, n: number): SpIncidentUpdate => ({
      id: stableId(`maintenance-update:${o.id}:${n}`),
      status,
      body,
      incident_id: id,
      created_at: at,
      updated_at: at,
      display_at: at,
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    });
    // Dated by the model (announced 30 days ahead, started, ended): stable across builds, never in the future.
    const updates = [update('scheduled', o.announcedAt, 0)];
    if (state !== 'scheduled') updates.unshift(update('in_progress', o.start, 1));
    if (state === 'completed') updates.unshift(update('completed', o.end, 2));
    return {
      id,
      name: o.title,
      status: state,
      created_at: updates[updates.length - 1]!.created_at,
      updated_at: updates[0]!.created_at,
      monitoring_at: null,
      resolved_at: state === 'completed' ? o.end : null,
      impact: 'maintenance',
      shortlink: `${this.#pageUrl}maintenance/`,
      started_at: o.start,
      page_id: this.page.id,
      incident_updates: updates,
      components: this.#componentsById(o.components),
      scheduled_for: o.start,
      scheduled_until: o.end,
    };
  }

  upcomingMaintenances(): SpMaintenance[] {
    return this.#model.maintenance.upcoming.map((o) => this.maintenance(o, 'scheduled'));
  }

  activeMaintenances(): SpMaintenance[] {
    return this.#model.maintenance.active.map((o) => this.maintenance(o, 'in_progress'));
  }

  scheduledMaintenances(): SpMaintenance[] {
    return [
      ...this.upcomingMaintenances(),
      ...this.activeMaintenances(),
      ...this.#model.maintenance.past.slice(0, 50).map((o) => this.maintenance(o, 'completed')),
    ];
  }

  /** The documents, by path under /api/v2/. */
  documents(): Record<string, unknown> {
    const page = this.page;
    return {
      'summary.json': {
        page,
        components: this.components(),
        incidents: this.unresolvedIncidents(),
        scheduled_maintenances: [...this.activeMaintenances(), ...this.upcomingMaintenances()],
        status: this.status(),
      },
      'status.json': { page, status: this.status() },
      'components.json': { page, components: this.components() },
      'incidents.json': { page, incidents: this.incidents() },
      'incidents/unresolved.json': { page, incidents: this.unresolvedIncidents() },
      'scheduled-maintenances.json': { page, scheduled_maintenances: this.scheduledMaintenances() },
      'scheduled-maintenances/upcoming.json': { page, scheduled_maintenances: this.upcomingMaintenances() },
      'scheduled-maintenances/active.json': { page, scheduled_maintenances: this.activeMaintenances() },
    };
  }
}
