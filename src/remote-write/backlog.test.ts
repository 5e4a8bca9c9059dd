/** The backlog read from the store: the window, regions, shards, the bound, lines read from the end. */
import { appendFile, rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { dayFile } from '../store/layout.ts';
import { type RunRecord, appendRuns } from '../store/samples.ts';
import { ORDER_SLACK_MS, readBacklog } from './backlog.ts';
import { tempRepo } from './testing.ts';

const MIN = 60_000;
const T = Date.parse('2026-11-24T10:00:00.000Z');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A run at `at` of `n` checks (wide runs make a file of several megabytes). */
function run(at: number, opts: { g?: string; n?: number } = {}): RunRecord {
  const t = new Date(at).toISOString();
  return { v: 1, t, r: Array.from({ length: opts.n ?? 2 }, (_, i) => ({ id: `check-number-${i}`, s: 'up' as const, t, ms: 10 + i, e: null, ...(opts.g ? { g: opts.g } : {}) })) };
}

async function repo(): Promise<string> {
  const dir = await tempRepo({});
  dirs.push(dir);
  return dir;
}

const times = (runs: RunRecord[]) => runs.map((r) => (Date.parse(r.t) - T) / MIN);

describe('readBacklog', () => {
  it('the runs after the cursor and before the current run, oldest first; older than the bound: counted, not returned', async () => {
    const dir = await repo();
    await appendRuns(dir, [-30, -20, -10, -5, -3, -2, -1, 0, 1].map((m) => run(T + m * MIN)));
    const b = await readBacklog(dir, { afterMs: T - 20 * MIN, fromMs: T - 6 * MIN, beforeMs: T, shard: null, region: null });
    expect(times(b.runs)).toEqual([-5, -3, -2, -1]);
    expect(b).toMatchObject({ dropped: 1, droppedUntil: T - 10 * MIN, unreadable: 0 });
  });

  it('only its region\'s runs and its shard\'s file; a line it cannot parse is counted; old (version 1) lines are read', async () => {
    const dir = await repo();
    await appendRuns(dir, [run(T - 3 * MIN, { g: 'eu' }), run(T - 2 * MIN, { g: 'us' }), run(T - MIN)]);
    await appendRuns(dir, [run(T - 90_000, { g: 'eu' })], { shard: { index: 2, count: 2 } });
    await appendFile(dayFile(dir, '2026-11-24'), `not json\n${JSON.stringify(run(T - 30_000, { g: 'eu' }))}\n`);
    const eu = await readBacklog(dir, { afterMs: T - 10 * MIN, fromMs: 0, beforeMs: T, shard: null, region: 'eu' });
    expect(times(eu.runs)).toEqual([-3, -0.5]);
    expect(eu.unreadable).toBe(1);
    const none = await readBacklog(dir, { afterMs: T - 10 * MIN, fromMs: 0, beforeMs: T, shard: null, region: null });
    expect(times(none.runs)).toEqual([-1]);
    const shard = await readBacklog(dir, { afterMs: T - 10 * MIN, fromMs: 0, beforeMs: T, shard: { index: 2, count: 2 }, region: 'eu' });
    expect(times(shard.runs)).toEqual([-1.5]);
  });

  it('across days, and through a file of several megabytes read from its end (lines cut by the chunks)', async () => {
    const dir = await repo();
    const day1 = Date.parse('2026-11-23T23:00:00.000Z');
    // 1,560 wide runs (about 5 MB) on the 23rd, two runs on the 24th.
    await appendRuns(dir, Array.from({ length: 1500 }, (_, i) => run(day1 - (1500 - i) * 2000, { n: 60 })));
    await appendRuns(dir, Array.from({ length: 60 }, (_, i) => run(day1 + i * MIN, { n: 60 })));
    await appendRuns(dir, [run(T + 5 * MIN, { n: 60 }), run(T + 6 * MIN, { n: 60 })]);
    const b = await readBacklog(dir, { afterMs: day1 + 29.5 * MIN, fromMs: 0, beforeMs: T + 6 * MIN, shard: null, region: null });
    expect(times(b.runs)).toEqual([...Array.from({ length: 30 }, (_, i) => (day1 - T) / MIN + 30 + i), 5]);
    // Everything after the cursor, in a file written in start order: the whole day when the cursor is before it.
    const all = await readBacklog(dir, { afterMs: day1 - 4000 * 1000, fromMs: 0, beforeMs: T, shard: null, region: null });
    expect(all.runs).toHaveLength(1560);
  });

  it('a run appended late (it raced) is found while it is within the order slack of the cursor', async () => {
    const dir = await repo();
    await appendRuns(dir, [run(T - 10 * MIN), run(T - 2 * MIN)]);
    // Appended after the run at -2 min though it started at -4 (another runner's, merged later).
    await appendFile(dayFile(dir, '2026-11-24'), `${JSON.stringify(run(T - 4 * MIN))}\n`);
    await appendRuns(dir, [run(T - MIN)]);
    const b = await readBacklog(dir, { afterMs: T - 5 * MIN, fromMs: 0, beforeMs: T, shard: null, region: null });
    expect(times(b.runs)).toEqual([-4, -2, -1]);
    expect(ORDER_SLACK_MS).toBeGreaterThanOrEqual(3_600_000);
  });
});
