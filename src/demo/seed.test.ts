/**
 * The seeded demo repo, read back by the code that reads a real one: the store, the incident
 * files, the model, the reports. Expected figures are computed here from the raw samples.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents, readAutoState } from '../incidents/store.ts';
import type { Incident } from '../incidents/types.ts';
import { buildModel } from '../site/build.ts';
import { DAY_MS, utcDay } from '../store/layout.ts';
import type { Sample } from '../store/samples.ts';
import { readStore } from '../store/store.ts';
import { latestSignals } from '../checks/heartbeat-signals.ts';
import { type SeedResult, seedDemoHistory } from './seed.ts';
import { demoConfig } from './testing.ts';

const NOW = Date.parse('2026-03-18T10:17:42Z'); // a Wednesday
let config: ResolvedConfig;
let seeded: SeedResult;
let samples: Sample[];

async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const sub of ['data', 'incidents', 'reports', 'checks']) {
    const names = await readdir(path.join(dir, sub), { recursive: true }).catch(() => [] as string[]);
    for (const n of names.sort()) {
      const text = await readFile(path.join(dir, sub, n), 'utf8').catch(() => null);
      if (text !== null) out.set(path.join(sub, n), text);
    }
  }
  return out;
}

beforeAll(async () => {
  config = await demoConfig(NOW);
  seeded = await seedDemoHistory(config, { now: NOW });
  const store = await readStore(config.dir);
  expect(store.problems).toEqual([]);
  samples = store.samples;
}, 120_000);

/** Time the checks were down, by the gap rule, within [from, to): a sample holds until the next one of its check. */
function downUnion(ids: string[], from: number, to: number): number {
  const spans: [number, number][] = [];
  for (const id of ids) {
    const own = samples.filter((s) => s.id === id).sort((a, b) => a.at - b.at);
    own.forEach((s, i) => {
      const next = own[i + 1];
      if (s.status === 'down') spans.push([s.at, Math.min(next ? next.at : NOW, s.at + config.run.maxGapMs)]);
    });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a0, b0] of spans) {
    const a = Math.max(a0, from, end);
    const b = Math.min(b0, to);
    if (b > a) total += b - a;
    end = Math.max(end, b0);
  }
  return total;
}

describe('the seeded demo history', () => {
  it('holds 90 days of rounds in the store, one raw file per UTC day, every line readable', async () => {
    const names = (await readdir(path.join(config.dir, 'data'))).filter((n) => n.endsWith('.ndjson')).sort();
    expect(names).toHaveLength(91);
    expect(names[0]).toBe('2025-12-18.ndjson');
    expect(names[names.length - 1]).toBe('2026-03-18.ndjson');
    expect(seeded.days).toBe(91);
    expect(samples).toHaveLength(seeded.rounds * 7);
    expect(samples.reduce((m, s) => Math.max(m, s.at), 0)).toBeLessThan(NOW);
    // A real repo that ran this long holds its checks' statuses, every one of them.
    const statuses = new Set(samples.map((s) => s.status));
    expect([...statuses].sort()).toEqual(['degraded', 'down', 'maintenance', 'up']);
  });

  it('signals the nightly backup every night, and its heartbeat follows the signals', async () => {
    const { latest } = await latestSignals(config.dir, ['nightly-backup']);
    const last = latest.get('nightly-backup');
    expect(last?.status).toBe('ok');
    expect(NOW - (last?.at ?? 0)).toBeLessThan(86_400_000);
    const backup = samples.filter((s) => s.id === 'nightly-backup');
    expect(backup).toHaveLength(seeded.rounds);
    // The job signalled the night before the history starts, and every night on time since.
    expect(backup.filter((s) => s.status !== 'up')).toEqual([]);
    expect(samples.filter((s) => s.id === 'domain').every((s) => s.status === 'up' || s.status === 'maintenance')).toBe(true);
  });

  it('has the incidents Cairn opened for the failures, with what people wrote into them', async () => {
    const { incidents, errors } = await loadIncidents(config);
    expect(errors).toEqual([]);
    expect(incidents.map((i) => `${utcDay(i.startedAt)} ${i.title}`).reverse()).toEqual([
      '2026-01-06 Search major outage',
      '2026-01-14 Public API partial outage',
      '2026-01-27 Search major outage',
      '2026-02-06 Public API major outage',
      '2026-02-13 Database major outage',
      '2026-02-20 Public API degraded performance',
      '2026-03-06 Website major outage',
      '2026-03-15 Search major outage',
      '2026-03-18 Public API partial outage',
    ]);
    expect(incidents.every((i) => i.auto)).toBe(true);
    // Only the current one is open, and the committed state remembers it for the next run.
    expect(incidents.filter((i) => i.resolvedAt === null).map((i) => i.id)).toEqual(['2026-03-18-api']);
    const state = await readAutoState(config.dir);
    expect(Object.keys(state.components)).toEqual(['api']);
    expect(state.components['api']?.open?.file).toBe('incidents/2026-03-18-api.md');

    const outage = incidents.find((i) => i.title === 'Public API major outage') as Incident;
    expect(outage.updates.map((u) => u.status)).toEqual(['investigating', 'investigating', 'identified', 'identified', 'monitoring', 'resolved', 'postmortem']);
    expect(outage.body).toMatch(/^## Postmortem\n/);
    expect(outage.impact).toBe('critical');
    // Cairn opened it with the first round that saw the API down (both checks failed in it; the
    // store keeps a sample's offset in the round in whole seconds) and resolved it at the second
    // healthy round after.
    const firstDown = (id: string) => samples.filter((s) => s.id === id && s.status === 'down' && s.at >= outage.startedAt - 60_000).sort((a, b) => a.at - b.at)[0] as Sample;
    const opened = outage.startedAt - Math.max(firstDown('api-orders').at, firstDown('api-latency').at);
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(opened).toBeLessThan(1000);
    const after = samples.filter((s) => s.id === 'api-orders' && s.at > outage.startedAt + 3_600_000 && s.status === 'up').sort((a, b) => a.at - b.at);
    expect(outage.resolvedAt).toBeGreaterThanOrEqual((after[1] as Sample).at);
    expect(outage.resolvedAt).toBeLessThan((after[1] as Sample).at + 60_000);

    // Failures inside a maintenance window are recorded as maintenance and open nothing.
    const upgrade = seeded.story.maintenance.find((m) => m.id === 'search-upgrade');
    const inUpgrade = samples.filter((s) => s.id === 'search' && upgrade && s.at >= upgrade.start && s.at < upgrade.start + upgrade.durationMs);
    expect(inUpgrade.length).toBeGreaterThan(20);
    expect(inUpgrade.every((s) => s.status === 'maintenance')).toBe(true);
    expect(inUpgrade.some((s) => s.error?.includes('HTTP 503'))).toBe(true);
    expect(incidents.some((i) => upgrade && i.startedAt >= upgrade.start && i.startedAt < upgrade.start + upgrade.durationMs)).toBe(false);
  });

  it('shows the story in the model: bars with data every day, the three-hour outage on its day, the slow week', async () => {
    const model = await buildModel(config, NOW);
    expect(model.problems).toEqual([]);
    for (const c of model.components) {
      expect(c.days).toHaveLength(90);
      expect(c.days.filter((d) => d.level === 'nodata')).toEqual([]);
      expect(c.uptime['90d'].coverage).toBe('100.00');
    }
    const api = model.components.find((c) => c.id === 'api');
    const outage = seeded.story.events.find((e) => e.id === 'api-outage');
    const day = utcDay(outage?.start ?? 0);
    const bar = api?.days.find((d) => d.date === day);
    const expected = downUnion(['api-orders', 'api-latency'], Date.parse(`${day}T00:00:00Z`), Date.parse(`${day}T00:00:00Z`) + DAY_MS);
    expect(Math.abs(expected - 3 * 3_600_000)).toBeLessThan(5 * 60_000);
    expect(bar).toMatchObject({ level: 'down', downMs: expected, maintenanceMs: 0, coverage: '100.00' });
    expect(bar?.percent).toBe((Math.floor(((DAY_MS - expected) / DAY_MS) * 10_000) / 100).toFixed(2));
    const levels = (id: string) => model.components.find((c) => c.id === id)?.days.map((d) => d.level) ?? [];
    expect(levels('api').filter((l) => l === 'degraded').length).toBeGreaterThanOrEqual(5);
    // Weekly patching: every Sunday is a maintenance day for the website (13 Sundays in 90 days).
    const sundays = model.components.find((c) => c.id === 'website')?.days.filter((d) => new Date(`${d.date}T00:00:00Z`).getUTCDay() === 0) ?? [];
    expect(sundays.length).toBeGreaterThanOrEqual(12);
    expect(sundays.every((d) => d.level === 'maintenance')).toBe(true);
    expect(new Set(model.components.flatMap((c) => c.days.map((d) => d.level)))).toEqual(new Set(['up', 'degraded', 'down', 'maintenance']));
  });

  it("has last month's report, written by the report generator", async () => {
    expect(seeded.reports).toEqual(['2026-02']);
    const february = await readFile(path.join(config.dir, 'reports', '2026-02.md'), 'utf8');
    expect(february).toContain('# Cairn Demo Status: health report, February 2026');
    expect(february).toMatch(/\| Public API major outage \(`2026-02-06-api`\) \| P1 \(critical\) \|/);
    expect(await readdir(path.join(config.dir, 'reports'))).toEqual(['2026-02.html', '2026-02.md']);
  });

  it('is deterministic, and seeding the folder again starts over instead of adding to it', async () => {
    const before = await filesOf(config.dir);
    expect(before.size).toBeGreaterThan(100);
    const again = await demoConfig(NOW, config.dir);
    await seedDemoHistory(again, { now: NOW });
    const after = await filesOf(config.dir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [file, text] of before) expect(after.get(file), file).toBe(text);
  }, 120_000);
});
