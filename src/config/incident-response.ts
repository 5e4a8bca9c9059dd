/**
 * Incident response (`incidents.response:` in cairn.yaml), resolved: per severity, how soon an
 * incident must be acknowledged, who is told when that target passes without an acknowledgement,
 * and how soon after resolution a postmortem is due. The defaults are one table, read by every
 * output (the escalation, the incident page, the monthly report, the checklist in new files).
 */
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import { formatPath } from './yaml-source.ts';

export const RESPONSE_SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type ResponseSeverity = (typeof RESPONSE_SEVERITIES)[number];

export interface SeverityResponse {
  /** An incident of this severity is to be acknowledged within this time of its detection. */
  acknowledgeMs: number;
  /** Channels told once when the target passes unacknowledged; null: the routes matching `incident.escalated`. */
  escalateTo: string[] | null;
  /** A postmortem is due within this time of the resolution; null: none required. */
  postmortemMs: number | null;
}

export type IncidentResponseSettings = Record<ResponseSeverity, SeverityResponse>;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The defaults: P1 acknowledged within 15 minutes, P2 30 minutes, P3 2 hours, P4 24 hours; P1 and P2 need a postmortem within 5 days. */
export const DEFAULT_RESPONSE: IncidentResponseSettings = {
  P1: { acknowledgeMs: 15 * MINUTE, escalateTo: null, postmortemMs: 5 * DAY },
  P2: { acknowledgeMs: 30 * MINUTE, escalateTo: null, postmortemMs: 5 * DAY },
  P3: { acknowledgeMs: 2 * 60 * MINUTE, escalateTo: null, postmortemMs: null },
  P4: { acknowledgeMs: 24 * 60 * MINUTE, escalateTo: null, postmortemMs: null },
};

/** Resolves `incidents.response`; every `escalateTo` channel must be declared in `notifications.channels`. */
export function resolveIncidentResponse(files: readonly ValidFile[], channels: readonly string[], problems: Problems): IncidentResponseSettings {
  const file = files.find((f) => f.role === 'settings');
  const own = file?.config.incidents?.response;
  const out = structuredClone(DEFAULT_RESPONSE);
  if (!file || !own) return out;
  for (const sev of RESPONSE_SEVERITIES) {
    const s = own[sev];
    if (!s) continue;
    const escalateTo = s.escalateTo === undefined ? null : typeof s.escalateTo === 'string' ? [s.escalateTo] : s.escalateTo;
    (escalateTo ?? []).forEach((name, i) => {
      if (channels.includes(name)) return;
      const at = ['incidents', 'response', sev, 'escalateTo', ...(typeof s.escalateTo === 'string' ? [] : [i])];
      problems.error(file.locate(at), formatPath(at), `unknown channel "${name}" (declared: ${channels.join(', ') || 'none'})`);
    });
    out[sev] = {
      acknowledgeMs: s.acknowledge ?? out[sev].acknowledgeMs,
      escalateTo,
      postmortemMs: s.postmortem === undefined ? out[sev].postmortemMs : s.postmortem === false ? null : s.postmortem,
    };
  }
  return out;
}
