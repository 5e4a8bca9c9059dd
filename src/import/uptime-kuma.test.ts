import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertKuma } from './uptime-kuma.ts';
import { zonedInstant } from './uptime-kuma-maintenance.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/import/uptime-kuma/backup.json', import.meta.url));
const SECRET_VALUES = ['kumaSlackSecret', 'kuma-pd-key-0001', 'kuma-smtp-pass', 'kumaDiscordSecret', 'kumaHookSecret', 'kuma-secret-key-123', 'intranet-pass-9', '123:kumaTelegram', 'Ab12Cd34Ef'];

async function plan() {
  return convertKuma(JSON.parse(await readFile(FIXTURE, 'utf8')) as Record<string, unknown>, FIXTURE);
}

describe('Uptime Kuma to Cairn', () => {
  it('maps monitors to checks, groups (nested ones flattened) and paused monitors to enabled: false', async () => {
    const p = await plan();
    const byId = new Map(p.checks.map((c) => [c['id'], c]));
    expect([...byId.keys()]).toEqual(['website', 'website-certificate', 'public-api', 'docs-b-beta-b', 'maintenance-banner-absent', 'postgres', 'gateway', 'acme-example-mx', 'intranet', 'website-2']);
    expect(byId.get('website')).toMatchObject({ kind: 'http', interval: '5m', retries: 2, timeout: '48s' });
    expect(byId.get('website')).not.toHaveProperty('expectStatus');
    expect(byId.get('public-api')).toMatchObject({ interval: '10m', timeout: '8s', headers: { 'X-Api-Key': '${PUBLIC_API_X_API_KEY}' }, assert: { json: [{ path: '$.status', matches: '^ok$' }] } });
    expect(byId.get('docs-b-beta-b')).toMatchObject({ expectStatus: ['2xx', '300-399'], followRedirects: false, assert: { body: { contains: 'Getting started' } } });
    expect(byId.get('maintenance-banner-absent')).toMatchObject({ assert: { body: { notContains: 'under maintenance' } } });
    expect(byId.get('postgres')).toMatchObject({ kind: 'tcp', port: 5432, retries: 5 });
    expect(byId.get('gateway')).toMatchObject({ kind: 'ping', icmp: true, enabled: false });
    expect(byId.get('acme-example-mx')).toMatchObject({ kind: 'dns', record: 'MX', server: '9.9.9.9' });
    expect(byId.get('intranet')).toMatchObject({ method: 'POST', insecureSkipVerify: true, url: 'https://${INTRANET_USER}:${INTRANET_PASSWORD}@intranet.acme.example/' });
    expect(p.groups).toEqual([
      { id: 'production', name: 'Production', components: [{ id: 'website', name: 'Website' }, { id: 'postgres', name: 'Postgres' }] },
      { id: 'production-apis', name: 'Production / APIs', components: [{ id: 'public-api', name: 'Public API' }, { id: 'docs-b-beta-b', name: 'Docs <b>beta</b> 📚' }] },
    ]);
  });

  it('maps notifications to channels with secrets as ${ENV}, and the monitors\' notifications to routes', async () => {
    const p = await plan();
    expect(Object.keys(p.channels)).toEqual(['ops-slack', 'pagerduty-on-call', 'mail', 'discord', 'hook']);
    expect(p.channels['mail']).toEqual({ type: 'email', host: 'smtp.acme.example', port: 465, secure: true, user: '${MAIL_SMTP_USER}', pass: '${MAIL_SMTP_PASSWORD}', from: 'Kuma <kuma@acme.example>', to: ['ops@acme.example', 'cto@acme.example'] });
    expect(p.routes).toEqual([
      { components: ['website', 'docs-b-beta-b'], channels: ['ops-slack'] },
      { components: ['website', 'public-api'], channels: ['pagerduty-on-call'] },
      { components: ['public-api'], channels: ['mail'] },
    ]);
    const written = JSON.stringify([p.checks, p.channels, p.routes, p.maintenance, p.groups]);
    for (const secret of SECRET_VALUES) expect(written).not.toContain(secret);
  });

  it('maps maintenance strategies and reports unsupported monitor types and options', async () => {
    const p = await plan();
    expect(p.maintenance).toEqual([
      { id: 'kuma-weekly-db-patching', title: 'Weekly DB patching', description: 'Rolling restarts of the database cluster', components: ['postgres', 'public-api'], recurring: { every: 'week', on: ['sunday', 'wednesday'], at: '02:00', duration: '90m', timeZone: 'Europe/Berlin', from: '2026-01-01' } },
      { id: 'kuma-datacenter-move', title: 'Datacenter move', components: ['website', 'intranet'], start: '2026-12-13T03:00:00Z', end: '2026-12-13T09:00:00Z' },
      { id: 'kuma-monthly-report-run', title: 'Monthly report run', components: ['website'], recurring: { every: 'month', on: 1, at: '23:00', duration: '2h', timeZone: 'UTC' } },
      { id: 'kuma-monthly-report-run-15', title: 'Monthly report run', components: ['website'], recurring: { every: 'month', on: 15, at: '23:00', duration: '2h', timeZone: 'UTC' } },
    ]);
    const skipped = p.skipped.map((s) => s.message);
    expect(skipped).toEqual(
      expect.arrayContaining([
        expect.stringContaining('monitor "Nightly backup": type "push"'),
        expect.stringContaining('monitor "Redis container": type "docker"'),
        expect.stringContaining('monitor "Minecraft": type "gamedig"'),
        expect.stringContaining('monitor "Inverted": upside down mode'),
        expect.stringContaining('monitor "acme.example CAA": dns record type CAA'),
        expect.stringContaining('notification "Telegram": type "telegram"'),
        expect.stringContaining('notification "Old Teams": disabled'),
        expect.stringContaining('maintenance "Emergency switch": a manual window'),
        expect.stringContaining('maintenance "Cron thing": a cron schedule'),
        'maxretries above 5 (Cairn retries at most 5 times): "Postgres"',
      ]),
    );
  });

  it('reads local wall times in their zone, across DST', () => {
    expect(new Date(zonedInstant('2026-07-01 02:00:00', 'Europe/Berlin') as number).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(new Date(zonedInstant('2026-12-01 02:00', 'Europe/Berlin') as number).toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(new Date(zonedInstant('2026-03-08 12:00:00', 'America/New_York') as number).toISOString()).toBe('2026-03-08T16:00:00.000Z');
    expect(zonedInstant('soon', 'UTC')).toBeNull();
  });
});
