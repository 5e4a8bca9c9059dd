import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRunLine, parseRunLine, readSamples, appendRun, type RunRecord } from './samples.ts';

const record = (g?: string): RunRecord => ({
  v: 1,
  t: '2026-11-24T10:05:00.000Z',
  r: [
    { id: 'api', s: 'up', t: '2026-11-24T10:05:00.000Z', ms: 84, e: null, ...(g ? { g } : {}) },
    { id: 'web', s: 'down', t: '2026-11-24T10:05:00.000Z', ms: null, e: 'refused', ...(g ? { g } : {}) },
  ],
});

describe('regions in the store', () => {
  it('a run without a region is written exactly as before (no "g")', () => {
    expect(encodeRunLine(record())).toBe('{"v":4,"t":"2026-11-24T10:05:00.000Z","id":["api","web"],"s":"ud","ms":"1~K","e":{"1":"refused"}}');
  });

  it('a run with a region carries it once per line and reads back onto every result', () => {
    const line = encodeRunLine(record('eu-west'));
    expect(line).toContain('"g":"eu-west"');
    expect(parseRunLine(line)).toEqual(record('eu-west'));
  });

  it('rejects a bad region, accepts version 1 results with one', () => {
    expect(parseRunLine('{"v":2,"t":"2026-11-24T10:05:00.000Z","id":["a"],"s":"u","ms":[1],"g":""}')).toMatch(/field "g"/);
    expect(parseRunLine('{"v":3,"t":"2026-11-24T10:05:00.000Z","id":["a"],"s":"u","ms":"01","g":""}')).toMatch(/field "g"/);
    const v1 = JSON.stringify(record('us'));
    expect(parseRunLine(v1)).toEqual(record('us'));
    expect(parseRunLine(JSON.stringify({ ...record(), r: [{ ...record().r[0], g: 5 }] }))).toMatch(/field "g"/);
  });

  it('samples carry the region only when stored with one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-region-'));
    await appendRun(dir, record('eu'));
    await appendRun(dir, { ...record(), t: '2026-11-24T10:10:00.000Z' });
    const { samples, problems } = await readSamples(dir);
    expect(problems).toEqual([]);
    expect(samples.map((s) => s.region ?? null)).toEqual(['eu', 'eu', null, null]);
    expect(samples[2]).not.toHaveProperty('region');
  });
});
