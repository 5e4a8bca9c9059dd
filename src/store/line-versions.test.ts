/**
 * Version 3 lines (response times as text, codes other than 200) hold what version 2 lines held,
 * and version 4 lines (ids by key after a day file's first line with them) what version 3 held:
 * the same runs written in any version give the same samples, the same status model, the same
 * report figures and the same rollups.
 */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../checks/types.ts';
import { computePeriods } from '../model/period.ts';
import { fixtureConfig } from '../model/testing.ts';
import { readReportInputs } from '../reports/inputs.ts';
import { buildModel } from '../site/build.ts';
import { seededRandom } from '../demo/random.ts';
import { compactStore } from './compact.ts';
import { DAY_MS, utcDay } from './layout.ts';
import { MAX_MS } from './ms-text.ts';
import { type RunRecord, STORE_VERSION, appendRuns, encodeRunLine, parseStoredLine, readSamples } from './samples.ts';
import { readStoreColumns } from './store.ts';

const MIN = 60_000;
const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'maintenance'];

const rng = seededRandom;

/** The version 2 line of a run: what `encodeRunLine` wrote before version 3. */
function version2Line(rec: RunRecord): string {
  const line = parseStoredLine(encodeRunLine(rec));
  if (typeof line === 'string' || line.v === STORE_VERSION) throw new Error(`not a compact line: ${String(line)}`);
  const { t, id, s, ms, dt, code, e, n, x, g } = line;
  return JSON.stringify({ v: 2, t, id, s, ms, dt, code, e, n, x, g });
}

/** Runs of http checks (codes), a tcp check (none), slow and timed-out answers, late starts, errors. */
function runs(from: number, to: number): RunRecord[] {
  const rand = rng(17);
  const out: RunRecord[] = [];
  for (let t = from; t < to; t += 5 * MIN) {
    if (rand() < 0.02) continue;
    const at = t + Math.floor(rand() * 30_000);
    out.push({
      v: STORE_VERSION,
      t: new Date(at).toISOString(),
      // Some runs without the tls check: a second set of ids (and key) in the same day files.
      r: (rand() < 0.1 ? ['api', 'web', 'db'] : ['api', 'web', 'db', 'tls']).map((id, i) => {
        const s = STATUSES[rand() < 0.9 ? 0 : Math.floor(rand() * 4)] as CheckStatus;
        const x = rand();
        const ms = s === 'down' && x < 0.5 ? null : x < 0.03 ? 4096 + Math.floor(rand() * 60_000) : x < 0.035 ? MAX_MS + 1 + Math.floor(rand() * 1000) : 20 + rand() * 500;
        return {
          id,
          s,
          t: new Date(at + (rand() < 0.2 ? Math.floor(rand() * 5000) : 0)).toISOString(),
          ms,
          e: s === 'up' ? null : s === 'down' ? 'HTTP 503' : 'slower than 1s',
          ...(i < 2 ? { code: s === 'down' ? 503 : rand() < 0.05 ? 204 : 200 } : {}),
          ...(s === 'down' ? { n: 2 } : {}),
          ...(id === 'tls' && rand() < 0.5 ? { x: '2027-01-01T00:00:00.000Z' } : {}),
        };
      }),
    });
  }
  return out;
}

/** The version 3 line of a run: the ids on every line (a version 2 line stays one). */
function version3Line(rec: RunRecord): string {
  return encodeRunLine(rec).replace(/^\{"v":4,/, '{"v":3,');
}

async function writeLines(dir: string, records: RunRecord[], lineOf: (rec: RunRecord) => string): Promise<void> {
  await mkdir(path.join(dir, 'data'), { recursive: true });
  const byDay = new Map<string, string[]>();
  for (const rec of records) {
    const day = utcDay(Date.parse(rec.t));
    (byDay.get(day) ?? byDay.set(day, []).get(day))?.push(lineOf(rec));
  }
  for (const [day, lines] of byDay) await writeFile(path.join(dir, 'data', `${day}.ndjson`), `${lines.join('\n')}\n`);
}

describe('version 2, 3 and 4 lines', () => {
  it('give the same samples, model, report figures and rollups', async () => {
    const from = Date.parse('2026-03-10T00:00:00.000Z');
    const to = Date.parse('2026-04-20T00:00:00.000Z');
    const records = runs(from, to);
    const v2 = await mkdtemp(path.join(os.tmpdir(), 'cairn-v2-'));
    const v3 = await mkdtemp(path.join(os.tmpdir(), 'cairn-v3-'));
    const v4 = await mkdtemp(path.join(os.tmpdir(), 'cairn-v4-'));
    await writeLines(v2, records, version2Line);
    await writeLines(v3, records, version3Line);
    // The first 100 runs one by one (as `cairn run` appends), the rest in one write.
    for (const rec of records.slice(0, 100)) await appendRuns(v4, [rec]);
    await appendRuns(v4, records.slice(100));
    const first = (await readFile(path.join(v4, 'data', '2026-03-10.ndjson'), 'utf8')).split('\n');
    expect(first[0]!.startsWith('{"v":4,') && first[0]!.includes('"id":[')).toBe(true);
    // Later lines name their ids by key; each set of ids is given once per file.
    expect(first.filter((l) => l.includes('"k":"')).length).toBeGreaterThan(200);
    // (A version 2 line always holds its ids.)
    const v4Giving = (ids: string) => first.filter((l) => l.startsWith('{"v":4,') && l.includes(`"id":${ids}`)).length;
    expect(v4Giving('["api","web","db","tls"]')).toBe(1);
    expect(v4Giving('["api","web","db"]')).toBeLessThanOrEqual(1);
    // A response time beyond version 3 text: that run is written as a version 2 line.
    expect(first.some((l) => l.startsWith('{"v":2,'))).toBe(true);
    expect((await readFile(path.join(v2, 'data', '2026-03-10.ndjson'), 'utf8')).startsWith('{"v":2,')).toBe(true);
    expect((await readFile(path.join(v3, 'data', '2026-03-10.ndjson'), 'utf8')).startsWith('{"v":3,')).toBe(true);

    const a = await readSamples(v2);
    expect(a.samples.some((s) => s.statusCode === 204) && a.samples.some((s) => s.responseTimeMs !== null && s.responseTimeMs > MAX_MS)).toBe(true);
    const ca = await readStoreColumns(v2);
    for (const v of [v3, v4]) {
      const b = await readSamples(v);
      expect(b.problems).toEqual([]);
      expect(b.samples).toStrictEqual(a.samples);
      const cb = await readStoreColumns(v);
      for (const id of ['api', 'web', 'db', 'tls']) expect(cb.samples.of(id)).toStrictEqual(ca.samples.of(id));
    }

    const now = Date.parse('2026-04-19T12:00:00.000Z');
    const config = (dir: string) => ({ ...fixtureConfig({ checks: [{ id: 'api', component: 'core' }, { id: 'web', component: 'core' }, { id: 'db' }, { id: 'tls' }] }), dir });
    const modelA = JSON.stringify(await buildModel(config(v2), now)).replaceAll(v2, '<dir>');
    for (const v of [v3, v4]) expect(JSON.stringify(await buildModel(config(v), now)).replaceAll(v, '<dir>')).toBe(modelA);

    const periods = ['2026-03', '2026-04'].map((label) => {
      const [y, m] = label.split('-').map(Number) as [number, number];
      return { label, from: Date.UTC(y, m - 1, 1), to: Date.UTC(y, m, 1) };
    });
    const figures = async (dir: string) => {
      const inputs = await readReportInputs(config(dir), periods[0]!.from, periods[1]!.to, periods[1]!);
      return computePeriods({ config: config(dir), samples: (id: string) => inputs.samples.of(id), columns: (id) => inputs.samples.columns(id), rollups: inputs.rollups, incidents: inputs.incidents, now, periods });
    };
    const figuresA = JSON.stringify(await figures(v2)).replaceAll(v2, '<dir>');
    for (const v of [v3, v4]) expect(JSON.stringify(await figures(v)).replaceAll(v, '<dir>')).toBe(figuresA);

    // Compaction folds both into the same rollup lines.
    for (const dir of [v2, v3, v4]) await compactStore(dir, { retentionMs: 10 * DAY_MS, now: to, maxGapMs: () => 15 * MIN });
    const rollups = async (dir: string) => {
      const folder = path.join(dir, 'data', 'rollups', '2026');
      return Promise.all((await readdir(folder)).sort().map((f) => readFile(path.join(folder, f), 'utf8')));
    };
    const ra = await rollups(v2);
    expect(ra.length).toBeGreaterThan(0);
    expect(await rollups(v3)).toEqual(ra);
    expect(await rollups(v4)).toEqual(ra);
  });
});
