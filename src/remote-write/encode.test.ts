/** The wire format: what is encoded (protobuf + snappy block) decodes to the same series. */
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import { toRunRecord } from '../store/samples.ts';
import { decodeWriteRequest, encodeWriteRequest, type TimeSeries } from './encode.ts';
import { asStored, batches } from './remote-write.ts';
import { SeriesBuilder } from './series.ts';

const SERIES: TimeSeries[] = [
  {
    labels: [
      { name: '__name__', value: 'probe_success' },
      { name: 'check', value: 'api' },
      { name: 'instance', value: 'https://api.example.com/health' },
      { name: 'job', value: 'cairn' },
    ],
    samples: [
      { value: 1, timestamp: 1_798_000_000_123 },
      { value: 0, timestamp: 1_798_000_060_000 },
    ],
  },
  {
    labels: [
      { name: '__name__', value: 'probe_duration_seconds' },
      { name: 'check', value: 'ünïcødé ✓' },
    ],
    samples: [{ value: 0.084, timestamp: 1_798_000_000_123 }],
  },
];

describe('remote-write encoding', () => {
  it('decodes what it encodes: labels, values (doubles) and int64 millisecond timestamps', () => {
    expect(decodeWriteRequest(encodeWriteRequest(SERIES))).toEqual(SERIES);
  });

  it('is snappy BLOCK format around a prometheus.WriteRequest with the field numbers of prompb', () => {
    const body = encodeWriteRequest(SERIES);
    // Block format starts with the uncompressed length as a varint; the framed format with 0xff "sNaPpY".
    expect(body[0]).not.toBe(0xff);
    const raw = snappy.uncompress(body);
    // Decoded by a schema written independently of encode.ts, from prompb's remote.proto and types.proto.
    const root = protobuf.Root.fromJSON({
      nested: {
        p: {
          nested: {
            WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
            TimeSeries: { fields: { labels: { rule: 'repeated', type: 'Label', id: 1 }, samples: { rule: 'repeated', type: 'Sample', id: 2 } } },
            Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
            Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
          },
        },
      },
    });
    const type = root.lookupType('p.WriteRequest');
    const decoded = type.toObject(type.decode(raw), { longs: Number, defaults: true }) as { timeseries: TimeSeries[] };
    expect(decoded.timeseries).toEqual(SERIES);
  });

  it('batches a run into requests of bounded size that decode to every sample, each series in time order', () => {
    const results: CheckResult[] = Array.from({ length: 30 }, (_, i) => ({
      id: `c${i}`,
      kind: 'http',
      status: i % 3 === 0 ? 'down' : 'up',
      responseTimeMs: 10 + i,
      error: null,
      checkedAt: '2026-11-24T10:05:00.000Z',
      attempts: 1,
      statusCode: 200,
    }));
    const targets = new Map(results.map((r) => [r.id, { kind: 'http' as const, component: 'web', instance: `http://h/${r.id}` }]));
    const builder = new SeriesBuilder({ job: 'cairn', labels: {}, targets });
    const runs = [0, 1, 2].map((k) => ({ record: asStored(toRunRecord(new Date(Date.parse('2026-11-24T10:05:00Z') + k * 60_000), results.map((r) => ({ ...r, checkedAt: new Date(Date.parse(r.checkedAt) + k * 60_000).toISOString() })))) }));
    const out = [...batches(runs, builder, 100)];
    // 30 checks x 5 samples (success, healthy, maintenance, duration, status code) x 3 runs.
    expect(out.reduce((a, b) => a + b.samples, 0)).toBe(450);
    expect(out.every((b) => b.samples <= 100)).toBe(true);
    expect(out.map((b) => b.runs).reduce((a, b) => a + b, 0)).toBe(3);
    // The last batch completes the last run.
    expect(out.at(-1)?.completes).toBe(Date.parse('2026-11-24T10:07:00Z'));
    const decoded = out.flatMap((b) => decodeWriteRequest(encodeWriteRequest(b.timeseries)));
    const byKey = new Map<string, number[]>();
    for (const s of decoded) {
      const key = JSON.stringify(s.labels);
      byKey.set(key, [...(byKey.get(key) ?? []), ...s.samples.map((x) => x.timestamp)]);
      expect(s.labels.map((l) => l.name)).toEqual([...s.labels.map((l) => l.name)].sort());
    }
    expect(byKey.size).toBe(150);
    for (const times of byKey.values()) expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
