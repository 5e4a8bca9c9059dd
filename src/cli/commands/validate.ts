import { ConfigErrors } from '../../config/errors.ts';
import { loadConfig } from '../../config/load.ts';
import type { ResolvedConfig } from '../../config/types.ts';
import { loadIncidents } from '../../incidents/store.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

/**
 * What `cairn validate` checks, without the printing: the configuration and the incident files of
 * the status repo in `dir`. Throws ConfigErrors with every problem found.
 */
export async function validateStatusRepo(dir: string, opts: { env?: NodeJS.ProcessEnv; loaded?: (config: ResolvedConfig) => void } = {}) {
  const config = await loadConfig(dir, opts.env ? { env: opts.env } : {});
  opts.loaded?.(config);
  const { incidents, errors } = await loadIncidents(config);
  if (errors.length > 0) throw new ConfigErrors(errors);
  return { config, incidents };
}

export const validate: Command = {
  summary: 'Check the configuration (cairn.yaml, checks/*.yaml) and incidents/*.md, reporting every problem',
  usage: 'cairn validate [--dir <status-repo>]',
  async run(args, out) {
    const { values } = parse(args, DIR_OPTION);
    const { config, incidents } = await validateStatusRepo(statusDir(values.dir), {
      loaded(config) {
        out.protect(config.redactor);
        warnConfig(out, config.warnings);
      },
    });
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    out.info(
      `Configuration is valid: ${plural(config.checks.length, 'check')} in ${plural(config.components.length, 'component')}, ${plural(config.maintenance.length, 'maintenance window')}, ${plural(incidents.length, 'incident')}.`,
    );
    return 0;
  },
};
