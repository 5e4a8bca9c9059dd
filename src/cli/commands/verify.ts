import { verifySignalFiles } from '../../checks/heartbeat-signals.ts';
import { listRollupFiles } from '../../store/rollup-format.ts';
import { listDayFiles } from '../../store/samples.ts';
import { readStore } from '../../store/store.ts';
import { CLOCK_SKEW_MS, verifyTimes } from '../../store/verify.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../command.ts';

export const verify: Command = {
  summary: 'Check every data file (raw days, rollups, heartbeat signals) against its schema and for times in the future; exit 1 when any file or line is bad',
  usage: 'cairn verify [--dir <status-repo>]',
  async run(args, out) {
    const { values } = parse(args, DIR_OPTION);
    const dir = statusDir(values.dir);
    const [days, rollupFiles] = await Promise.all([listDayFiles(dir), listRollupFiles(dir)]);
    const store = await readStore(dir);
    const { samples, rollups } = store;
    // The schema of every line, then whether its times are plausible: none in the future, each in its own file.
    const now = Date.now();
    const signals = await verifySignalFiles(dir, now + CLOCK_SKEW_MS);
    const problems = [...store.problems, ...(await verifyTimes(dir, now)), ...signals.problems];
    for (const p of problems) out.error(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
    const files = days.length + rollupFiles.length + signals.files;
    out.info(
      `${files} data file${files === 1 ? '' : 's'}, ${samples.length} samples, ${problems.length} problem${problems.length === 1 ? '' : 's'}. (${days.length} raw day file${days.length === 1 ? '' : 's'}; ${rollupFiles.length} rollup file${rollupFiles.length === 1 ? '' : 's'} with ${rollups.length} daily line${rollups.length === 1 ? '' : 's'}; ${signals.files} heartbeat file${signals.files === 1 ? '' : 's'} with ${signals.signals} signal${signals.signals === 1 ? '' : 's'}.)`,
    );
    return problems.length ? 1 : 0;
  },
};
