/**
 * Subscribers: the updates they are told of (pure), and delivery to real receivers on loopback
 * (an HTTP recorder for webhooks, Slack and Discord, a real SMTP server for email), once per
 * update, with the lost race replayed, component filtering, and no address anywhere but in the
 * SMTP envelope.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../cli/output.ts';
import { loadConfig } from '../config/load.ts';
import type { ChannelSettings } from '../config/notify-types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { decideNotifications, deliverOwed, notifyAfterRound, recordDeliveries } from './notify.ts';
import { EMPTY_NOTIFY_STATE, NOTIFY_STATE_FILE, readNotifyState } from './state.ts';
import { BASELINE_MS, follows, planSubscribers, SUBSCRIBER_HORIZON_MS, subscriberUpdates } from './subscribers.ts';
import { startReceiver, startSmtp, type MailReceiver, type Receiver } from './test-receivers.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const M = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function capture(): Output & { lines: string[]; summaries: string[] } {
  const lines: string[] = [];
  const summaries: string[] = [];
  return {
    lines,
    summaries,
    github: true,
    color: false,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    data: (m) => void lines.push(m),
    summary: async (m) => void summaries.push(m),
    protect: () => undefined,
  };
}

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-subscribers-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const CHECKS = `checks:
  - { id: api, name: API health, component: api, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: db, component: db, kind: tcp, host: 127.0.0.1, port: 2 }
`;

function incidentFile(updates: { at: number; status: string; text: string }[], resolved?: number): string {
  return [
    '---',
    'title: Elevated API errors',
    'impact: major',
    'components: [api]',
    `started: ${iso(updates[0]!.at)}`,
    ...(resolved ? [`resolved: ${iso(resolved)}`] : []),
    'updates:',
    ...updates.flatMap((u) => [`  - at: ${iso(u.at)}`, `    status: ${u.status}`, `    text: ${JSON.stringify(u.text)}`]),
    '---',
    'Details.',
    '',
  ].join('\n');
}

const channel = (name: string, components: string[]): ChannelSettings => ({
  name: `subscriber:${name}`,
  type: 'webhook',
  url: 'http://127.0.0.1:1/',
  secret: '',
  headers: {},
  timeoutMs: 1000,
  retries: 0,
  subscriber: { components, unsubscribe: null },
});

describe('subscriber updates (pure)', () => {
  const config = {
    site: { title: 'Acme', baseUrl: 'https://status.acme.test/' },
    components: [{ id: 'api', name: 'API' }, { id: 'db', name: 'Database' }],
    maintenance: [
      { id: 'upgrade', title: 'DB upgrade', description: null, components: ['db'], start: T0 + 2 * 86_400_000, end: T0 + 2 * 86_400_000 + 3_600_000, recurring: null },
    ],
    notifications: { componentLabels: {} },
  } as unknown as Pick<ResolvedConfig, 'site' | 'components' | 'maintenance' | 'notifications'>;
  const incident = {
    id: '2026-11-24-api',
    file: 'incidents/2026-11-24-api.md',
    title: 'Elevated API errors',
    impact: 'major' as const,
    severity: 'P2' as const,
    components: ['api'],
    auto: false,
    startedAt: T0,
    detectedAt: T0,
    resolvedAt: null,
    updates: [
      { at: T0, status: 'investigating' as const, text: 'Looking.' },
      { at: T0 + 10 * M, status: 'identified' as const, text: 'Found it.' },
      { at: T0 + 90 * M, status: 'monitoring' as const, text: 'Future.' },
    ],
    body: '',
    owner: null,
    acknowledged: null,
    checklist: [],
    actions: [],
  };

  it('every incident update and the maintenance phases, with stable keys; none dated after now', () => {
    const updates = subscriberUpdates(config, [incident], T0 + 20 * M);
    expect(updates.map((u) => [u.event.type, u.event.key, u.event.title])).toEqual([
      ['maintenance.scheduled', 'update:maintenance:upgrade@2026-11-26T10:00:00.000Z:scheduled', 'Maintenance scheduled: DB upgrade'],
      ['incident.opened', 'update:incident:2026-11-24-api:2026-11-24T10:00:00.000Z:investigating', 'Investigating: Elevated API errors'],
      ['incident.updated', 'update:incident:2026-11-24-api:2026-11-24T10:10:00.000Z:identified', 'Identified: Elevated API errors'],
    ]);
    expect(updates[1]!.event.url).toBe('https://status.acme.test/incidents/2026-11-24-api/');
    // A resolution without a "resolved" update is an update of its own.
    const resolved = subscriberUpdates(config, [{ ...incident, updates: incident.updates.slice(0, 1), resolvedAt: T0 + 30 * M }], T0 + 40 * M);
    expect(resolved.map((u) => [u.event.type, u.event.action])).toContainEqual(['incident.resolved', 'resolve']);
    // Maintenance in progress, then over.
    const during = subscriberUpdates(config, [], T0 + 2 * 86_400_000 + 30 * M).map((u) => u.event.type);
    expect(during).toEqual(['maintenance.started']);
    expect(subscriberUpdates(config, [], T0 + 2 * 86_400_000 + 61 * M + 3_600_000).map((u) => u.event.type)).toEqual(['maintenance.ended']);
  });

  it('decides each update once per following subscriber; a second decision adds nothing', () => {
    const channels = [channel('all', []), channel('api', ['api']), channel('db', ['db'])];
    const now = T0 + 20 * M;
    const first = planSubscribers({ state: structuredClone(EMPTY_NOTIFY_STATE), channels, updates: subscriberUpdates(config, [incident], now), now });
    // The scheduled window was published 30 days ago (before the first run): not news. The two incident updates are.
    expect(first.state.outbox.map((m) => `${m.channel} ${m.event.type}`)).toEqual([
      'subscriber:all incident.opened',
      'subscriber:api incident.opened',
      'subscriber:all incident.updated',
      'subscriber:api incident.updated',
    ]);
    expect(new Set(first.state.outbox.map((m) => m.id)).size).toBe(4);
    const again = planSubscribers({ state: first.state, channels, updates: subscriberUpdates(config, [incident], now + M), now: now + M });
    expect(again.decided).toBe(0);
    // The future update comes when its time has come, once.
    const later = planSubscribers({ state: again.state, channels, updates: subscriberUpdates(config, [incident], T0 + 95 * M), now: T0 + 95 * M });
    expect(later.decided).toBe(2);
    // Old news on the first run is taken as told.
    const old = planSubscribers({ state: structuredClone(EMPTY_NOTIFY_STATE), channels, updates: subscriberUpdates(config, [incident], T0 + BASELINE_MS + 11 * M), now: T0 + BASELINE_MS + 11 * M });
    expect(old.decided).toBe(0);
    // Keys are forgotten once their update can no longer be sent.
    const much = T0 + SUBSCRIBER_HORIZON_MS + 100 * M;
    const forgotten = planSubscribers({ state: later.state, channels, updates: subscriberUpdates(config, [incident], much), now: much });
    // (only the maintenance that ended meanwhile is news, for those following the database)
    expect(forgotten.state.outbox.slice(-forgotten.decided).map((m) => `${m.channel} ${m.event.type}`)).toEqual(['subscriber:all maintenance.ended', 'subscriber:db maintenance.ended']);
    expect(Object.keys(forgotten.state.subscriptions!.announced).filter((k) => k.startsWith('update:incident'))).toEqual([]);
  });

  it('follows: chosen components, or every component, or updates about the whole page', () => {
    expect(follows(channel('x', []), { components: ['db'] })).toBe(true);
    expect(follows(channel('x', ['api']), { components: ['db'] })).toBe(false);
    expect(follows(channel('x', ['api']), { components: ['db', 'api'] })).toBe(true);
    expect(follows(channel('x', ['api']), { components: [] })).toBe(true);
  });
});

describe('subscribers on real receivers', () => {
  let hook: Receiver;
  let smtp: MailReceiver;
  const ADDRESSES = ['alice@example.com', 'bob.smith@example.org', 'carol+status@example.net'];
  const env = { SUBSCRIBER_EMAILS: ADDRESSES.join(', '), SUB_SECRET: 'sub-signing-secret-123', SLACK_SUB: '' };

  beforeAll(async () => {
    hook = await startReceiver();
    smtp = await startSmtp();
    env.SLACK_SUB = `${hook.url}/slack/T000/B000/slacksecretpart`;
  });
  afterAll(async () => {
    await hook.close();
    await smtp.close();
  });

  const settings = () => `site:
  title: Acme Status
  baseUrl: https://status.acme.test/
maintenance:
  - id: db-upgrade
    title: Database upgrade
    components: [db]
    start: ${iso(T0 + 60 * M)}
    end: ${iso(T0 + 120 * M)}
subscribers:
  smtp: { host: 127.0.0.1, port: ${smtp.port}, from: "Acme Status <status@acme.test>" }
  unsubscribe: mailto:status@acme.test?subject=unsubscribe
  list:
    - { name: partner, webhook: "${hook.url}/partner", components: [api], retries: 0 }
    - { name: db-team, webhook: "${hook.url}/db", secret: "\${SUB_SECRET}", components: [db], retries: 0 }
    - { name: community, slack: "\${SLACK_SUB}", retries: 0 }
    - { name: gamers, discord: "${hook.url}/discord", retries: 0 }
    - { name: customers, emails: "\${SUBSCRIBER_EMAILS}", components: [api], retries: 0 }
`;

  const byPath = (p: string) => hook.requests.filter((r) => r.path.startsWith(p));
  /** Event types a webhook received (Cairn's webhook body), or the titles Discord did (its embeds). */
  const types = (p: string) => byPath(p).map((r) => (r.json as { event?: { type: string } }).event?.type ?? (r.json as { embeds: { title: string }[] }).embeds[0]!.title);

  it('each update once to each subscriber that follows it, by webhook, Slack, Discord and email; the lost race sends nothing twice', { timeout: 60_000 }, async () => {
    const dir = await repo({ 'cairn.yaml': settings(), 'checks/all.yaml': CHECKS });
    const config = await loadConfig(dir, { env });
    const out = capture();
    const round = { results: [], incidents: [] };
    const updates = [{ at: T0 - 5 * M, status: 'investigating', text: 'We are looking into API errors.' }];
    await mkdir(path.join(dir, 'incidents'));
    await writeFile(path.join(dir, 'incidents', '2026-11-24-api.md'), incidentFile(updates));

    // Run 1: the incident (5 minutes old) is news: API followers and everyone hear of it; the db team does not.
    await notifyAfterRound(config, round, out, { now: T0 });
    expect(types('/partner')).toEqual(['incident.opened']);
    expect(types('/db')).toEqual([]);
    expect(byPath('/slack')).toHaveLength(1);
    expect(types('/discord')).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    // Run 2, nothing new: nothing sent.
    await notifyAfterRound(config, round, out, { now: T0 + M });
    expect(hook.requests).toHaveLength(3);
    expect(smtp.mails).toHaveLength(1);

    // An update, then the lost race: run A and run B decide from the same committed state; A's
    // push wins and A delivers; B takes A's state (as `cairn run` does after a lost push), decides
    // again on top of it and delivers what it owes: nothing.
    updates.push({ at: T0 + 10 * M, status: 'identified', text: 'A bad deploy; rolling back.' });
    await writeFile(path.join(dir, 'incidents', '2026-11-24-api.md'), incidentFile(updates));
    const dirB = `${dir}-b`;
    await cp(dir, dirB, { recursive: true });
    const configB = { ...config, dir: dirB };
    const now = T0 + 11 * M;
    const a = await decideNotifications({ ...config, run: { deadlineMs: 60_000 } }, round, { now, run: 'run-a' });
    const b = await decideNotifications({ ...configB, run: { deadlineMs: 60_000 } }, round, { now, run: 'run-b' });
    expect([a.owed, b.owed]).toEqual([4, 4]);
    const deliveredA = await deliverOwed(config, out, { now, run: 'run-a' });
    await recordDeliveries(config, deliveredA, out, { now });
    await cp(path.join(dir, NOTIFY_STATE_FILE), path.join(dirB, NOTIFY_STATE_FILE));
    const again = await decideNotifications({ ...configB, run: { deadlineMs: 60_000 } }, round, { now: now + 5000, run: 'run-b' });
    expect(again.owed).toBe(0);
    const deliveredB = await deliverOwed(configB, out, { now: now + 5000, run: 'run-b' });
    expect(deliveredB.records).toEqual([]);
    expect(types('/partner')).toEqual(['incident.opened', 'incident.updated']);
    expect(smtp.mails).toHaveLength(2);

    // Maintenance on the database: started, then ended, for the db team and everyone; not for the API-only ones.
    await notifyAfterRound(config, round, out, { now: T0 + 61 * M });
    await notifyAfterRound(config, round, out, { now: T0 + 121 * M });
    expect(types('/db')).toEqual(['maintenance.started', 'maintenance.ended']);
    expect(types('/discord')).toEqual(['Investigating: Elevated API errors', 'Identified: Elevated API errors', 'Maintenance started: Database upgrade', 'Maintenance ended: Database upgrade']);
    expect(types('/partner')).toEqual(['incident.opened', 'incident.updated']);
    // The db team's webhook is signed with its secret; the partner's (no secret) is not.
    expect(byPath('/db')[0]!.headers['x-cairn-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(byPath('/partner')[0]!.headers['x-cairn-signature']).toBeUndefined();

    // Resolved: once more for the API followers.
    updates.push({ at: T0 + 130 * M, status: 'resolved', text: 'Rolled back; errors are gone.' });
    await writeFile(path.join(dir, 'incidents', '2026-11-24-api.md'), incidentFile(updates, T0 + 130 * M));
    await notifyAfterRound(config, round, out, { now: T0 + 131 * M });
    await notifyAfterRound(config, round, out, { now: T0 + 132 * M });
    expect(types('/partner')).toEqual(['incident.opened', 'incident.updated', 'incident.resolved']);
    expect(byPath('/slack')).toHaveLength(5);

    // Every message once: the webhooks' delivery ids are unique (Slack and Discord counted above).
    const ids = [...byPath('/partner'), ...byPath('/db')].map((r) => String(r.headers['x-cairn-delivery']));
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(ids.length);
    const state = await readNotifyState(dir);
    expect(state.outbox).toEqual([]);

    // Email: one message per update, every address a blind copy, the sender in To, how to leave in the header and the text.
    expect(smtp.mails).toHaveLength(3);
    for (const mail of smtp.mails) {
      expect(mail.to.sort()).toEqual([...ADDRESSES].sort());
      const head = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
      for (const a of ADDRESSES) expect(head).not.toContain(a);
      expect(head).toMatch(/^To: status@acme\.test|^To: Acme Status <status@acme\.test>/m);
      expect(head).toMatch(/^List-Unsubscribe: <mailto:status@acme\.test\?subject=unsubscribe>/m);
      // (quoted-printable: soft line breaks and "=" encoded)
      expect(mail.raw.replace(/=\r\n/g, '').replace(/=3D/g, '=')).toContain('To unsubscribe: status@acme.test?subject=unsubscribe');
    }
    expect(smtp.mails[0]!.raw).toMatch(/Subject: \[Acme Status\] Investigating: Elevated API errors/);

    // No address, Slack webhook secret or signing secret in the committed state, the log or the job summary.
    const committed = await readTree(dir, ['data', 'incidents', 'cairn.yaml']);
    const said = [...out.lines, ...out.summaries].join('\n');
    for (const secret of [...ADDRESSES, 'example.com', 'slacksecretpart', env.SUB_SECRET]) {
      expect(committed).not.toContain(secret);
      expect(said).not.toContain(secret);
    }
    expect(said).toContain('subscriber:customers');
  });

  it('a failed delivery is retried by a later run with the same id, and only to that subscriber', { timeout: 60_000 }, async () => {
    hook.requests.length = 0;
    const dir = await repo({ 'cairn.yaml': settings(), 'checks/all.yaml': CHECKS });
    const config = await loadConfig(dir, { env });
    const out = capture();
    hook.script('/partner', { status: 500, body: 'down for a moment' });
    await mkdir(path.join(dir, 'incidents'), { recursive: true });
    await writeFile(path.join(dir, 'incidents', '2026-11-25-api.md'), incidentFile([{ at: T0, status: 'investigating', text: 'Looking.' }]));
    await notifyAfterRound(config, { results: [], incidents: [] }, out, { now: T0 + M });
    expect(out.lines.join('\n')).toMatch(/subscriber:partner: failed notice incident\.opened/);
    await notifyAfterRound(config, { results: [], incidents: [] }, out, { now: T0 + 6 * M });
    const partner = byPath('/partner');
    expect(partner.map((r) => r.headers['x-cairn-delivery'])).toEqual([partner[0]!.headers['x-cairn-delivery'], partner[0]!.headers['x-cairn-delivery']]);
    expect(byPath('/discord')).toHaveLength(1);
  });

  it('configuration errors name the file, line and field, and never quote an address', async () => {
    const files = (list: string) => ({ 'cairn.yaml': `site: { title: X }\nsubscribers:\n  list:\n${list}`, 'checks/all.yaml': CHECKS });
    const message = (dir: string, extra: Record<string, string> = {}) =>
      loadConfig(dir, { env: { SUBSCRIBER_EMAILS: 'secret-person@example.com, not-an-address', ...extra } }).then(
        () => '',
        (e: Error) => e.message,
      );
    const shape = await message(await repo(files('    - { name: a, slack: "https://hooks.slack.test/x", discord: "https://discord.test/y" }\n')));
    expect(shape).toMatch(/cairn\.yaml:4:.*subscribers\.list\[0\].*exactly one of "webhook", "slack", "discord" or "emails" \(got slack, discord\)/);
    const err = await message(await repo(files('    - { name: a, emails: "${SUBSCRIBER_EMAILS}", components: [nope] }\n    - { name: a, webhook: "https://x.test/" }\n')));
    expect(err).toMatch(/cairn\.yaml:4:.*subscribers\.list\[0\]\.components\[0\].*unknown component "nope"/);
    expect(err).toMatch(/subscribers\.list\[0\]\.emails.*1 of 2 is not/);
    expect(err).toMatch(/subscribers\.list\[0\]\.emails.*subscribers\.smtp/);
    expect(err).toMatch(/cairn\.yaml:5:.*subscribers\.list\[1\]\.name.*duplicate subscriber name "a"/);
    expect(err).not.toContain('secret-person');
    expect(err).not.toContain('not-an-address');
  });
});

/** Every file under the given entries of `dir`, concatenated. */
async function readTree(dir: string, entries: string[]): Promise<string> {
  const parts: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const full = path.join(dir, p);
    const list = await readdir(full, { withFileTypes: true }).catch(() => null);
    if (list === null) {
      parts.push(await readFile(full, 'utf8').catch(() => ''));
      return;
    }
    for (const e of list) await walk(path.join(p, e.name));
  };
  for (const e of entries) await walk(e);
  return parts.join('\n');
}
