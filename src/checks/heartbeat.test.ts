import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendSignal } from '../store/heartbeats.ts';
import { runCheckRound } from './engine.ts';
import { HEARTBEATS_DIR, encodeSignal, latestSignals, parseSignal, verifySignalFiles } from './heartbeat-signals.ts';
import { heartbeatCheck } from './test-helpers.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T03:00:00Z');

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function repo(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cairn-heartbeat-'));
  dirs.push(dir);
  return dir;
}

/** One engine round over `checks` at the given clock, in the status repo `dir`. */
async function at(dir: string, nowMs: number, checks = [heartbeatCheck({ id: 'backup', periodMs: 24 * H, graceMs: H })]) {
  const { results } = await runCheckRound(checks, { concurrency: 4, deadlineMs: 10_000 }, { dir, now: () => new Date(nowMs) });
  return results;
}

describe('heartbeat check', () => {
  it('is down before the first signal, up while signals come within period + grace, down after', async () => {
    const dir = await repo();
    const [none] = await at(dir, T0);
    expect(none).toMatchObject({ id: 'backup', kind: 'heartbeat', status: 'down', responseTimeMs: null, attempts: 1 });
    expect(none?.error).toBe('no signal received yet, expected every 1d (grace 1h); a job signals with `npx cairn heartbeat backup`');

    await appendSignal(dir, { id: 'backup', at: T0, status: 'ok', message: 'backed up 12 GB', source: 'https://github.com/acme/db/actions/runs/1' });
    const [fresh] = await at(dir, T0 + 60_000);
    expect(fresh).toMatchObject({ status: 'up', error: null });
    expect(fresh?.details).toEqual({
      lastSignalAt: '2026-11-20T03:00:00Z',
      lastStatus: 'ok',
      lastMessage: 'backed up 12 GB',
      source: 'https://github.com/acme/db/actions/runs/1',
      dueBy: '2026-11-21T04:00:00Z',
    });
    // Still up at the very end of period + grace; down one second later.
    expect((await at(dir, T0 + 25 * H))[0]?.status).toBe('up');
    const [late] = await at(dir, T0 + 25 * H + 1000);
    expect(late).toMatchObject({ status: 'down', error: 'no signal since 2026-11-20T03:00:00Z (1 day ago), expected every 1d (grace 1h)' });

    // The next night's signal brings it back.
    await appendSignal(dir, { id: 'backup', at: T0 + 24.5 * H, status: 'ok', message: null, source: null });
    expect((await at(dir, T0 + 25 * H + 1000))[0]?.status).toBe('up');
  });

  it('is down with the message when the latest signal reports a failure, and says so once it is overdue too', async () => {
    const dir = await repo();
    await appendSignal(dir, { id: 'backup', at: T0, status: 'ok', message: null, source: null });
    await appendSignal(dir, { id: 'backup', at: T0 + 24 * H, status: 'fail', message: 'pg_dump: connection refused', source: null });
    const [failed] = await at(dir, T0 + 24 * H + 60_000);
    expect(failed).toMatchObject({ status: 'down', error: 'the job reported a failure at 2026-11-21T03:00:00Z: pg_dump: connection refused' });
    const [overdue] = await at(dir, T0 + 50 * H);
    expect(overdue?.error).toBe('no signal since 2026-11-21T03:00:00Z (1 day ago) (that one reported a failure: pg_dump: connection refused), expected every 1d (grace 1h)');
  });

  it('takes the latest signal by time whatever the line order (a union merge), per heartbeat, across months', async () => {
    const dir = await repo();
    const folder = path.join(dir, 'data', 'heartbeats');
    await mkdir(folder, { recursive: true });
    const line = (id: string, t: string, s: 'ok' | 'fail') => encodeSignal({ id, at: Date.parse(t), status: s, message: null, source: null });
    await writeFile(path.join(folder, '2026-10.ndjson'), `${line('monthly', '2026-10-31T23:00:00Z', 'ok')}\n`);
    await writeFile(
      path.join(folder, '2026-11.ndjson'),
      [line('backup', '2026-11-20T03:00:00Z', 'ok'), line('backup', '2026-11-19T03:00:00Z', 'fail'), 'not json', '{"v":1,"id":"backup","t":"soon","s":"ok"}', ''].join('\n'),
    );
    const { latest, problems } = await latestSignals(dir, ['backup', 'monthly', 'never']);
    expect(latest.get('backup')).toMatchObject({ status: 'ok', at: T0 });
    expect(latest.get('monthly')).toMatchObject({ at: Date.parse('2026-10-31T23:00:00Z') });
    expect(latest.has('never')).toBe(false);
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [path.join('data', 'heartbeats', '2026-11.ndjson'), 3],
      [path.join('data', 'heartbeats', '2026-11.ndjson'), 4],
    ]);
    const results = await at(dir, T0 + H, [heartbeatCheck({ id: 'backup', periodMs: 24 * H, graceMs: 0 }), heartbeatCheck({ id: 'monthly', periodMs: 31 * 24 * H, graceMs: 24 * H })]);
    expect(results.map((r) => r.status)).toEqual(['up', 'up']);
  });

  it('does not see signals from after the run\'s clock (beyond the skew allowance)', async () => {
    const dir = await repo();
    await appendSignal(dir, { id: 'backup', at: T0 + 2 * H, status: 'ok', message: null, source: null });
    expect((await at(dir, T0))[0]?.error).toMatch(/^no signal received yet/);
    expect((await at(dir, T0 + 2 * H - 60_000))[0]?.status).toBe('up');
  });

  it('stores messages as one clean line', () => {
    const text = encodeSignal({ id: 'x', at: T0, status: 'ok', message: 'line one\nline two\t\u0007end', source: null });
    expect(parseSignal(text)).toMatchObject({ message: 'line one line two end' });
    expect(parseSignal('{"v":2}')).toBe('unsupported signal version 2 (expected 1)');
  });
});

describe('verifying signal files (cairn verify)', () => {
  it('reports lines that do not parse, signals in the future and signals in another month\'s file', async () => {
    const dir = await repo();
    await mkdir(path.join(dir, HEARTBEATS_DIR), { recursive: true });
    const ok = encodeSignal({ id: 'backup', at: T0, status: 'ok', message: null, source: null });
    const future = encodeSignal({ id: 'backup', at: T0 + 1000 * H, status: 'fail', message: null, source: null });
    const october = encodeSignal({ id: 'backup', at: Date.parse('2026-10-31T23:00:00Z'), status: 'ok', message: null, source: null });
    await writeFile(path.join(dir, HEARTBEATS_DIR, '2026-11.ndjson'), `${ok}\n{"v":1,"id":"backup"\n${future}\n${october}\n`);
    await writeFile(path.join(dir, HEARTBEATS_DIR, 'notes.txt'), 'not a signal file');
    const v = await verifySignalFiles(dir, T0 + H);
    expect(v.files).toBe(1);
    expect(v.signals).toBe(3);
    const file = path.join(HEARTBEATS_DIR, '2026-11.ndjson');
    expect(v.problems).toEqual([
      { file, line: 2, message: expect.stringMatching(/^invalid JSON/) },
      { file, line: 3, message: expect.stringMatching(/^signal of heartbeat "backup" at 2026-12-31T.* is in the future$/) },
      { file, line: 3, message: 'signal of heartbeat "backup" at 2026-12-31T19:00:00.000Z is not in 2026-11, the month of its file' },
      { file, line: 4, message: 'signal of heartbeat "backup" at 2026-10-31T23:00:00.000Z is not in 2026-11, the month of its file' },
    ]);
    expect(await verifySignalFiles(await repo(), T0)).toEqual({ files: 0, signals: 0, problems: [] });
  });
});
