/**
 * Incidents in the model: each incident with its figures, and per month and component the
 * incident count, mean time to detect, mean time to resolve and downtime.
 *
 * - duration = resolved − started (open incidents: now − started)
 * - time to detect = detected − started (the first failing sample to the incident's opening)
 * - time to resolve = resolved − detected, so time to detect + time to resolve = duration
 * - MTTD, MTTR = means over the incidents that started in the month (MTTR over resolved ones)
 * - downtime = time the component was down in the month (the status timeline, gap rule applied),
 *   partial outages counted by the availability rule (src/model/availability.ts)
 */
import { DEFAULT_RESPONSE, type IncidentResponseSettings } from '../config/incident-response.ts';
import { acknowledgeDueAt, acknowledgeOutcome, postmortemDone, postmortemDueAt, timeToAcknowledgeMs, type TargetOutcome } from '../incidents/response.ts';
import { incidentStatus, type AckSource, type ActionItem, type ChecklistItem, type Incident, type IncidentUpdate, type UpdateStatus } from '../incidents/types.ts';
import { type Segment, tally } from './timeline.ts';
import { type AvailabilityRule, countedDowntimeMs } from './availability.ts';

export interface IncidentModel {
  id: string;
  title: string;
  impact: Incident['impact'];
  severity: Incident['severity'];
  status: UpdateStatus;
  components: string[];
  auto: boolean;
  startedAt: string;
  detectedAt: string;
  resolvedAt: string | null;
  durationMs: number;
  timeToDetectMs: number;
  /** resolved − detected; null while open. */
  timeToResolveMs: number | null;
  updates: { at: string; status: IncidentUpdate['status']; text: string }[];
  /** Markdown below the front matter. */
  body: string;
  /** The response (src/incidents/response.ts): owner, acknowledgement against its target, checklist, postmortem, action items. */
  response: IncidentResponseModel;
}

export interface IncidentResponseModel {
  owner: string | null;
  acknowledged: { at: string; by: string; via: AckSource } | null;
  /** Detection to acknowledgement, ms; null while unacknowledged. */
  timeToAcknowledgeMs: number | null;
  acknowledgeTargetMs: number;
  acknowledgeDueAt: string;
  /** Whether the acknowledgement target was met (as of the model's clock). */
  acknowledgeTarget: TargetOutcome;
  checklist: ChecklistItem[];
  /** The postmortem: null when the severity requires none and none was written. */
  postmortem: { dueAt: string | null; done: boolean; overdue: boolean } | null;
  actions: ActionItem[];
}

export interface MonthFigures {
  /** `YYYY-MM` (UTC). */
  month: string;
  incidents: number;
  /** Mean time to detect, ms; null without incidents. */
  mttdMs: number | null;
  /** Mean time to resolve, ms, over resolved incidents; null without any. */
  mttrMs: number | null;
  downtimeMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function responseModel(incident: Incident, now: number, response: IncidentResponseSettings = DEFAULT_RESPONSE): IncidentResponseModel {
  const pmDue = postmortemDueAt(incident, response);
  const pmDone = postmortemDone(incident);
  const required = response[incident.severity].postmortemMs !== null;
  return {
    owner: incident.owner,
    acknowledged: incident.acknowledged ? { at: iso(incident.acknowledged.at), by: incident.acknowledged.by, via: incident.acknowledged.via } : null,
    timeToAcknowledgeMs: timeToAcknowledgeMs(incident),
    acknowledgeTargetMs: response[incident.severity].acknowledgeMs,
    acknowledgeDueAt: iso(acknowledgeDueAt(incident, response)),
    acknowledgeTarget: acknowledgeOutcome(incident, response, now),
    checklist: incident.checklist.map((c) => ({ ...c })),
    postmortem: required || pmDone ? { dueAt: pmDue === null ? null : iso(pmDue), done: pmDone, overdue: !pmDone && pmDue !== null && now > pmDue } : null,
    actions: incident.actions.map((a) => ({ ...a })),
  };
}

export function incidentModel(incident: Incident, now: number, response: IncidentResponseSettings = DEFAULT_RESPONSE): IncidentModel {
  return {
    id: incident.id,
    title: incident.title,
    impact: incident.impact,
    severity: incident.severity,
    status: incidentStatus(incident),
    components: incident.components,
    auto: incident.auto,
    startedAt: iso(incident.startedAt),
    detectedAt: iso(incident.detectedAt),
    resolvedAt: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    durationMs: (incident.resolvedAt ?? now) - incident.startedAt,
    timeToDetectMs: incident.detectedAt - incident.startedAt,
    timeToResolveMs: incident.resolvedAt === null ? null : incident.resolvedAt - incident.detectedAt,
    updates: [...incident.updates].reverse().map((u) => ({ at: iso(u.at), status: u.status, text: u.text })),
    body: incident.body,
    response: responseModel(incident, now, response),
  };
}

const mean = (xs: number[]) => (xs.length === 0 ? null : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

/** UTC months `[start, end)` from the month of `from` to the month of `to`, oldest first. */
export function utcMonths(from: number, to: number): { month: string; start: number; end: number }[] {
  const out: { month: string; start: number; end: number }[] = [];
  const d = new Date(from);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  for (;;) {
    const start = Date.UTC(y, m, 1);
    if (start > to) break;
    const end = Date.UTC(y, m + 1, 1);
    out.push({ month: `${y}-${String(m + 1).padStart(2, '0')}`, start, end });
    m += 1;
    if (m === 12) {
      m = 0;
      y += 1;
    }
  }
  return out;
}

export function monthFigures(
  component: string,
  incidents: readonly Incident[],
  segments: readonly Segment[],
  months: readonly { month: string; start: number; end: number }[],
  now: number,
  rule: Pick<AvailabilityRule, 'partialOutage'>,
): MonthFigures[] {
  return months.map(({ month, start, end }) => {
    const inMonth = incidents.filter((i) => i.components.includes(component) && i.startedAt >= start && i.startedAt < end);
    const resolved = inMonth.filter((i) => i.resolvedAt !== null);
    return {
      month,
      incidents: inMonth.length,
      mttdMs: mean(inMonth.map((i) => i.detectedAt - i.startedAt)),
      mttrMs: mean(resolved.map((i) => (i.resolvedAt as number) - i.detectedAt)),
      downtimeMs: countedDowntimeMs(tally(segments, start, Math.min(end, now)), rule.partialOutage),
    };
  });
}
