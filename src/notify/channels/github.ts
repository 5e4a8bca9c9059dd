/**
 * GitHub issues for teams that live in GitHub: an alert or incident opens an issue, updates
 * comment on it, the resolve comments and closes it. The issue number of each open alert is
 * kept in the channel's memory (committed state). Reminders and maintenance notices are skipped.
 */
import type { ChannelSettings } from '../../config/notify-types.ts';
import type { Channel } from '../channel.ts';
import { sendHttp, type DeliveryEnv, type HttpOutcome } from '../delivery.ts';
import type { NotificationEvent } from '../events.ts';
import { factsOf, statusWord, titleOf, type SiteInfo } from '../format.ts';

type Settings = Extract<ChannelSettings, { type: 'github' }>;

export function issueBody(event: NotificationEvent, site: SiteInfo): string {
  const link = event.url ?? site.url;
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `**${statusWord(event)}** · \`${event.type}\` · ${new Date(event.at).toISOString()}`,
    '',
    event.text,
    '',
    '| | |',
    '| --- | --- |',
    ...factsOf(event).map((f) => `| ${cell(f.name)} | ${cell(f.value)} |`),
    '',
    ...(link ? [`[Status page](${link})`, ''] : []),
    `<!-- cairn:${event.key} -->`,
  ].join('\n');
}

function api(settings: Settings, token: string, env: DeliveryEnv) {
  return (method: 'POST' | 'PATCH', path: string, body: unknown): Promise<HttpOutcome> =>
    sendHttp(
      {
        url: `${settings.apiUrl}/repos/${settings.repo}${path}`,
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify(body),
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
        retry403WithRetryAfter: true,
      },
      env,
    );
}

export function githubChannel(settings: Settings): Channel {
  return {
    name: settings.name,
    type: 'github',
    async send(event, ctx) {
      if (ctx.purpose === 'reminder') return { status: 'skipped', attempts: 0, detail: 'the open issue is the reminder' };
      if (event.type.startsWith('maintenance.')) return { status: 'skipped', attempts: 0, detail: 'a maintenance notice is not an issue' };
      const token = settings.token ?? ctx.processEnv['GITHUB_TOKEN'];
      if (!token) return { status: 'failed', attempts: 0, detail: 'no token: set "token" or the GITHUB_TOKEN environment variable' };
      const call = api(settings, token, ctx.env);
      let attempts = 0;
      const fail = (o: HttpOutcome, what: string) => ({ status: 'failed' as const, attempts: attempts + o.attempts, detail: `${what}: ${o.detail}` });
      // An escalation comments on the incident's issue (or opens it, as the incident's issue).
      const key = event.details.kind === 'escalation' ? `incident:${event.details.file}` : event.key;
      const existing = typeof ctx.memory[key] === 'number' ? (ctx.memory[key] as number) : null;
      const body = issueBody(event, ctx.site);

      if (event.action !== 'resolve' && existing === null) {
        const created = await call('POST', '/issues', { title: `[${statusWord(event)}] ${titleOf(event)}`, body, labels: settings.labels });
        if (!created.ok) return fail(created, 'opening the issue');
        attempts += created.attempts;
        const number = (JSON.parse(created.body) as { number?: unknown }).number;
        if (typeof number !== 'number') return { status: 'failed', attempts, detail: 'GitHub answered without an issue number' };
        if (event.type !== 'test') {
          ctx.memory[key] = number;
          return { status: 'sent', attempts, detail: `issue #${number} opened` };
        }
        const closed = await call('PATCH', `/issues/${number}`, { state: 'closed', state_reason: 'completed' });
        return closed.ok ? { status: 'sent', attempts: attempts + closed.attempts, detail: `test issue #${number} opened and closed` } : fail(closed, `closing test issue #${number}`);
      }
      if (existing === null) return { status: 'skipped', attempts: 0, detail: 'no open issue for this alert' };
      const commented = await call('POST', `/issues/${existing}/comments`, { body });
      if (!commented.ok) return fail(commented, `commenting on issue #${existing}`);
      attempts += commented.attempts;
      if (event.action !== 'resolve') return { status: 'sent', attempts, detail: `commented on issue #${existing}` };
      const closed = await call('PATCH', `/issues/${existing}`, { state: 'closed', state_reason: 'completed' });
      if (!closed.ok) return fail(closed, `closing issue #${existing}`);
      delete ctx.memory[key];
      return { status: 'sent', attempts: attempts + closed.attempts, detail: `issue #${existing} closed` };
    },
  };
}
