/**
 * LiveModel with `keep` (a server that runs rounds): the first model is a whole read in a child process,
 * which hands its columns over; the models after it are computed on the calling thread from them,
 * and equal what a whole read gives at the same instant. A change of the configuration goes back
 * to a whole read in a child process.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { appendRun, type RunRecord } from '../store/samples.ts';
import { buildModel } from './build.ts';
import { LiveModel } from './live-model.ts';

const MINUTE = 60_000;

function run(t: number, db: 'up' | 'down'): RunRecord {
  const at = new Date(t).toISOString();
  return { v: 1, t: at, r: [{ id: 'api', s: 'up', t: at, ms: 42, e: null }, { id: 'db', s: db, t: at, ms: db === 'up' ? 3 : null, e: db === 'up' ? null : 'timeout' }] };
}

describe('LiveModel', () => {
  it('keeps the columns a child process read and computes the next models from them; a changed configuration is read whole again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-live-model-'));
    const live = new LiveModel({ dir, keep: true, cache: false });
    try {
      await mkdir(path.join(dir, 'checks'));
      const checks = 'checks:\n  - { id: api, name: API, kind: tcp, host: 127.0.0.1, port: 9 }\n  - { id: db, name: DB, kind: tcp, host: 127.0.0.1, port: 9 }\n';
      await writeFile(path.join(dir, 'checks', 'a.yaml'), checks);
      const now = Date.now();
      for (let t = now - 3 * 86_400_000; t < now; t += 30 * MINUTE) await appendRun(dir, run(t, 'up'));
      // What a whole read gives at the instant the model says it describes.
      const whole = async (m: { generatedAt: string }) => buildModel(await loadConfig(dir, { missingEnv: 'keep' }), Date.parse(m.generatedAt));

      const first = await live.refresh();
      expect(first.where).toBe('child process');
      expect(first.reread).toBeGreaterThanOrEqual(3);
      expect(first.model).toEqual(await whole(first.model));

      await appendRun(dir, run(Date.now(), 'down'));
      const second = await live.refresh();
      expect([second.where, second.reread]).toEqual(['kept columns', 1]);
      expect(second.model.checks.find((c) => c.id === 'db')?.status).toBe('down');
      expect(second.model).toEqual(await whole(second.model));
      expect(live.current()).toBe(second.model);

      // Calls while one is computed fold into one more.
      await appendRun(dir, run(Date.now(), 'up'));
      const [a, b, c] = await Promise.all([live.refresh(), live.refresh(), live.refresh()]);
      expect(b).toBe(c);
      expect(a.where).toBe('kept columns');
      expect(b.model).toEqual(await whole(b.model));

      // The configuration changed: a whole read again, in a child process, and the columns it sends with its model.
      await writeFile(path.join(dir, 'checks', 'a.yaml'), checks.replace('name: DB', 'name: Database'));
      const third = await live.refresh();
      expect(third.where).toBe('child process');
      expect(third.model.checks.find((k) => k.id === 'db')?.name).toBe('Database');
      expect(third.model).toEqual(await whole(third.model));
      await appendRun(dir, run(Date.now(), 'down'));
      const fourth = await live.refresh();
      expect([fourth.where, fourth.reread]).toEqual(['kept columns', 1]);
      expect(fourth.model).toEqual(await whole(fourth.model));
    } finally {
      await live.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
