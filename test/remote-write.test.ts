/**
 * `cairn run` with remote write, end to end: the real CLI, real git (a bare remote), real targets,
 * a real Prometheus receiving remote writes, and `cairn export openmetrics` backfilled by the real
 * promtool into another real Prometheus. In CI a missing Prometheus fails.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, prometheusAvailable, rawSamples, startPrometheus } from '../src/prometheus/testing.ts';
import { appendRuns, readSamples, type RunRecord, type Sample } from '../src/store/samples.ts';
import { cairn, git, startUpDownTarget } from './helpers.ts';

const available = prometheusAvailable();
const TOKEN = 'e2e-rw-s3cret-token-value';
const ENV = { CAIRN_PUSH_JITTER_MS: '50', RW_TOKEN: TOKEN };

let target: Awaited<ReturnType<typeof startUpDownTarget>>;
let prom: RunningPrometheus;
/** Answers 500 and echoes the request's Authorization header back (a careless receiver). */
let echo: { url: string; requests: number; close(): Promise<void> };
const roots: string[] = [];

beforeAll(async () => {
  target = await startUpDownTarget();
  const server = http.createServer((req, res) => {
    echo.requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(500);
      res.end(`cannot store, request had authorization=${req.headers.authorization ?? ''}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  echo = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
    requests: 0,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  if (available) prom = await startPrometheus({ remoteWriteReceiver: true });
}, 90_000);

afterAll(async () => {
  await target?.close();
  await echo?.close();
  await prom?.stop();
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

function settings(url: string, job: string): string {
  return `site: { title: Test }
defaults: { deadline: 2m }
store: { git: { name: Status Bot, email: status-bot@example.com } }
remoteWrite:
  name: main
  url: ${url}
  job: ${job}
  bearerToken: \${RW_TOKEN}
  labels: { env: e2e }
`;
}

/** A bare remote holding a status repo (home up, broken down), and a clone of it. */
async function statusRepo(url: string, job: string): Promise<{ root: string; bare: string; clone(name: string): string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-rw-e2e-'));
  roots.push(root);
  const bare = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await mkdir(path.join(seed, 'checks'), { recursive: true });
  await writeFile(path.join(seed, 'cairn.yaml'), settings(url, job));
  await writeFile(
    path.join(seed, 'checks', 'web.yaml'),
    `checks:\n  - { id: home, kind: http, url: "${target.base}/" }\n  - { id: broken, kind: http, url: "${target.base}/down", retries: 0 }\n`,
  );
  git(root, 'init', '-q', '-b', 'main', seed);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '-q', '-u', 'origin', 'main');
  return {
    root,
    bare,
    clone: (name) => {
      git(root, 'clone', '-q', `file://${bare}`, name);
      return path.join(root, name);
    },
  };
}

/** What the remote holds: samples, and the committed cursor. */
async function onRemote(repo: { clone(name: string): string }, suffix = '') {
  const dir = repo.clone(`check-${Math.random().toString(36).slice(2)}`);
  const { samples, problems } = await readSamples(dir);
  expect(problems).toEqual([]);
  const cursorText = await readFile(path.join(dir, 'data', 'state', `remote-write.main${suffix}.json`), 'utf8').catch(() => null);
  return { dir, samples: samples.sort((a, b) => a.at - b.at), cursor: cursorText === null ? null : (JSON.parse(cursorText) as { acked: string }) };
}

/** Prometheus holds exactly the stored samples of each check: values and timestamps. */
async function expectInPrometheus(url: string, job: string, samples: readonly Sample[]): Promise<void> {
  const from = Math.min(...samples.map((s) => s.at)) - 1000;
  const to = Math.max(...samples.map((s) => s.at)) + 1000;
  for (const id of [...new Set(samples.map((s) => s.id))]) {
    const mine = samples.filter((s) => s.id === id);
    const [success] = await rawSamples(url, `probe_success{job="${job}",check="${id}"}`, from, to);
    expect(success?.values, `probe_success ${id}`).toEqual(mine.map((s) => [s.at, s.status === 'down' ? 0 : 1]));
    const [duration] = await rawSamples(url, `probe_duration_seconds{job="${job}",check="${id}"}`, from, to);
    expect(duration?.values, `probe_duration_seconds ${id}`).toEqual(mine.filter((s) => s.responseTimeMs !== null).map((s) => [s.at, (s.responseTimeMs as number) / 1000]));
    const [code] = await rawSamples(url, `probe_http_status_code{job="${job}",check="${id}"}`, from, to);
    expect(code?.values, `probe_http_status_code ${id}`).toEqual(mine.map((s) => [s.at, s.statusCode ?? 0]));
  }
}

describe.skipIf(!available)('cairn run with remote write', { timeout: 300_000 }, () => {
  it('a receiver answering 500 or refusing: the run exits 0, the git copy is pushed, the cursor stays, the warning is redacted; the next run sends the backlog', async () => {
    const repo = await statusRepo(echo.url, 'e2e');
    const a = repo.clone('a');
    const summary = path.join(repo.root, 'summary.md');
    await writeFile(summary, '');

    // 1. The receiver answers 500 (quoting the token back): retried, then given up.
    const first = await cairn(['run', '--dir', a], { env: { ...ENV, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(first.code, first.stderr).toBe(0);
    expect(echo.requests, first.stderr).toBeGreaterThan(1);
    expect(first.stderr).toMatch(/::warning::remote write main \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write\) failed: HTTP 500: cannot store, request had authorization=Bearer \[REDACTED\] \(after \d attempts\); 1 run wait for a later run \(the results are stored in git\)/);
    const summaryText = await readFile(summary, 'utf8');
    expect(summaryText).toContain('⚠ remote write main');
    for (const text of [first.stdout, first.stderr, summaryText]) expect(text).not.toContain(TOKEN);
    let remote = await onRemote(repo);
    expect(remote.samples).toHaveLength(2);
    const t1 = remote.samples[0]?.at as number;
    // The run is owed: the cursor is just before it.
    expect(remote.cursor?.acked).toBe(new Date(t1 - 1).toISOString());

    // 2. Nothing listens: refused, retried, given up.
    await writeFile(path.join(a, 'cairn.yaml'), settings('http://127.0.0.1:1/api/v1/write', 'e2e'));
    const second = await cairn(['run', '--dir', a], { env: ENV });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/warning: remote write main \(http:\/\/127\.0\.0\.1:1\/api\/v1\/write\) failed: .*ECONNREFUSED.*; 2 runs wait for a later run/);
    remote = await onRemote(repo);
    expect(remote.samples).toHaveLength(4);
    expect(remote.cursor?.acked).toBe(new Date(t1 - 1).toISOString());

    // 3. Prometheus is there: the backlog (two runs, from the store) then this run; the cursor moves.
    // 42 samples: 5 for each result of the backlog (2 runs x 2 checks), 11 for each of this run's (phases, DNS lookup).
    await writeFile(path.join(a, 'cairn.yaml'), settings(`${prom.url}/api/v1/write`, 'e2e'));
    const third = await cairn(['run', '--dir', a], { env: ENV });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(/remote write main \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write\): wrote 42 samples of 3 runs \(2 runs from the backlog\) in 1 request/);
    remote = await onRemote(repo);
    expect(remote.samples).toHaveLength(6);
    expect(remote.cursor?.acked).toBe(new Date(remote.samples.at(-1)?.at as number).toISOString());
    await expectInPrometheus(prom.url, 'e2e', remote.samples);
    // The token reached no committed file and no commit.
    expect(git(remote.dir, 'log', '-p', '--all')).not.toContain(TOKEN);

    // 4. `cairn check` writes too, and sends what it wrote.
    const check = await cairn(['check', '--dir', a], { env: ENV });
    expect(check.code).toBe(0);
    expect(check.stderr).toMatch(/wrote \d+ samples of 1 run in 1 request/);
    const { samples } = await readSamples(a);
    await expectInPrometheus(prom.url, 'e2e', samples);
  });

  it('shards keep their own cursors: a race between shards rebases, nothing is decided again', async () => {
    const repo = await statusRepo(`${prom.url}/api/v1/write`, 'shards');
    const a = repo.clone('a');
    const b = repo.clone('b');
    // Shards: each commits its own cursor file, and the second push rebases without a replay.
    expect((await cairn(['run', '--dir', a, '--shard', '1/2', '--no-push'], { env: ENV })).code).toBe(0);
    expect((await cairn(['run', '--dir', b, '--shard', '2/2'], { env: ENV })).code).toBe(0);
    const ra = await cairn(['run', '--dir', a, '--shard', '1/2'], { env: ENV });
    expect(ra.code, ra.stderr).toBe(0);
    expect(ra.stderr).toMatch(/Pushed to origin\/main after 2 attempts \(1 rebased, 0 replayed\)/);
    const remote = await onRemote(repo, '.shard-1-of-2');
    expect(remote.cursor).not.toBeNull();
  });

  it('the same runner twice (a late schedule and a manual run): the loser is replayed with the earlier cursor, nothing lost', async () => {
    const repo = await statusRepo(`${prom.url}/api/v1/write`, 'race');
    const c = repo.clone('c');
    const d = repo.clone('d');
    expect((await cairn(['run', '--dir', c, '--no-push'], { env: ENV })).code).toBe(0);
    expect((await cairn(['run', '--dir', d], { env: ENV })).code).toBe(0);
    const rc = await cairn(['run', '--dir', c], { env: ENV });
    expect(rc.code, rc.stderr).toBe(0);
    expect(rc.stderr).toMatch(/Pushed to origin\/main after 2 attempts \(0 rebased, 1 replayed\)/);
    const remote = await onRemote(repo);
    const unsharded = remote.samples.filter((s) => s.id === 'home');
    // c's two runs and d's one.
    expect(unsharded).toHaveLength(3);
    const [c1, d1] = unsharded.map((s) => s.at).slice(-3);
    expect(c1).toBeLessThan(d1 as number);
    // The cursor is the earlier of the two runners': d's run when c's second run was written
    // (it is sent again next time: an identical duplicate), c's first when it was not (it is owed).
    const c2Written = /remote write main \([^)]*\): wrote/.test(rc.stderr);
    expect(remote.cursor?.acked, rc.stderr).toBe(new Date((c2Written ? d1 : c1) as number).toISOString());
    // The next run sends what is owed after the cursor, then its own: every run reaches Prometheus, in time order.
    const next = await cairn(['run', '--dir', remote.dir], { env: ENV });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(c2Written ? /wrote \d+ samples of 2 runs \(1 run from the backlog\)/ : /wrote \d+ samples of 3 runs \(2 runs from the backlog\)/);
    const after = (await readSamples(remote.dir)).samples.filter((s) => s.id === 'home').map((s) => s.at).sort((x, y) => x - y);
    const [got] = await rawSamples(prom.url, 'probe_success{job="race",check="home"}', (c1 as number) - 1000, Date.now());
    expect(got?.values.map(([t]) => t)).toEqual(after.slice(-4));
  });
});

describe.skipIf(!available)('cairn export openmetrics', { timeout: 300_000 }, () => {
  it('writes the stored history that promtool backfills into Prometheus, sample for sample', async () => {
    const repo = await statusRepo(`${prom.url}/api/v1/write`, 'export');
    const dir = repo.clone('x');
    // Two days of history, two days ago: every half hour, some down, degraded, in maintenance, from two regions.
    const day0 = Date.parse(`${new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
    const records: RunRecord[] = [];
    for (let i = 0; i < 96; i++) {
      const t = day0 + i * 30 * 60_000 + 1234;
      const g = i % 3 === 0 ? 'eu' : undefined;
      const s = i % 10 === 3 ? 'down' : i % 10 === 5 ? 'degraded' : i % 17 === 0 ? 'maintenance' : 'up';
      const at = new Date(t).toISOString();
      records.push({
        v: 1,
        t: at,
        r: [
          { id: 'home', s, t: at, ms: 20 + (i % 7), e: s === 'down' ? 'HTTP 503' : null, ...(s === 'down' ? { code: 503 } : { code: 200 }), ...(g ? { g } : {}) },
          { id: 'broken', s: 'down', t: at, ms: null, e: 'refused', ...(g ? { g } : {}) },
          { id: 'gone', s: 'up', t: at, ms: 1, e: null, ...(g ? { g } : {}) },
        ],
      });
    }
    await appendRuns(dir, records);
    // Today's run is left out by --until.
    expect((await cairn(['run', '--dir', dir, '--no-commit'], { env: ENV })).code).toBe(0);
    const until = new Date(day0 + 86_400_000).toISOString().slice(0, 10);
    const file = path.join(repo.root, 'history.om');
    const res = await cairn(['export', 'openmetrics', '--dir', dir, '--until', until, '--out', file], { env: ENV });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('left out 96 results of checks no longer configured');
    expect(res.stderr).toMatch(new RegExp(`Exported \\d+ samples of \\d+ series from 96 runs \\(days ${new Date(day0).toISOString().slice(0, 10)}\\.\\.${until}\\) to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE probe_success gauge');
    expect(text).not.toContain(TOKEN);

    const backfilled = await startPrometheus({ openMetricsFile: file });
    try {
      const stored = (await readSamples(dir)).samples.filter((s) => s.id !== 'gone' && s.at < day0 + 2 * 86_400_000);
      expect(stored).toHaveLength(192);
      for (const region of [undefined, 'eu']) {
        const mine = stored.filter((s) => s.region === region);
        const sel = (m: string, id: string) => `${m}{job="export",check="${id}",region${region ? `="${region}"` : '=""'}}`;
        for (const id of ['home', 'broken']) {
          const own = mine.filter((s) => s.id === id);
          const measured = own.filter((s) => s.status !== 'maintenance');
          const q = async (m: string) => (await rawSamples(backfilled.url, sel(m, id), day0 - 1000, day0 + 2 * 86_400_000))[0]?.values;
          expect(await q('probe_success'), `${id} ${region}`).toEqual(measured.map((s) => [s.at, s.status === 'down' ? 0 : 1]));
          expect(await q('cairn_check_healthy')).toEqual(measured.map((s) => [s.at, s.status === 'up' ? 1 : 0]));
          expect(await q('cairn_check_maintenance')).toEqual(own.map((s) => [s.at, s.status === 'maintenance' ? 1 : 0]));
          expect(await q('probe_http_status_code')).toEqual(own.map((s) => [s.at, s.statusCode ?? 0]));
          const durations = own.filter((s) => s.responseTimeMs !== null).map((s) => [s.at, (s.responseTimeMs as number) / 1000]);
          expect((await q('probe_duration_seconds')) ?? []).toEqual(durations);
        }
      }
      const [one] = await rawSamples(backfilled.url, 'probe_success{check="home",region="eu"}', day0, day0 + 2 * 86_400_000);
      expect(one?.metric).toEqual({ __name__: 'probe_success', job: 'export', instance: `${target.base}/`, check: 'home', component: 'home', kind: 'http', region: 'eu', env: 'e2e' });
    } finally {
      await backfilled.stop();
    }

    const bad = await cairn(['export', 'openmetrics', '--dir', dir, '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: expected a date such as 2026-11-24');
  });
});
