/** `cairn compact`, `cairn verify` and `cairn build` on a store with rollups and damaged files. */
import { mkdtemp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredResult } from '../src/store/samples.ts';
import { appendRuns } from '../src/store/samples.ts';
import { cairn } from './helpers.ts';

const DAY = 86_400_000;

describe('store commands', () => {
  it('compact, then verify reports every bad raw and rollup line (exit 1), and build still renders', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-store-cli-'));
    await mkdir(path.join(dir, 'checks'));
    await writeFile(path.join(dir, 'cairn.yaml'), 'site:\n  title: Test\nstore:\n  retention: 10d\n');
    await writeFile(path.join(dir, 'checks', 'web.yaml'), 'checks:\n  - id: web\n    kind: tcp\n    host: 127.0.0.1\n    port: 9\n');
    // 20 days of hourly runs ending now.
    const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const runs = [];
    for (let t = now - 20 * DAY; t < now; t += 3_600_000) {
      const r: StoredResult[] = [{ id: 'web', s: 'up', t: new Date(t).toISOString(), ms: 12, e: null }];
      runs.push({ v: 1 as const, t: new Date(t).toISOString(), r });
    }
    await appendRuns(dir, runs);
    const c = await cairn(['compact', '--dir', dir]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain('Compacted 10 days');
    expect((await cairn(['compact', '--dir', dir])).stderr).toContain('Nothing to compact.');
    expect((await cairn(['verify', '--dir', dir])).code).toBe(0);

    // Damage one rollup file and one raw file.
    const rollupDir = path.join(dir, 'data', 'rollups');
    const rollup = path.join(rollupDir, (await readdir(rollupDir, { recursive: true })).find((f) => f.endsWith('.ndjson'))!);
    const lines = (await readFile(rollup, 'utf8')).trimEnd().split('\n');
    await writeFile(rollup, `${lines[0]}\n{"v":1,"d":"2026-13-01"}\n${lines[1]!.slice(0, 30)}`);
    const rawDir = path.join(dir, 'data');
    const raw = path.join(rawDir, (await readdir(rawDir)).filter((f) => /^\d{4}-\d{2}-\d{2}.*\.ndjson$/.test(f)).sort()[0]!);
    await writeFile(raw, `${(await readFile(raw, 'utf8')).slice(0, -20)}`);

    const v = await cairn(['verify', '--dir', dir]);
    expect(v.code).toBe(1);
    const relRollup = path.relative(dir, rollup);
    const relRaw = path.relative(dir, raw);
    expect(v.stderr).toContain(`${relRollup}:2: field "d": expected a day YYYY-MM-DD`);
    expect(v.stderr).toContain(`${relRollup}:3: invalid JSON`);
    expect(v.stderr).toMatch(new RegExp(`${relRaw.replace(/[.]/g, '\\.')}:24: invalid JSON`));
    expect(v.stderr).toContain('3 problems.');

    // An incident whose front matter is broken is skipped by the build too, with its file and line.
    await mkdir(path.join(dir, 'incidents'));
    await writeFile(path.join(dir, 'incidents', 'broken.md'), '---\ntitle: Broken\nstarted: soon\n---\n');

    const out = path.join(dir, 'site');
    const b = await cairn(['build', '--dir', dir, '--out', out]);
    expect(b.code).toBe(0);
    expect(b.stderr).toContain(`skipped ${relRollup}:2`);
    expect(b.stderr).toContain('skipped incidents/broken.md:3: started: expected a time with its offset');
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toContain('Test');
  });

  it('verify flags samples dated months in the future (exit 1), and passes a store whose times are plausible', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-store-cli-'));
    const now = Date.now();
    const at = (t: number) => new Date(t).toISOString();
    const run = (t: number) => ({ v: 1 as const, t: at(t), r: [{ id: 'web', s: 'up' as const, t: at(t), ms: 12, e: null }] });
    await appendRuns(dir, [run(now - DAY), run(now - 60_000)]);
    const ok = await cairn(['verify', '--dir', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('0 problems.');

    await appendRuns(dir, [run(now + 120 * DAY)]);
    const bad = await cairn(['verify', '--dir', dir]);
    expect(bad.code).toBe(1);
    const file = `data/${at(now + 120 * DAY).slice(0, 10)}.ndjson`;
    expect(bad.stderr).toMatch(new RegExp(`error: ${file.replace(/\./g, '\\.')}:1: run time \\S+ is in the future \\(1[12]\\d days after now; at most 5 minutes of clock skew are allowed\\)`));
    expect(bad.stderr).toContain('1 problem.');
  });
});
