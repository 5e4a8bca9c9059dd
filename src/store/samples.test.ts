import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import { appendRun, appendRuns, readSamples, toRunRecord } from './samples.ts';
import { readStoreColumns } from './store.ts';
import { fnv1a32, inShard, parseShard, shardOf } from './shard.ts';

const result = (id: string, status: CheckResult['status'], at: string, extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  kind: 'http',
  status,
  responseTimeMs: 12.5,
  error: status === 'up' ? null : 'HTTP 500',
  checkedAt: at,
  attempts: 1,
  ...extra,
});

async function tmp() {
  return mkdtemp(path.join(os.tmpdir(), 'cairn-store-'));
}

describe('results store', () => {
  it('appends one line per run to one file per UTC day, and reads it back', async () => {
    const dir = await tmp();
    const t1 = '2026-11-24T23:55:00.000Z';
    const t2 = '2026-11-25T00:00:00.000Z';
    const f1 = await appendRun(dir, toRunRecord(new Date(t1), [result('a', 'up', t1), result('b', 'down', t1, { statusCode: 500, attempts: 2 })]));
    const f1b = await appendRun(dir, toRunRecord(new Date(t1), [result('a', 'degraded', t1)]));
    const f2 = await appendRun(dir, toRunRecord(new Date(t2), [result('a', 'up', t2)]));
    expect(f1).toBe(path.join('data', '2026-11-24.ndjson'));
    expect(f1b).toBe(f1);
    expect(f2).toBe(path.join('data', '2026-11-25.ndjson'));
    const lines = (await readFile(path.join(dir, f1), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // Compact columnar line (version 4): ids, one status letter each, whole-ms response times as
    // text (13 ms: high digit 0, low digit D), the codes that are not 200.
    expect(JSON.parse(lines[0]!)).toEqual({
      v: 4,
      t: t1,
      id: ['a', 'b'],
      s: 'ud',
      ms: '00DD',
      c: { 0: null, 1: 500 },
      e: { 1: 'HTTP 500' },
      n: { 1: 2 },
    });
    const { samples, problems } = await readSamples(dir);
    expect(problems).toEqual([]);
    expect(samples.map((s) => [s.id, s.status, s.at])).toEqual([
      ['a', 'up', Date.parse(t1)],
      ['b', 'down', Date.parse(t1)],
      ['a', 'degraded', Date.parse(t1)],
      ['a', 'up', Date.parse(t2)],
    ]);
    expect(samples[1]!.statusCode).toBe(500);
    // No temporary files are left behind.
    expect((await readdir(path.join(dir, 'data'))).sort()).toEqual(['2026-11-24.ndjson', '2026-11-25.ndjson']);
  });

  it('keeps the expiry a tls or domain check watches (x), for the page and the report', async () => {
    const dir = await tmp();
    const t = '2026-11-24T10:00:00.000Z';
    await appendRun(dir, toRunRecord(new Date(t), [
      result('site', 'up', t),
      result('cert', 'up', t, { kind: 'tls', details: { notAfter: '2027-01-31T23:59:59Z', daysLeft: 68 } }),
      result('reg', 'degraded', t, { kind: 'domain', error: 'expires soon', details: { expiresAt: '2026-12-10T04:00:00Z', registrar: 'Gandi SAS' } }),
      result('odd', 'up', t, { kind: 'domain', details: { expiresAt: null } }),
    ]));
    const line = JSON.parse((await readFile(path.join(dir, 'data', '2026-11-24.ndjson'), 'utf8')).trim()) as Record<string, unknown>;
    expect(line['x']).toEqual({ 1: '2027-01-31T23:59:59Z', 2: '2026-12-10T04:00:00Z' });
    const { samples, problems } = await readSamples(dir);
    expect(problems).toEqual([]);
    expect(samples.map((s) => s.expiresAt ?? null)).toEqual([null, '2027-01-31T23:59:59Z', '2026-12-10T04:00:00Z', null]);
    expect('expiresAt' in (samples[0] as object)).toBe(false);
    // A bad expiry is a bad line, reported like any other.
    await writeFile(path.join(dir, 'data', '2026-11-25.ndjson'), '{"v":2,"t":"2026-11-25T00:00:00.000Z","id":["a"],"s":"u","ms":[1],"x":{"0":"soon"}}\n');
    expect((await readSamples(dir)).problems[0]?.message).toBe('field "x": bad entry "0"');
  });

  it('reads only days from sinceMs on', async () => {
    const dir = await tmp();
    for (const t of ['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']) await appendRun(dir, toRunRecord(new Date(t), [result('a', 'up', t)]));
    const { samples } = await readSamples(dir, { sinceMs: Date.parse('2026-10-15T00:00:00Z') });
    expect(samples).toHaveLength(1);
  });

  it('reports and skips corrupt lines, keeps everything else, and appends after a truncated line', async () => {
    const dir = await tmp();
    const t = '2026-11-24T10:00:00.000Z';
    const file = path.join(dir, 'data', '2026-11-24.ndjson');
    await mkdir(path.dirname(file), { recursive: true });
    const good = JSON.stringify(toRunRecord(new Date(t), [result('a', 'up', t)]));
    await writeFile(file, `${good}\n{"v":1,"t":"2026-11-24T10:05:00.000Z","r":[{"id":"a","s":"sideways"}]}\n{"v":1,"t":"2026-11-2`);
    await appendRun(dir, toRunRecord(new Date(t), [result('a', 'down', t)]));
    const { samples, problems } = await readSamples(dir);
    expect(samples.map((s) => s.status)).toEqual(['up', 'down']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ file: path.join('data', '2026-11-24.ndjson'), line: 2 });
    expect(problems[0]!.message).toContain('"s"');
    expect(problems[1]).toMatchObject({ line: 3 });
    expect(problems[1]!.message).toContain('invalid JSON');
  });

  it('names ids by key after a file gives them, in any line order, and reports a key no line gives', async () => {
    const dir = await tmp();
    const at = (m: number) => `2026-11-24T10:${String(m).padStart(2, '0')}:00.000Z`;
    for (const m of [0, 5, 10]) await appendRun(dir, toRunRecord(new Date(at(m)), [result('a', 'up', at(m)), result('b', 'up', at(m))]));
    await appendRun(dir, toRunRecord(new Date(at(15)), [result('a', 'down', at(15))]));
    await appendRun(dir, toRunRecord(new Date(at(20)), [result('a', 'up', at(20))]));
    const file = path.join(dir, 'data', '2026-11-24.ndjson');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => (l.includes('"id":[') ? 'id' : l.includes('"k":"') ? 'k' : '?'))).toEqual(['id', 'k', 'k', 'id', 'k']);
    const before = (await readSamples(dir)).samples;
    expect(before.map((x) => `${x.id} ${x.status}`)).toEqual(['a up', 'b up', 'a up', 'b up', 'a up', 'b up', 'a down', 'a up']);
    // The order a union merge of two runners' appends may give: a key before the line with its ids.
    await writeFile(file, `${[lines[1], lines[4], lines[0], lines[2], lines[3]].join('\n')}\n`);
    const moved = await readSamples(dir);
    expect(moved.problems).toEqual([]);
    expect(moved.samples.length).toBe(before.length);
    expect((await readStoreColumns(dir)).samples.of('b').length).toBe(3);
    // Without the line that gives ["a","b"]: its keyed lines are reported (file, line, why), the rest read.
    await writeFile(file, `${[lines[1], lines[2], lines[3], lines[4]].join('\n')}\n`);
    const lost = await readSamples(dir);
    expect(lost.samples.map((x) => `${x.id} ${x.status}`)).toEqual(['a down', 'a up']);
    expect(lost.problems).toEqual([
      { file: path.join('data', '2026-11-24.ndjson'), line: 1, message: expect.stringMatching(/^field "k": no line of this file gives the check ids of key "[A-Za-z0-9_-]{8}"$/) },
      { file: path.join('data', '2026-11-24.ndjson'), line: 2, message: expect.stringMatching(/^field "k": no line of this file gives/) },
    ]);
    expect((await readStoreColumns(dir)).problems.map((p) => p.line)).toEqual([1, 2]);
    // The next run gives its ids again, as the file no longer holds a line with them.
    await appendRun(dir, toRunRecord(new Date(at(25)), [result('a', 'up', at(25)), result('b', 'up', at(25))]));
    expect((await readFile(file, 'utf8')).trimEnd().split('\n').at(-1)).toContain('"id":["a","b"]');
  });

  it('reads an empty store as no samples', async () => {
    expect(await readSamples(await tmp())).toEqual({ samples: [], problems: [] });
  });

  it('shards: a stable subset per shard, its own day file, and readers merge every file of a day', async () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('4/3')).toMatch(/expected 1 <= i <= n/);
    expect(parseShard('x')).toMatch(/expected a shard/);
    const ids = Array.from({ length: 40 }, (_, i) => `check-${i}`);
    // Every id is in exactly one of the shards, always the same one.
    for (const id of ids) expect([1, 2, 3].filter((i) => inShard(id, { index: i, count: 3 }))).toEqual([shardOf(id, 3)]);
    expect(new Set(ids.map((id) => shardOf(id, 3)))).toEqual(new Set([1, 2, 3]));

    const dir = await tmp();
    const t = '2026-11-24T10:00:00.000Z';
    const f1 = await appendRun(dir, toRunRecord(new Date(t), [result('a', 'up', t)]), { shard: { index: 1, count: 2 } });
    const f2 = await appendRun(dir, toRunRecord(new Date(t), [result('b', 'down', t)]), { shard: { index: 2, count: 2 } });
    const f0 = await appendRun(dir, toRunRecord(new Date(t), [result('c', 'up', t)]));
    expect([f1, f2, f0]).toEqual([
      path.join('data', '2026-11-24.shard-1-of-2.ndjson'),
      path.join('data', '2026-11-24.shard-2-of-2.ndjson'),
      path.join('data', '2026-11-24.ndjson'),
    ]);
    // A temporary file left by a killed write is never read.
    await writeFile(path.join(dir, 'data', '.2026-11-24.ndjson.abc123.tmp'), '{"v":2,"t":"2026-11-24T1');
    const { samples, problems } = await readSamples(dir);
    expect(problems).toEqual([]);
    expect(samples.map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('reads version 1 lines next to version 2 lines, and bulk-writes one file per day', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'data', '2026-11-24.ndjson');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"v":1,"t":"2026-11-24T10:00:00.000Z","r":[{"id":"a","s":"up","t":"2026-11-24T10:00:00.120Z","ms":84.2,"e":null}]}\n');
    const at = (d: string) => `2026-11-${d}T10:05:00.000Z`;
    const written = await appendRuns(dir, [
      toRunRecord(new Date(at('25')), [result('a', 'down', at('25'))]),
      toRunRecord(new Date(at('24')), [result('a', 'degraded', at('24'), { checkedAt: '2026-11-24T10:05:02.900Z' })]),
    ]);
    expect(written).toEqual([path.join('data', '2026-11-24.ndjson'), path.join('data', '2026-11-25.ndjson')]);
    const { samples } = await readSamples(dir);
    expect(samples.map((s) => [s.status, new Date(s.at).toISOString(), s.responseTimeMs])).toEqual([
      ['up', '2026-11-24T10:00:00.120Z', 84.2],
      // Version 2 keeps a check's start in whole seconds after the run's start.
      ['degraded', '2026-11-24T10:05:02.000Z', 13],
      ['down', '2026-11-25T10:05:00.000Z', 13],
    ]);
  });
});

describe('the earlier layout', () => {
  it('reads day files of data/samples/YYYY/MM/ next to those in data/', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-legacy-'));
    const legacy = path.join(dir, 'data', 'samples', '2026', '11', '2026-11-23.ndjson');
    await mkdir(path.dirname(legacy), { recursive: true });
    await writeFile(legacy, `${JSON.stringify({ v: 1, t: '2026-11-23T10:00:00.000Z', r: [{ id: 'a', s: 'down', t: '2026-11-23T10:00:00.000Z', ms: null, e: 'x' }] })}\n`);
    await appendRun(dir, toRunRecord(new Date('2026-11-24T10:00:00.000Z'), [result('a', 'up', '2026-11-24T10:00:00.000Z')]));
    const { samples, problems } = await readSamples(dir);
    expect(problems).toEqual([]);
    expect(samples.map((s) => [s.status, new Date(s.at).toISOString().slice(0, 10)])).toEqual([
      ['down', '2026-11-23'],
      ['up', '2026-11-24'],
    ]);
  });
});
