import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { settled } from './deserialized.ts';

describe('settled', () => {
  it('keeps a deserialized value equal, shared objects shared, and gives each typed array a buffer of its own', () => {
    const shared = { at: '2026-11-02T00:00:00.000Z' };
    const original = {
      days: Array.from({ length: 50 }, (_, i) => ({ from: '2026-11-02T00:00:00.000Z', percent: i % 2 ? '100.00' : '99.95', at: shared })),
      series: { t: new Float64Array([1, 2, 3]), status: new Uint8Array([0, 1, 2]) },
      byId: new Map([['api', new Map([[3, 'connection refused']])]]),
      ids: new Set(['api', 'db']),
      when: new Date(0),
      nothing: null,
    };
    const message = v8.serialize({ padding: new Float64Array(10_000), value: original });
    const { value } = v8.deserialize(message) as { value: typeof original };
    // Deserialized, the typed arrays are views into a larger buffer (the message, or a pool).
    for (const a of [value.series.t, value.series.status]) expect(a.buffer.byteLength).toBeGreaterThan(a.byteLength);
    const got = settled(value);
    expect(got).toBe(value);
    expect(got).toEqual(original);
    expect(got.days[0]!.at).toBe(got.days[49]!.at);
    for (const a of [got.series.t, got.series.status]) expect(a.buffer.byteLength).toBe(a.byteLength);
    expect(got.byId.get('api')?.get(3)).toBe('connection refused');
    expect([...got.ids]).toEqual(['api', 'db']);
  });
});
