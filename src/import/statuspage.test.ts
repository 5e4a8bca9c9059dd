import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIncident } from '../incidents/parse.ts';
import { planStatuspage } from './statuspage.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/import/statuspage', import.meta.url));

describe('Statuspage to Cairn', () => {
  it('turns groups and components into groups and disabled placeholder checks, in position order', async () => {
    const plan = await planStatuspage(FIXTURE);
    expect(plan.groups).toEqual([
      {
        id: 'core-platform',
        name: 'Core Platform',
        description: 'The services every product depends on',
        components: [
          { id: 'api', name: 'API', description: 'REST and GraphQL API' },
          { id: 'authentication-and-sso', name: 'Authentication & SSO' },
          { id: 'script-alert-x-script-edge', name: "<script>alert('x')</script> Edge", description: 'CDN "edge" nodes </description>' },
        ],
      },
    ]);
    expect(plan.checks.map((c) => [c['id'], c['enabled'], c['url']])).toEqual([
      ['api', false, 'https://example.invalid/'],
      ['authentication-and-sso', false, 'https://example.invalid/'],
      ['script-alert-x-script-edge', false, 'https://example.invalid/'],
      ['uenicode-dashboard', false, 'https://example.invalid/'],
      ['api-2', false, 'https://example.invalid/'],
    ]);
    expect(plan.site).toEqual({ title: 'Acme "Cloud" Status', timeZone: 'Europe/Berlin' });
    const skipped = plan.skipped.map((s) => s.message).join('\n');
    expect(skipped).toContain('group "Legacy" has no components');
    expect(skipped).toContain('uptime history of the 5 components: Statuspage keeps no check results');
    expect(skipped).toContain('component "API" (api-2) has no check on Statuspage');
  });

  it('writes incidents with every update in order, and maintenance (from both files, once) as windows', async () => {
    const plan = await planStatuspage(FIXTURE);
    expect(plan.incidents.map((i) => i.file)).toEqual(['incidents/statuspage-p31zjtct2jer.md', 'incidents/statuspage-k5ymvxf0ybqg.md']);
    const open = parseIncident('incidents/statuspage-p31zjtct2jer.md', plan.incidents[0]?.content as string);
    expect(open.errors).toEqual([]);
    expect(open.incident).toMatchObject({ title: 'Elevated API error rates', impact: 'major', components: ['api'], resolvedAt: null, startedAt: Date.parse('2026-11-28T08:55:00Z') });
    expect(open.incident?.updates.map((u) => [u.status, u.text])).toEqual([
      ['investigating', 'We are investigating errors on the API. <b>Not bold</b> & "quoted".'],
      ['investigating', 'Status: investigating.'],
      ['identified', 'A bad deploy of the API gateway; rolling back.'],
    ]);
    const done = parseIncident('incidents/statuspage-k5ymvxf0ybqg.md', plan.incidents[1]?.content as string).incident;
    expect(done?.resolvedAt).toBe(Date.parse('2026-10-02T08:45:00Z'));
    expect(done?.updates.map((u) => u.status)).toEqual(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']);
    expect(done?.updates[4]?.text).toContain('## What happened');
    expect(done?.impact).toBe('critical');

    expect(plan.maintenance).toEqual([
      {
        id: 'statuspage-w8r4hgnjzs4m',
        title: 'Network maintenance in FRA',
        description: 'Our network provider replaces core routers in Frankfurt. Brief connection resets are possible.',
        components: ['api', 'authentication-and-sso', 'script-alert-x-script-edge'],
        start: '2026-12-06T01:00:00Z',
        end: '2026-12-06T03:30:00Z',
      },
      { id: 'statuspage-mnt0inc00001', title: 'Database upgrade', description: 'The upgrade is complete.', components: ['api'], start: '2026-09-27T02:00:00Z', end: '2026-09-27T04:00:00Z' },
    ]);
    expect(plan.skipped.map((s) => s.message).join('\n')).toContain('maintenance "Office move" (nocomponents): names no component');
  });

  it('names what is missing when the source is not a Statuspage export', async () => {
    await expect(planStatuspage(path.join(FIXTURE, 'nowhere'))).rejects.toThrow(/no components\.json or summary\.json/);
  });
});
