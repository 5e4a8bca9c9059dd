/**
 * A PagerDuty endpoint that answers 422 and echoes the request body, through the real CLI on
 * "GitHub Actions" (annotations on stderr, a $GITHUB_STEP_SUMMARY file): wherever the echo puts
 * the routing key, no 4 characters of it reach stderr, stdout or the job summary, from
 * `cairn notify test` and from `cairn run` alerting on several components at once.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/notify/test-receivers.ts';
import { cairn } from './helpers.ts';

const KEY = 'R0ut1ngK3yZq9Xw'; // 15 characters, like the one that leaked

/** Every 4-character piece of the key that occurs in `text`. */
function leaks(text: string): string[] {
  const found = new Set<string>();
  for (let i = 0; i + 4 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 4))) found.add(KEY.slice(i, i + 4));
  return [...found];
}

let rx: Receiver;
let dir: string;
let answered = 0;
beforeAll(async () => {
  rx = await startReceiver();
  // Each answer puts the echo a little further along, so cuts fall at many places in the key.
  // The first answer puts the key where the old 200-character cut left 11 of its 15 characters.
  rx.fallback('/pd', (req) => {
    const pad = 'x'.repeat(128 + 3 * answered++);
    return { status: 422, headers: { 'content-type': 'application/json' }, body: `{"status":"invalid event","pad":"${pad}","echo":${req.body}}` };
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-leak-'));
  await mkdir(path.join(dir, 'checks'));
  const components = Array.from({ length: 8 }, (_, i) => `c${i}`);
  await writeFile(
    path.join(dir, 'cairn.yaml'),
    [
      'site:',
      '  title: Acme Status',
      'incidents: { auto: false }',
      'notifications:',
      '  channels:',
      `    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd", retries: 0 }`,
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'checks', 'a.yaml'),
    ['checks:', ...components.map((c) => `  - { id: ${c}, component: ${c}, kind: tcp, host: 127.0.0.1, port: 1, retries: 0 }`), ''].join('\n'),
  );
});
afterAll(async () => {
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

async function onGithub(args: string[]) {
  const summary = path.join(dir, `summary-${args[0]}.md`);
  await writeFile(summary, '');
  const res = await cairn([...args, '--dir', dir], { env: { PD_KEY: KEY, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
  return { ...res, summary: await readFile(summary, 'utf8') };
}

describe('a partial secret in an echoed error', () => {
  it('cairn notify test: the 422 is reported, and no part of the key reaches stderr or the job summary', async () => {
    const res = await onGithub(['notify', 'test', '--channel', 'pager']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('HTTP 422');
    expect(res.summary).toContain('HTTP 422');
    expect(leaks(res.stderr + res.stdout + res.summary)).toEqual([]);
    expect(rx.requests.at(-1)?.body).toContain(KEY);
  }, 60_000);

  it('cairn run: eight alerts, each cut at another place in the key, and none lets a part through', async () => {
    const before = rx.requests.length;
    const res = await onGithub(['run', '--no-commit']);
    expect(res.code, res.stderr).toBe(0);
    expect(rx.requests.length - before).toBe(8);
    expect(res.stderr.match(/HTTP 422/g)).toHaveLength(8);
    expect(leaks(res.stderr + res.stdout + res.summary)).toEqual([]);
  }, 120_000);
});
