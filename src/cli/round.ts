/**
 * One round of checks as the scheduled job runs it: run every check, append the results to the
 * store, and tell the terminal or GitHub Actions what happened.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runCheckRound, type SkippedCheck } from '../checks/engine.ts';
import type { CheckResult } from '../checks/types.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { stateLabel } from '../vocabulary/states.ts';
import { type AppliedAction, applyAutoIncidents } from '../incidents/auto-run.ts';
import { applyMaintenance } from '../maintenance/apply.ts';
import { acknowledgeFromChannels, decideNotifications, deliverOwed, recordDeliveries, type DeliveredRound, type DeliveryRecord } from '../notify/notify.ts';
import { Fault } from '../store/fault.ts';
import { type RunRecord, appendRun, toRunRecord } from '../store/samples.ts';
import { cursorSuffix } from '../remote-write/cursor.ts';
import { type EndpointReport, describeReport, remoteWriteRound } from '../remote-write/remote-write.ts';
import type { Shard } from '../store/shard.ts';
import type { CommandDeadline } from './deadline.ts';
import { stateSuffix } from './shard.ts';
import { type Output, warnIncidentFiles } from './output.ts';
import { loadIncidents } from '../incidents/store.ts';
import { checkSlos } from '../config/resolve-prometheus.ts';
import { checkSloEntriesFromStore, checkSloHistoryMs } from '../model/check-slo.ts';
import type { SloEntry } from '../prometheus/types.ts';
import { readStore } from '../store/store.ts';

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
  /**
   * What could not be done, one sentence each (a read-only or full disk, a file where a folder
   * belongs); already printed. The round goes on with what does not depend on it.
   */
  faults: string[];
  /** Whether this round's results are in the store (false: nothing to commit from it). */
  stored: boolean;
  /** What the round decided about incidents and notifications; null when it could not decide. */
  decided: RoundDecision | null;
  /** What each remote-write endpoint was sent (empty: none configured, or nothing stored). */
  remoteWrite: EndpointReport[];
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

function summaryTable(
  results: readonly CheckResult[],
  startedAt: Date,
  extra: { skipped: readonly SkippedCheck[]; incidents: readonly AppliedAction[]; region: string | null; faults: readonly string[]; remote: readonly { level: 'info' | 'warn'; text: string }[] },
): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = results.map(
    (r) =>
      `| ${cell(r.id)} | ${GLYPH[r.status]} ${stateLabel(r.status)} | ${r.responseTimeMs === null ? '—' : `${Math.round(r.responseTimeMs)} ms`} | ${cell(r.error ?? '')} |`,
  );
  const notes = [
    ...extra.faults.map((f) => `- ✕ ${cell(f)}`),
    ...extra.skipped.map((s) => `- ⏭ ${cell(s.id)} skipped (no result stored): ${cell(s.reason)}`),
    ...extra.incidents.map(
      ({ action, file }) => `- Incident ${action.type === 'open' ? 'opened' : action.type === 'escalate' ? 'escalated' : 'resolved'} for ${cell(action.component)}: \`${file}\``,
    ),
    ...extra.remote.map((r) => `- ${r.level === 'warn' ? '⚠' : '↗'} ${cell(r.text)}`),
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
  opts: {
    write: boolean;
    quiet?: boolean;
    shard?: Shard | null;
    region?: string | null;
    /**
     * `now` (default): deliver the notifications at once (a single writer: `check`, `serve`).
     * `{ run }`: only decide them, claimed by `run`; `cairn run` delivers after its push won.
     */
    notify?: 'now' | { run: string };
    /** The command's deadline: the checks stop before it, deliveries are stopped by it. */
    deadline?: CommandDeadline;
  },
): Promise<RoundOutcome> {
  const startedAt = new Date();
  const enabled = config.checks.filter((c) => c.enabled);
  if (!opts.quiet) out.info(`Running ${enabled.length} check${enabled.length === 1 ? '' : 's'} (up to ${config.run.concurrency} at once)…`);
  const { results: raw, skipped } = await runCheckRound(config.checks, config.run, {
    redactor: config.redactor,
    dir: config.dir,
    onResult: progressReporter(out, opts.quiet === true),
    ...(opts.deadline ? { stopAt: opts.deadline.checksStopAt } : {}),
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
  const faults: string[] = [];
  // A fault of the file system stops what depends on it, and only that: it is said in one
  // sentence, and the round goes on to report what it knows.
  const attempt = async <T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      if (!(err instanceof Fault)) throw err;
      faults.push(err.message);
      out.error(err.message);
      return { ok: false };
    }
  };
  let decided: RoundDecision | null = null;
  let remoteWrite: EndpointReport[] = [];
  const remoteLines: { level: 'info' | 'warn'; text: string }[] = [];
  if (opts.write && results.length > 0) {
    const record = toRunRecord(startedAt, results);
    const stored = await attempt(() => appendRun(config.dir, record, { shard: opts.shard ?? null }));
    // Incidents and alerts follow stored samples only, and alerts only what the incident state remembers.
    if (stored.ok) {
      file = stored.value;
      const notify = opts.notify ?? 'now';
      const ctx: DecideContext = {
        now: Date.now(),
        run: notify === 'now' ? randomUUID() : notify.run,
        suffix: stateSuffix(opts.shard),
        sloEvents: !opts.shard || opts.shard.index === 1,
        ...(opts.deadline ? { signal: opts.deadline.signal } : {}),
      };
      const made = await attempt(() => decideAfterRound(config, results, ctx, out));
      if (made.ok) {
        decided = made.value;
        incidents.push(...made.value.incidents);
        // A single writer delivers at once; `cairn run` delivers once its push has won.
        if (notify === 'now') await attempt(() => deliverAndRecord(config, decided as RoundDecision, out));
      }
      // Only once the run is stored: the git copy is the source of truth, the receivers a copy.
      remoteWrite = await remoteWriteAfterRound(config, record, results, { shard: opts.shard ?? null, region, ...(opts.deadline ? { deadline: opts.deadline } : {}) }, out);
      for (const r of remoteWrite) remoteLines.push(describeReport(r));
    }
  }
  const skippedNote = skipped.length > 0 ? `, ${skipped.length} skipped` : '';
  const faultNote = faults.length > 0 ? `; ${file ? 'but ' : ''}${faults.length} thing${faults.length === 1 ? '' : 's'} could not be done (above)` : '';
  if (!opts.quiet) out.info(`Done: ${countByStatus(results) || 'no checks ran'}${skippedNote}${file ? `; wrote ${file}` : ''}${faultNote}.`);
  await out.summary(summaryTable(results, startedAt, { skipped, incidents, region, faults, remote: remoteLines }));
  return { startedAt, results, skipped, file, incidents, faults, stored: file !== null, decided, remoteWrite };
}

/** Without a command deadline (`serve`), a round's remote write stops after this long. */
const REMOTE_WRITE_BUDGET_MS = 60_000;

/**
 * Sends the stored run to the remote-write endpoints (src/remote-write). It may use half of the
 * time left before the command's deadline, so the commit and push keep the other half. Never
 * throws: whatever fails is a warning (redacted), the run's results being stored already.
 */
export async function remoteWriteAfterRound(
  config: ResolvedConfig,
  record: RunRecord,
  results: readonly CheckResult[],
  opts: { shard: Shard | null; region: string | null; deadline?: CommandDeadline },
  out: Output,
): Promise<EndpointReport[]> {
  if (!config.remoteWrite?.length) return [];
  const budget = opts.deadline ? Math.max(0, (opts.deadline.at - performance.now()) / 2) : REMOTE_WRITE_BUDGET_MS;
  try {
    const reports = await remoteWriteRound({
      config,
      record,
      results,
      shard: opts.shard,
      region: opts.region,
      suffix: cursorSuffix(stateSuffix(opts.shard), opts.region),
      stopAt: Date.now() + budget,
      ...(opts.deadline ? { signal: opts.deadline.signal } : {}),
    });
    for (const r of reports) {
      const line = describeReport(r);
      if (line.level === 'warn') out.warn(line.text);
      else out.info(line.text);
    }
    return reports;
  } catch (err) {
    out.warn(config.redactor.redact(`remote write failed (the results are stored in git): ${err instanceof Error ? err.message : String(err)}`));
    return [];
  }
}

/** What a round decided from the committed state, and with what: `decideAfterRound` again after a lost race. */
export interface DecideContext {
  /** The clock of the decision (the same when it is made again). */
  now: number;
  /** This run, which claims the messages it is to deliver. */
  run: string;
  /** State-file suffix of a shard. */
  suffix: string;
  /** Whether this run sends SLO and capacity alerts (with shards: the first shard only). */
  sloEvents: boolean;
  /** The command's deadline: deliveries in flight are stopped by it (and owed to a later run). */
  signal?: AbortSignal;
}

export interface RoundDecision {
  ctx: DecideContext;
  incidents: AppliedAction[];
  /** What the notification decision held back (cooldowns, maintenance), for the delivery report. */
  held: DeliveryRecord[];
  /** Messages this run owes (claimed in the state). */
  owed: number;
}

/**
 * Incidents and notifications after a round, decided from the state on disk: the automatic
 * incidents are applied (files and state written), then the notifications are planned and the
 * messages owed written into the state, claimed by `ctx.run`. Nothing is sent. Throws a `Fault`
 * when a file cannot be written; any other failure of the notifications is a warning.
 */
export async function decideAfterRound(config: ResolvedConfig, results: CheckResult[], ctx: DecideContext, out: Output): Promise<RoundDecision> {
  const incidents = await applyAutoIncidents(config, results, ctx.now, ctx.suffix);
  for (const { action, file: f } of incidents) out.info(`Incident ${action.type === 'open' ? 'opened' : action.type === 'escalate' ? 'escalated' : 'resolved'} for ${action.component}: ${f}`);
  const checkSlos = ctx.sloEvents ? await notifications(config, out, () => readCheckSlos(config, ctx.now)) : null;
  // Acknowledgements read back from PagerDuty and GitHub land in the incident files before the
  // escalations are decided from them (with shards: by the first shard, like the SLO alerts).
  const files = ctx.sloEvents ? await notifications(config, out, async () => (await acknowledgeFromChannels(config, out, { stateSuffix: ctx.suffix, ...(ctx.signal ? { env: { signal: ctx.signal } } : {}) })).incidents) : null;
  const decision = await notifications(config, out, () =>
    decideNotifications(
      config,
      { results, incidents, ...(files ? { files } : {}) },
      { now: ctx.now, run: ctx.run, stateSuffix: ctx.suffix, sloEvents: ctx.sloEvents, checkSlos: checkSlos ?? [] },
    ),
  );
  return { ctx, incidents, held: decision?.held ?? [], owed: decision?.owed ?? 0 };
}

/** The SLOs on the checks as they stand after the round (only the history they read is loaded). */
async function readCheckSlos(config: ResolvedConfig, now: number): Promise<SloEntry[]> {
  if (config.notifications.channels.length === 0 || checkSlos(config.prometheus.slos).length === 0) return [];
  const since = now - checkSloHistoryMs(config, now) - 2 * 86_400_000;
  const { samples, rollups } = await readStore(config.dir, { sinceMs: since, rollupsSinceMs: since });
  return checkSloEntriesFromStore(config, samples, rollups, now);
}

/** Delivers what the state on disk says this run owes, and records the outcomes into that state. */
export async function deliverAndRecord(config: ResolvedConfig, decided: RoundDecision, out: Output): Promise<DeliveredRound | null> {
  const opts = { run: decided.ctx.run, stateSuffix: decided.ctx.suffix };
  const signal = decided.ctx.signal;
  return notifications(config, out, async () => {
    const delivered = await deliverOwed(config, out, { ...opts, held: decided.held, ...(signal ? { env: { signal } } : {}) });
    await recordDeliveries(config, delivered, out, opts);
    return delivered;
  });
}

/** A failure of the notifications must not fail the run that stored its results; a `Fault` is said by the caller. */
async function notifications<T>(config: ResolvedConfig, out: Output, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Fault) throw err;
    out.warn(config.redactor.redact(`notifications failed (the run's results are stored): ${err instanceof Error ? err.message : String(err)}`));
    return null;
  }
}

/**
 * Says which incident files are left off the page for broken front matter (as `validate` does).
 * A folder that cannot be read is not this step's to report: the round says so where it writes.
 */
export async function warnBrokenIncidents(config: ResolvedConfig, out: Output): Promise<void> {
  const loaded = await loadIncidents(config).catch(() => null);
  if (loaded) warnIncidentFiles(out, loaded.errors);
}
