import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../checks/types.ts';
import { applyMaintenance } from '../maintenance/apply.ts';
import { fixtureConfig } from '../model/testing.ts';
import { applyAutoIncidents } from './auto-run.ts';
import { loadIncidents, readAutoState } from './store.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const M = 60_000;

function results(at: number, statuses: Record<string, CheckStatus>): CheckResult[] {
  return Object.entries(statuses).map(([id, status]) => ({
    id,
    kind: 'tcp',
    status,
    responseTimeMs: 10,
    error: status === 'up' ? null : `connection refused by 127.0.0.1:${id.length}`,
    checkedAt: new Date(at).toISOString(),
    attempts: 1,
  }));
}

async function setup() {
  const config = fixtureConfig({ checks: [{ id: 'api1', component: 'api' }, { id: 'api2', component: 'api' }, { id: 'db' }] });
  config.dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-incidents-'));
  return config;
}

describe('automatic incidents on disk', () => {
  it('opens one incident, escalates it, keeps human edits, resolves after two healthy runs', async () => {
    const config = await setup();
    const run = (i: number, s: Record<string, CheckStatus>) => applyAutoIncidents(config, results(T0 + i * 5 * M, s), T0 + i * 5 * M + 1000);

    const a0 = await run(0, { api1: 'down', api2: 'up', db: 'up' });
    expect(a0.map((a) => [a.action.type, a.file])).toEqual([['open', 'incidents/2026-11-24-api.md']]);
    const file = path.join(config.dir, 'incidents/2026-11-24-api.md');
    let { incidents } = await loadIncidents(config);
    expect(incidents[0]).toMatchObject({ title: 'api partial outage', impact: 'major', severity: 'P2', auto: true, components: ['api'] });
    expect(incidents[0]!.startedAt).toBe(T0);
    expect(incidents[0]!.detectedAt).toBe(T0 + 1000);

    // A person renames it and writes a first update and a postmortem draft.
    const edited = (await readFile(file, 'utf8'))
      .replace('title: "api partial outage"', 'title: "Checkout API errors"')
      .replace(/\n---\n/, '\n---\n\nDraft postmortem: pool exhaustion.\n');
    await writeFile(file, edited);

    const a1 = await run(1, { api1: 'down', api2: 'down', db: 'up' });
    expect(a1.map((a) => a.action.type)).toEqual(['escalate']);
    expect((await run(2, { api1: 'up', api2: 'up', db: 'up' })).length).toBe(0);
    expect((await run(3, { api1: 'down', api2: 'down', db: 'up' })).length).toBe(0); // flapping: same incident
    expect((await run(4, { api1: 'up', api2: 'up', db: 'up' })).length).toBe(0);
    const a5 = await run(5, { api1: 'up', api2: 'up', db: 'up' });
    expect(a5.map((a) => a.action.type)).toEqual(['resolve']);

    ({ incidents } = await loadIncidents(config));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ title: 'Checkout API errors', impact: 'critical', body: 'Draft postmortem: pool exhaustion.' });
    expect(incidents[0]!.resolvedAt).toBe(T0 + 25 * M);
    // The response checklist of its severity (P2 when opened) was written into the file, and survives every automatic update.
    expect(incidents[0]!.checklist.map((c) => [c.step, c.done])).toEqual([['acknowledge', false], ['triage', false], ['mitigate', false], ['resolve', false], ['postmortem', false]]);
    expect(await readFile(file, 'utf8')).toContain('- [ ] Acknowledge within 30 minutes');
    expect(incidents[0]!.updates.map((u) => u.status)).toEqual(['investigating', 'investigating', 'resolved']);
    expect(await readAutoState(config.dir)).toEqual({ v: 1, components: {} });
  });

  it('a human-lowered impact is not raised again; a human resolution closes it', async () => {
    const config = await setup();
    await applyAutoIncidents(config, results(T0, { api1: 'degraded', api2: 'up', db: 'up' }), T0);
    const file = path.join(config.dir, 'incidents/2026-11-24-api.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace('impact: minor', 'impact: none'));
    await applyAutoIncidents(config, results(T0 + 5 * M, { api1: 'down', api2: 'down', db: 'up' }), T0 + 5 * M);
    expect((await loadIncidents(config)).incidents[0]!.impact).toBe('none');
    // The person resolves it by hand; the next failure opens a new incident.
    await writeFile(file, (await readFile(file, 'utf8')).replace('detected:', 'resolved: 2026-11-24T10:07:00Z\ndetected:'));
    const a = await applyAutoIncidents(config, results(T0 + 10 * M, { api1: 'down', api2: 'down', db: 'up' }), T0 + 10 * M);
    expect(a.map((x) => [x.action.type, x.file])).toEqual([['open', 'incidents/2026-11-24-api-2.md']]);
  });

  it('resolves the incident of a component removed from the configuration', async () => {
    const config = await setup();
    await applyAutoIncidents(config, results(T0, { api1: 'up', api2: 'up', db: 'down' }), T0);
    const smaller = fixtureConfig({ checks: [{ id: 'api1', component: 'api' }] });
    smaller.dir = config.dir;
    const a = await applyAutoIncidents(smaller, results(T0 + 5 * M, { api1: 'up' }), T0 + 5 * M);
    expect(a.map((x) => [x.action.type, x.file])).toEqual([['resolve', 'incidents/2026-11-24-db.md']]);
    const text = await readFile(path.join(config.dir, 'incidents/2026-11-24-db.md'), 'utf8');
    expect(text).toContain('removed from the configuration');
  });

  it('maintenance: results become maintenance, and no incident opens', async () => {
    const config = await setup();
    config.maintenance = [{ id: 'w', title: 'Upgrade', description: null, components: ['db'], start: T0 - M, end: T0 + M, recurring: null }];
    const rs = applyMaintenance(results(T0, { api1: 'up', api2: 'up', db: 'down' }), config);
    expect(rs.map((r) => r.status)).toEqual(['up', 'up', 'maintenance']);
    expect(await applyAutoIncidents(config, rs, T0)).toEqual([]);
    expect(await readdir(config.dir)).toEqual(['data']);
  });
});
