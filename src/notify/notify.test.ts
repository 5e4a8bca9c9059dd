import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import type { Output } from '../cli/output.ts';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { applyAutoIncidents } from '../incidents/auto-run.ts';
import { applyMaintenance } from '../maintenance/apply.ts';
import { notifyAfterRound, sendTest } from './notify.ts';
import { NOTIFY_STATE_FILE } from './state.ts';
import { startReceiver, type Receiver } from './test-receivers.ts';
import { pagerdutyProblems, slackProblems } from './test-formats.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const M = 60_000;
const PD_KEY = 'PDKEY000111222333444555666777888';

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
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-notify-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const CHECKS = `checks:
  - { id: api, name: API health, component: api, kind: tcp, host: 127.0.0.1, port: 1 }
  - { id: db, component: db, kind: tcp, host: 127.0.0.1, port: 2 }
  - { id: api-cert, component: api, kind: tls, host: api.acme.test, warningDays: 14, criticalDays: 7 }
`;

function results(at: number, statuses: Record<string, CheckStatus>, details: Record<string, Record<string, unknown>> = {}): CheckResult[] {
  return Object.entries(statuses).map(([id, status]) => ({
    id,
    kind: id === 'api-cert' ? 'tls' : 'tcp',
    status,
    responseTimeMs: 10,
    error: status === 'up' ? null : `${id} failed`,
    checkedAt: new Date(at).toISOString(),
    attempts: 1,
    ...(details[id] ? { details: details[id] } : {}),
  }));
}

const fastEnv = { sleep: async () => undefined, baseDelayMs: 1, maxDelayMs: 5000 };

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
  rx.fallback('/pd/', () => ({ status: 202, body: '{"status":"success"}' }));
});
afterAll(async () => {
  await rx.close();
});

async function setup(settings: string, env: Record<string, string>): Promise<ResolvedConfig> {
  const dir = await repo({ 'cairn.yaml': `site:\n  title: Acme Status\n  baseUrl: https://status.acme.test/\n${settings}`, 'checks/a.yaml': CHECKS });
  return loadConfig(dir, { env });
}

describe('notifications across a sequence of runs (fake clock)', () => {
  it('cooldown defers, escalation bypasses it, reminders repeat, resolves go where the alert went', async () => {
    const slack = `${rx.url}/s1/T1/B1/slacksecret1`;
    const config = await setup(
      `incidents: { auto: false }
notifications:
  channels:
    chat: { type: slack, url: "\${SLACK_URL}" }
    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd/1" }
  remind: 1h
`,
      { SLACK_URL: slack, PD_KEY },
    );
    const sent = () => rx.requests.filter((r) => r.path.startsWith('/s1/') || r.path === '/pd/1');
    const run = async (minutes: number, api: CheckStatus) => {
      const before = sent().length;
      const out = capture();
      const report = await notifyAfterRound(config, { results: results(T0 + minutes * M, { api, db: 'up' }), incidents: [] }, out, { now: T0 + minutes * M, env: fastEnv });
      const got = sent().slice(before).map((r) => (r.path === '/pd/1' ? `pd ${(r.json as { event_action: string }).event_action}` : `chat ${(r.json as { text: string }).text}`));
      return { got, report, out };
    };

    expect((await run(0, 'degraded')).got).toEqual(['chat [WARNING] API health: degraded performance']);
    expect((await run(5, 'up')).got).toEqual(['chat [RESOLVED] API health has recovered']);
    const deferred = await run(10, 'degraded');
    expect(deferred.got).toEqual([]);
    expect(deferred.report.records.map((r) => [r.channel, r.status, r.detail])).toEqual([['chat', 'deferred', 'cooldown until 2026-11-24T10:30:00.000Z']]);
    expect((await run(15, 'degraded')).got).toEqual([]);
    expect((await run(20, 'down')).got.sort()).toEqual(['chat [CRITICAL] API health: major outage', 'pd trigger']);
    expect((await run(25, 'down')).got).toEqual([]);
    expect((await run(79, 'down')).got).toEqual([]);
    expect((await run(80, 'down')).got).toEqual(['chat [CRITICAL] Reminder: API health: major outage (open for 70 minutes)']);
    expect((await run(85, 'down')).got).toEqual([]);
    expect((await run(90, 'up')).got.sort()).toEqual(['chat [RESOLVED] API health has recovered', 'pd resolve']);

    for (const r of sent()) {
      if (r.path === '/pd/1') expect(pagerdutyProblems(r.json)).toEqual([]);
      else expect(slackProblems(r.json)).toEqual([]);
    }
    const pd = sent().filter((r) => r.path === '/pd/1').map((r) => (r.json as { dedup_key: string }).dedup_key);
    expect(pd).toEqual(['cairn/component:api', 'cairn/component:api']);
    const state = JSON.parse(await readFile(path.join(config.dir, NOTIFY_STATE_FILE), 'utf8'));
    expect(state.observations.components).toEqual({ api: 'up', db: 'up' });
    expect(state.alerts).toEqual({});
  });

  it('automatic incidents: PagerDuty trigger/resolve and a GitHub issue opened and closed', async () => {
    let n = 6;
    rx.fallback('/gh2/', (req) => ({ status: req.method === 'POST' ? 201 : 200, body: JSON.stringify({ number: req.path.endsWith('/issues') ? ++n : n }) }));
    const config = await setup(
      `notifications:
  channels:
    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd/2" }
    issues: { type: github, repo: acme/status, apiUrl: "${rx.url}/gh2" }
`,
      { PD_KEY },
    );
    const start = rx.requests.length;
    const step = async (i: number, api: CheckStatus) => {
      const at = T0 + i * 5 * M;
      const rs = results(at, { api, db: 'up' });
      const incidents = await applyAutoIncidents(config, rs, at);
      return notifyAfterRound(config, { results: rs, incidents }, capture(), { now: at, env: fastEnv, processEnv: { GITHUB_TOKEN: 'ghs_tok_abc' } });
    };
    const r0 = await step(0, 'down');
    expect(r0.events.map((e) => [e.type, e.key, e.severity])).toEqual([['incident.opened', 'incident:incidents/2026-11-24-api.md', 'critical']]);
    await step(1, 'down');
    await step(2, 'up');
    const r3 = await step(3, 'up');
    expect(r3.events.map((e) => e.type)).toEqual(['incident.resolved']);
    expect(r3.records.map((r) => [r.channel, r.status, r.detail]).sort()).toEqual([
      ['issues', 'sent', 'issue #7 closed'],
      ['pager', 'sent', 'resolve cairn/incident:incidents/2026-11-24-api.md'],
    ]);
    const calls = rx.requests.slice(start).map((r) => `${r.method} ${r.path}${r.path.startsWith('/pd/') ? ` ${(r.json as { event_action: string }).event_action}` : ''}`);
    expect(calls.filter((c) => c.includes('/pd/2'))).toEqual(['POST /pd/2 trigger', 'POST /pd/2 resolve']);
    expect(calls.filter((c) => c.includes('/gh2/'))).toEqual([
      'POST /gh2/repos/acme/status/issues',
      'POST /gh2/repos/acme/status/issues/7/comments',
      'PATCH /gh2/repos/acme/status/issues/7',
    ]);
  });

  it('maintenance mutes alerts of its components; start and end notices; certificates and SLO events', async () => {
    const config = await setup(
      `notifications:
  channels:
    chat: { type: slack, url: "${rx.url}/s3/hook" }
  maintenanceEvents: true
`,
      {},
    );
    // The checks file gets a maintenance window on api from 10:30 to 11:00.
    config.maintenance.push({ id: 'upgrade', title: 'API upgrade', description: null, components: ['api'], start: T0 + 30 * M, end: T0 + 60 * M, recurring: null });
    const texts = () => rx.requests.filter((r) => r.path === '/s3/hook').map((r) => (r.json as { text: string }).text);
    const cert = (daysLeft: number, at: number) => ({ 'api-cert': { notAfter: new Date(at + daysLeft * 86_400_000 + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), daysLeft } });
    const slo = (state: 'page' | 'ticket' | null) => ({
      generatedAt: null,
      slos: [{ id: 'checkout', name: 'Checkout availability', component: 'api', objective: 0.999, budgetRemaining: 0.42, alert: { state, burnRate: 14.4, window: '1h/5m' } }],
      capacity: [{ id: 'db-disk', name: 'Database disk', component: 'db', crossings: [{ level: 'critical' as const, threshold: 95, likely: '2026-12-01T00:00:00Z', earliest: '2026-11-29T00:00:00Z', latest: '2026-12-04T00:00:00Z' }] }],
    });
    const run = async (minutes: number, api: CheckStatus, daysLeft: number, sloState: 'page' | 'ticket' | null) => {
      const at = T0 + minutes * M;
      const rs = applyMaintenance(results(at, { api, db: 'up', 'api-cert': daysLeft < 7 ? 'down' : daysLeft < 14 ? 'degraded' : 'up' }, cert(daysLeft, at)), config);
      return notifyAfterRound(config, { results: rs, incidents: [] }, capture(), { now: at, env: fastEnv, slo: slo(sloState) });
    };

    const r0 = await run(0, 'up', 30, null);
    expect(r0.events.map((e) => [e.type, e.severity])).toEqual([['capacity.forecast', 'warning']]);
    expect(r0.events[0]!.title).toBe('Database disk forecast to reach its critical threshold in 6 days');
    const r1 = await run(5, 'up', 13, 'ticket');
    expect(r1.events.map((e) => [e.type, e.key, e.severity, e.title])).toEqual([
      ['certificate.warning', 'certificate:api-cert', 'warning', 'The certificate of api.acme.test expires in 13 days'],
      ['slo.burn_rate', 'slo:checkout', 'warning', 'Checkout availability: error budget burning 14.4x'],
    ]);
    expect(r1.events[1]!.facts).toEqual([
      { name: 'Objective', value: '99.9%' },
      { name: 'Burn rate', value: '14.4x over 1h/5m' },
      { name: 'Budget left', value: '42.00%' },
    ]);
    // Inside the window: the maintenance notice goes out, the page-level SLO alert on api is muted.
    const r2 = await run(30, 'up', 13, 'page');
    expect(r2.records.map((r) => [r.event, r.status])).toEqual([
      ['maintenance.started', 'sent'],
      ['slo.burn_rate', 'muted'],
    ]);
    const r3 = await run(35, 'up', 13, 'page');
    expect(r3.records.map((r) => [r.event, r.status])).toEqual([['slo.burn_rate', 'muted']]);
    // After the window the still-firing alert goes out.
    const r4 = await run(60, 'up', 13, 'page');
    expect(r4.records.map((r) => [r.event, r.status])).toEqual([
      ['maintenance.ended', 'sent'],
      ['slo.burn_rate', 'sent'],
    ]);
    expect(texts()).toEqual([
      '[WARNING] Database disk forecast to reach its critical threshold in 6 days',
      '[WARNING] The certificate of api.acme.test expires in 13 days',
      '[WARNING] Checkout availability: error budget burning 14.4x',
      '[INFO] Maintenance started: API upgrade',
      '[INFO] Maintenance ended: API upgrade',
      '[CRITICAL] Checkout availability: error budget burning 14.4x',
    ]);
    // No SLO snapshot this run: nothing is resolved for lack of data.
    const r5 = await notifyAfterRound(config, { results: results(T0 + 65 * M, { api: 'up', db: 'up' }), incidents: [] }, capture(), { now: T0 + 65 * M, env: fastEnv, slo: null });
    expect(r5.events).toEqual([]);
  });

  it('a failing and a stalling channel beside a working one; retried next run; no secret in any log line', async () => {
    const secrets = { SLACK_URL: `${rx.url}/s4/T9/B9/topsecretslack`, HOOK_SECRET: 'hmac-secret-value-9', BAD_URL: `${rx.url}/bad/tok3nInPath`, SLOW_URL: `${rx.url}/slow/another-secret` };
    const config = await setup(
      `incidents: { auto: false }
notifications:
  channels:
    chat: { type: slack, url: "\${SLACK_URL}" }
    broken: { type: discord, url: "\${BAD_URL}", retries: 2 }
    slow: { type: teams, url: "\${SLOW_URL}", timeout: 300ms }
    hook: { type: webhook, url: "${rx.url}/hook4", secret: "\${HOOK_SECRET}" }
`,
      secrets,
    );
    // The broken receiver echoes its own URL (with the token) in its error, as some services do.
    rx.script('/bad/', ...Array.from({ length: 3 }, () => ({ status: 500, body: `upstream error for ${secrets.BAD_URL} key=${secrets.HOOK_SECRET}` })));
    rx.script('/slow/', 'stall');
    const out = capture();
    const report = await notifyAfterRound(config, { results: results(T0, { api: 'down', db: 'up' }), incidents: [] }, out, { now: T0, env: fastEnv });
    const byChannel = Object.fromEntries(report.records.map((r) => [r.channel, [r.status, r.attempts]]));
    expect(byChannel).toEqual({ chat: ['sent', 1], broken: ['failed', 3], slow: ['failed', 1], hook: ['sent', 1] });
    expect(report.records.find((r) => r.channel === 'broken')!.detail).toBe('HTTP 500: upstream error for [REDACTED] key=[REDACTED] (after 3 attempts)');
    expect(report.records.find((r) => r.channel === 'slow')!.detail).toBe('timed out after 300 ms (not retried: the receiver may have it)');

    // The next run retries the failed channels only, with the same message.
    const out2 = capture();
    const report2 = await notifyAfterRound(config, { results: results(T0 + 5 * M, { api: 'down', db: 'up' }), incidents: [] }, out2, { now: T0 + 5 * M, env: fastEnv });
    expect(report2.records.map((r) => [r.channel, r.purpose, r.status]).sort()).toEqual([
      ['broken', 'retry', 'sent'],
      ['slow', 'retry', 'sent'],
    ]);

    const everything = [...out.lines, ...out.summaries, ...out2.lines, ...out2.summaries].join('\n');
    expect(out.lines.some((l) => l.startsWith('warning: notify ✕ broken: failed'))).toBe(true);
    expect(out.summaries[0]).toContain('| Channel | Event | Alert | Result | Attempts | Detail |');
    expect(out.summaries[0]).toContain('| chat (slack) | component.down | component:api | ✓ sent | 1 | HTTP 200 |');
    for (const s of Object.values(secrets)) expect(everything).not.toContain(s);
    for (const s of ['topsecretslack', 'tok3nInPath', 'another-secret']) expect(everything).not.toContain(s);
    const state = await readFile(path.join(config.dir, NOTIFY_STATE_FILE), 'utf8');
    for (const s of Object.values(secrets)) expect(state).not.toContain(s);
  });

  it('a receiver that hangs gets the same alert with the same X-Cairn-Delivery id on every run, until it answers', async () => {
    const config = await setup(
      `incidents: { auto: false }
notifications:
  channels:
    hook: { type: webhook, url: "${rx.url}/hang6", secret: "s3cret-hmac", timeout: 200ms }
`,
      {},
    );
    rx.script('/hang6', 'stall', 'stall', 'stall');
    const hook = () => rx.requests.filter((r) => r.path === '/hang6');
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const at = T0 + i * 5 * M;
      const report = await notifyAfterRound(config, { results: results(at, { api: 'down', db: 'up' }), incidents: [] }, capture(), { now: at, env: fastEnv });
      statuses.push(report.records.map((r) => `${r.purpose} ${r.status}`).join());
    }
    expect(statuses).toEqual(['trigger failed', 'retry failed', 'retry failed', 'retry sent']);
    const ids = hook().map((r) => r.headers['x-cairn-delivery']);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(1);
    expect(hook().map((r) => (r.json as { id: string }).id)).toEqual(ids);
    // Delivered: nothing more while the alert stays the same; its resolve is a message of its own.
    const quiet = await notifyAfterRound(config, { results: results(T0 + 20 * M, { api: 'down', db: 'up' }), incidents: [] }, capture(), { now: T0 + 20 * M, env: fastEnv });
    expect(quiet.records).toEqual([]);
    await notifyAfterRound(config, { results: results(T0 + 25 * M, { api: 'up', db: 'up' }), incidents: [] }, capture(), { now: T0 + 25 * M, env: fastEnv });
    expect(hook()).toHaveLength(5);
    expect(hook()[4]!.headers['x-cairn-event']).toBe('component.recovered');
    expect(hook()[4]!.headers['x-cairn-delivery']).not.toBe(ids[0]);
  });

  it('cairn notify test sends one test message and reports it', async () => {
    const config = await setup(`notifications:\n  channels:\n    chat: { type: slack, url: "${rx.url}/s5/hook" }\n`, {});
    const out = capture();
    const record = await sendTest(config, 'chat', out, { now: T0, env: fastEnv });
    expect(record).toMatchObject({ channel: 'chat', channelType: 'slack', event: 'test', status: 'sent', attempts: 1 });
    const req = rx.requests.filter((r) => r.path === '/s5/hook');
    expect(req).toHaveLength(1);
    expect((req[0]!.json as { text: string }).text).toBe('[INFO] Test notification from Acme Status');
    expect(slackProblems(req[0]!.json)).toEqual([]);
  });
});
