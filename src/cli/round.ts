/**
 * One round of checks as the scheduled job runs it: run every check, append the results to the
 * store, and tell the terminal or GitHub Actions what happened.
 */
import { runChecks } from '../checks/engine.ts';
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { STATUS_LABEL } from '../model/status.ts';
import { appendRun, toRunRecord } from '../store/samples.ts';
import type { Output } from './output.ts';

const GLYPH = { up: '✓', degraded: '!', down: '✕', maintenance: '⚙' } as const;
const ANSI = { up: '\x1b[32m', degraded: '\x1b[33m', down: '\x1b[31m', maintenance: '\x1b[34m' } as const;

export interface RoundOutcome {
  startedAt: Date;
  results: CheckResult[];
  /** Data file written, relative to the status repo; null when nothing was written. */
  file: string | null;
}

export function countByStatus(results: readonly CheckResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return (['up', 'degraded', 'down', 'maintenance'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
}

function describe(r: CheckResult, color: boolean): string {
  const ms = r.responseTimeMs === null ? '' : ` ${Math.round(r.responseTimeMs)} ms`;
  const status = color ? `${ANSI[r.status]}${r.status}\x1b[0m` : r.status;
  return `${GLYPH[r.status]} ${r.id} ${status}${ms}${r.error ? ` — ${r.error}` : ''}`;
}

function summaryTable(results: readonly CheckResult[], startedAt: Date): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = results.map(
    (r) =>
      `| ${cell(r.id)} | ${GLYPH[r.status]} ${STATUS_LABEL[r.status]} | ${r.responseTimeMs === null ? '—' : `${Math.round(r.responseTimeMs)} ms`} | ${cell(r.error ?? '')} |`,
  );
  return [
    `### Cairn checks, ${startedAt.toISOString()}`,
    '',
    countByStatus(results),
    '',
    '| Check | Status | Response time | Error |',
    '| --- | --- | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
}

export async function runRound(config: ResolvedConfig, out: Output, opts: { write: boolean; quiet?: boolean }): Promise<RoundOutcome> {
  const startedAt = new Date();
  const enabled = config.checks.filter((c) => c.enabled);
  if (!opts.quiet) out.info(`Running ${enabled.length} check${enabled.length === 1 ? '' : 's'} (up to ${config.run.concurrency} at once)…`);
  const results = await runChecks(config.checks, config.run, {
    redactor: config.redactor,
    onResult: (r, done, total) => {
      if (!opts.quiet) out.info(`[${done}/${total}] ${describe(r, out.color)}`);
    },
  });
  for (const r of results) {
    const check = config.checks.find((c) => c.id === r.id);
    const where = check ? { file: check.source.file, line: check.source.line, col: check.source.column } : undefined;
    if (!out.github) continue;
    if (r.status === 'down') out.error(`${r.id} is down: ${r.error ?? 'no detail'}`, where);
    else if (r.status === 'degraded') out.warn(`${r.id} is degraded: ${r.error ?? 'no detail'}`, where);
  }
  let file: string | null = null;
  if (opts.write && results.length > 0) file = await appendRun(config.dir, toRunRecord(startedAt, results));
  if (!opts.quiet) out.info(`Done: ${countByStatus(results) || 'no checks ran'}${file ? `; wrote ${file}` : ''}.`);
  await out.summary(summaryTable(results, startedAt));
  return { startedAt, results, file };
}
