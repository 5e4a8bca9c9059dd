/**
 * Test support for remote write: a receiver on 127.0.0.1 that answers what a test tells it and
 * records (and decodes) what it was sent, and status repos with remote-write settings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeWriteRequest, type TimeSeries } from './encode.ts';

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  series: TimeSeries[];
  status: number;
}

export interface RecordingReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The answer to the next request (by its 0-based number): status, body, headers. */
  answer: (n: number) => { status: number; body?: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

/** A remote-write receiver that decodes every request and answers `answer(n)` (default 204). */
export async function startRecordingReceiver(): Promise<RecordingReceiver> {
  const receiver: RecordingReceiver = {
    url: '',
    requests: [],
    answer: () => ({ status: 204 }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = receiver.requests.length;
      const a = receiver.answer(n);
      let series: TimeSeries[] = [];
      try {
        series = decodeWriteRequest(new Uint8Array(Buffer.concat(chunks)));
      } catch {
        // recorded as empty: the test sees it
      }
      receiver.requests.push({ headers: req.headers, series, status: a.status });
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  receiver.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return receiver;
}

/** A status repo in a temporary folder holding `files` (relative path -> content). */
export async function tempRepo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-rw-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}
