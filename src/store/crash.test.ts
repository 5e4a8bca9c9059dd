/** A writer killed with SIGKILL at any moment leaves every data file valid and loses no acknowledged run. */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { removeTempFiles } from './atomic.ts';
import { readStore } from './store.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Runs the appending child, kills it with SIGKILL after `afterAcks` acknowledgements plus a random delay. */
function runAndKill(dir: string, first: number, afterAcks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = first - 1;
    let acks = 0;
    let killing = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/ack (\d+)/g)) {
        last = Math.max(last, Number(m[1]));
        acks++;
      }
      if (!killing && acks >= afterAcks) {
        killing = true;
        // A random moment: mid-append, mid-compaction, mid-rename.
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended with ${code}: ${stderr}`));
      else resolve(last);
    });
  });
}

describe('crash safety', () => {
  it('SIGKILL at random moments, several times: every file stays valid, acknowledged runs are kept, temp files are ignored and cleaned', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-crash-'));
    let next = 0;
    for (let round = 0; round < 8; round++) {
      const last = await runAndKill(dir, next, 40 + Math.floor(Math.random() * 200));
      const { samples, rollups, problems } = await readStore(dir);
      expect(problems).toEqual([]);
      // Every acknowledged run is in the store: raw, or counted in a rollup.
      const counted = samples.length + rollups.reduce((n, r) => n + r.n.reduce((a, b) => a + b, 0), 0);
      expect(counted).toBeGreaterThanOrEqual(3 * (last + 1));
      const times = new Set(samples.map((s) => s.at));
      const newest = Date.parse('2026-01-01T00:00:00.000Z') + last * 30 * 60_000;
      expect(times.has(newest)).toBe(true);
      next = last + 1;
    }
    // The next run removes the temp files a kill may have left behind.
    await removeTempFiles(path.join(dir, 'data'));
    const left = (await readdir(path.join(dir, 'data'), { recursive: true })).filter((f) => f.endsWith('.tmp'));
    expect(left).toEqual([]);
    expect((await readStore(dir)).problems).toEqual([]);
  });
});
