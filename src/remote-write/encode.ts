/**
 * The remote-write 1.0 wire format: a protobuf `prometheus.WriteRequest` (the fields of
 * prometheus/prompb/types.proto and remote.proto that protocol 1.0 uses), compressed with snappy's
 * BLOCK format (not the framed one). protobufjs encodes, snappyjs compresses.
 */
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import type { Label } from './series.ts';

const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;

const WriteRequest = protobuf.parse(PROTO).root.lookupType('prometheus.WriteRequest');

/** The headers protocol 1.0 requires on every request. */
export const REMOTE_WRITE_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

export interface TimeSeries {
  /** Sorted by name, `__name__` included. */
  labels: Label[];
  /** In time order. */
  samples: { value: number; timestamp: number }[];
}

/** The request body: protobuf, then snappy block compression. */
export function encodeWriteRequest(timeseries: readonly TimeSeries[]): Uint8Array {
  const raw = WriteRequest.encode({ timeseries }).finish();
  return snappy.compress(raw);
}

/** The inverse of `encodeWriteRequest` (tests, and receivers written for them). */
export function decodeWriteRequest(body: Uint8Array): TimeSeries[] {
  const message = WriteRequest.decode(snappy.uncompress(body));
  const value = WriteRequest.toObject(message, { longs: Number, defaults: true }) as { timeseries?: TimeSeries[] };
  return value.timeseries ?? [];
}
