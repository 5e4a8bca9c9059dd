/**
 * Test helper of crash.test.ts: appends runs (and compacts) in a loop until it is killed.
 * Usage: node --import tsx crash-child.ts <dir> <first index>. Prints `ack <k>` after run k is written.
 */
import type { CheckResult } from '../checks/types.ts';
import { compactStore } from './compact.ts';
import { appendRun, toRunRecord } from './samples.ts';

const [dir, first] = process.argv.slice(2) as [string, string];
const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const STEP = 30 * 60_000;

for (let k = Number(first); ; k++) {
  const t = BASE + k * STEP;
  const at = new Date(t).toISOString();
  const results: CheckResult[] = ['a', 'b', 'c'].map((id, i) => ({
    id,
    kind: 'http',
    status: (k + i) % 7 === 0 ? 'down' : 'up',
    responseTimeMs: 10 + ((k * 7 + i) % 90),
    error: (k + i) % 7 === 0 ? 'HTTP 500' : null,
    checkedAt: at,
    attempts: 1,
  }));
  await appendRun(dir, toRunRecord(new Date(t), results));
  process.stdout.write(`ack ${k}\n`);
  if (k % 10 === 0) await compactStore(dir, { retentionMs: 8 * 86_400_000, now: t, maxGapMs: () => 90 * 60_000 });
}
