/**
 * Incident response through the notifications, against real receivers on 127.0.0.1: escalation
 * once when an acknowledgement target passes (the clock passed in, never slept), and
 * acknowledgements read back from a fake PagerDuty REST API and a fake GitHub REST API that
 * speak the real shapes.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import type { Output } from '../cli/output.ts';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { applyAutoIncidents } from '../incidents/auto-run.ts';
import { loadIncidents } from '../incidents/store.ts';
import { acknowledgeFromChannels, decideNotifications, notifyAfterRound } from './notify.ts';
import { NOTIFY_STATE_FILE, readNotifyState } from './state.ts';
import { startReceiver, type Receiver, type Recorded } from './test-receivers.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const M = 60_000;
const PD_KEY = 'PDKEY000111222333444555666777888';
const PD_API = 'u+PDAPITOKEN0123456789';
const GH_TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyz';

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    github: false,
    color: false,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    data: (m) => void lines.push(m),
    summary: async () => undefined,
    protect: () => undefined,
  };
}

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-response-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const CHECKS = `checks:
  - { id: api, name: API, component: api, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: db, name: DB, component: db, kind: tcp, host: 127.0.0.1, port: 2 }
`;

function results(at: number, statuses: Record<string, CheckStatus>): CheckResult[] {
  return Object.entries(statuses).map(([id, status]) => ({
    id,
    kind: 'tcp',
    status,
    responseTimeMs: 10,
    error: status === 'up' ? null : `${id} refused`,
    checkedAt: new Date(at).toISOString(),
    attempts: 1,
  }));
}

const fastEnv = { sleep: async () => undefined, baseDelayMs: 1, maxDelayMs: 5000 };

const incidentFile = (title: string, impact: string, extra = '') => `---
title: ${title}
impact: ${impact}
components: [api]
started: 2026-11-24T10:00:00Z
${extra}updates:
  - at: 2026-11-24T10:00:00Z
    status: investigating
    text: Looking.
---
`;

/** PagerDuty's REST API, as much of it as Cairn reads: `GET /incidents?incident_key=`. */
interface FakePagerDuty {
  acks: Map<string, { at: string; by: string }>;
}
function pagerdutyApi(rx: Receiver, prefix: string): FakePagerDuty {
  const acks = new Map<string, { at: string; by: string }>();
  rx.fallback(`${prefix}/`, (req) => {
    if (req.headers['authorization'] !== `Token token=${PD_API}`) return { status: 401, body: '{"error":{"message":"Unauthorized","code":2006}}' };
    const url = new URL(req.path, 'http://x');
    if (req.method !== 'GET' || !url.pathname.endsWith('/incidents')) return { status: 404, body: '{"error":{"message":"Not Found","code":2100}}' };
    const key = url.searchParams.get('incident_key') ?? '';
    const ack = acks.get(key);
    const incident = {
      id: 'PT4KHLK',
      type: 'incident',
      incident_number: 1234,
      title: 'Incident: API: major outage',
      incident_key: key,
      status: ack ? 'acknowledged' : 'triggered',
      urgency: 'high',
      created_at: '2026-11-24T10:00:05Z',
      assignments: [{ at: '2026-11-24T10:00:05Z', assignee: { id: 'PXPGF42', type: 'user_reference', summary: 'Earline Greenholt' } }],
      acknowledgements: ack ? [{ at: ack.at, acknowledger: { id: 'PXPGF42', type: 'user_reference', summary: ack.by } }] : [],
      service: { id: 'PIJ90N7', type: 'service_reference', summary: 'Status' },
    };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ incidents: key ? [incident] : [], limit: 25, offset: 0, total: null, more: false }) };
  });
  return { acks };
}

/** GitHub's REST API for issues: open one, comment, close; list its comments and events. */
interface FakeGitHub {
  comments: Map<number, { body: string; login: string; at: string }[]>;
  events: Map<number, { event: string; login: string; at: string; assignee?: string; label?: string }[]>;
}
function githubApi(rx: Receiver, prefix: string, repoName: string): FakeGitHub {
  const comments = new Map<number, { body: string; login: string; at: string }[]>();
  const events = new Map<number, { event: string; login: string; at: string; assignee?: string; label?: string }[]>();
  let next = 7;
  rx.fallback(`${prefix}/`, (req: Recorded) => {
    if (req.headers['authorization'] !== `Bearer ${GH_TOKEN}`) return { status: 401, body: '{"message":"Bad credentials"}' };
    const p = new URL(req.path, 'http://x').pathname.slice(prefix.length);
    const base = `/repos/${repoName}/issues`;
    if (req.method === 'POST' && p === base) return { status: 201, body: JSON.stringify({ number: next++, state: 'open' }) };
    const m = new RegExp(`^${base}/(\\d+)(/comments|/events)?$`).exec(p);
    if (!m) return { status: 404, body: '{"message":"Not Found"}' };
    const n = Number(m[1]);
    if (req.method === 'GET' && m[2] === '/comments') {
      const list = (comments.get(n) ?? []).map((c, i) => ({ id: 100 + i, body: c.body, user: { login: c.login, type: 'User' }, created_at: c.at, updated_at: c.at }));
      return { status: 200, body: JSON.stringify(list) };
    }
    if (req.method === 'GET' && m[2] === '/events') {
      const list = (events.get(n) ?? []).map((e, i) => ({
        id: 200 + i,
        event: e.event,
        actor: { login: e.login },
        created_at: e.at,
        ...(e.assignee ? { assignee: { login: e.assignee } } : {}),
        ...(e.label ? { label: { name: e.label, color: 'ededed' } } : {}),
      }));
      return { status: 200, body: JSON.stringify(list) };
    }
    if (req.method === 'POST' && m[2] === '/comments') return { status: 201, body: '{"id":1}' };
    if (req.method === 'PATCH' && !m[2]) return { status: 200, body: '{"state":"closed"}' };
    return { status: 404, body: '{"message":"Not Found"}' };
  });
  return { comments, events };
}

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
  rx.fallback('/pd/enqueue', () => ({ status: 202, body: '{"status":"success","dedup_key":"x"}' }));
});
afterAll(async () => {
  await rx.close();
});

async function setup(settings: string, files: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ResolvedConfig> {
  const dir = await repo({ 'cairn.yaml': `site:\n  title: Acme Status\n  baseUrl: https://status.acme.test/\n${settings}`, 'checks/a.yaml': CHECKS, ...files });
  return loadConfig(dir, { env: { PD_KEY, PD_API, GH_TOKEN, ...env } });
}

describe('escalation when an acknowledgement target passes', () => {
  it('tells the next route once, from the committed state, and never an acknowledged incident', async () => {
    const hook = `${rx.url}/lead-${Math.random().toString(36).slice(2)}`;
    const slack = `${rx.url}/chat-${Math.random().toString(36).slice(2)}/T1/B1/x`;
    const config = await setup(
      `incidents:
  auto: false
  response:
    P2: { acknowledge: 30m, escalateTo: lead }
notifications:
  channels:
    chat: { type: slack, url: "${slack}" }
    lead: { type: webhook, url: "${hook}", secret: "s3cret-signing" }
`,
      {
        'incidents/2026-11-24-api.md': incidentFile('API errors', 'major'),
        'incidents/2026-11-24-slow.md': incidentFile('API slow', 'minor'),
        'incidents/2026-11-24-acked.md': incidentFile('API acked', 'major', 'acknowledged: { at: 2026-11-24T10:05:00Z, by: dana }\n'),
      },
    );
    const lead = () => rx.requests.filter((r) => r.path === new URL(hook).pathname);
    const chat = () => rx.requests.filter((r) => r.path.startsWith(new URL(slack).pathname.split('/T1')[0] as string));
    const run = async (minutes: number) => {
      const [l, c] = [lead().length, chat().length];
      const out = capture();
      const { incidents: files } = await acknowledgeFromChannels(config, out);
      await notifyAfterRound(config, { results: results(T0 + minutes * M, { api: 'up', db: 'up' }), incidents: [], files }, out, { now: T0 + minutes * M, env: fastEnv });
      return { lead: lead().slice(l), chat: chat().slice(c), out };
    };

    expect((await run(10)).lead).toEqual([]);
    expect((await run(30)).lead).toEqual([]); // at the target, not past it
    const passed = await run(31);
    expect(passed.lead).toHaveLength(1);
    const sent = passed.lead[0]!.json as { type: string; id: string; event: { title: string; key: string } };
    expect(passed.lead[0]!.headers['x-cairn-event']).toBe('incident.escalated');
    expect(JSON.stringify(sent)).toContain('Escalation: P2 incident not acknowledged: API errors');
    expect(JSON.stringify(sent)).not.toContain('API acked');
    expect(passed.chat).toEqual([]); // escalateTo replaces the routes
    for (const m of [45, 60, 119]) expect((await run(m)).lead).toEqual([]);
    // The P3 (minor) has no escalateTo: the routes take it, raised to critical (the default
    // routing gives critical to chat and to webhooks).
    const p3 = await run(121);
    expect(p3.lead).toHaveLength(1);
    expect(p3.chat.map((r) => (r.json as { text: string }).text)).toEqual(['[CRITICAL] Escalation: P3 incident not acknowledged: API slow']);
    expect((await run(180)).chat).toEqual([]);
    const state = await readNotifyState(config.dir);
    expect(Object.keys(state.observations.escalated).sort()).toEqual(['incidents/2026-11-24-api.md', 'incidents/2026-11-24-slow.md']);

    // Resolved incidents are forgotten (the memory stays bounded).
    const file = path.join(config.dir, 'incidents/2026-11-24-api.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('updates:', 'resolved: 2026-11-24T13:00:00Z\nupdates:'));
    await run(200);
    expect(Object.keys((await readNotifyState(config.dir)).observations.escalated)).toEqual(['incidents/2026-11-24-slow.md']);
  });

  it('a run that lost the race decides again from the winner’s state: the same message, with the same id, or nothing', async () => {
    const config = await setup(
      `incidents: { auto: false }
notifications:
  channels:
    lead: { type: webhook, url: "${rx.url}/race", secret: "s3cret-signing" }
  routes:
    - { events: [incident.escalated], channels: [lead] }
`,
      { 'incidents/2026-11-24-api.md': incidentFile('API errors', 'critical') },
    );
    const { incidents: files } = await loadIncidents(config);
    const stateFile = path.join(config.dir, NOTIFY_STATE_FILE);
    const now = T0 + 16 * M;
    const round = { results: results(now, { api: 'up', db: 'up' }), incidents: [], files };
    // Run A decides; run B decides from the same committed state (no state yet) with the same clock.
    const a = await decideNotifications(config, round, { now, run: 'run-a' });
    const stateA = await readNotifyState(config.dir);
    await copyFile(stateFile, `${stateFile}.a`);
    await writeFile(stateFile, '{"v":1}\n');
    const b = await decideNotifications(config, round, { now, run: 'run-b' });
    const stateB = await readNotifyState(config.dir);
    expect([a.owed, b.owed]).toEqual([1, 1]);
    expect(stateB.outbox.map((m) => m.id)).toEqual(stateA.outbox.map((m) => m.id));
    // Run A's state won the push; B decides again from it: nothing new is owed.
    await copyFile(`${stateFile}.a`, stateFile);
    const again = await decideNotifications(config, round, { now: now + M, run: 'run-b' });
    expect(again.events.filter((e) => e.type === 'incident.escalated')).toEqual([]);
  });
});

describe('escalation to PagerDuty, acknowledged there', () => {
  it('a hand-written incident escalates onto its own PagerDuty incident, whose acknowledgement comes back into the file', async () => {
    const pd = pagerdutyApi(rx, '/pdapi3');
    const config = await setup(
      `incidents:
  auto: false
  response:
    P3: { escalateTo: pager }
notifications:
  channels:
    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd/enqueue", apiToken: "\${PD_API}", apiUrl: "${rx.url}/pdapi3" }
`,
      { 'incidents/2026-11-24-slow.md': incidentFile('API slow', 'minor') },
    );
    const key = 'cairn/incident:incidents/2026-11-24-slow.md';
    const out = capture();
    const run = async (minutes: number) => {
      const { incidents: files } = await acknowledgeFromChannels(config, out);
      return notifyAfterRound(config, { results: results(T0 + minutes * M, { api: 'up', db: 'up' }), incidents: [], files }, out, { now: T0 + minutes * M, env: fastEnv });
    };
    const triggers = () => rx.requests.filter((r) => r.path === '/pd/enqueue' && (r.json as { dedup_key: string }).dedup_key === key);
    await run(60);
    expect(triggers()).toEqual([]);
    await run(121);
    expect(triggers().map((r) => (r.json as { event_action: string; payload: { class: string } }).payload.class)).toEqual(['incident.escalated']);
    pd.acks.set(key, { at: '2026-11-24T12:05:00Z', by: 'Earline Greenholt' });
    await run(130);
    const text = await readFile(path.join(config.dir, 'incidents/2026-11-24-slow.md'), 'utf8');
    expect(text).toMatch(/acknowledged:\n {2}at: 2026-11-24T12:05:00Z\n {2}by: Earline Greenholt\n {2}via: pagerduty/);
    expect(triggers()).toHaveLength(1);
  });
});

describe('acknowledgements read back', () => {
  it('from PagerDuty (REST API) and from the GitHub issue: recorded into the file, so nothing escalates', async () => {
    const pd = pagerdutyApi(rx, '/pdapi');
    const gh = githubApi(rx, '/gh', 'acme/status');
    const config = await setup(`incidents: { auto: true }
notifications:
  channels:
    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd/enqueue", apiToken: "\${PD_API}", apiUrl: "${rx.url}/pdapi" }
    issues: { type: github, repo: acme/status, token: "\${GH_TOKEN}", apiUrl: "${rx.url}/gh" }
`);
    const out = capture();
    const applied = await applyAutoIncidents(config, results(T0, { api: 'down', db: 'up' }), T0);
    expect(applied.map((a) => a.file)).toEqual(['incidents/2026-11-24-api.md']);
    const before = await acknowledgeFromChannels(config, out);
    expect(before.acknowledged).toEqual([]); // nobody was told yet: nothing asked
    await notifyAfterRound(config, { results: results(T0, { api: 'down', db: 'up' }), incidents: applied, files: before.incidents }, out, { now: T0, env: fastEnv });
    const key = 'cairn/incident:incidents/2026-11-24-api.md';
    expect(rx.requests.some((r) => r.path === '/pd/enqueue' && (r.json as { dedup_key: string }).dedup_key === key)).toBe(true);
    const state = await readNotifyState(config.dir);
    expect(state.channelData['issues']?.['incident:incidents/2026-11-24-api.md']).toBe(7);

    // Not acknowledged anywhere yet: asked, nothing found.
    const asked = rx.requests.length;
    expect((await acknowledgeFromChannels(config, out)).acknowledged).toEqual([]);
    const polls = rx.requests.slice(asked);
    const pdPoll = polls.find((r) => r.path.startsWith('/pdapi/'));
    expect(pdPoll?.method).toBe('GET');
    expect(new URL(pdPoll!.path, 'http://x').searchParams.get('incident_key')).toBe(key);
    expect(pdPoll?.headers['accept']).toBe('application/vnd.pagerduty+json;version=2');
    expect(polls.filter((r) => r.path.startsWith('/gh/')).map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /gh/repos/acme/status/issues/7/comments?per_page=100',
      'GET /gh/repos/acme/status/issues/7/events?per_page=100',
    ]);

    // Someone comments "/ack" on the issue at 10:09; PagerDuty's acknowledge came earlier, at 10:07.
    gh.comments.set(7, [{ body: 'Looking at it\n', login: 'octocat', at: '2026-11-24T10:08:00Z' }, { body: '/ack taking this', login: 'octocat', at: '2026-11-24T10:09:00Z' }]);
    pd.acks.set(key, { at: '2026-11-24T10:07:00Z', by: 'Earline Greenholt' });
    const got = await acknowledgeFromChannels(config, out);
    expect(got.acknowledged.map((a) => [a.file, a.ack.via, a.ack.by])).toEqual([['incidents/2026-11-24-api.md', 'pagerduty', 'Earline Greenholt']]);
    const incident = got.incidents.find((i) => i.file === 'incidents/2026-11-24-api.md');
    expect(incident?.acknowledged).toEqual({ at: Date.parse('2026-11-24T10:07:00Z'), by: 'Earline Greenholt', via: 'pagerduty' });
    expect(incident?.owner).toBe('Earline Greenholt');
    expect(incident?.checklist.find((c) => c.step === 'acknowledge')?.done).toBe(true);
    expect(out.lines.join('\n')).not.toContain(PD_API);

    // Acknowledged: nothing is asked any more, and the P1 target passing escalates nothing.
    const n = rx.requests.length;
    const after = await acknowledgeFromChannels(config, out);
    expect(rx.requests.slice(n).filter((r) => r.path.startsWith('/pdapi') || r.path.startsWith('/gh'))).toEqual([]);
    const report = await notifyAfterRound(config, { results: results(T0 + 20 * M, { api: 'down', db: 'up' }), incidents: [], files: after.incidents }, out, { now: T0 + 20 * M, env: fastEnv });
    expect(report.events.filter((e) => e.type === 'incident.escalated')).toEqual([]);
  });

  it('from the GitHub issue alone: the first /ack comment, assignment or "acknowledged" label; the assignee becomes the owner', async () => {
    const gh = githubApi(rx, '/ghops', 'acme/ops');
    const config = await setup(`notifications:
  channels:
    issues: { type: github, repo: acme/ops, token: "\${GH_TOKEN}", apiUrl: "${rx.url}/ghops" }
`);
    const out = capture();
    const applied = await applyAutoIncidents(config, results(T0, { api: 'down', db: 'up' }), T0);
    await notifyAfterRound(config, { results: results(T0, { api: 'down', db: 'up' }), incidents: applied }, out, { now: T0, env: fastEnv });
    gh.events.set(7, [
      { event: 'labeled', login: 'octocat', at: '2026-11-24T10:20:00Z', label: 'incident' },
      { event: 'assigned', login: 'octocat', at: '2026-11-24T10:12:00Z', assignee: 'hubot' },
      { event: 'labeled', login: 'monalisa', at: '2026-11-24T10:11:00Z', label: 'acknowledged' },
    ]);
    gh.comments.set(7, [{ body: 'Ack, I think', login: 'x', at: '2026-11-24T10:01:00Z' }]);
    const got = await acknowledgeFromChannels(config, out);
    expect(got.acknowledged.map((a) => [a.ack.via, a.ack.by, new Date(a.ack.at).toISOString(), a.owner])).toEqual([['github', 'monalisa', '2026-11-24T10:11:00.000Z', 'hubot']]);
    const text = await readFile(path.join(config.dir, 'incidents/2026-11-24-api.md'), 'utf8');
    expect(text).toMatch(/acknowledged:\n {2}at: 2026-11-24T10:11:00Z\n {2}by: monalisa\n {2}via: github/);
    expect(text).toContain('owner: hubot');
  });

  it('a channel that cannot be asked is a warning, and the run goes on', async () => {
    const config = await setup(`notifications:
  channels:
    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd/enqueue", apiToken: "wrong-token-123456", apiUrl: "${rx.url}/pdapi" }
`);
    const out = capture();
    const applied = await applyAutoIncidents(config, results(T0, { api: 'down', db: 'up' }), T0);
    await notifyAfterRound(config, { results: results(T0, { api: 'down', db: 'up' }), incidents: applied }, out, { now: T0, env: fastEnv });
    const got = await acknowledgeFromChannels(config, out, { env: fastEnv });
    expect(got.acknowledged).toEqual([]);
    expect(got.incidents).toHaveLength(1);
    expect(out.lines.filter((l) => l.startsWith('warning: could not read acknowledgements'))).toEqual([expect.stringContaining('PagerDuty pager: HTTP 401')]);
    expect(out.lines.join('\n')).not.toContain('wrong-token-123456');
  });
});
