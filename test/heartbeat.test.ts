/** `cairn heartbeat` and the heartbeat check against real git: a bare remote, racing clones. */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSignals, parseSignal } from '../src/checks/heartbeat-signals.ts';
import { readStore } from '../src/store/store.ts';
import { cairn, git } from './helpers.ts';

const ENV = { CAIRN_PUSH_JITTER_MS: '50' };
const H = 3_600_000;

/** A bare remote holding a status repo with two heartbeats and no other check. */
async function remote(): Promise<{ bare: string; root: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-heartbeat-git-'));
  const bare = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await mkdir(path.join(seed, 'checks'), { recursive: true });
  await writeFile(path.join(seed, 'cairn.yaml'), 'site:\n  title: Test\nstore:\n  git:\n    name: Status Bot\n    email: status-bot@example.com\n');
  await writeFile(
    path.join(seed, 'checks', 'jobs.yaml'),
    [
      'checks:',
      '  - id: backup',
      '    name: Nightly backup',
      '    kind: heartbeat',
      '    period: 1h',
      '    grace: 10m',
      '  - id: export',
      '    kind: heartbeat',
      '    period: 1d',
      '  - id: web',
      '    kind: tcp',
      '    host: 127.0.0.1',
      '    port: 9',
      '    enabled: false',
      '',
    ].join('\n'),
  );
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '-q', '-u', 'origin', 'main');
  return { bare, root };
}

function clone(root: string, bare: string, name: string): string {
  const dir = path.join(root, name);
  git(root, 'clone', '-q', `file://${bare}`, dir);
  return dir;
}

/** Every signal line on the remote, read from a fresh clone. */
async function remoteSignals(root: string, bare: string) {
  const dir = clone(root, bare, `check-${Math.random().toString(36).slice(2)}`);
  const file = path.join(dir, 'data', 'heartbeats', `${new Date().toISOString().slice(0, 7)}.ndjson`);
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return { dir, signals: lines.map((l) => parseSignal(l)) };
}

describe('cairn heartbeat with git', { timeout: 480_000 }, () => {
  it('records a signal, commits and pushes it; refuses unknown ids, other kinds and bad options with exit 2', async () => {
    const { bare, root } = await remote();
    const a = clone(root, bare, 'a');
    const ok = await cairn(['heartbeat', 'backup', '--dir', a, '--message', 'dumped 3 tables'], {
      env: { ...ENV, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/db', GITHUB_RUN_ID: '42' },
    });
    expect(ok.stderr).toMatch(/Signal for backup: ok at .* \(dumped 3 tables\); wrote data\/heartbeats\/\d{4}-\d{2}\.ndjson/);
    expect(ok.stderr).toContain('Pushed to origin/main');
    expect(ok.code).toBe(0);
    expect(git(a, 'log', '-1', '--format=%s|%an').trim()).toBe('heartbeat backup: ok [skip ci]|Status Bot');
    const { signals, dir } = await remoteSignals(root, bare);
    expect(signals).toEqual([expect.objectContaining({ id: 'backup', status: 'ok', message: 'dumped 3 tables', source: 'https://github.com/acme/db/actions/runs/42' })]);
    expect(await readFile(path.join(dir, '.gitattributes'), 'utf8')).toContain('data/**/*.ndjson merge=union');

    const unknown = await cairn(['heartbeat', 'backups', '--dir', a], { env: ENV });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('no check has the id "backups"; the heartbeats are: backup, export')]);
    const other = await cairn(['heartbeat', 'web', '--dir', a], { env: ENV });
    expect(other.stderr).toContain('check "web" is a tcp check, not a heartbeat');
    expect((await cairn(['heartbeat', 'backup', '--status', 'maybe', '--dir', a], { env: ENV })).stderr).toContain('--status (or CAIRN_HEARTBEAT_STATUS) expects ok or fail');
    expect((await cairn(['heartbeat', 'backup', '--at', '2999-01-01T00:00:00Z', '--dir', a], { env: ENV })).stderr).toContain('is in the future');

    // What a repository_dispatch carried, through the environment (the heartbeat workflow): taken verbatim, never run.
    const dispatched = await cairn(['heartbeat', '--dir', a], {
      env: { ...ENV, CAIRN_HEARTBEAT_ID: 'export', CAIRN_HEARTBEAT_STATUS: 'fail', CAIRN_HEARTBEAT_MESSAGE: '$(touch pwned) `id` failed', CAIRN_HEARTBEAT_SOURCE: 'acme/etl run 7' },
    });
    expect(dispatched.code).toBe(0);
    const after = await remoteSignals(root, bare);
    expect(after.signals.at(-1)).toEqual({ id: 'export', at: expect.any(Number), status: 'fail', message: '$(touch pwned) `id` failed', source: 'acme/etl run 7' });
  });

  it('racing signals from two clones and a cairn run all land on the remote, none lost, no force-push', async () => {
    const { bare, root } = await remote();
    const a = clone(root, bare, 'a');
    const b = clone(root, bare, 'b');
    const c = clone(root, bare, 'c');
    // Deterministic race first: a commits without pushing, b pushes, a's push is rejected and rebases.
    expect((await cairn(['heartbeat', 'backup', '--dir', a, '--no-push', '--message', 'from a'], { env: ENV })).code).toBe(0);
    expect((await cairn(['heartbeat', 'export', '--dir', b, '--message', 'from b'], { env: ENV })).code).toBe(0);
    const ra = await cairn(['heartbeat', 'backup', '--dir', a, '--message', 'from a again'], { env: ENV });
    expect(ra.stderr).toContain('push rejected');
    expect(ra.stderr).toMatch(/Pushed to origin\/main after 2 attempts/);
    // Then three at once, with a scheduled run racing them.
    const all = await Promise.all([
      cairn(['heartbeat', 'backup', '--dir', a, '--message', 'race a'], { env: ENV }),
      cairn(['heartbeat', 'export', '--dir', b, '--status', 'fail', '--message', 'race b'], { env: ENV }),
      cairn(['run', '--dir', c], { env: ENV }),
    ]);
    expect(all.map((r) => r.code)).toEqual([0, 0, 0]);
    const { signals, dir } = await remoteSignals(root, bare);
    expect(signals.map((s) => (typeof s === 'string' ? s : s.message)).sort()).toEqual(['from a', 'from a again', 'from b', 'race a', 'race b']);
    const { latest } = await latestSignals(dir, ['backup', 'export']);
    expect(latest.get('export')).toMatchObject({ status: 'fail', message: 'race b' });
    // The run's samples are on the remote too.
    expect((await readStore(dir)).samples.map((s) => s.id).sort()).toEqual(['backup', 'export']);
    expect(git(dir, 'log', '--format=%s').split('\n').filter((s) => s.startsWith('heartbeat '))).toHaveLength(5);
  });

  it('cairn run stores a heartbeat down once its period and grace passed, up after a fresh signal, down on a failure', async () => {
    const { bare, root } = await remote();
    const job = clone(root, bare, 'job');
    const runner = clone(root, bare, 'runner');
    // The job ran two hours ago (period 1h + grace 10m): overdue now.
    const ago = new Date(Date.now() - 2 * H).toISOString();
    expect((await cairn(['heartbeat', 'backup', '--at', ago, '--dir', job], { env: ENV })).code).toBe(0);
    git(runner, 'pull', '-q');
    const late = await cairn(['run', '--dir', runner], { env: ENV });
    expect(late.code).toBe(0);
    expect(late.stderr).toMatch(/backup down — no signal since .* \(2 hours ago\), expected every 1h \(grace 10m\)/);
    expect(late.stderr).toMatch(/export down — no signal received yet, expected every 1d \(grace 1h\)/);

    expect((await cairn(['heartbeat', 'backup', '--dir', job], { env: ENV })).code).toBe(0);
    git(runner, 'pull', '-q', '--rebase');
    const fresh = await cairn(['run', '--dir', runner], { env: ENV });
    expect(fresh.stderr).toMatch(/✓ backup up/);

    expect((await cairn(['heartbeat', 'backup', '--status', 'fail', '--message', 'disk full', '--dir', job], { env: ENV })).code).toBe(0);
    git(runner, 'pull', '-q', '--rebase');
    const failed = await cairn(['run', '--dir', runner], { env: ENV });
    expect(failed.stderr).toMatch(/backup down — the job reported a failure at .*: disk full/);

    const store = await readStore(runner);
    expect(store.samples.filter((s) => s.id === 'backup').map((s) => s.status)).toEqual(['down', 'up', 'down']);
  });
});
