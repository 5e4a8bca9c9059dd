import { loadConfig } from '../../config/load.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../main.ts';
import { warnConfig } from '../output.ts';
import { runRound } from '../round.ts';

export const check: Command = {
  summary: 'Run every check once and append the results to data/',
  usage: 'cairn check [--dir <status-repo>] [--json] [--no-write]',
  async run(args, out) {
    const { values } = parse(args, { ...DIR_OPTION, json: { type: 'boolean' }, 'no-write': { type: 'boolean' } });
    const config = await loadConfig(statusDir(values.dir));
    warnConfig(out, config.warnings);
    const { results } = await runRound(config, out, { write: !values['no-write'] });
    if (values.json) {
      const byId = new Map(config.checks.map((c) => [c.id, c]));
      const rows = results.map((r) => ({
        id: r.id,
        name: byId.get(r.id)?.name ?? r.id,
        component: byId.get(r.id)?.component ?? r.id,
        kind: r.kind,
        status: r.status,
        responseTimeMs: r.responseTimeMs,
        error: r.error,
        checkedAt: r.checkedAt,
        attempts: r.attempts,
        ...(r.statusCode !== undefined ? { statusCode: r.statusCode } : {}),
        ...(r.details !== undefined ? { details: r.details } : {}),
      }));
      out.data(JSON.stringify(config.redactor.redactDeep(rows), null, 2));
    }
    return 0;
  },
};
