/** The command's deadline: budgets, and the watchdog that ends a process still running after it. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEADLINE_GRACE_MS, commandDeadline, reserveFor } from './deadline.ts';

describe('the command deadline', () => {
  it.each([
    [3_000, 1_000],
    [20_000, 4_000],
    [300_000, 60_000],
    [3_600_000, 60_000],
  ])('a deadline of %i ms keeps %i ms for what follows the checks', (deadline, reserve) => {
    expect(reserveFor(deadline)).toBe(reserve);
    const d = commandDeadline(deadline, 100);
    expect([d.at, d.checksStopAt]).toEqual([100 + deadline, 100 + deadline - reserve]);
    d.disarm();
  });

  it('aborts its signal when it passes', async () => {
    const d = commandDeadline(50, performance.now());
    await new Promise<void>((resolve) => d.signal.addEventListener('abort', () => resolve(), { once: true }));
    expect(String(d.signal.reason)).toContain("the run's deadline of 0.1 s passed");
  });

  it('the watchdog ends a process that still runs past the deadline and its grace, with one sentence and exit 1', async () => {
    const api = fileURLToPath(new URL('../../node_modules/tsx/dist/esm/api/index.mjs', import.meta.url));
    const module = fileURLToPath(new URL('./deadline.ts', import.meta.url));
    // A command whose step never ends (an interval keeps the process alive).
    const script = `const { register } = await import(${JSON.stringify(api)}); register();
const { commandDeadline } = await import(${JSON.stringify(module)});
const d = commandDeadline(200, performance.now());
d.arm({ error: (m) => process.stderr.write('error: ' + m + '\\n') });
setInterval(() => {}, 1000);`;
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`error: the run's deadline of 0.2 s passed ${DEADLINE_GRACE_MS / 1000} s ago and a step had not ended: stopped (what was written is kept; the next run goes on from there)`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(DEADLINE_GRACE_MS);
  });
});
