import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { removeTempFiles } from '../../store/atomic.ts';
import { DATA_DIR } from '../../store/layout.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { commandDeadline } from '../deadline.ts';
import { EXIT_INTERNAL } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';
import { runRound, warnBrokenIncidents } from '../round.ts';
import { REGION_OPTION, SHARD_OPTION, regionOption, shardConfig, shardOption } from '../shard.ts';

export const check: Command = {
  summary: 'Run every check once and append the results to data/',
  usage: 'cairn check [--dir <status-repo>] [--json] [--no-write] [--shard i/n] [--region <name>]',
  async run(args, out) {
    const { values } = parse(args, { ...DIR_OPTION, ...SHARD_OPTION, ...REGION_OPTION, json: { type: 'boolean' }, 'no-write': { type: 'boolean' } });
    const shard = shardOption(values.shard);
    const region = regionOption(values.region);
    const config = shardConfig(await loadConfig(statusDir(values.dir)), shard);
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    await warnBrokenIncidents(config, out);
    // The deadline bounds the command from its start (src/cli/deadline.ts).
    const deadline = commandDeadline(config.run.deadlineMs);
    deadline.arm(out);
    if (!values['no-write']) await removeTempFiles(path.join(config.dir, DATA_DIR));
    const { results, faults } = await runRound(config, out, { write: !values['no-write'], shard, region, deadline });
    deadline.disarm();
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
    return faults.length > 0 ? EXIT_INTERNAL : 0;
  },
};
