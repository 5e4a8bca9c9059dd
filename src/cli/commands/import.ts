import { ImportError, importUpptime, summaryLine } from '../../import/upptime.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { EXIT_USAGE, UsageError } from '../errors.ts';
import type { Command } from '../command.ts';

/** At most this many skipped items are printed one by one; the rest are counted. */
const MAX_LISTED = 50;

export const importCommand: Command = {
  summary: 'Import checks, history and incidents from another status page (upptime)',
  usage: 'cairn import upptime <path-to-upptime-repo> [--dir <status-repo>] [--issues <issues.json>] [--dry-run] [--force]',
  async run(args, out) {
    const { values, positionals } = parse(
      args,
      { ...DIR_OPTION, issues: { type: 'string' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
      true,
    );
    const [from, source, ...extra] = positionals;
    if (from !== 'upptime') throw new UsageError(from ? `cannot import from "${from}"; supported: upptime` : 'expected what to import from: upptime');
    if (!source) throw new UsageError('expected the path of the Upptime repository');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    let result;
    try {
      result = await importUpptime({
        source,
        dir: statusDir(values.dir),
        ...(values.issues ? { issuesFile: values.issues } : {}),
        dryRun: values['dry-run'] === true,
        force: values.force === true,
      });
    } catch (err) {
      if (err instanceof ImportError) {
        out.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    for (const s of result.skipped.slice(0, MAX_LISTED)) out.warn(`not carried over: ${s.message}`);
    if (result.skipped.length > MAX_LISTED) out.warn(`not carried over: ... and ${result.skipped.length - MAX_LISTED} more`);
    for (const note of result.notes) out.info(`note: ${note}`);
    const verb = result.dryRun ? 'would ' : '';
    for (const f of result.files) {
      if (f.action === 'kept') out.info(`kept ${f.file} (existing settings file)`);
      else if (f.action === 'unchanged') out.info(`${f.file} unchanged`);
      else out.info(`${verb}${f.action === 'create' ? 'create' : 'overwrite'} ${f.file}`);
    }
    if (result.rollupFiles.length) out.info(`${verb}write ${result.rollupFiles.length} rollup file${result.rollupFiles.length === 1 ? '' : 's'} under data/rollups/ (whole days of history)`);
    if (result.dayFiles.length) out.info(`${verb}write ${result.dayFiles.length} day file${result.dayFiles.length === 1 ? '' : 's'} under data/`);
    out.info(summaryLine(result.counts, result.skipped, result.dryRun));
    return 0;
  },
};
