/**
 * `cairn run`: what the scheduled job does. Check (one shard with --shard), compact, commit
 * with a summary message and the bot identity, push (fetch + rebase + retry on rejection), and
 * optionally build the site.
 */
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { buildModel, buildSite } from '../../site/build.ts';
import { omittedWarning } from '../../site/outputs.ts';
import { removeTempFiles } from '../../store/atomic.ts';
import { GITATTRIBUTES_LINE, commitAndPush, ensureGitattributes, gitIdentity } from '../../store/git.ts';
import { DATA_DIR } from '../../store/layout.ts';
import { formatShard } from '../../store/shard.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../main.ts';
import { warnConfig } from '../output.ts';
import { countByStatus, runRound } from '../round.ts';
import { runSummary } from '../run-summary.ts';
import { REGION_OPTION, SHARD_OPTION, regionOption, shardConfig, shardOption } from '../shard.ts';
import { compactWithConfig } from './compact.ts';

/** What `cairn run` stages: the store, the merge rule, and the incident files the run may write. */
export const RUN_PATHS = ['data', '.gitattributes', 'incidents'];

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
    warnConfig(out, full.warnings);
    const config = shardConfig(full, shard);

    // 1. Check (after removing the temp files a killed run may have left behind).
    await removeTempFiles(path.join(dir, DATA_DIR));
    const round = await runRound(config, out, { write: true, shard, region });

    // 2. Compact the days older than the retention window.
    const days = values['no-compact'] ? 0 : (await compactWithConfig(full, out)).days.length;

    // 3. Commit and push.
    if (!values['no-commit']) {
      const wroteRule = await ensureGitattributes(dir);
      const parts = [countByStatus(round.results) || 'no checks ran'];
      if (shard) parts.push(`shard ${formatShard(shard)}`);
      if (region) parts.push(`region ${region}`);
      if (days > 0) parts.push(`compacted ${days} day${days === 1 ? '' : 's'}`);
      const message = `${parts.join(', ')} [skip ci]`;
      const jitter = Number(process.env['CAIRN_PUSH_JITTER_MS'] ?? 1000);
      const res = await commitAndPush(dir, {
        message,
        identity: gitIdentity(full.store.git),
        paths: RUN_PATHS,
        push: full.store.git.push && !values['no-push'],
        maxAttempts: full.store.git.pushAttempts,
        jitterMs: Number.isFinite(jitter) && jitter >= 0 ? jitter : 1000,
        log: (m) => out.info(m),
        replay: async () => {
          await ensureGitattributes(dir);
          if (!values['no-compact']) await compactWithConfig(full, out);
        },
      });
      if (wroteRule) out.info(`Wrote .gitattributes (${GITATTRIBUTES_LINE}).`);
      if (res.committed) out.info(`Committed: ${message}`);
      else out.info('Nothing to commit.');
      if (res.pushed) out.info(`Pushed to ${res.upstream}${res.attempts > 1 ? ` after ${res.attempts} attempts (${res.rebases} rebased, ${res.replays} replayed)` : ''}.`);
      else if (res.upstream === null && full.store.git.push && !values['no-push']) out.info('No upstream branch: not pushed.');
      await out.summary(runSummary({ message, committed: res.committed, pushed: res.pushed, upstream: res.upstream, attempts: res.attempts, startedAt: round.startedAt }, process.env, full.run.intervalMs));
    }

    // 4. Build, if asked.
    if (values.build) {
      const buildConfig = await loadConfig(dir, { missingEnv: 'keep' });
      const model = await buildModel(buildConfig);
      for (const p of model.problems) out.warn(`skipped ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
      const outDir = path.resolve(values.out ?? path.join(dir, 'dist'));
      const { omitted } = await buildSite(model, { outDir });
      const warning = omittedWarning(omitted);
      if (warning) out.warn(warning);
      out.info(`Site built: ${outDir}`);
    }
    return 0;
  },
};
