import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/types.ts';
import type { Output } from './output.ts';
import { progressReporter } from './round.ts';

function recorder(tty: boolean) {
  const lines: string[] = [];
  const progress: (string | null)[] = [];
  const out: Output = {
    github: false,
    color: false,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    data: () => {},
    summary: async () => {},
    protect: () => {},
    ...(tty ? { progress: (l: string | null) => progress.push(l) } : {}),
  };
  return { out, lines, progress };
}

const result = (i: number, status: CheckResult['status'] = 'up'): CheckResult => ({
  id: `c${i}`,
  kind: 'http',
  status,
  responseTimeMs: 5,
  error: status === 'up' ? null : 'boom',
  checkedAt: '2026-11-24T10:00:00.000Z',
  attempts: 1,
});

function feed(out: Output, total: number, down: Set<number>) {
  const report = progressReporter(out, false);
  for (let i = 1; i <= total; i++) report(result(i, down.has(i) ? 'down' : 'up'), i, total);
}

describe('progress of a round', () => {
  it('on a terminal: one updating line, cleared at the end, and a line only for checks not up', () => {
    const { out, lines, progress } = recorder(true);
    feed(out, 1000, new Set([500]));
    expect(progress).toHaveLength(1000);
    expect(progress[122]).toMatch(/^\[123\/1000\] ✓ c123 up 5 ms$/);
    expect(progress[999]).toBeNull();
    expect(lines).toEqual(['[500/1000] ✕ c500 down 5 ms — boom']);
  });

  it('in logs, small runs: a line per check', () => {
    const { out, lines } = recorder(false);
    feed(out, 3, new Set());
    expect(lines).toEqual(['[1/3] ✓ c1 up 5 ms', '[2/3] ✓ c2 up 5 ms', '[3/3] ✓ c3 up 5 ms']);
  });

  it('in logs, large runs: periodic lines and the checks not up, never a progress line', () => {
    const { out, lines, progress } = recorder(false);
    feed(out, 1000, new Set([7]));
    expect(progress).toEqual([]);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('[7/1000] ✕ c7 down 5 ms — boom');
    expect(lines[1]).toBe('[100/1000] checked, 1 not up so far');
    expect(lines[10]).toBe('[1000/1000] checked, 1 not up so far');
  });
});
