/**
 * Escalation: an open incident whose acknowledgement target (`incidents.response`) passed
 * without an acknowledgement is told, once, to the next route: the severity's `escalateTo`
 * channels, or else the routes that take `incident.escalated` (by default, by its severity
 * raised one step: an incident that warned in chat now pages).
 *
 * Pure: the open incidents, what was escalated already (committed in the notification state's
 * observations), and the clock in; the notice events and the new memory out. The events go
 * through the outbox like every message, so a lost race sends nothing twice and each message has
 * a stable id.
 */
import type { NotifySeverity } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { acknowledgeDueAt, overdue } from '../incidents/response.ts';
import type { Incident, Severity } from '../incidents/types.ts';
import { labelsOf, siteLink, type NotificationEvent } from './events.ts';

/** The severity of an escalation: one step above the incident's alert (P1 and P2 page already). */
export const ESCALATION_SEVERITY: Record<Severity, NotifySeverity> = { P1: 'critical', P2: 'critical', P3: 'critical', P4: 'warning' };

type EscalationConfig = Pick<ResolvedConfig, 'components' | 'site' | 'incidents' | 'notifications'>;

const minutes = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`);

export function escalationEvents(
  config: EscalationConfig,
  incidents: readonly Incident[],
  escalated: Readonly<Record<string, number>>,
  now: number,
): { events: NotificationEvent[]; escalated: Record<string, number> } {
  const names = new Map(config.components.map((c) => [c.id, c.name]));
  const events: NotificationEvent[] = [];
  const next: Record<string, number> = {};
  for (const incident of incidents) {
    if (incident.resolvedAt !== null) continue; // forgotten once resolved: the memory stays bounded
    const before = escalated[incident.file];
    if (before !== undefined) {
      next[incident.file] = before;
      continue;
    }
    if (!overdue(incident, config.incidents.response, now)) continue;
    const response = config.incidents.response[incident.severity];
    const due = acknowledgeDueAt(incident, config.incidents.response);
    const comps = incident.components.map((c) => names.get(c) ?? c).join(', ');
    next[incident.file] = now;
    events.push({
      type: 'incident.escalated',
      action: 'notice',
      key: `escalation:${incident.file}`,
      severity: ESCALATION_SEVERITY[incident.severity],
      title: `Escalation: ${incident.severity} incident not acknowledged: ${incident.title}`,
      text: `${incident.title} (${incident.severity}${comps ? `, ${comps}` : ''}) was detected ${new Date(incident.detectedAt).toISOString()} and is not acknowledged after ${minutes(now - incident.detectedAt)}; the target is ${minutes(response.acknowledgeMs)}. Acknowledge it in ${incident.file}, in PagerDuty or on its GitHub issue.`,
      components: [...incident.components],
      labels: labelsOf(config, incident.components),
      at: now,
      url: siteLink(config, `incidents/${incident.id}/`),
      facts: [
        { name: 'Incident', value: incident.title },
        { name: 'Severity', value: incident.severity },
        { name: 'Detected', value: new Date(incident.detectedAt).toISOString() },
        { name: 'Acknowledgement due', value: new Date(due).toISOString() },
        { name: 'Owner', value: incident.owner ?? 'nobody yet' },
      ],
      details: {
        kind: 'escalation',
        file: incident.file,
        severity: incident.severity,
        detectedAt: new Date(incident.detectedAt).toISOString(),
        dueAt: new Date(due).toISOString(),
        targetMs: response.acknowledgeMs,
        owner: incident.owner,
      },
      ...(response.escalateTo ? { to: [...response.escalateTo] } : {}),
    });
  }
  return { events, escalated: next };
}
