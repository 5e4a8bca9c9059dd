/**
 * Incident response as a procedure: the response targets of an incident's severity (from
 * `incidents.response`, defaults in src/config/incident-response.ts), whether they were met, and
 * the response checklist written into each new incident file. Pure; every output reads these.
 *
 * - acknowledgement due = detected + the severity's `acknowledge` target
 * - time to acknowledge = acknowledged − detected (never below 0)
 * - target met: acknowledged by the due time, or resolved by it without one; missed: acknowledged
 *   or resolved later, or still open past it; pending: open, inside the target
 * - postmortem due = resolved + the severity's `postmortem` time (none for severities without one);
 *   done when the incident has a `postmortem` update or its checklist's postmortem step is checked
 */
import type { IncidentResponseSettings, SeverityResponse } from '../config/incident-response.ts';
import { formatDuration } from '../config/schema.ts';
import { CHECKLIST_HEADING } from './parse.ts';
import type { Incident, ResponseStep, Severity } from './types.ts';

export type TargetOutcome = 'met' | 'missed' | 'pending';

export function responseOf(settings: IncidentResponseSettings, severity: Severity): SeverityResponse {
  return settings[severity];
}

export function acknowledgeDueAt(incident: Pick<Incident, 'detectedAt' | 'severity'>, settings: IncidentResponseSettings): number {
  return incident.detectedAt + settings[incident.severity].acknowledgeMs;
}

export function timeToAcknowledgeMs(incident: Pick<Incident, 'detectedAt' | 'acknowledged'>): number | null {
  return incident.acknowledged ? Math.max(0, incident.acknowledged.at - incident.detectedAt) : null;
}

export function acknowledgeOutcome(incident: Pick<Incident, 'detectedAt' | 'severity' | 'acknowledged' | 'resolvedAt'>, settings: IncidentResponseSettings, now: number): TargetOutcome {
  const due = acknowledgeDueAt(incident, settings);
  if (incident.acknowledged) return incident.acknowledged.at <= due ? 'met' : 'missed';
  if (incident.resolvedAt !== null) return incident.resolvedAt <= due ? 'met' : 'missed';
  return now > due ? 'missed' : 'pending';
}

/** Whether an open incident's acknowledgement target has passed without one (what escalates). */
export function overdue(incident: Pick<Incident, 'detectedAt' | 'severity' | 'acknowledged' | 'resolvedAt'>, settings: IncidentResponseSettings, now: number): boolean {
  return incident.resolvedAt === null && incident.acknowledged === null && now > acknowledgeDueAt(incident, settings);
}

export function postmortemDone(incident: Pick<Incident, 'updates' | 'checklist'>): boolean {
  return incident.updates.some((u) => u.status === 'postmortem') || incident.checklist.some((c) => c.step === 'postmortem' && c.done);
}

/** When the postmortem of a resolved incident is due; null when its severity needs none or it is open. */
export function postmortemDueAt(incident: Pick<Incident, 'resolvedAt' | 'severity'>, settings: IncidentResponseSettings): number | null {
  const ms = settings[incident.severity].postmortemMs;
  return ms === null || incident.resolvedAt === null ? null : incident.resolvedAt + ms;
}

/** Steps done out of the checklist's steps. */
export function checklistProgress(incident: Pick<Incident, 'checklist'>): { done: number; total: number } {
  return { done: incident.checklist.filter((c) => c.done).length, total: incident.checklist.length };
}

const words = (ms: number) => {
  const d = formatDuration(ms);
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) return d;
  const unit = { ms: 'millisecond', s: 'second', m: 'minute', h: 'hour', d: 'day' }[m[2] as 'ms'] as string;
  return `${m[1]} ${unit}${m[1] === '1' ? '' : 's'}`;
};

/** The response steps with what each asks, for one severity. */
export function responseSteps(severity: Severity, settings: IncidentResponseSettings): { step: ResponseStep; text: string }[] {
  const r = settings[severity];
  return [
    { step: 'acknowledge', text: `Acknowledge within ${words(r.acknowledgeMs)}: set \`acknowledged\` (at, by) and \`owner\` in the front matter` },
    { step: 'triage', text: 'Triage: find the impact and the likely cause; correct `impact` or `severity` if needed' },
    { step: 'mitigate', text: 'Mitigate: stop the harm (roll back, fail over, scale), and post an update' },
    { step: 'resolve', text: 'Resolve: confirm the recovery and post a `resolved` update' },
    {
      step: 'postmortem',
      text:
        r.postmortemMs === null
          ? `Postmortem: optional for ${severity}; write it below, list the action items in \`actions\``
          : `Postmortem within ${words(r.postmortemMs)} of the resolution: write it below, add a \`postmortem\` update, list the action items in \`actions\``,
    },
  ];
}

/** The `## Response checklist` section written into a new incident file. */
export function renderChecklist(severity: Severity, settings: IncidentResponseSettings): string {
  return [CHECKLIST_HEADING, '', ...responseSteps(severity, settings).map((s) => `- [ ] ${s.text}`)].join('\n');
}
