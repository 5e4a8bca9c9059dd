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
  /** The markdown below the front matter: details, the postmortem. */
  body: string;
}

/** The current state of an incident: its latest timeline status, resolved once resolvedAt is set. */
export function incidentStatus(incident: Incident): UpdateStatus {
  if (incident.resolvedAt !== null) {
    return incident.updates.some((u) => u.status === 'postmortem') ? 'postmortem' : 'resolved';
  }
  const last = [...incident.updates].reverse().find((u) => u.status !== 'postmortem');
  return last?.status ?? 'investigating';
}
