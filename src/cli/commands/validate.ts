import { loadConfig } from '../../config/load.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../main.ts';
import { warnConfig } from '../output.ts';

export const validate: Command = {
  summary: 'Check the configuration (cairn.yaml, checks/*.yaml) and report every problem',
  usage: 'cairn validate [--dir <status-repo>]',
  async run(args, out) {
    const { values } = parse(args, DIR_OPTION);
    const config = await loadConfig(statusDir(values.dir));
    warnConfig(out, config.warnings);
    out.info(
      `Configuration is valid: ${config.checks.length} check${config.checks.length === 1 ? '' : 's'} in ${config.components.length} component${config.components.length === 1 ? '' : 's'}.`,
    );
    return 0;
  },
};
