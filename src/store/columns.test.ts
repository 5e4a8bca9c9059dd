import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { type ColumnsState, SampleColumns } from './columns.ts';
import type { Sample } from './samples.ts';
import { readStore, readStoreColumns } from './store.ts';

/** One check's samples from the store's reader, in the columns' order (stable sort by time). */
function grouped(samples: readonly Sample[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of samples) {
    let list = out.get(s.id);
    if (!list) out.set(s.id, (list = []));
    list.push(s);
  }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

/** Day files holding every kind of line the store has written, and some it must skip. */
async function storeWithEveryLine(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-columns-'));
  await mkdir(path.join(dir, 'data', 'samples', '2026', '11'), { recursive: true });
  const day1 = [
    // Version 1 (verbose): fractional response times, codes, a region, an expiry.
    JSON.stringify({ v: 1, t: '2026-11-23T10:00:00.000Z', r: [
      { id: 'api', s: 'up', t: '2026-11-23T10:00:00.120Z', ms: 84.123, e: null, code: 200 },
      { id: 'cert', s: 'degraded', t: '2026-11-23T10:00:01.000Z', ms: 12, e: 'expires soon', x: '2026-12-01T00:00:00.000Z' },
      { id: 'eu', s: 'down', t: '2026-11-23T10:00:00.000Z', ms: null, e: 'refused', g: 'eu' },
    ] }),
    'not json',
    '',
    JSON.stringify({ v: 3, t: '2026-11-23T10:05:00.000Z' }),
  ].join('\n');
  await writeFile(path.join(dir, 'data', 'samples', '2026', '11', '2026-11-23.ndjson'), `${day1}\n`);
  const day2 = [
    // Version 2 (compact): dt, codes (one beyond 16 bits), errors and expiries by index, attempts.
    JSON.stringify({ v: 2, t: '2026-11-24T10:05:00.000Z', id: ['api', 'cert', 'new'], s: 'wmu', ms: [12, 7, null], dt: [0, 3, 1], code: [503, null, 70000], e: { 0: 'slow', '01': 'never read' }, n: { 0: 2 }, x: { 1: '2026-12-01T00:00:00.000Z' } }),
    // Earlier than the line above: the columns sort, as the model does.
    JSON.stringify({ v: 2, t: '2026-11-24T10:00:00.000Z', id: ['api', 'cert'], s: 'du', ms: [null, 3] }),
    JSON.stringify({ v: 2, t: '2026-11-24T10:00:00.000Z', id: ['eu'], s: 'u', ms: [44], g: 'us' }),
    JSON.stringify({ v: 2, t: '2026-11-24T10:10:00.000Z', id: ['api'], s: 'x', ms: [1] }),
    JSON.stringify({ v: 2, t: '2026-11-24T10:10:00.000Z', id: ['api', 'cert'], s: 'uu', ms: [1] }),
  ].join('\r\n');
  await writeFile(path.join(dir, 'data', '2026-11-24.ndjson'), day2);
  // A shard of the same day, and a day file that cannot be read (a folder of that name).
  await writeFile(path.join(dir, 'data', '2026-11-24.shard-1-of-2.ndjson'), `${JSON.stringify({ v: 2, t: '2026-11-24T09:00:00.000Z', id: ['api'], s: 'u', ms: [5] })}\n`);
  await mkdir(path.join(dir, 'data', '2026-11-25.ndjson'));
  return dir;
}

describe('sample columns', () => {
  it('hold, in the full layout, every sample the store reader gives, field for field, and report the same problems', async () => {
    const dir = await storeWithEveryLine();
    const objects = await readStore(dir);
    const columns = await readStoreColumns(dir);
    expect(columns.problems).toEqual(objects.problems);
    expect(columns.problems.map((p) => p.line)).toEqual([2, 4, 4, 5, null]);
    expect(columns.samples.count).toBe(objects.samples.length);
    const byId = grouped(objects.samples);
    expect(columns.samples.ids().sort()).toEqual([...byId.keys()].sort());
    for (const [id, list] of byId) expect(columns.samples.of(id)).toStrictEqual(list);
    expect(columns.samples.of('api').map((s) => s.responseTimeMs)).toEqual([84.123, 5, null, 12]);
    expect(columns.samples.of('new')[0]!.statusCode).toBe(70000);
    expect(columns.samples.earliest(Date.parse('2026-12-01'))).toBe(Date.parse('2026-11-23T10:00:00.000Z'));
    expect(columns.samples.earliest(0)).toBeNull();
  });

  it('keep, in the report layout, status, time, response time and error, as before', () => {
    const cols = new SampleColumns();
    const at = Date.parse('2026-11-24T10:00:00.000Z');
    for (let i = 0; i < 3000; i++) cols.add({ id: 'a', status: i % 7 === 0 ? 'down' : 'up', at: at + i * 300_000, responseTimeMs: i % 7 === 0 ? null : 84.5, error: i % 7 === 0 ? 'refused' : null, statusCode: 200, region: 'eu' });
    const got = cols.of('a');
    expect(got).toHaveLength(3000);
    expect(got[7]).toStrictEqual({ id: 'a', status: 'down', at: at + 7 * 300_000, responseTimeMs: null, error: 'refused', statusCode: null });
    expect(got[8]).toStrictEqual({ id: 'a', status: 'up', at: at + 8 * 300_000, responseTimeMs: 84.5, error: null, statusCode: null });
    expect(cols.errors('a')).toHaveLength(429);
  });
});

describe('SampleColumns.truncate and dropFirst', () => {
  const sample = (id: string, i: number): Sample => ({
    id,
    status: (['up', 'degraded', 'down', 'maintenance'] as const)[i % 4]!,
    at: 1_000_000 + i * 60_000,
    responseTimeMs: i % 4 === 2 ? null : i % 3 === 0 ? 10.123456789 : i,
    error: i % 4 === 2 ? `err ${i}` : null,
    statusCode: i % 5 === 0 ? null : i % 7 === 0 ? 70_000 : 200 + i,
    ...(i >= 6 && i < 9 ? { region: `r${i % 2}` } : {}),
    ...(i % 6 === 0 ? { expiresAt: '2027-01-01T00:00:00.000Z' } : {}),
  });
  const filled = (from: number, to: number, ids = ['a', 'b']) => {
    const c = new SampleColumns({ full: true });
    for (let i = from; i < to; i++) for (const id of ids) if (id !== 'b' || i >= 4) c.add(sample(id, i));
    return c;
  };
  const view = (c: SampleColumns, id: string) => ({ of: c.of(id), series: c.series(id), errors: c.errors(id) });

  it('come back to the columns as if the samples removed had never been added', () => {
    for (const cut of [0, 3, 5, 7, 12]) {
      const c = filled(0, cut);
      const mark = c.lengths();
      for (let i = cut; i < 12; i++) for (const id of ['a', 'b', 'new']) c.add(sample(id, i));
      c.truncate(mark);
      const fresh = filled(0, cut);
      for (const id of ['a', 'b', 'new']) expect(view(c, id)).toEqual(view(fresh, id));
      expect([c.count, c.earliest(Infinity)]).toEqual([fresh.count, fresh.earliest(Infinity)]);
      // Adding after a truncation gives what adding to fresh columns gives.
      for (let i = cut; i < 12; i++) for (const id of ['a', 'b']) if (id !== 'b' || i >= 4) [c, fresh].forEach((x) => x.add(sample(id, i)));
      for (const id of ['a', 'b']) expect(view(c, id)).toEqual(view(fresh, id));
    }
  });

  it('go to another process and back (handOver, v8 serialization, fromState) equal, owning their arrays, and grow on as before', () => {
    const c = filled(0, 12);
    const before = ['a', 'b'].map((id) => view(c, id));
    const message = v8.serialize({ padding: new Float64Array(100_000), state: c.handOver() });
    const got = SampleColumns.fromState((v8.deserialize(message) as { state: ColumnsState }).state);
    expect(['a', 'b'].map((id) => view(got, id))).toEqual(before);
    // Each array is its own, not a view into the message (which it would keep alive).
    for (const id of ['a', 'b']) expect(got.series(id)!.at.buffer.byteLength).toBeLessThan(message.length / 10);
    // Samples added after go on as on columns that never moved.
    const fresh = filled(0, 12);
    for (let i = 12; i < 400; i++) for (const id of ['a', 'b']) [got, fresh].forEach((x) => x.add(sample(id, i)));
    for (const id of ['a', 'b']) expect(view(got, id)).toEqual(view(fresh, id));
  });

  it('drop the first samples of each check', () => {
    for (const head of [1, 4, 7, 10, 12]) {
      const c = filled(0, 12);
      const first = filled(0, head);
      c.dropFirst(first.lengths());
      const rest = new SampleColumns({ full: true });
      for (let i = head; i < 12; i++) for (const id of ['a', 'b']) if (id !== 'b' || i >= 4) rest.add(sample(id, i));
      for (const id of ['a', 'b']) expect(view(c, id)).toEqual(view(rest, id));
      expect(c.count).toBe(rest.count);
    }
  });

  it('keep knowing whether times are in order, and the earliest time, as samples out of order (or without a time) are added and cut', () => {
    // What reading every time gives: in order (no time less than the one before), and the earliest at or before `upTo`.
    const scan = (ats: number[], upTo: number) => ({ sorted: ats.every((t, i) => i === 0 || !(t < ats[i - 1]!)), earliest: ats.filter((t) => t <= upTo).reduce<number | null>((m, t) => (m === null || t < m ? t : m), null) });
    const orders: number[][] = [[1, 2, 3, 4, 5, 6], [3, 1, 2, 4, 5, 6], [1, 2, 3, 4, 6, 5], [NaN, 2, 3, 4, 5, 6], [5, NaN, 3, 4, 6, 7], [2, 2, 1, 3, 3, 4]];
    for (const order of orders) {
      for (const cut of [0, 1, 2, 3, 6]) {
        for (const head of [0, 1, 2, 3]) {
          const c = new SampleColumns({ full: true });
          order.forEach((k, i) => c.add({ ...sample('a', i), at: k * 60_000 }));
          const mark = new Map([['a', cut]]);
          c.truncate(mark);
          c.dropFirst(new Map([['a', Math.min(head, cut)]]));
          const kept = order.slice(Math.min(head, cut), cut).map((k) => k * 60_000);
          for (const upTo of [Infinity, 3 * 60_000, 0]) expect(c.earliest(upTo)).toBe(scan(kept, upTo).earliest);
          expect(c.series('a')?.sorted ?? true).toBe(scan(kept, Infinity).sorted);
          // And after more samples, in order or not.
          c.add({ ...sample('a', 20), at: 2.5 * 60_000 });
          const more = [...kept, 2.5 * 60_000];
          expect(c.earliest(Infinity)).toBe(scan(more, Infinity).earliest);
          expect(c.series('a')!.sorted).toBe(scan(more, Infinity).sorted);
        }
      }
    }
  });
});
