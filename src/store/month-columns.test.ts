import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { COLUMN_STATUSES, MonthColumns } from './month-columns.ts';
import { RunLineScanner } from './run-scan.ts';
import { type Sample, type StoredResult, STORE_VERSION, encodeRunLine, parseRunLine, toSample } from './samples.ts';

const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];
const sample = (id: string, at: number, i: number): Sample => ({
  id,
  status: STATUSES[i % 4] as CheckStatus,
  at,
  // Mostly whole milliseconds; now and then a fraction or more than 65 seconds (4-byte floats then).
  responseTimeMs: i % 5 === 0 ? null : i % 1013 === 0 ? 12.5 : i % 2029 === 0 ? 70_000 : (i * 37) % 2000,
  error: i % 7 === 0 ? `error ${i}` : null,
  statusCode: null,
});

describe('samples in columns', () => {
  it('gives back every sample of a check in time order, across chunks, with far-apart and fractional times', () => {
    const cols = new MonthColumns();
    const added: Sample[] = [];
    let at = Date.parse('2026-04-01T00:00:00.000Z');
    for (let i = 0; i < 5000; i++) {
      // Mostly 5 minutes apart; now and then 30 days (beyond 32-bit milliseconds) or a fraction of a millisecond.
      at += i % 997 === 0 ? 30 * 86_400_000 : i % 1999 === 0 ? 0.25 : 300_000;
      const s = sample('a', at, i);
      added.push(s);
      cols.add({ ...s });
      if (i % 3 === 0) cols.add(sample('b', at, i));
    }
    expect(cols.count).toBe(5000 + 1667);
    expect(cols.of('a')).toEqual(added);
    const c = cols.columns('a');
    expect(c?.n).toBe(5000);
    expect(Array.from(c?.at ?? [])).toEqual(added.map((s) => s.at));
    expect(Array.from(c?.status ?? [], (x) => COLUMN_STATUSES[x])).toEqual(added.map((s) => s.status));
    expect(Array.from(c?.ms ?? [])).toEqual(added.map((s) => s.responseTimeMs ?? -1));
    expect(cols.errors('a')).toEqual(added.filter((s) => s.error !== null).map((s) => ({ at: s.at, error: s.error })));
    expect(cols.of('none')).toEqual([]);
    expect(cols.columns('none')?.n).toBe(0);
  });

  it('sorts samples added out of order (stable), and gives no columns for them', () => {
    const cols = new MonthColumns();
    const t = Date.parse('2026-04-01T00:00:00.000Z');
    const order = [5, 1, 3, 1, 0, 4];
    order.forEach((k, i) => cols.add(sample('a', t + k * 60_000, i)));
    expect(cols.of('a').map((s) => [s.at - t, s.status])).toEqual([
      [0, 'up'],
      [60_000, 'degraded'],
      [60_000, 'maintenance'],
      [180_000, 'down'],
      [240_000, 'degraded'],
      [300_000, 'up'],
    ]);
    expect(cols.columns('a')).toBeNull();
    expect(cols.errors('a')).toEqual([{ at: t + 300_000, error: 'error 0' }]);
  });

  it('adds a scanned run line (addRun) exactly as it adds the same results one by one', () => {
    const byRun = new MonthColumns();
    const bySample = new MonthColumns();
    const scanner = new RunLineScanner();
    const ids = ['a', 'b', 'c'];
    let t = Date.parse('2026-04-01T00:00:00.000Z');
    for (let line = 0; line < 5000; line++) {
      // Mostly 5 minutes apart; now and then 30 days (beyond 32-bit offsets), back in time, or a result of its own time (dt).
      t += line % 1500 === 7 ? 30 * 86_400_000 : line % 911 === 5 ? -3_600_000 : 300_000;
      // Lines of the same ids (stored in blocks), other ids now and then, and a check named twice in a line.
      const order = line % 1000 === 999 ? ['a', 'b', 'a'] : line % 700 < 350 ? ids : [...ids].reverse().concat(line % 3 === 0 ? ['d'] : []);
      const r: StoredResult[] = order.map((id, i) => {
        const k = line * 7 + i;
        const at = i === 1 && line % 400 === 3 ? t + 5_000 : t;
        return {
          id,
          s: STATUSES[k % 4] as CheckStatus,
          t: new Date(at).toISOString(),
          // none, whole, 65,535 or more (4-byte floats then), 0
          ms: k % 5 === 0 ? null : k % 1013 === 0 ? 70_000 : k % 777 === 0 ? 0 : (k * 37) % 2000,
          e: k % 97 === 0 ? `error ${k}` : null,
        };
      });
      const text = encodeRunLine({ v: STORE_VERSION, t: new Date(t).toISOString(), r });
      const buf = Buffer.from(text);
      const run = scanner.scan(buf, 0, buf.length);
      expect(run).not.toBeNull();
      if (run) byRun.addRun(run);
      const rec = parseRunLine(text);
      if (typeof rec === 'string') throw new Error(rec);
      for (const x of rec.r) bySample.add(toSample(x));
    }
    expect(byRun.count).toBe(bySample.count);
    for (const id of [...ids, 'd']) {
      expect(byRun.of(id)).toEqual(bySample.of(id));
      expect(byRun.columns(id)).toEqual(bySample.columns(id));
      expect(byRun.errors(id)).toEqual(bySample.errors(id));
    }
    expect(byRun.columns('a')).toBeNull();
  });
});
