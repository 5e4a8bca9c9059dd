/**
 * `cairn serve` keeps the store's columns between models (LiveStoreColumns): after a round it
 * reads again only the day files that changed. Its model must be the model a full read gives.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { dayFile, utcDay } from '../store/layout.ts';
import { appendRun, type RunRecord } from '../store/samples.ts';
import { LiveStoreColumns, type LiveStoreState } from '../store/store.ts';
import { DayBarMemo, type StatusModel } from '../model/model.ts';
import { buildModel } from './build.ts';
import { compactStore } from '../store/compact.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Just before a UTC midnight: the next hours cross it. */
const NOW = Date.parse('2026-03-10T22:30:00.000Z');

/** A run of the three checks at `t`; `i` varies statuses, codes, regions, errors and expiry dates. */
function run(t: number, i: number): RunRecord {
  const at = new Date(t).toISOString();
  return {
    v: 1,
    t: at,
    r: [
      { id: 'api', s: i % 17 === 0 ? 'down' : i % 5 === 0 ? 'degraded' : 'up', t: at, ms: i % 17 === 0 ? null : 40 + (i % 13), e: i % 17 === 0 ? 'refused' : null, ...(i % 3 === 0 ? { code: i % 17 === 0 ? 503 : 200 } : {}) },
      { id: 'cert', s: 'up', t: at, ms: 12, e: null, ...(i % 7 === 0 ? { x: '2026-06-01T00:00:00.000Z' } : {}) },
      { id: 'db', s: i % 11 === 0 ? 'down' : 'up', t: at, ms: 3, e: i % 11 === 0 ? 'timeout' : null },
    ],
  };
}

async function repo(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-live-store-'));
  await mkdir(path.join(dir, 'checks'));
  await mkdir(path.join(dir, 'incidents'));
  await writeFile(
    path.join(dir, 'checks', 'a.yaml'),
    'checks:\n  - { id: api, name: API, kind: tcp, host: 127.0.0.1, port: 9 }\n  - { id: cert, name: Cert, kind: tcp, host: 127.0.0.1, port: 9 }\n  - { id: db, name: DB, kind: tcp, host: 127.0.0.1, port: 9 }\n',
  );
  // 95 days of runs every 2 hours, so that the oldest days leave the window as time passes.
  const runs: RunRecord[] = [];
  let i = 0;
  for (let t = NOW - 95 * DAY; t <= NOW; t += 2 * HOUR) runs.push(run(t, i++));
  for (const r of runs) await appendRun(dir, r);
  return dir;
}

describe('LiveStoreColumns', () => {
  it('gives the model of a full read after rounds, across midnight, with a new incident and with an older file changed', async () => {
    const dir = await repo();
    try {
      const config = await loadConfig(dir, { missingEnv: 'keep' });
      const store = new LiveStoreColumns();
      const same = async (now: number, reread: (n: number) => void) => {
        const live = await buildModel(config, now, { store });
        reread(store.lastRead);
        expect(live).toEqual(await buildModel(config, now));
      };
      await same(NOW, (n) => expect(n).toBeGreaterThan(90));
      // Nothing changed: nothing read again.
      await same(NOW + 60_000, (n) => expect(n).toBe(0));
      // A round: today's file, and only it, is read again.
      let i = 10_000;
      await appendRun(dir, run(NOW + 5 * 60_000, i++));
      await same(NOW + 6 * 60_000, (n) => expect(n).toBe(1));
      // Rounds after midnight: a new day file, and the oldest day leaves the window.
      await appendRun(dir, run(NOW + 2 * HOUR, i++));
      await same(NOW + 2 * HOUR + 60_000, (n) => expect(n).toBe(1));
      await appendRun(dir, run(NOW + 3 * HOUR, i++));
      await same(NOW + 3 * HOUR + 60_000, (n) => expect(n).toBe(1));
      // A new incident (read whole at every model), then a round.
      await writeFile(path.join(dir, 'incidents', '2026-03-11-db.md'), ['---', 'title: Database slow', 'components: [db]', `started: ${new Date(NOW + 2 * HOUR).toISOString()}`, '---', 'Looking.', ''].join('\n'));
      await appendRun(dir, run(NOW + 4 * HOUR, i++));
      await same(NOW + 4 * HOUR + 60_000, (n) => expect(n).toBe(1));
      // A day's file changed in the middle of the window (a late shard, an edit): it and the later ones are read again.
      await appendRun(dir, run(NOW - 10 * DAY + 30 * 60_000, i++));
      await same(NOW + 4 * HOUR + 120_000, (n) => expect(n).toBe(12));
      // A line that does not parse is reported as a full read reports it.
      await appendFile(dayFile(dir, utcDay(NOW + 5 * HOUR)), 'not json\n');
      await appendRun(dir, run(NOW + 5 * HOUR, i++));
      await same(NOW + 5 * HOUR + 60_000, (n) => expect(n).toBe(1));
      expect((await buildModel(config, NOW + 5 * HOUR + 60_000, { store })).problems).toHaveLength(1);
      // Days later, much of the window has moved.
      await appendRun(dir, run(NOW + 3 * DAY, i++));
      await same(NOW + 3 * DAY + 60_000, (n) => expect(n).toBe(1));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('goes on from columns sent to another process (v8 serialization), reusing day bars: rounds across midnight, in maintenance, a new and a resolved incident', async () => {
    const dir = await repo();
    try {
      const iso = (t: number) => new Date(t).toISOString();
      // Maintenance of the database from an hour before midnight to two hours after.
      await writeFile(path.join(dir, 'cairn.yaml'), `maintenance:\n  - id: db-upgrade\n    title: Database upgrade\n    components: [db]\n    start: ${iso(NOW + HOUR)}\n    duration: 3h\n`);
      const config = await loadConfig(dir, { missingEnv: 'keep' });
      // The child's whole read, then its columns sent as Node's `advanced` IPC serialization sends them.
      const read = new LiveStoreColumns();
      expect(await buildModel(config, NOW, { store: read })).toEqual(await buildModel(config, NOW));
      const message = v8.deserialize(v8.serialize({ model: null, state: read.handOver() })) as { state: LiveStoreState };
      const store = LiveStoreColumns.fromState(message.state);
      // As `cairn serve` computes them: with the previous model's day bars to reuse.
      const bars = new DayBarMemo();
      let previous: StatusModel | null = null;
      const same = async (now: number, reread: number) => {
        const live = await buildModel(config, now, { store, bars });
        expect(store.lastRead).toBe(reread);
        expect(live).toEqual(await buildModel(config, now));
        // Past days' bars are the previous model's objects.
        if (previous) expect(live.checks[0]!.days.filter((d) => previous!.checks[0]!.days.includes(d)).length).toBeGreaterThan(80);
        previous = live;
        return live;
      };
      await same(NOW + 60_000, 0);
      let i = 20_000;
      const round = async (t: number, db: 'up' | 'down' | 'maintenance' = 'up') => {
        const r = run(t, i++);
        r.r[2] = { id: 'db', s: db, t: r.t, ms: db === 'down' ? null : 3, e: db === 'down' ? 'timeout' : null };
        await appendRun(dir, r);
      };
      await round(NOW + 5 * 60_000, 'down');
      await same(NOW + 6 * 60_000, 1);
      // An incident opened for the database, then a round inside the maintenance window, after midnight.
      const incident = path.join(dir, 'incidents', '2026-03-10-db.md');
      const open = ['---', 'title: Database down', 'components: [db]', `started: ${iso(NOW + 5 * 60_000)}`, '---', 'Looking.', ''];
      await writeFile(incident, open.join('\n'));
      await round(NOW + 10 * 60_000, 'down');
      expect((await same(NOW + 11 * 60_000, 1)).incidents.map((x) => [x.id, x.resolvedAt])).toEqual([['2026-03-10-db', null]]);
      await round(NOW + 2 * HOUR, 'maintenance');
      const during = await same(NOW + 2 * HOUR + 60_000, 1);
      expect(during.maintenance.active.map((m) => m.windowId)).toEqual(['db-upgrade']);
      // The incident resolved by hand, then rounds after the maintenance.
      await writeFile(incident, [...open.slice(0, 4), `resolved: ${iso(NOW + 3 * HOUR)}`, ...open.slice(4)].join('\n'));
      await round(NOW + 4 * HOUR + 30 * 60_000);
      const after = await same(NOW + 4 * HOUR + 31 * 60_000, 1);
      expect(after.incidents.map((x) => x.resolvedAt)).not.toEqual([null]);
      expect(after.maintenance.active).toEqual([]);
      await round(NOW + 2 * DAY);
      await same(NOW + 2 * DAY + 60_000, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('folds the days before the last nine into rollups and gives the same model: holds across midnight, regions, late starts, compacted days, the window moving', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-live-fold-'));
    try {
      await mkdir(path.join(dir, 'checks'));
      // `slow` runs every 2 hours (a sample holds 6 hours: across midnight); `multi` from two regions; `late` starts 40 days ago.
      await writeFile(
        path.join(dir, 'checks', 'a.yaml'),
        'checks:\n  - { id: slow, name: Slow, kind: tcp, host: 127.0.0.1, port: 9, interval: 2h }\n  - { id: multi, name: Multi, kind: tcp, host: 127.0.0.1, port: 9, interval: 2h }\n  - { id: late, name: Late, kind: tcp, host: 127.0.0.1, port: 9, interval: 2h }\n',
      );
      const statuses = ['up', 'up', 'degraded', 'up', 'down', 'up', 'maintenance', 'up', 'up', 'down', 'down'] as const;
      // Two runs at each time: one without a region (slow, late), then `multi` from one region or the other.
      const runAt = async (t: number, i: number) => {
        const at = new Date(t).toISOString();
        const s = statuses[i % statuses.length]!;
        const r: RunRecord['r'] = [{ id: 'slow', s, t: at, ms: s === 'down' ? null : 20 + (i % 9), e: s === 'down' ? 'refused' : null }];
        if (t >= NOW - 40 * DAY) r.push({ id: 'late', s: i % 13 === 0 ? 'down' : 'up', t: at, ms: 7, e: i % 13 === 0 ? 'refused' : null });
        await appendRun(dir, { v: 1, t: at, r });
        const m = new Date(t + 60_000).toISOString();
        await appendRun(dir, { v: 1, t: m, r: [{ id: 'multi', s: i % 3 === 0 ? 'down' : 'up', t: m, ms: 5, e: i % 3 === 0 ? 'timeout' : null, g: i % 2 === 0 ? 'eu' : 'us' }] });
      };
      // 100 days of runs every 2 hours and 17 minutes, with a pause of 20 hours (a gap across midnight) 30 days ago.
      let i = 0;
      for (let t = NOW - 100 * DAY; t <= NOW; t += 2 * HOUR + 17 * 60_000) if (t < NOW - 30 * DAY - 10 * HOUR || t > NOW - 30 * DAY + 10 * HOUR) await runAt(t, i++);
      const config = await loadConfig(dir, { missingEnv: 'keep' });
      const store = new LiveStoreColumns();
      const same = async (now: number) => {
        const live = await buildModel(config, now, { store });
        expect(live).toEqual(await buildModel(config, now));
        return live;
      };
      const whole = await same(NOW);
      // 92 days read, all but the last nine folded (but for `multi`, run from two regions: kept raw); the figures are not empty.
      expect(store.held().foldedDays).toBeGreaterThan(80);
      expect(store.held().samples).toBeLessThan(93 * 11 + 2 * 11 * 11);
      expect(whole.checks.find((c) => c.id === 'slow')!.uptime['90d'].downMs).toBeGreaterThan(0);
      expect(whole.checks.find((c) => c.id === 'late')!.days.filter((d) => d.level === 'nodata').length).toBeGreaterThan(40);
      // Rounds, midnight, and days later: the window's front moves (a folded day leaves it).
      for (const later of [HOUR, 3 * HOUR, DAY + HOUR, 3 * DAY]) {
        await runAt(NOW + later, i++);
        await same(NOW + later + 60_000);
      }
      // A folded day's file changed: it and the files after it are read again, and folded again.
      await runAt(NOW - 20 * DAY + 5 * 60_000, i++);
      await same(NOW + 3 * DAY + 120_000);
      expect(store.lastRead).toBeGreaterThan(20);
      // Days compacted on disk before the folded ones: both kinds of rollups, then raw days.
      await compactStore(dir, { retentionMs: 50 * DAY, now: NOW + 3 * DAY, maxGapMs: () => 6 * HOUR });
      await same(NOW + 3 * DAY + 180_000);
      expect(store.held().foldedDays).toBeGreaterThan(30);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
