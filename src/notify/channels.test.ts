import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSettings } from '../config/notify-types.ts';
import { Redactor } from '../config/secrets.ts';
import type { ChannelContext } from './channel.ts';
import { createChannel } from './channels/index.ts';
import type { DeliveryEnv } from './delivery.ts';
import type { NotificationEvent } from './events.ts';
import { startReceiver, startSmtp, type Receiver } from './test-receivers.ts';
import { discordProblems, pagerdutyProblems, slackProblems, teamsProblems, verifyWebhook } from './test-formats.ts';

const AT = Date.parse('2026-11-24T10:00:00Z');
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

const event: NotificationEvent = {
  type: 'incident.opened',
  action: 'trigger',
  key: 'incident:incidents/2026-11-24-api.md',
  severity: 'critical',
  title: 'Incident: Public API is down',
  text: 'API health: connection refused by 127.0.0.1:9',
  components: ['api'],
  labels: { team: 'payments' },
  at: AT,
  url: 'https://status.acme.test/incidents/2026-11-24-api/',
  facts: [
    { name: 'Component', value: 'Public API' },
    { name: 'Impact', value: 'critical' },
  ],
  details: { kind: 'incident', file: 'incidents/2026-11-24-api.md', impact: 'critical', level: 'down', reason: null },
};
const resolved: NotificationEvent = { ...event, type: 'incident.resolved', action: 'resolve', title: 'Resolved: Public API incident', text: 'Public API has been operational for 2 checks in a row.' };

function ctx(memory: Record<string, unknown> = {}, purpose: ChannelContext['purpose'] = 'trigger', processEnv: Record<string, string> = {}): ChannelContext & { sleeps: number[] } {
  const sleeps: number[] = [];
  const env: DeliveryEnv = { sleep: async (ms) => void sleeps.push(ms), now: () => AT, baseDelayMs: 100, maxDelayMs: 30_000, redactor: new Redactor() };
  return { id: 'msg-0001', env, site: { title: 'Acme Status', url: 'https://status.acme.test/' }, purpose, memory, processEnv, sleeps };
}

const common = { timeoutMs: 2000, retries: 2 };

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});

const last = (prefix: string) => rx.requests.filter((r) => r.path.startsWith(prefix)).at(-1)!;

describe('channels against real receivers on 127.0.0.1', () => {
  it('slack: a Block Kit message with header, text, fields and context', async () => {
    const ch = createChannel({ ...common, name: 'team', type: 'slack', url: `${rx.url}/slack/T000/B000/XXXX` });
    expect(await ch.send(event, ctx())).toEqual({ status: 'sent', attempts: 1, detail: 'HTTP 200' });
    const req = last('/slack/');
    expect(req.headers['content-type']).toBe('application/json');
    expect(slackProblems(req.json)).toEqual([]);
    const p = req.json as { text: string; blocks: { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text: string }[] }[] };
    expect(p.text).toBe('[CRITICAL] Incident: Public API is down');
    expect(p.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(p.blocks[0]!.text).toEqual({ type: 'plain_text', text: 'Incident: Public API is down', emoji: true });
    expect(p.blocks[1]!.text).toEqual({ type: 'mrkdwn', text: 'API health: connection refused by 127.0.0.1:9' });
    expect(p.blocks[2]!.fields!.map((f) => f.text)).toEqual(['*Status*\nCRITICAL', '*Component*\nPublic API', '*Impact*\ncritical']);
    expect(p.blocks[3]!.elements![0]!.text).toContain('<https://status.acme.test/incidents/2026-11-24-api/|Status page>');
  });

  it('discord: one embed with colour, fields and timestamp; no mentions', async () => {
    const ch = createChannel({ ...common, name: 'dc', type: 'discord', url: `${rx.url}/discord/api/webhooks/1/abc`, username: 'Cairn' });
    expect((await ch.send(resolved, ctx())).status).toBe('sent');
    const req = last('/discord/');
    expect(req.path).toBe('/discord/api/webhooks/1/abc?wait=true');
    expect(discordProblems(req.json)).toEqual([]);
    const p = req.json as { username: string; allowed_mentions: unknown; embeds: Record<string, unknown>[] };
    expect(p.username).toBe('Cairn');
    expect(p.allowed_mentions).toEqual({ parse: [] });
    expect(p.embeds[0]).toMatchObject({
      title: 'Resolved: Public API incident',
      description: 'Public API has been operational for 2 checks in a row.',
      url: 'https://status.acme.test/incidents/2026-11-24-api/',
      color: 0x28a745,
      timestamp: '2026-11-24T10:00:00.000Z',
      footer: { text: 'Acme Status · incident.resolved' },
    });
    expect((p.embeds[0]!['fields'] as { name: string; value: string }[])[0]).toEqual({ name: 'Status', value: 'RESOLVED', inline: true });
  });

  it('teams: a message with one Adaptive Card attachment', async () => {
    const ch = createChannel({ ...common, name: 'ms', type: 'teams', url: `${rx.url}/teams/workflows/abc` });
    rx.script('/teams/', { status: 202, body: '' });
    expect(await ch.send(event, ctx())).toEqual({ status: 'sent', attempts: 1, detail: 'HTTP 202' });
    const p = last('/teams/').json as { attachments: { content: { version: string; body: Record<string, unknown>[]; actions: unknown[] } }[] };
    expect(teamsProblems(p)).toEqual([]);
    const card = p.attachments[0]!.content;
    expect(card.version).toBe('1.4');
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'CRITICAL', color: 'Attention' });
    expect(card.body[1]).toMatchObject({ type: 'TextBlock', text: 'Incident: Public API is down' });
    expect(card.body[3]).toEqual({ type: 'FactSet', facts: [{ title: 'Status', value: 'CRITICAL' }, { title: 'Component', value: 'Public API' }, { title: 'Impact', value: 'critical' }] });
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open status page', url: 'https://status.acme.test/incidents/2026-11-24-api/' }]);
  });

  it('pagerduty: trigger and resolve with the same stable dedup_key; reminders skipped', async () => {
    const settings: ChannelSettings = { ...common, name: 'pd', type: 'pagerduty', routingKey: ROUTING_KEY, eventsUrl: `${rx.url}/pd/v2/enqueue`, apiToken: null, apiUrl: rx.url };
    rx.fallback('/pd/', () => ({ status: 202, headers: { 'content-type': 'application/json' }, body: '{"status":"success","message":"Event processed"}' }));
    const ch = createChannel(settings);
    expect(await ch.send(event, ctx())).toEqual({ status: 'sent', attempts: 1, detail: 'trigger cairn/incident:incidents/2026-11-24-api.md' });
    expect(await ch.send(resolved, ctx({}, 'resolve'))).toEqual({ status: 'sent', attempts: 1, detail: 'resolve cairn/incident:incidents/2026-11-24-api.md' });
    expect((await ch.send(event, ctx({}, 'reminder'))).status).toBe('skipped');
    const [trigger, resolve] = rx.requests.filter((r) => r.path === '/pd/v2/enqueue').slice(-2) as unknown as [{ json: Record<string, unknown> }, { json: Record<string, unknown> }];
    expect(pagerdutyProblems(trigger.json)).toEqual([]);
    expect(pagerdutyProblems(resolve.json)).toEqual([]);
    expect(trigger.json).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'cairn/incident:incidents/2026-11-24-api.md',
      payload: {
        summary: 'Incident: Public API is down: API health: connection refused by 127.0.0.1:9',
        source: 'status.acme.test',
        severity: 'critical',
        timestamp: '2026-11-24T10:00:00.000Z',
        component: 'api',
        class: 'incident.opened',
      },
      client: 'Cairn',
      client_url: 'https://status.acme.test/incidents/2026-11-24-api/',
    });
    expect(resolve.json).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'cairn/incident:incidents/2026-11-24-api.md' });
  });

  it('webhook: a JSON POST whose HMAC-SHA256 signature a receiver can verify', async () => {
    const secret = 'whsec-test-5f1e2d';
    const ch = createChannel({ ...common, name: 'hook', type: 'webhook', url: `${rx.url}/hook`, secret, headers: { 'X-Team': 'sre' } });
    expect((await ch.send(event, ctx())).status).toBe('sent');
    const req = last('/hook');
    expect(req.headers['x-cairn-timestamp']).toBe(String(AT / 1000));
    expect(req.headers['x-cairn-event']).toBe('incident.opened');
    expect(req.headers['x-team']).toBe('sre');
    expect(req.headers['x-cairn-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, req.headers, req.body, AT / 1000)).toBe(true);
    expect(verifyWebhook('wrong-secret', req.headers, req.body, AT / 1000)).toBe(false);
    expect(verifyWebhook(secret, req.headers, req.body.replace('down', 'up'), AT / 1000)).toBe(false);
    expect(verifyWebhook(secret, req.headers, req.body, AT / 1000 + 301)).toBe(false); // replayed later
    const body = req.json as { version: number; id: string; purpose: string; site: unknown; event: NotificationEvent };
    expect(body.version).toBe(1);
    expect(body.id).toBe(req.headers['x-cairn-delivery']);
    expect(body.id).toBe('msg-0001');
    expect(body.purpose).toBe('trigger');
    expect(body.site).toEqual({ title: 'Acme Status', url: 'https://status.acme.test/' });
    expect(body.event).toEqual(JSON.parse(JSON.stringify(event)));
  });

  it('github: opens an issue, comments on updates, comments and closes on resolve', async () => {
    let n = 41;
    rx.fallback('/gh/repos/acme/status/issues', (req) =>
      req.method === 'POST' && req.path === '/gh/repos/acme/status/issues'
        ? { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: ++n, html_url: `https://github.test/acme/status/issues/${n}` }) }
        : { status: req.method === 'POST' ? 201 : 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    );
    const ch = createChannel({ ...common, name: 'gh', type: 'github', repo: 'acme/status', token: null, apiUrl: `${rx.url}/gh`, labels: ['incident', 'cairn'] });
    const memory: Record<string, unknown> = {};
    const env = { GITHUB_TOKEN: 'ghs_testtoken123' };
    const start = rx.requests.length;
    expect(await ch.send(event, ctx(memory, 'trigger', env))).toEqual({ status: 'sent', attempts: 1, detail: 'issue #42 opened' });
    expect(memory).toEqual({ 'incident:incidents/2026-11-24-api.md': 42 });
    expect(await ch.send({ ...event, type: 'incident.updated', title: 'Incident update: Public API is now down' }, ctx(memory, 'trigger', env))).toEqual({ status: 'sent', attempts: 1, detail: 'commented on issue #42' });
    expect((await ch.send(event, ctx(memory, 'reminder', env))).status).toBe('skipped');
    expect(await ch.send(resolved, ctx(memory, 'resolve', env))).toEqual({ status: 'sent', attempts: 2, detail: 'issue #42 closed' });
    expect(memory).toEqual({});
    const calls = rx.requests.slice(start);
    expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /gh/repos/acme/status/issues',
      'POST /gh/repos/acme/status/issues/42/comments',
      'POST /gh/repos/acme/status/issues/42/comments',
      'PATCH /gh/repos/acme/status/issues/42',
    ]);
    for (const r of calls) {
      expect(r.headers['authorization']).toBe('Bearer ghs_testtoken123');
      expect(r.headers['accept']).toBe('application/vnd.github+json');
      expect(r.headers['x-github-api-version']).toBe('2022-11-28');
    }
    const created = calls[0]!.json as { title: string; body: string; labels: string[] };
    expect(created.title).toBe('[CRITICAL] Incident: Public API is down');
    expect(created.labels).toEqual(['incident', 'cairn']);
    expect(created.body).toContain('| Component | Public API |');
    expect(created.body).toContain('<!-- cairn:incident:incidents/2026-11-24-api.md -->');
    expect((calls[2]!.json as { body: string }).body).toContain('**RESOLVED**');
    expect(calls[3]!.json).toEqual({ state: 'closed', state_reason: 'completed' });
  });

  it('github without a token fails with a reason, sending nothing', async () => {
    const before = rx.requests.length;
    const ch = createChannel({ ...common, name: 'gh', type: 'github', repo: 'acme/status', token: null, apiUrl: `${rx.url}/gh`, labels: [] });
    expect(await ch.send(event, ctx())).toEqual({ status: 'failed', attempts: 0, detail: 'no token: set "token" or the GITHUB_TOKEN environment variable' });
    expect(rx.requests.length).toBe(before);
  });

  it('email: a real SMTP server receives a mail with text and HTML parts', async () => {
    const smtp = await startSmtp({ user: 'cairn', pass: 'smtp-pass-xyz' });
    try {
      const ch = createChannel({ ...common, name: 'mail', type: 'email', host: '127.0.0.1', port: smtp.port, secure: false, user: 'cairn', pass: 'smtp-pass-xyz', from: 'Acme Status <status@acme.test>', to: ['ops@acme.test', 'sre@acme.test'] });
      const outcome = await ch.send(event, ctx());
      expect(outcome.status).toBe('sent');
      expect(smtp.mails).toHaveLength(1);
      const mail = smtp.mails[0]!;
      expect(mail.user).toBe('cairn');
      expect(mail.from).toBe('status@acme.test');
      expect(mail.to).toEqual(['ops@acme.test', 'sre@acme.test']);
      expect(mail.raw).toMatch(/^Subject: \[Acme Status\] CRITICAL: Incident: Public API is down\r?$/m);
      expect(mail.raw).toMatch(/^X-Cairn-Event: incident\.opened\r?$/m);
      expect(mail.raw).toMatch(/^Message-ID: <msg-0001@cairn>\r?$/m);
      expect(mail.raw).toMatch(/^X-Cairn-Delivery: msg-0001\r?$/m);
      expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(mail.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
      expect(mail.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
      expect(mail.raw).toContain('Component: Public API');
      expect(mail.raw).toContain('<th align=3D"left"'); // quoted-printable HTML table
    } finally {
      await smtp.close();
    }
  });

  it('email: a refused connection is retried with backoff, then reported', async () => {
    const smtp = await startSmtp();
    const port = smtp.port;
    await smtp.close();
    const ch = createChannel({ ...common, name: 'mail', type: 'email', host: '127.0.0.1', port, secure: false, user: null, pass: null, from: 'status@acme.test', to: ['ops@acme.test'] });
    const c = ctx();
    const outcome = await ch.send(event, c);
    expect(outcome.status).toBe('failed');
    expect(outcome.attempts).toBe(3);
    expect(c.sleeps).toEqual([100, 200]);
  });
});
