import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../config/secrets.ts';
import { sendHttp, type DeliveryEnv } from './delivery.ts';
import { startReceiver, type Receiver } from './test-receivers.ts';

const NOW = Date.parse('2026-11-24T10:00:00Z');

function env(): DeliveryEnv & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms), now: () => NOW, baseDelayMs: 500, maxDelayMs: 30_000, redactor: new Redactor() };
}

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(async () => {
  await rx.close();
});

const req = (path: string, retries = 3, timeoutMs = 2000) => ({ url: `${rx.url}${path}`, headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs, retries });

describe('sendHttp against a real server', () => {
  it('honours Retry-After in seconds on 429, then succeeds', async () => {
    rx.script('/a', { status: 429, headers: { 'retry-after': '2' } }, { status: 200, body: 'ok' });
    const e = env();
    expect(await sendHttp(req('/a'), e)).toEqual({ ok: true, status: 200, attempts: 2, body: 'ok', detail: 'HTTP 200' });
    expect(e.sleeps).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    rx.script('/b', { status: 503, headers: { 'retry-after': 'Tue, 24 Nov 2026 10:00:04 GMT' } }, { status: 204 });
    const e = env();
    expect((await sendHttp(req('/b'), e)).ok).toBe(true);
    expect(e.sleeps).toEqual([4000]);
  });

  it('backs off exponentially on 5xx and gives up after the bounded retries', async () => {
    rx.script('/c', { status: 500, body: 'boom' }, { status: 502 }, { status: 503 }, { status: 500, body: 'still' });
    const e = env();
    const out = await sendHttp(req('/c', 3), e);
    expect(out).toMatchObject({ ok: false, status: 500, attempts: 4, detail: 'HTTP 500: still (after 4 attempts)' });
    expect(e.sleeps).toEqual([500, 1000, 2000]);
  });

  it('does not retry a 4xx other than 429', async () => {
    rx.script('/d', { status: 400, body: 'invalid_payload' });
    const e = env();
    expect(await sendHttp(req('/d'), e)).toMatchObject({ ok: false, status: 400, attempts: 1, detail: 'HTTP 400: invalid_payload' });
    expect(e.sleeps).toEqual([]);
  });

  it('gives up at once when Retry-After is beyond the bound', async () => {
    rx.script('/e', { status: 429, headers: { 'retry-after': '3600' } });
    const e = env();
    expect((await sendHttp(req('/e'), e)).detail).toBe("HTTP 429; Retry-After 3600s is beyond the 30s bound, gave up");
    expect(e.sleeps).toEqual([]);
  });

  it('a stalled receiver times out and is not retried', async () => {
    rx.script('/f', 'stall');
    const e = env();
    expect(await sendHttp(req('/f', 3, 300), e)).toEqual({ ok: false, status: null, attempts: 1, body: '', detail: 'timed out after 300 ms (not retried: the receiver may have it)' });
  });

  it('a refused connection is retried', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const e = env();
    const out = await sendHttp({ ...req('/'), url, retries: 2 }, e);
    expect(out.ok).toBe(false);
    expect(out.attempts).toBe(3);
    expect(out.detail).toMatch(/ECONNREFUSED/);
    expect(e.sleeps).toEqual([500, 1000]);
  });
});
