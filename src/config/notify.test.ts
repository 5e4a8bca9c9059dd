import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { loadConfig } from './load.ts';
import { jsonSchema } from './schema.ts';

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-notify-config-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const CHECKS = 'checks:\n  - id: api\n    kind: tcp\n    host: 127.0.0.1\n    port: 1\n';

async function errorsOf(files: Record<string, string>, env: Record<string, string> = {}): Promise<string[]> {
  try {
    await loadConfig(await repo(files), { env });
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map(String);
    throw err;
  }
  return [];
}

describe('notifications config', () => {
  it('is off without a notifications section', async () => {
    const config = await loadConfig(await repo({ 'checks/a.yaml': CHECKS }), { env: {} });
    expect(config.notifications).toEqual({
      channels: [],
      routes: null,
      componentLabels: {},
      cooldownMs: { critical: 300_000, warning: 1_800_000, info: 900_000 },
      remindMs: 14_400_000,
      sendResolved: true,
      maintenanceEvents: false,
      forecastWithinMs: 14 * 86_400_000,
      secrets: [],
    });
  });

  it('resolves channels with their defaults, routes, cooldowns; secrets are registered and redacted', async () => {
    const env = { SLACK_URL: 'https://hooks.slack.test/services/T/B/abc123', PD_KEY: 'pdkey-0123456789', SMTP_PASS: 'smtp-pass-1' };
    const dir = await repo({
      'cairn.yaml': `notifications:
  channels:
    chat: { type: slack, url: "\${SLACK_URL}" }
    pager: { type: pagerduty, routingKey: "\${PD_KEY}" }
    mail: { type: email, host: smtp.acme.test, user: cairn, pass: "\${SMTP_PASS}", from: status@acme.test, to: ops@acme.test }
    issues: { type: github, repo: acme/status }
  routes:
    - { severity: critical, channels: [pager, chat] }
    - { components: [api], labels: { team: payments }, events: [incident], channels: [issues], stop: true }
  componentLabels: { api: { team: payments } }
  cooldown: { warning: 10m }
  remind: false
  sendResolved: false
  maintenanceEvents: true
  forecastWithin: 7d
`,
      'checks/a.yaml': CHECKS,
    });
    const config = await loadConfig(dir, { env });
    const n = config.notifications;
    expect(n.channels).toEqual([
      { name: 'chat', type: 'slack', url: env.SLACK_URL, timeoutMs: 10_000, retries: 3 },
      { name: 'pager', type: 'pagerduty', routingKey: env.PD_KEY, eventsUrl: 'https://events.pagerduty.com/v2/enqueue', apiToken: null, apiUrl: 'https://api.pagerduty.com', timeoutMs: 10_000, retries: 3 },
      { name: 'mail', type: 'email', host: 'smtp.acme.test', port: 587, secure: false, user: 'cairn', pass: env.SMTP_PASS, from: 'status@acme.test', to: ['ops@acme.test'], timeoutMs: 10_000, retries: 3 },
      { name: 'issues', type: 'github', repo: 'acme/status', token: null, apiUrl: 'https://api.github.com', labels: ['incident'], timeoutMs: 10_000, retries: 3 },
    ]);
    expect(n.routes).toEqual([
      { severity: ['critical'], components: [], labels: {}, events: [], channels: ['pager', 'chat'], stop: false },
      { severity: [], components: ['api'], labels: { team: 'payments' }, events: ['incident'], channels: ['issues'], stop: true },
    ]);
    expect(n.cooldownMs).toEqual({ critical: 300_000, warning: 600_000, info: 900_000 });
    expect(n.remindMs).toBeNull();
    expect(n.sendResolved).toBe(false);
    expect(n.maintenanceEvents).toBe(true);
    expect(n.forecastWithinMs).toBe(7 * 86_400_000);
    expect(n.secrets).toEqual([env.SLACK_URL, env.PD_KEY, env.SMTP_PASS]);
    expect(config.redactor.redact(`posting to ${env.SLACK_URL} with ${env.PD_KEY}`)).toBe('posting to [REDACTED] with [REDACTED]');
  });

  it('reports unknown channels and components in routes at their position', async () => {
    expect(
      await errorsOf({
        'cairn.yaml': `notifications:
  channels:
    chat: { type: slack, url: "https://hooks.slack.test/x" }
  routes:
    - channels: [chat, pager]
      components: [nope]
`,
        'checks/a.yaml': CHECKS,
      }),
    ).toEqual([
      'cairn.yaml:5:24: notifications.routes[0].channels[1]: unknown channel "pager" (declared: chat)',
      'cairn.yaml:6:20: notifications.routes[0].components[0]: unknown component "nope" (known: api)',
    ]);
  });

  it('rejects notifications in a checks/ file, unknown channel types and fields', async () => {
    const errors = await errorsOf({
      'cairn.yaml': 'notifications:\n  channels:\n    x: { type: sms, url: "https://a.test" }\n    y: { type: slack, url: "https://a.test", channel: "#ops" }\n',
      'checks/a.yaml': `${CHECKS}notifications:\n  channels: {}\n`,
    });
    expect(errors[0]).toMatch(/^cairn\.yaml:3:.*notifications\.channels\.x.*type/);
    expect(errors[1]).toMatch(/^cairn\.yaml:4:.*channel/);
    expect(errors.at(-1)).toBe(
      'checks/a.yaml:6:1: notifications: expected "notifications" only in cairn.yaml, found it in a checks/ file (a checks/ file may hold $schema, checks, groups, maintenance)',
    );
  });

  it('is in the JSON Schema with descriptions', () => {
    const schema = jsonSchema() as { properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }> };
    const n = schema.properties['notifications']!;
    expect(n.description).toMatch(/^Notifications/);
    for (const key of ['channels', 'routes', 'componentLabels', 'cooldown', 'remind', 'sendResolved', 'maintenanceEvents', 'forecastWithin']) {
      expect(n.properties![key]!.description, key).toBeTruthy();
    }
  });
});
