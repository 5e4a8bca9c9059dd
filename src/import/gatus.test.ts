import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { convertGatus } from './gatus.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/import/gatus/config.yaml', import.meta.url));
const SECRET_VALUES = ['XXXXXXXXXXXXXXXXXXXX', '0123456789abcdef0123456789abcdef', 'SECRETSIG', 'hunter2-smtp', 'abc123', 'custom-token-1', 's3cr3t-api-token', 'p%40ss', 'p@ss', '123456:ABC', 'push-token-xyz'];

async function plan() {
  return convertGatus(parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>, FIXTURE);
}

describe('Gatus to Cairn', () => {
  it('maps every endpoint scheme to a check kind, with its conditions as assertions', async () => {
    const p = await plan();
    const byId = new Map(p.checks.map((c) => [c['id'], c]));
    expect([...byId.keys()]).toEqual(['website', 'website-certificate', 'api-health', 'graphql', 'postgres-primary', 'smtps', 'smtps-certificate', 'gateway-ping', 'dns', 'mx', 'legacy-admin', 'mirror-website']);
    expect(byId.get('website')).toMatchObject({ kind: 'http', interval: '5m', expectStatus: [200], thresholds: { down: '800ms' }, assert: { body: { contains: 'Welcome to Acme' } } });
    expect(byId.get('website-certificate')).toMatchObject({ kind: 'tls', host: 'www.acme.example', component: 'website', criticalDays: 2 });
    expect(byId.get('api-health')).toMatchObject({ timeout: '5s', expectStatus: ['100-299'], headers: { Authorization: '${API_HEALTH_AUTHORIZATION}', Accept: 'application/json' } });
    expect((byId.get('api-health')?.['assert'] as { json: unknown[] }).json).toHaveLength(5);
    expect(byId.get('graphql')).toMatchObject({ method: 'POST', json: { query: '{ user(id: 1) { id } }\n' }, expectStatus: [200, 201] });
    expect(byId.get('postgres-primary')).toMatchObject({ kind: 'tcp', host: 'db.acme.internal', port: 5432, thresholds: { down: '50ms' } });
    expect(byId.get('smtps')).toMatchObject({ kind: 'tcp', tls: true, port: 465 });
    expect(byId.get('smtps-certificate')).toMatchObject({ kind: 'tls', port: 465, criticalDays: 30, warningDays: 37 });
    expect(byId.get('gateway-ping')).toMatchObject({ kind: 'ping', icmp: true, host: '10.0.0.1', thresholds: { down: '20ms' } });
    expect(byId.get('dns')).toMatchObject({ kind: 'dns', query: 'acme.example', record: 'A', server: '8.8.8.8', expect: ['93.184.216.34'] });
    expect(byId.get('mx')).toMatchObject({ kind: 'dns', record: 'MX', server: '1.1.1.1:53' });
    expect(byId.get('legacy-admin')).toMatchObject({ enabled: false, followRedirects: false, insecureSkipVerify: true, expectStatus: ['200-399'], assert: { body: { notContains: 'maintenance' } } });
    expect(byId.get('legacy-admin')?.['url']).toBe('https://${LEGACY_ADMIN_URL_USER}:${LEGACY_ADMIN_URL_PASSWORD}@legacy.acme.example/admin');
    expect(p.groups.map((g) => [g['id'], (g['components'] as { id: string }[]).map((c) => c.id)])).toEqual([
      ['frontend', ['website', 'legacy-admin']],
      ['backend', ['api-health', 'graphql', 'postgres-primary']],
      ['network', ['gateway-ping', 'dns', 'mx']],
      ['mirror', ['mirror-website']],
    ]);
  });

  it('turns providers into channels and alerts into routes, never copying a secret', async () => {
    const p = await plan();
    expect(Object.keys(p.channels)).toEqual(['slack', 'discord', 'pagerduty', 'teams-workflows', 'email', 'custom']);
    expect(p.channels['discord']).toEqual({ type: 'discord', url: '${DISCORD_WEBHOOK}' });
    expect(p.channels['custom']).toMatchObject({ type: 'webhook', url: '${CUSTOM_URL}', secret: '${CUSTOM_WEBHOOK_SECRET}' });
    expect(p.routes).toEqual([
      { components: ['website', 'api-health'], channels: ['slack'] },
      { components: ['website'], channels: ['pagerduty'] },
      { components: ['api-health'], channels: ['email'] },
      { components: ['postgres-primary'], channels: ['custom'] },
      { components: ['postgres-primary'], channels: ['teams-workflows'] },
    ]);
    const written = JSON.stringify([p.checks, p.channels, p.routes, p.maintenance, p.groups]);
    for (const secret of SECRET_VALUES) expect(written).not.toContain(secret);
    expect(p.secrets).toEqual(expect.arrayContaining(['SLACK_WEBHOOK_URL', 'DISCORD_WEBHOOK', 'PAGERDUTY_ROUTING_KEY', 'EMAIL_SMTP_PASSWORD', 'CUSTOM_URL', 'API_HEALTH_AUTHORIZATION']));
  });

  it('maps maintenance to recurring windows and reports what it could not carry over, naming the endpoint', async () => {
    const p = await plan();
    expect(p.maintenance[0]).toMatchObject({ id: 'gatus-maintenance', recurring: { every: 'week', on: ['monday', 'thursday'], at: '23:00', duration: '90m', timeZone: 'Europe/Amsterdam' } });
    expect(p.maintenance[1]).toMatchObject({ components: ['legacy-admin'], recurring: { every: 'week', on: 'sunday', at: '02:00', duration: '2h' } });
    const skipped = p.skipped.map((s) => s.message);
    expect(skipped).toEqual(
      expect.arrayContaining([
        'endpoint "API health": condition "len([BODY].data) == 3": len() has no Cairn assertion',
        expect.stringContaining('endpoint "API health": condition "[DOMAIN_EXPIRATION] > 720h"'),
        expect.stringContaining('endpoint "Gateway ping": condition "[IP] == 10.0.0.1"'),
        expect.stringContaining('endpoint "Website": condition "[RESPONSE_TIME] > 10"'),
        expect.stringContaining('endpoint "Websocket": wss:// has no Cairn check kind'),
        expect.stringContaining('alerting provider "telegram"'),
        expect.stringContaining('endpoint "API health": alert of type "opsgenie"'),
        expect.stringContaining('1 external endpoint'),
        expect.stringContaining('"ui" on 1 endpoint'),
        expect.stringContaining('storage:'),
      ]),
    );
  });
});
