/**
 * Acknowledgements read back from where responders acknowledge: PagerDuty (the incident Cairn
 * triggered with the alert's dedup_key, read through the REST API `GET /incidents?incident_key=`)
 * and GitHub (the issue Cairn opened for the incident: a comment starting with `/ack`, an
 * assignee, or the label `acknowledged`, read through the REST API). A scheduled run is
 * stateless, so it polls: each run asks about the open, unacknowledged incidents whose alert was
 * delivered to such a channel, and records what it finds into the incident file (front matter
 * `acknowledged: { at, by, via }`, and `owner` when none is named), through the YAML document so
 * every human edit survives. A failure to ask is a warning; nothing else depends on it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelSettings } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { parseIncident } from '../incidents/parse.ts';
import type { Acknowledgement, Incident } from '../incidents/types.ts';
import { updateIncidentText } from '../incidents/write.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { dedupKeyOf } from './channels/pagerduty.ts';
import { sendHttp, type DeliveryEnv } from './delivery.ts';
import type { NotifyState } from './state.ts';

/** The label on a GitHub issue that acknowledges its incident. */
export const ACK_LABEL = 'acknowledged';
/** A GitHub comment whose first line starts with this acknowledges the incident. */
export const ACK_COMMAND = /^\s*\/ack(nowledge(d)?)?\b/i;

export interface FoundAck {
  file: string;
  ack: Acknowledgement;
  /** Who to name as the owner when the file names none (PagerDuty's acknowledger, the GitHub assignee). */
  owner: string | null;
  channel: string;
}

type Pd = Extract<ChannelSettings, { type: 'pagerduty' }>;
type Gh = Extract<ChannelSettings, { type: 'github' }>;

interface PdIncident {
  status?: string;
  acknowledgements?: { at?: string; acknowledger?: { summary?: string } }[];
  assignments?: { at?: string; assignee?: { summary?: string } }[];
}

function json(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

/** PagerDuty: the earliest acknowledgement of the incident with the alert's incident_key. */
export async function pagerdutyAck(channel: Pd, alertKey: string, env: DeliveryEnv): Promise<{ ack: Omit<Acknowledgement, 'via'> | null; error: string | null }> {
  if (!channel.apiToken) return { ack: null, error: null };
  const url = `${channel.apiUrl}/incidents?incident_key=${encodeURIComponent(dedupKeyOf(alertKey))}&time_zone=UTC`;
  const res = await sendHttp(
    {
      url,
      method: 'GET',
      headers: { accept: 'application/vnd.pagerduty+json;version=2', authorization: `Token token=${channel.apiToken}`, 'content-type': 'application/json' },
      timeoutMs: channel.timeoutMs,
      retries: channel.retries,
    },
    env,
  );
  if (!res.ok) return { ack: null, error: `PagerDuty ${channel.name}: ${res.detail}` };
  const incidents = (json(res.body) as { incidents?: PdIncident[] } | null)?.incidents;
  if (!Array.isArray(incidents)) return { ack: null, error: `PagerDuty ${channel.name}: an answer without "incidents"` };
  const acks = incidents
    .flatMap((i) => i.acknowledgements ?? [])
    .map((a) => ({ at: Date.parse(a.at ?? ''), by: a.acknowledger?.summary ?? 'PagerDuty' }))
    .filter((a) => !Number.isNaN(a.at))
    .sort((a, b) => a.at - b.at);
  return { ack: acks[0] ?? null, error: null };
}

interface GhComment {
  body?: string;
  created_at?: string;
  user?: { login?: string };
}
interface GhEvent {
  event?: string;
  created_at?: string;
  actor?: { login?: string };
  assignee?: { login?: string };
  label?: { name?: string };
}

/** GitHub: the first `/ack` comment, assignment or `acknowledged` label on the incident's issue. */
export async function githubAck(
  channel: Gh,
  issue: number,
  env: DeliveryEnv,
  processEnv: Record<string, string | undefined>,
): Promise<{ ack: Omit<Acknowledgement, 'via'> | null; owner: string | null; error: string | null }> {
  const token = channel.token ?? processEnv['GITHUB_TOKEN'];
  if (!token) return { ack: null, owner: null, error: null };
  const get = (rel: string) =>
    sendHttp(
      {
        url: `${channel.apiUrl}/repos/${channel.repo}/issues/${issue}${rel}?per_page=100`,
        method: 'GET',
        headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28' },
        timeoutMs: channel.timeoutMs,
        retries: channel.retries,
        retry403WithRetryAfter: true,
      },
      env,
    );
  const [comments, events] = await Promise.all([get('/comments'), get('/events')]);
  if (!comments.ok) return { ack: null, owner: null, error: `GitHub ${channel.name}: issue #${issue} comments: ${comments.detail}` };
  if (!events.ok) return { ack: null, owner: null, error: `GitHub ${channel.name}: issue #${issue} events: ${events.detail}` };
  const candidates: { at: number; by: string; owner: string | null }[] = [];
  for (const c of (json(comments.body) as GhComment[] | null) ?? []) {
    if (ACK_COMMAND.test(c.body ?? '') && c.user?.login) candidates.push({ at: Date.parse(c.created_at ?? ''), by: c.user.login, owner: null });
  }
  let owner: string | null = null;
  for (const e of (json(events.body) as GhEvent[] | null) ?? []) {
    if (e.event === 'assigned' && e.assignee?.login) {
      owner ??= e.assignee.login;
      candidates.push({ at: Date.parse(e.created_at ?? ''), by: e.actor?.login ?? e.assignee.login, owner: e.assignee.login });
    }
    if (e.event === 'labeled' && e.label?.name?.toLowerCase() === ACK_LABEL && e.actor?.login) candidates.push({ at: Date.parse(e.created_at ?? ''), by: e.actor.login, owner: null });
  }
  const first = candidates.filter((c) => !Number.isNaN(c.at)).sort((a, b) => a.at - b.at)[0];
  return { ack: first ? { at: first.at, by: first.by } : null, owner: first?.owner ?? owner, error: null };
}

/**
 * Asks every channel that was told of an open, unacknowledged incident whether someone
 * acknowledged it. Incidents are keyed `incident:<file>` in the notification state.
 */
export async function findAcknowledgements(
  config: Pick<ResolvedConfig, 'notifications'>,
  incidents: readonly Incident[],
  state: Pick<NotifyState, 'alerts' | 'channelData'> & { observations?: Pick<NotifyState['observations'], 'escalated'> },
  env: DeliveryEnv,
  processEnv: Record<string, string | undefined>,
): Promise<{ found: FoundAck[]; errors: string[] }> {
  const found: FoundAck[] = [];
  const errors: string[] = [];
  const open = incidents.filter((i) => i.resolvedAt === null && i.acknowledged === null);
  await Promise.all(
    open.map(async (incident) => {
      const key = `incident:${incident.file}`;
      const answers: FoundAck[] = [];
      for (const channel of config.notifications.channels) {
        const toldPagerDuty = state.alerts[key]?.channels[channel.name]?.sentAt != null || state.observations?.escalated[incident.file] !== undefined;
        if (channel.type === 'pagerduty' && channel.apiToken && toldPagerDuty) {
          const r = await pagerdutyAck(channel, key, env);
          if (r.error) errors.push(r.error);
          if (r.ack) answers.push({ file: incident.file, ack: { ...r.ack, via: 'pagerduty' }, owner: r.ack.by, channel: channel.name });
        }
        const issue = channel.type === 'github' ? state.channelData[channel.name]?.[key] : undefined;
        if (channel.type === 'github' && typeof issue === 'number') {
          const r = await githubAck(channel, issue, env, processEnv);
          if (r.error) errors.push(r.error);
          if (r.ack) answers.push({ file: incident.file, ack: { ...r.ack, via: 'github' }, owner: r.owner, channel: channel.name });
        }
      }
      const first = answers.sort((a, b) => a.ack.at - b.ack.at)[0];
      if (first) found.push(first);
    }),
  );
  found.sort((a, b) => a.file.localeCompare(b.file));
  return { found, errors };
}

/** Records acknowledgements into their incident files (a file a person acknowledged or broke meanwhile is left alone). */
export async function recordAcknowledgements(dir: string, found: readonly FoundAck[]): Promise<FoundAck[]> {
  const written: FoundAck[] = [];
  for (const f of found) {
    const full = path.join(dir, f.file);
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch {
      continue;
    }
    const { incident } = parseIncident(f.file, text);
    if (!incident || incident.acknowledged) continue;
    await writeFileAtomic(full, updateIncidentText(text, { acknowledged: f.ack, ...(incident.owner === null && f.owner ? { owner: f.owner } : {}) }));
    written.push(f);
  }
  return written;
}
