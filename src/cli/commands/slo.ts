import { loadConfig } from '../../config/load.ts';
import { readSnapshot, takeSnapshot, writeSnapshot } from '../../prometheus/snapshot.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

export const slo: Command = {
  summary: 'Query Prometheus for SLOs, capacity forecasts and firing alerts; write data/slo/latest.json',
  usage: 'cairn slo [--dir <status-repo>] [--at <ISO time>] [--no-write] [--json]',
  async run(args, out) {
    const { values } = parse(args, { ...DIR_OPTION, at: { type: 'string' }, 'no-write': { type: 'boolean' }, json: { type: 'boolean' } });
    const now = values.at === undefined ? Date.now() : Date.parse(values.at);
    if (Number.isNaN(now)) throw new UsageError(`expected --at to be a time such as 2026-11-24T10:00:00Z, got "${values.at}"`);
    const dir = statusDir(values.dir);
    const config = await loadConfig(dir);
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const { endpoints, slos, capacity } = config.prometheus;
    if (endpoints.length === 0) {
      out.info('No "prometheus:" endpoint in cairn.yaml: nothing to do.');
      return 0;
    }
    const previous = await readSnapshot(dir);
    const { snapshot, failures, warnings, stats } = await takeSnapshot(config, { now, previous });
    for (const w of warnings) out.warn(`partial response: ${w}`);
    for (const f of failures) out.warn(f);
    if (!values['no-write']) await writeSnapshot(dir, snapshot);
    const ok = snapshot.slos.filter((s) => s.error === null).length + snapshot.capacity.filter((c) => c.error === null).length;
    const total = slos.length + capacity.length;
    const summary = `${ok} of ${total} SLOs and capacity forecasts computed (${stats.requests} requests)${failures.length > 0 ? `; ${failures.length} failed, their last good figures kept` : ''}${values['no-write'] ? '' : '; wrote data/slo/latest.json'}.`;
    if (failures.length > 0) out.warn(`Prometheus: ${summary}`);
    else out.info(summary);
    if (values.json) out.data(JSON.stringify(snapshot, null, 2));
    return 0;
  },
};
