import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { ResolvedConfig } from '../../config/types.ts';
import { removeTempFiles } from '../../store/atomic.ts';
import { type CompactResult, compactStore } from '../../store/compact.ts';
import { DATA_DIR } from '../../store/layout.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';
import type { Output } from '../output.ts';

/** Compacts the store with the configuration's retention and max gaps. */
export async function compactWithConfig(config: ResolvedConfig, out: Output, now = Date.now()): Promise<CompactResult> {
  await removeTempFiles(path.join(config.dir, DATA_DIR));
  const gaps = new Map(config.checks.map((c) => [c.id, c.maxGapMs]));
  const result = await compactStore(config.dir, {
    retentionMs: config.store.retentionMs,
    now,
    maxGapMs: (id) => gaps.get(id) ?? config.run.maxGapMs,
    regionRule: config.run.regionRule,
  });
  if (result.days.length > 0) {
    out.info(`Compacted ${result.days.length} day${result.days.length === 1 ? '' : 's'} (${result.days[0]}..${result.days[result.days.length - 1]}) into ${result.lines} rollup lines: ${result.rollupFiles.join(', ')}.`);
  }
  if (result.days.length === 0 && result.removed.length > 0) {
    out.info(`Removed ${result.removed.length} raw file${result.removed.length === 1 ? '' : 's'} already covered by rollups (left by an interrupted compaction).`);
  }
  return result;
}

export const compact: Command = {
  summary: 'Compact raw samples older than the retention window (store.retention) into daily rollups',
  usage: 'cairn compact [--dir <status-repo>]',
  async run(args, out) {
    const { values } = parse(args, DIR_OPTION);
    const config = await loadConfig(statusDir(values.dir), { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const result = await compactWithConfig(config, out);
    if (result.days.length === 0 && result.removed.length === 0) out.info('Nothing to compact.');
    return 0;
  },
};
