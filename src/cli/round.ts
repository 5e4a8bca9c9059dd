/**
 * One round of checks as the scheduled job runs it: run every check, append the results to the
 * store, and tell the terminal or GitHub Actions what happened.
 */
import { runCheckRound, type SkippedCheck } from '../checks/engine.ts';
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { stateLabel } from '../vocabulary/states.ts';
import { type AppliedAction, applyAutoIncidents } from '../incidents/auto-run.ts';
import { applyMaintenance } from '../maintenance/apply.ts';
import { notifyAfterRound } from '../notify/notify.ts';
import { appendRun, toRunRecord } from '../store/samples.ts';
import type { Shard } from '../store/shard.ts';
import { stateSuffix } from './shard.ts';
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

/** Up to this many checks, every result gets its own line when stderr is not a terminal. */
export const LINE_PER_CHECK_UP_TO = 50;

/**
 * Progress of a round. On a terminal: one updating line, plus a line for each result that is
 * not up. Elsewhere: a line per result for small runs; for large ones a line per result that is
 * not up and a `[done/total]` line every tenth of the run. Never both.
 */
export function progressReporter(out: Output, quiet: boolean): (r: CheckResult, done: number, total: number) => void {
  if (quiet) return () => {};
  let notUp = 0;
  return (r, done, total) => {
    if (r.status !== 'up') notUp++;
    if (out.progress) {
      if (r.status !== 'up') out.info(`[${done}/${total}] ${describe(r, out.color)}`);
      out.progress(done === total ? null : `[${done}/${total}] ${describe(r, false)}`);
      return;
    }
    if (total <= LINE_PER_CHECK_UP_TO || r.status !== 'up') {
      out.info(`[${done}/${total}] ${describe(r, out.color)}`);
      return;
    }
    const step = Math.ceil(total / 10);
    if (done % step === 0 || done === total) out.info(`[${done}/${total}] checked, ${notUp} not up so far`);
  };
}

function summaryTable(results: readonly CheckResult[], startedAt: Date, extra: { skipped: readonly SkippedCheck[]; incidents: readonly AppliedAction[]; region: string | null }): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = results.map(
    (r) =>
      `| ${cell(r.id)} | ${GLYPH[r.status]} ${stateLabel(r.status)} | ${r.responseTimeMs === null ? '—' : `${Math.round(r.responseTimeMs)} ms`} | ${cell(r.error ?? '')} |`,
  );
  const notes = [
    ...extra.skipped.map((s) => `- ⏭ ${cell(s.id)} skipped (no result stored): ${cell(s.reason)}`),
    ...extra.incidents.map(
      ({ action, file }) => `- Incident ${action.type === 'open' ? 'opened' : action.type === 'escalate' ? 'escalated' : 'resolved'} for ${cell(action.component)}: \`${file}\``,
    ),
  ];
  return [
    `### Cairn checks, ${startedAt.toISOString()}${extra.region ? ` (region ${extra.region})` : ''}`,
    '',
    [countByStatus(results) || 'no checks ran', extra.skipped.length > 0 ? `${extra.skipped.length} skipped` : ''].filter(Boolean).join(', '),
    '',
    ...(notes.length > 0 ? [...notes, ''] : []),
    '| Check | Status | Response time | Error |',
    '| --- | --- | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
}

export async function runRound(
  config: ResolvedConfig,
  out: Output,
  opts: { write: boolean; quiet?: boolean; shard?: Shard | null; region?: string | null },
): Promise<RoundOutcome> {
  const startedAt = new Date();
  const enabled = config.checks.filter((c) => c.enabled);
  if (!opts.quiet) out.info(`Running ${enabled.length} check${enabled.length === 1 ? '' : 's'} (up to ${config.run.concurrency} at once)…`);
  const { results: raw, skipped } = await runCheckRound(config.checks, config.run, {
    redactor: config.redactor,
    onResult: progressReporter(out, opts.quiet === true),
  });
  for (const s of skipped) {
    const check = config.checks.find((c) => c.id === s.id);
    const where = check ? { file: check.source.file, line: check.source.line, col: check.source.column } : undefined;
    // Not stored: the page shows no data for this run rather than invented downtime.
    out.warn(`${s.id} skipped (no result stored): ${s.reason}`, where);
  }
  // Inside a maintenance window a result is recorded as maintenance: no incident, no alert.
  const region = opts.region ?? null;
  const results = applyMaintenance(raw, config).map((r) => (region === null ? r : { ...r, region }));
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
    const suffix = stateSuffix(opts.shard);
    incidents.push(...(await applyAutoIncidents(config, results, Date.now(), suffix)));
    for (const { action, file: f } of incidents) out.info(`Incident ${action.type === 'open' ? 'opened' : action.type === 'escalate' ? 'escalated' : 'resolved'} for ${action.component}: ${f}`);
    await notifyAfterRound(config, { results, incidents }, out, { stateSuffix: suffix, sloEvents: !opts.shard || opts.shard.index === 1 });
  }
  const skippedNote = skipped.length > 0 ? `, ${skipped.length} skipped` : '';
  if (!opts.quiet) out.info(`Done: ${countByStatus(results) || 'no checks ran'}${skippedNote}${file ? `; wrote ${file}` : ''}.`);
  await out.summary(summaryTable(results, startedAt, { skipped, incidents, region }));
  return { startedAt, results, skipped, file, incidents };
}
