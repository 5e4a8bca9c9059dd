import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import { appendRun, readSamples, toRunRecord } from './samples.ts';

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
    expect(f1).toBe(path.join('data', 'samples', '2026', '11', '2026-11-24.ndjson'));
    expect(f1b).toBe(f1);
    expect(f2).toBe(path.join('data', 'samples', '2026', '11', '2026-11-25.ndjson'));
    const lines = (await readFile(path.join(dir, f1), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual({
      v: 1,
      t: t1,
      r: [
        { id: 'a', s: 'up', t: t1, ms: 12.5, e: null },
        { id: 'b', s: 'down', t: t1, ms: 12.5, e: 'HTTP 500', code: 500, n: 2 },
      ],
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
    expect(await readdir(path.join(dir, 'data', 'samples', '2026', '11'))).toEqual(['2026-11-24.ndjson', '2026-11-25.ndjson']);
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
    const file = path.join(dir, 'data', 'samples', '2026', '11', '2026-11-24.ndjson');
    await mkdir(path.dirname(file), { recursive: true });
    const good = JSON.stringify(toRunRecord(new Date(t), [result('a', 'up', t)]));
    await writeFile(file, `${good}\n{"v":1,"t":"2026-11-24T10:05:00.000Z","r":[{"id":"a","s":"sideways"}]}\n{"v":1,"t":"2026-11-2`);
    await appendRun(dir, toRunRecord(new Date(t), [result('a', 'down', t)]));
    const { samples, problems } = await readSamples(dir);
    expect(samples.map((s) => s.status)).toEqual(['up', 'down']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ file: path.join('data', 'samples', '2026', '11', '2026-11-24.ndjson'), line: 2 });
    expect(problems[0]!.message).toContain('"s"');
    expect(problems[1]).toMatchObject({ line: 3 });
    expect(problems[1]!.message).toContain('invalid JSON');
  });

  it('reads an empty store as no samples', async () => {
    expect(await readSamples(await tmp())).toEqual({ samples: [], problems: [] });
  });
});
