/**
 * Exactly once across racing runners: three clones of one status repo run `cairn run` at the
 * same moment, round after round, against a real bare remote, and alert one real webhook
 * receiver (and a subscriber's). Only the runner whose push won delivers what its state says is owed; the losers
 * decide again on top of the winner's state and send nothing twice. A delivery that fails after
 * the push is retried by a later run with the same id.
 */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore } from '../src/store/store.ts';
import { cairn, git } from './helpers.ts';

interface Received {
  id: string;
  event: string;
  key: string;
  status: number;
}

let target: 'up' | 'down' = 'down';
let failNextOpened = true;
const received: Received[] = [];
/** What a subscriber's webhook (`subscribers:`) received: incident updates, not alerts. */
const subscriberReceived: Received[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/svc') {
      res.statusCode = target === 'up' ? 200 : 503;
      res.end('svc');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: { type: string; key: string } };
      if (req.url === '/subscriber') {
        subscriberReceived.push({ id: String(req.headers['x-cairn-delivery']), event: body.event.type, key: body.event.key, status: 200 });
        res.end();
        return;
      }
      // The first incident.opened is refused after the push that decided it: a later run must retry it.
      const status = failNextOpened && body.event.type === 'incident.opened' ? 503 : 200;
      if (status === 503) failNextOpened = false;
      received.push({ id: String(req.headers['x-cairn-delivery']), event: body.event.type, key: body.event.key, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));


const ENV = { CAIRN_PUSH_JITTER_MS: '100', HOOK_SECRET: 'race-hmac-secret' };

describe('racing runners alert once', () => {
  it('three clones, five rounds at the same moment: every alert is delivered once, a failed one retried with its id', { timeout: 600_000 }, async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-race-'));
    const bare = path.join(root, 'remote.git');
    const seed = path.join(root, 'seed');
    git(root, 'init', '-q', '--bare', '-b', 'main', bare);
    await mkdir(path.join(seed, 'checks'), { recursive: true });
    await writeFile(
      path.join(seed, 'cairn.yaml'),
      `site:\n  title: Race\nstore:\n  git:\n    pushAttempts: 10\nincidents:\n  resolveAfter: 1\nnotifications:\n  channels:\n    hook: { type: webhook, url: "${base}/hook", secret: "\${HOOK_SECRET}", retries: 0 }\nsubscribers:\n  list:\n    - { name: watchers, webhook: "${base}/subscriber" }\n`,
    );
    await writeFile(path.join(seed, 'checks', 'svc.yaml'), `checks:\n  - id: svc\n    kind: http\n    url: ${base}/svc\n    retries: 0\n`);
    git(root, 'init', '-q', '-b', 'main', seed);
    git(seed, 'add', '-A');
    git(seed, 'commit', '-q', '-m', 'seed');
    git(seed, 'remote', 'add', 'origin', bare);
    git(seed, 'push', '-q', '-u', 'origin', 'main');
    const clones = ['a', 'b', 'c'].map((n) => {
      const dir = path.join(root, n);
      git(root, 'clone', '-q', `file://${bare}`, dir);
      return dir;
    });

    const rounds = ['down', 'down', 'up', 'down', 'up'] as const;
    const logs: string[] = [];
    for (const [i, state] of rounds.entries()) {
      target = state;
      const runs = await Promise.all(clones.map((dir) => cairn(['run', '--dir', dir], { env: ENV })));
      for (const r of runs) expect([i, r.code, r.stderr]).toEqual([i, 0, expect.stringContaining('Pushed to origin/main')]);
      logs.push(...runs.map((r) => r.stderr));
    }
    // The runs did race: losers decided again on top of the winner's state.
    expect(logs.join('\n')).toMatch(/origin\/main also changed data\/state\/.*: deciding again on top of it/);

    // Every id the receiver accepted, it accepted once; the refused one came back with the same id.
    const accepted = received.filter((r) => r.status === 200);
    expect(new Set(accepted.map((r) => r.id)).size).toBe(accepted.length);
    const refused = received.filter((r) => r.status === 503);
    expect(refused).toHaveLength(1);
    expect(accepted.filter((r) => r.id === refused[0]!.id)).toHaveLength(1);
    // One message per logical alert: two incidents, each opened once and resolved once.
    const logical = accepted.map((r) => `${r.event} ${r.key}`).sort();
    expect(logical).toHaveLength(4);
    expect(new Set(logical).size).toBe(4);
    expect(logical.map((l) => l.split(' ')[0])).toEqual(['incident.opened', 'incident.opened', 'incident.resolved', 'incident.resolved']);

    // The subscriber heard of each incident update once: two incidents, each opened and resolved.
    expect(new Set(subscriberReceived.map((r) => r.id)).size).toBe(subscriberReceived.length);
    expect(new Set(subscriberReceived.map((r) => r.key)).size).toBe(subscriberReceived.length);
    expect(subscriberReceived.map((r) => r.event).sort()).toEqual(['incident.opened', 'incident.opened', 'incident.resolved', 'incident.resolved']);

    // Nothing is owed any more, and every run's samples are on the remote.
    const check = path.join(root, 'check');
    git(root, 'clone', '-q', `file://${bare}`, check);
    const store = await readStore(check);
    expect(store.samples).toHaveLength(rounds.length * clones.length);
    const { readNotifyState } = await import('../src/notify/state.ts');
    expect((await readNotifyState(check)).outbox).toEqual([]);
  });
});
