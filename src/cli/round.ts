/**
 * One round of checks as the scheduled job runs it: run every check, append the results to the
 * store, and tell the terminal or GitHub Actions what happened.
 */
import { runCheckRound, type SkippedCheck } from '../checks/engine.ts';
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { STATUS_LABEL } from '../model/status.ts';
import { type AppliedAction, applyAutoIncidents } from '../incidents/auto-run.ts';
import { applyMaintenance } from '../maintenance/apply.ts';
import { notifyAfterRound } from '../notify/notify.ts';
import { appendRun, toRunRecord } from '../store/samples.ts';
import type { Shard } from '../store/shard.ts';
import type { Output } from './output.ts';

const GLYPH = { up: '✓', degraded: '!', down: '✕', maintenance: '⚙' } as const;
const ANSI = { up: '\x1b[32m', degraded: '\x1b[33m', down: '\x1b[31m', maintenance: '\x1b[34m' } as const;

export interface RoundOutcome {
  startedAt: Date;
  results: CheckResult[];
  /** Checks the global deadline left without a verdict: not stored (no data), reported with why. */
  skipped: SkippedCheck[];
  /** Data file written, relative to the status repo; null when nothing was written. */
  file: string | null;
  /** Automatic incident changes this round made. */
  incidents: AppliedAction[];
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

export async function runRound(config: ResolvedConfig, out: Output, opts: { write: boolean; quiet?: boolean; shard?: Shard | null }): Promise<RoundOutcome> {
  const startedAt = new Date();
  const enabled = config.checks.filter((c) => c.enabled);
  if (!opts.quiet) out.info(`Running ${enabled.length} check${enabled.length === 1 ? '' : 's'} (up to ${config.run.concurrency} at once)…`);
  const { results: raw, skipped } = await runCheckRound(config.checks, config.run, {
    redactor: config.redactor,
    onResult: (r, done, total) => {
      if (!opts.quiet) out.info(`[${done}/${total}] ${describe(r, out.color)}`);
    },
  });
  for (const s of skipped) {
    const check = config.checks.find((c) => c.id === s.id);
    const where = check ? { file: check.source.file, line: check.source.line, col: check.source.column } : undefined;
    // Not stored: the page shows no data for this run rather than invented downtime.
    out.warn(`${s.id} skipped (no result stored): ${s.reason}`, where);
  }
  // Inside a maintenance window a result is recorded as maintenance: no incident, no alert.
  const results = applyMaintenance(raw, config);
  for (const r of results) {
    const check = config.checks.find((c) => c.id === r.id);
    const where = check ? { file: check.source.file, line: check.source.line, col: check.source.column } : undefined;
    if (!out.github) continue;
    if (r.status === 'down') out.error(`${r.id} is down: ${r.error ?? 'no detail'}`, where);
    else if (r.status === 'degraded') out.warn(`${r.id} is degraded: ${r.error ?? 'no detail'}`, where);
  }
  let file: string | null = null;
  const incidents: AppliedAction[] = [];
  if (opts.write && results.length > 0) {
    file = await appendRun(config.dir, toRunRecord(startedAt, results), { shard: opts.shard ?? null });
    incidents.push(...(await applyAutoIncidents(config, results, Date.now())));
    for (const { action, file: f } of incidents) out.info(`Incident ${action.type === 'open' ? 'opened' : action.type === 'escalate' ? 'escalated' : 'resolved'} for ${action.component}: ${f}`);
    await notifyAfterRound(config, { results, incidents }, out);
  }
  const skippedNote = skipped.length > 0 ? `, ${skipped.length} skipped` : '';
  if (!opts.quiet) out.info(`Done: ${countByStatus(results) || 'no checks ran'}${skippedNote}${file ? `; wrote ${file}` : ''}.`);
  await out.summary(summaryTable(results, startedAt));
  return { startedAt, results, skipped, file, incidents };
}
