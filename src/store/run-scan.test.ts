import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { RunLineScanner } from './run-scan.ts';
import { type RunRecord, type StoredResult, STORE_VERSION, dayFileBook, encodeDayLines, encodeRunLine, parseRunLine } from './samples.ts';
import { seededRandom } from '../demo/random.ts';

const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];

/** Deterministic pseudo-random numbers (the demo's mulberry32). */
const rng = seededRandom;

/** What the full parser gives for a line, as the report's reader keeps it (per result: id, status, time, ms, error). */
function viaParser(line: string) {
  const rec = parseRunLine(line);
  if (typeof rec === 'string') return rec;
  return rec.r.map((r) => ({ id: r.id, status: r.s, at: Date.parse(r.t), ms: r.ms, error: r.e }));
}

function viaScanner(scanner: RunLineScanner, line: string) {
  const buf = Buffer.from(line, 'utf8');
  const run = scanner.scan(buf, 0, buf.length);
  if (run === null) return null;
  return Array.from({ length: run.n }, (_, i) => ({
    id: run.ids[i],
    status: STATUSES[run.status[i] as number],
    at: run.at[i],
    ms: (run.ms[i] as number) < 0 ? null : run.ms[i],
    error: run.error[i] ?? null,
  }));
}

/** The scanner either declines a line (null) or gives what the full parser gives; never accepts a line the parser rejects. */
function expectAgrees(scanner: RunLineScanner, line: string): 'scanned' | 'declined' {
  const scanned = viaScanner(scanner, line);
  const parsed = viaParser(line);
  if (scanned === null) return 'declined';
  expect(typeof parsed, `the parser rejects a line the scanner accepts: ${line.slice(0, 120)}`).not.toBe('string');
  expect(scanned).toEqual(parsed);
  return 'scanned';
}

function randomRun(rand: () => number, ids: string[], t: string, extra: { dt?: boolean; code?: boolean; n?: boolean; x?: boolean; g?: string } = {}): RunRecord {
  const t0 = Date.parse(t);
  const r: StoredResult[] = ids.map((id) => {
    const s = STATUSES[Math.floor(rand() * 4)] as CheckStatus;
    const out: StoredResult = {
      id,
      s,
      t: new Date(t0 + (extra.dt && rand() < 0.3 ? Math.floor(rand() * 40) * 1000 : 0)).toISOString(),
      // Mostly under 4,096 ms; some wider (four digits in version 3 text), a few beyond it (a version 2 line).
      ms: s === 'down' && rand() < 0.5 ? null : rand() < 0.9 ? Math.round(rand() * 3000) : rand() < 0.9 ? Math.round(rand() * 200_000) : Math.round(rand() * 20_000_000),
      e: s === 'up' ? null : rand() < 0.5 ? 'connection refused' : 'HTTP 500 "Internal" \\ ünïcode — (notAfter 2027-01-01T00:00:00.000Z)',
    };
    if (extra.code) out.code = rand() < 0.2 ? -1 : rand() < 0.5 ? 200 : 503;
    if (extra.n && rand() < 0.2) out.n = 2 + Math.floor(rand() * 3);
    if (extra.x && rand() < 0.5) out.x = '2027-01-01T00:00:00.000Z';
    if (extra.g) out.g = extra.g;
    return out;
  });
  return { v: STORE_VERSION, t, r };
}

describe('scanning compact run lines from bytes', () => {
  it('reads the lines encodeRunLine writes exactly as parseRunLine does, with every optional column', () => {
    const rand = rng(7);
    const scanner = new RunLineScanner();
    const ids = ['api', 'web', 'db-1', 'svc.x', 'a_b'];
    let t = Date.parse('2026-04-01T00:00:00.000Z');
    for (let k = 0; k < 400; k++, t += 300_123) {
      const extra = { dt: k % 2 === 0, code: k % 3 === 0, n: k % 5 === 0, x: k % 7 === 0 };
      // Every few lines the ids change (another order, one more check): parsed again.
      const lineIds = k % 50 === 49 ? [...ids, `new-${k}`].reverse() : ids;
      const line = encodeRunLine(randomRun(rand, lineIds, new Date(t).toISOString(), extra));
      expect(expectAgrees(scanner, line), line).toBe('scanned');
    }
  });

  it('hands every other line to the full parser, and never accepts one it rejects', () => {
    const scanner = new RunLineScanner();
    const good = encodeRunLine(randomRun(rng(1), ['a', 'b'], '2026-04-01T00:00:00.000Z'));
    expect(expectAgrees(scanner, good)).toBe('scanned');
    const t = '"t":"2026-04-01T00:00:00.000Z"';
    const declined = [
      // A region: the report's columns do not keep it; the full parser reads it.
      encodeRunLine(randomRun(rng(2), ['a', 'b'], '2026-04-01T00:00:00.000Z', { g: 'eu' })),
      // Version 1 lines, whitespace, another key order, fractions, exponents.
      JSON.stringify({ v: 1, t: '2026-04-01T00:00:00.000Z', r: [{ id: 'a', s: 'up', t: '2026-04-01T00:00:00.000Z', ms: 1, e: null }] }),
      `{"v": 2,${t},"id":["a"],"s":"u","ms":[1]}`,
      `{${t},"v":2,"id":["a"],"s":"u","ms":[1]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1.5]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1e3]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1]}\r`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1]} `,
      // Escapes or non-ASCII in the ids; a time with an escape.
      `{"v":2,${t},"id":["a\\u0062"],"s":"u","ms":[1]}`,
      `{"v":2,${t},"id":["ä"],"s":"u","ms":[1]}`,
      `{"v":2,"t":"2026-04-01T00:00:00.000\\u005a","id":["a"],"s":"u","ms":[1]}`,
      // Lines the full parser rejects.
      `{"v":2,${t},"id":[""],"s":"u","ms":[1]}`,
      `{"v":2,${t},"id":["a","b"],"s":"u","ms":[1,2]}`,
      `{"v":2,${t},"id":["a"],"s":"x","ms":[1]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[-1]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[01]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1,2]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":["1"]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"e":{"1":"x"}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"e":{"0":1}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"e":{"0":{"a":1}}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"n":{"0":1}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"x":{"0":"never"}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"dt":[0.5]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"code":[200.5]}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"e":{"0":"x"},"e":{"0":"y"}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1],"zz":1}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1]}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":[1]`,
      `{"v":2,"t":"yesterday","id":["a"],"s":"u","ms":[1]}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":[1]}`,
      // Version 3: text that is not the response times of the checks, escapes, codes in the v2 form or bad.
      `{"v":3,${t},"id":["a"],"s":"u","ms":"0"}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"012"}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"!012"}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"0*"}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"0\\u0031"}`,
      `{"v":3,${t},"id":["a","b"],"s":"uu","ms":"0~"}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"01","code":[200]}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"01","c":{"1":500}}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"01","c":{"0":"500"}}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"01","c":{"0":500.5}}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"01","c":[500]}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"01","e":{"0":"x"},"c":{"0":500}}`,
      `{"v":2,${t},"id":["a"],"s":"u","ms":"01"}`,
      '',
      'not json',
    ];
    for (const line of declined) expect(expectAgrees(scanner, line), line).toBe('declined');
  });

  it('reads the optional columns the parser accepts in their odd but valid forms the same way', () => {
    const scanner = new RunLineScanner();
    const t = '"t":"2026-04-01T00:00:00.000Z"';
    const lines = [
      `{"v":2,${t},"id":["a","b"],"s":"um","ms":[0,null],"dt":[0,-3],"code":[null,-1]}`,
      `{"v":2,${t},"id":["a","b"],"s":"wd","ms":[12,null],"e":{"1":"","0":"a \\"quoted\\" } brace"}}`,
      `{"v":2,${t},"id":["a","b"],"s":"wd","ms":[12,null],"e":{"01":"leading zero: not column 1"}}`,
      `{"v":2,${t},"id":["a","a"],"s":"ud","ms":[999999999999999,1]}`,
      `{"v":2,"t":"2026-04-01","id":["a"],"s":"u","ms":[1]}`,
      `{"v":2,"t":"2026-04-01T02:00:00+02:00","id":["a"],"s":"u","ms":[1],"dt":[2]}`,
      `{"v":3,${t},"id":["a","b","c"],"s":"udm","ms":"~!1__zzA","dt":[0,-3,1],"c":{"01":500,"1":null,"2":200}}`,
      `{"v":3,${t},"id":["a","b"],"s":"uu","ms":"~~","c":{}}`,
      `{"v":3,${t},"id":["a"],"s":"u","ms":"_-"}`,
    ];
    for (const line of lines) expect(expectAgrees(scanner, line), line).toBe('scanned');
  });

  it('reads a line in the middle of a buffer, and reuses the ids of the line before', () => {
    const scanner = new RunLineScanner();
    const a = encodeRunLine(randomRun(rng(3), ['x', 'y'], '2026-04-01T00:00:00.000Z'));
    const b = encodeRunLine(randomRun(rng(4), ['x', 'y'], '2026-04-01T00:05:00.000Z'));
    const buf = Buffer.from(`${a}\n${b}\n`);
    const first = scanner.scan(buf, 0, a.length);
    const ids = first?.ids;
    const second = scanner.scan(buf, a.length + 1, a.length + 1 + b.length);
    expect(second?.ids).toBe(ids);
    expect(second?.at[0]).toBe(Date.parse('2026-04-01T00:05:00.000Z'));
  });

  it('reads version 4 lines that name their ids by key as the full parser does, within one file', () => {
    const rand = rng(11);
    const runs = Array.from({ length: 40 }, (_, i) =>
      randomRun(rand, i % 7 === 3 ? ['a', 'b'] : ['a', 'b', 'c'], new Date(Date.parse('2026-04-01T00:00:00.000Z') + i * 300_000).toISOString(), { code: true, n: true }),
    );
    const text = encodeDayLines('', runs);
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => l.includes('"k":"')).length).toBeGreaterThan(30);
    const book = dayFileBook(() => text);
    const scanner = new RunLineScanner();
    scanner.startFile();
    const buf = Buffer.from(text);
    let start = 0;
    let scanned = 0;
    for (const line of lines) {
      const end = start + Buffer.byteLength(line);
      const run = scanner.scan(buf, start, end);
      const rec = parseRunLine(line, book);
      expect(typeof rec).not.toBe('string');
      if (run && typeof rec !== 'string') {
        scanned++;
        expect([...run.ids.slice(0, run.n)]).toEqual(rec.r.map((r) => r.id));
        expect(Array.from(run.ms.subarray(0, run.n), (m) => (m < 0 ? null : m))).toEqual(rec.r.map((r) => r.ms));
      }
      start = end + 1;
    }
    expect(scanned).toBeGreaterThan(30);
    // A key the file has not given (to this scanner, in this file): declined, never guessed.
    const other = new RunLineScanner();
    other.startFile();
    const keyed = lines.find((l) => l.includes('"k":"')) as string;
    expect(other.scan(Buffer.from(keyed), 0, Buffer.byteLength(keyed))).toBeNull();
    expect(parseRunLine(keyed)).toMatch(/field "k": no line of this file gives the check ids of key "[A-Za-z0-9_-]{8}"/);
    // Nor across files: a new file forgets the last one's ids.
    const first = lines[0] as string;
    expect(other.scan(Buffer.from(first), 0, Buffer.byteLength(first))).not.toBeNull();
    other.startFile();
    expect(other.scan(Buffer.from(keyed), 0, Buffer.byteLength(keyed))).toBeNull();
  });
});
