/**
 * A receiver that answers 422 and echoes the request body (as a misconfigured PagerDuty endpoint
 * did): whatever length the error text is cut to, no 4 characters of the routing key reach the
 * delivery record, the log lines or the job summary.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../cli/output.ts';
import { loadConfig } from '../config/load.ts';
import { sendTest } from './notify.ts';
import { startReceiver, type Receiver } from './test-receivers.ts';

const KEY = 'R0ut1ngK3yZq9Xw'; // 15 characters

function leaks(text: string, secret: string, n = 4): string[] {
  const out = new Set<string>();
  for (let i = 0; i + n <= secret.length; i++) if (text.includes(secret.slice(i, i + n))) out.add(secret.slice(i, i + n));
  return [...out];
}

function capture(): Output & { text(): string } {
  const all: string[] = [];
  return {
    github: true,
    color: false,
    info: (m) => void all.push(m),
    warn: (m) => void all.push(m),
    error: (m) => void all.push(m),
    data: (m) => void all.push(m),
    summary: async (m) => void all.push(m),
    // Records as is: what is checked here is what notify itself lets through.
    protect: () => undefined,
    text: () => all.join('\n'),
  };
}

let rx: Receiver;
let padding = 0;
beforeAll(async () => {
  rx = await startReceiver();
  // The echo comes after `padding` characters, so the key lands at every position of the error text.
  rx.fallback('/pd', (req) => ({ status: 422, headers: { 'content-type': 'application/json' }, body: `{"status":"invalid event","pad":"${'x'.repeat(padding)}","echo":${req.body}}` }));
});
afterAll(async () => {
  await rx.close();
});

describe('a 422 that echoes the routing key', () => {
  it('never lets 4 characters of the key through, wherever the error text is cut', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-redact-'));
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'cairn.yaml'), `site:\n  title: Acme Status\nnotifications:\n  channels:\n    pager: { type: pagerduty, routingKey: "\${PD_KEY}", eventsUrl: "${rx.url}/pd" }\n`);
    await writeFile(path.join(dir, 'checks', 'a.yaml'), 'checks:\n  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }\n');
    const config = await loadConfig(dir, { env: { PD_KEY: KEY } });
    for (padding = 0; padding <= 300; padding += 1) {
      const out = capture();
      const record = await sendTest(config, 'pager', out, { env: { sleep: async () => undefined } });
      expect(record.status).toBe('failed');
      expect(record.detail).toMatch(/^HTTP 422/);
      expect(leaks(`${record.detail}\n${out.text()}`, KEY), `padding ${padding}: ${record.detail}`).toEqual([]);
    }
    // The receiver did get the key: the echo is what was redacted.
    expect(rx.requests.at(-1)?.body).toContain(KEY);
  }, 120_000);
});
