import { access } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { monthOf, reportFiles, reportMonth, writeReport } from '../../reports/generate.ts';
import { monthsWithData } from '../../reports/inputs.ts';
import { TemplateError } from '../../reports/render.ts';
import { EXIT_USAGE, UsageError } from '../errors.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

const exists = (f: string) => access(f).then(() => true, () => false);

export const report: Command = {
  summary: 'Write the monthly health report (reports/YYYY-MM.md and .html) from the committed data',
  usage: 'cairn report [--dir <status-repo>] (--month YYYY-MM|previous|current | --all [--current]) [--now <ISO time>] [--offline]',
  async run(args, out) {
    const { values } = parse(args, {
      ...DIR_OPTION,
      month: { type: 'string' },
      all: { type: 'boolean' },
      current: { type: 'boolean' },
      now: { type: 'string' },
      offline: { type: 'boolean' },
    });
    const now = values.now === undefined ? Date.now() : Date.parse(values.now);
    if (Number.isNaN(now)) throw new UsageError(`--now: expected an ISO-8601 time, got ${JSON.stringify(values.now)}`);
    if (values.month !== undefined && values.all) throw new UsageError('give either --month or --all');
    const named = values.month === undefined ? undefined : reportMonth(values.month, now);
    if (named === null) throw new UsageError(`--month: expected YYYY-MM, "previous" or "current", got ${JSON.stringify(values.month)}`);
    const thisMonth = monthOf(now);
    // Without --month (and without --all): the previous month, as `--month previous`.
    const month = named ?? (values.all ? undefined : (reportMonth('previous', now) as string));
    if (month !== undefined && month > thisMonth) throw new UsageError(`--month ${month} has not begun yet (now is ${new Date(now).toISOString()})`);

    const dir = statusDir(values.dir);
    const config = await loadConfig(dir, { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    let months: string[];
    if (month !== undefined) months = [month];
    else {
      const all = (await monthsWithData(dir)).filter((m) => m < thisMonth || (values.current && m === thisMonth));
      months = [];
      for (const m of all) {
        const f = reportFiles(dir, m);
        if (!(await exists(f.md)) || !(await exists(f.html))) months.push(m);
      }
      if (months.length === 0) {
        out.info(all.length ? 'Every month with data already has its report.' : 'No month with data in the store.');
        return 0;
      }
    }
    for (const m of months) {
      try {
        const r = await writeReport(config, m, { now, ...(values.offline ? { prometheus: false } : {}) });
        const rel = (f: string) => path.relative(process.cwd(), f) || f;
        out.info(
          `${m}: ${r.hasData ? `${r.samples.toLocaleString('en-US')} samples` : 'no data'}${r.sloSource ? `; SLOs from ${r.sloSource}` : ''} → ${rel(r.files.md)}, ${rel(r.files.html)}`,
        );
      } catch (err) {
        if (err instanceof TemplateError) {
          out.error(`template error: ${err.message}`);
          return EXIT_USAGE;
        }
        throw err;
      }
    }
    return 0;
  },
};
