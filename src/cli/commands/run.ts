/**
 * `cairn run`: what the scheduled job does. Check (one shard with --shard), decide incidents and
 * the alerts owed, compact, commit with a summary message and the bot identity, push (fetch +
 * rebase + retry on rejection; decided again on top of a state that won the race), deliver the
 * alerts the pushed state says this run owes and commit their outcome, and optionally build the
 * site. Everything but the build is bounded by the global deadline (src/cli/deadline.ts).
 *
 * Exactly once across runners (DESIGN.md): the push is the only lock. A run delivers nothing
 * before its state, with the messages it owes claimed and their ids, has won the push; a run that
 * lost decides again from the winner's state, where what the winner owes or sent is recorded.
 * Guarantee: in a race, every message goes out once. A run that dies (or reaches its deadline)
 * between its push and the record of its deliveries leaves its claims to run out; a later run
 * then delivers those messages again with the same ids (at least once: receivers de-duplicate).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { buildModel } from '../../site/build.ts';
import { buildAndReport, chooseTargets } from '../build-pages.ts';
import { removeTempFiles } from '../../store/atomic.ts';
import { GITATTRIBUTES_LINE, commitAndPush, ensureGitattributes, gitIdentity, runCommitMessage } from '../../store/git.ts';
import { recordDeliveries } from '../../notify/notify.ts';
import { Fault } from '../../store/fault.ts';
import { DATA_DIR } from '../../store/layout.ts';
import { formatShard } from '../../store/shard.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { commandDeadline } from '../deadline.ts';
import { EXIT_INTERNAL } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';
import { countByStatus, decideAfterRound, deliverAndRecord, runRound, warnBrokenIncidents } from '../round.ts';
import { runSummary } from '../run-summary.ts';
import { REGION_OPTION, SHARD_OPTION, regionOption, shardConfig, shardOption } from '../shard.ts';
import { compactWithConfig } from './compact.ts';
import { mergeCursor, readCursor, writeCursor } from '../../remote-write/cursor.ts';
import type { EndpointReport } from '../../remote-write/remote-write.ts';

/** What `cairn run` stages: the store, the merge rule, and the incident files the run may write. */
export const RUN_PATHS = ['data', '.gitattributes', 'incidents'];

/**
 * Decided from the committed state: never merged as text, decided again after a lost race. The
 * remote-write cursors are not decisions: each runner (shard, region) has its own, so a race
 * between shards rebases as usual; the same cursor moved on both sides conflicts, and the
 * replay writes it again on top of the winner's (`mergeCursor`).
 */
export const DECISION_PATHS = ['data/state', 'incidents', ':(exclude)data/state/remote-write.*'];

export const run: Command = {
  summary: 'Check, compact, commit and push: everything the scheduled job does',
  usage: 'cairn run [--dir <status-repo>] [--shard i/n] [--region <name>] [--no-compact] [--no-commit] [--no-push] [--build] [--out <folder>]',
  async run(args, out) {
    const { values } = parse(args, {
      ...DIR_OPTION,
      ...SHARD_OPTION,
      ...REGION_OPTION,
      'no-compact': { type: 'boolean' },
      'no-commit': { type: 'boolean' },
      'no-push': { type: 'boolean' },
      build: { type: 'boolean' },
      out: { type: 'string' },
    });
    const dir = statusDir(values.dir);
    const shard = shardOption(values.shard);
    const region = regionOption(values.region);
    const full = await loadConfig(dir);
    out.protect(full.redactor);
    warnConfig(out, full.warnings);
    // A --build whose --out clashes with a page's folder is a usage error before anything runs.
    if (values.build) chooseTargets(full, values.out !== undefined ? { out: values.out } : {});
    // Incidents with broken front matter are left off the page: say so on every run, not only in `validate`.
    await warnBrokenIncidents(full, out);
    const config = shardConfig(full, shard);
    // The deadline bounds everything up to the build, from the start of the process: the checks
    // stop early enough for the rest, and the push and deliveries are stopped when it passes.
    const deadline = commandDeadline(full.run.deadlineMs);
    deadline.arm(out);

    // 1. Check (after removing the temp files a killed run may have left behind). With a commit to
    // make, incidents and notifications are only decided here: the alerts owed are claimed in
    // the state, and go out once the push of that state has won (exactly once across runners).
    const commit = !values['no-commit'];
    const runId = randomUUID();
    const timing: string[] = [];
    let phase = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      timing.push(`${name} ${Math.round(now - phase)} ms`);
      phase = now;
    };
    await removeTempFiles(path.join(dir, DATA_DIR));
    const round = await runRound(config, out, { write: true, shard, region, notify: commit ? { run: runId } : 'now', deadline });
    lap('check');

    // A sample that could not be written leaves nothing of this run to compact, commit or push:
    // the fault was said, and the next run starts from the same place.
    if (!round.stored && round.faults.length > 0) {
      deadline.disarm();
      return EXIT_INTERNAL;
    }

    // 2. Compact the days older than the retention window.
    const days = values['no-compact'] ? 0 : (await compactWithConfig(full, out)).days.length;

    // 3. Commit and push (what was stored, even when an incident or alert could not be handled).
    if (commit) {
      const wroteRule = await ensureGitattributes(dir);
      const parts = [countByStatus(round.results) || 'no checks ran'];
      if (shard) parts.push(`shard ${formatShard(shard)}`);
      if (region) parts.push(`region ${region}`);
      if (days > 0) parts.push(`compacted ${days} day${days === 1 ? '' : 's'}`);
      const subject = `${parts.join(', ')} [skip ci]`;
      const message = runCommitMessage(subject);
      const jitter = Number(process.env['CAIRN_PUSH_JITTER_MS'] ?? 1000);
      const pushing = full.store.git.push && !values['no-push'];
      const git = {
        identity: gitIdentity(full.store.git),
        paths: RUN_PATHS,
        push: pushing,
        maxAttempts: full.store.git.pushAttempts,
        jitterMs: Number.isFinite(jitter) && jitter >= 0 ? jitter : 1000,
        decisionPaths: DECISION_PATHS,
        log: (m: string) => out.info(m),
        signal: deadline.signal,
      };
      let decided = round.decided;
      const res = await commitAndPush(dir, {
        ...git,
        message,
        replay: async () => {
          await ensureGitattributes(dir);
          // Another run's state won: decide again on top of it, with this run's results. What
          // it already decided or sent is in its state, so nothing is decided twice.
          if (decided) decided = await decideAfterRound(config, round.results, decided.ctx, out);
          await replayCursors(dir, round.remoteWrite);
          if (!values['no-compact']) await compactWithConfig(full, out);
        },
      }).catch((err: unknown) => {
        // Alerts go out only from a state that won the push: none did.
        if (err instanceof Fault && decided && decided.owed > 0) throw new Fault(`${err.message}; no notification was sent (a later run sends what is owed)`);
        throw err;
      });
      if (wroteRule) out.info(`Wrote .gitattributes (${GITATTRIBUTES_LINE}).`);
      if (res.committed) out.info(`Committed: ${subject}`);
      else out.info('Nothing to commit.');
      if (res.pushed) out.info(`Pushed to ${res.upstream}${res.attempts > 1 ? ` after ${res.attempts} attempts (${res.rebases} rebased, ${res.replays} replayed)` : ''}.`);
      else if (res.upstream === null && pushing) out.info('No upstream branch: not pushed.');
      await out.summary(runSummary({ message: subject, committed: res.committed, pushed: res.pushed, upstream: res.upstream, attempts: res.attempts, startedAt: round.startedAt }, process.env, full.run.intervalMs));

      // 4. Deliver what the state that won says this run owes, then record the outcomes (a
      // failed message stays owed, with its id, for a later run).
      if (decided && (res.pushed || res.upstream === null)) {
        const delivered = await deliverAndRecord(config, decided, out);
        // Past the deadline the record waits: the claims run out, and a later run delivers again
        // what was not recorded, with the same ids.
        if (delivered && delivered.outcomes.length > 0 && !deadline.signal.aborted) {
          const sent = delivered.outcomes.filter((o) => o.ok).length;
          const failed = delivered.outcomes.length - sent;
          const note = [sent > 0 ? `${sent} sent` : '', failed > 0 ? `${failed} failed` : ''].filter(Boolean).join(', ');
          const opts = { run: decided.ctx.run, stateSuffix: decided.ctx.suffix };
          const recorded = await commitAndPush(dir, { ...git, message: `notifications: ${note} [skip ci]`, replay: async () => void (await recordDeliveries(config, delivered, out, opts)) });
          if (recorded.pushed && recorded.attempts > 1) out.info(`Pushed the delivery record after ${recorded.attempts} attempts.`);
        }
      }
    }
    lap('compact, commit and push');

    deadline.disarm();

    // 5. Build, if asked (outside the deadline).
    if (values.build) {
      const buildConfig = await loadConfig(dir, { missingEnv: 'keep' });
      out.protect(buildConfig.redactor);
      const targets = chooseTargets(buildConfig, values.out !== undefined ? { out: values.out } : {});
      const model = await buildModel(buildConfig);
      for (const p of model.problems) out.warn(`skipped ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
      await buildAndReport(model, targets, out);
      lap('build');
    }
    out.info(`Timing: ${timing.join(', ')}.`);
    return round.faults.length > 0 ? EXIT_INTERNAL : 0;
  },
};

/** After a lost race: each remote-write cursor this run moved, written again on top of the winner's. */
async function replayCursors(dir: string, reports: readonly EndpointReport[]): Promise<void> {
  for (const r of reports) {
    if (r.after === null) continue;
    const theirs = await readCursor(dir, r.cursorFile);
    const merged = mergeCursor(r.before, r.after, theirs);
    if (merged !== theirs) await writeCursor(dir, r.cursorFile, merged);
  }
}
