/**
 * Incidents: what a status page says during and after an outage. Statuspage's timeline
 * (investigating → identified → monitoring → resolved → postmortem) and impact levels, stored as
 * markdown files with front matter in the status repo's `incidents/` folder.
 */
export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Severity follows impact unless the file says otherwise: critical P1, major P2, minor P3, none P4. */
export const SEVERITY_OF_IMPACT: Record<Impact, Severity> = { critical: 'P1', major: 'P2', minor: 'P3', none: 'P4' };

export interface IncidentUpdate {
  /** Epoch ms. */
  at: number;
  status: UpdateStatus;
  text: string;
}

/** The response steps of every incident, in order: the checklist written into each new incident file. */
export const RESPONSE_STEPS = ['acknowledge', 'triage', 'mitigate', 'resolve', 'postmortem'] as const;
export type ResponseStep = (typeof RESPONSE_STEPS)[number];

/** Where an acknowledgement came from: the file (a person wrote it), PagerDuty or the GitHub issue. */
export const ACK_SOURCES = ['file', 'pagerduty', 'github'] as const;
export type AckSource = (typeof ACK_SOURCES)[number];

export interface Acknowledgement {
  /** Epoch ms. */
  at: number;
  /** Who acknowledged: a name, a PagerDuty user, a GitHub login. */
  by: string;
  via: AckSource;
}

/** One line of the response checklist (`- [x] Acknowledge …` under `## Response checklist`). */
export interface ChecklistItem {
  /** The response step it names (by its first word), or null for a step a person added. */
  step: ResponseStep | null;
  text: string;
  done: boolean;
}

export const ACTION_STATES = ['open', 'done', 'dropped'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** A follow-up action item (`actions:` in the front matter). */
export interface ActionItem {
  title: string;
  owner: string | null;
  /** `YYYY-MM-DD`, or null. */
  due: string | null;
  state: ActionState;
}

export interface Incident {
  /** The file name without `.md`; stable, used in URLs. */
  id: string;
  /** Path relative to the status repo. */
  file: string;
  title: string;
  impact: Impact;
  severity: Severity;
  components: string[];
  /** Opened by Cairn (the run may update it); false for hand-written incidents. */
  auto: boolean;
  /** When the problem started: the first failing sample for automatic incidents. */
  startedAt: number;
  /** When the incident was opened (detection). */
  detectedAt: number;
  /** When it was resolved; null while open. */
  resolvedAt: number | null;
  /** Oldest first. */
  updates: IncidentUpdate[];
  /** The markdown below the front matter (without the response checklist): details, the postmortem. */
  body: string;
  /** Who leads the response; null: nobody named yet. */
  owner: string | null;
  /** When and by whom the incident was acknowledged; null: not yet. */
  acknowledged: Acknowledgement | null;
  /** The response checklist, in file order; empty when the file has none. */
  checklist: ChecklistItem[];
  /** Follow-up action items, in file order. */
  actions: ActionItem[];
}

/** The current state of an incident: its latest timeline status, resolved once resolvedAt is set. */
export function incidentStatus(incident: Incident): UpdateStatus {
  if (incident.resolvedAt !== null) {
    return incident.updates.some((u) => u.status === 'postmortem') ? 'postmortem' : 'resolved';
  }
  const last = [...incident.updates].reverse().find((u) => u.status !== 'postmortem');
  return last?.status ?? 'investigating';
}
