import { listDayFiles, readSamples } from '../../store/samples.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../main.ts';

export const verify: Command = {
  summary: 'Check every data file against its schema; exit 1 when any file or line is bad',
  usage: 'cairn verify [--dir <status-repo>]',
  async run(args, out) {
    const { values } = parse(args, DIR_OPTION);
    const dir = statusDir(values.dir);
    const files = await listDayFiles(dir);
    const { samples, problems } = await readSamples(dir);
    for (const p of problems) out.error(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
    out.info(`${files.length} data file${files.length === 1 ? '' : 's'}, ${samples.length} samples, ${problems.length} problem${problems.length === 1 ? '' : 's'}.`);
    return problems.length ? 1 : 0;
  },
};
