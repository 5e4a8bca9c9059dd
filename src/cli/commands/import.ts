import { importGatus } from '../../import/gatus.ts';
import { peerSummaryLine, type PeerImportResult } from '../../import/peer.ts';
import { importStatuspage } from '../../import/statuspage.ts';
import { importUptimeKuma } from '../../import/uptime-kuma.ts';
import { ImportError, importUpptime, summaryLine } from '../../import/upptime.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { EXIT_USAGE, UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import type { Output } from '../output.ts';

/** At most this many skipped items are printed one by one; the rest are counted. */
const MAX_LISTED = 50;

const PEERS = ['upptime', 'statuspage', 'gatus', 'uptime-kuma'] as const;
type Peer = (typeof PEERS)[number];

const WHAT: Record<Peer, string> = {
  upptime: 'the path of the Upptime repository',
  statuspage: 'the Statuspage page URL (https://status.acme.com) or a folder of its /api/v2 JSON files',
  gatus: 'the path of the Gatus config.yaml',
  'uptime-kuma': 'the path of the Uptime Kuma backup JSON',
};

function printPeer(result: PeerImportResult, out: Output): void {
  for (const s of result.skipped.slice(0, MAX_LISTED)) out.warn(`not carried over: ${s.message}`);
  if (result.skipped.length > MAX_LISTED) out.warn(`not carried over: ... and ${result.skipped.length - MAX_LISTED} more`);
  for (const note of result.notes) out.info(`note: ${note}`);
  const verb = result.dryRun ? 'would ' : '';
  for (const f of result.files) {
    if (f.action === 'kept') out.info(`kept ${f.file} (existing settings file)`);
    else if (f.action === 'unchanged') out.info(`${f.file} unchanged`);
    else out.info(`${verb}${f.action} ${f.file}`);
    // A dry run shows what would be written: the data on stdout, file by file.
    if (result.dryRun && f.content !== null && f.action !== 'kept' && f.action !== 'unchanged') {
      out.data(`# ---- ${f.file} (${f.action}) ----\n${f.content.endsWith('\n') ? f.content : `${f.content}\n`}`);
    }
  }
  out.info(peerSummaryLine(result));
}

export const importCommand: Command = {
  summary: 'Import checks, history and incidents from another status page (upptime, statuspage, gatus, uptime-kuma)',
  usage: [
    'cairn import upptime <path-to-upptime-repo> [--dir <status-repo>] [--issues <issues.json>] [--dry-run] [--force]',
    '       cairn import statuspage <page-url-or-folder> [--dir <status-repo>] [--dry-run] [--force]',
    '       cairn import gatus <config.yaml> [--dir <status-repo>] [--dry-run] [--force]',
    '       cairn import uptime-kuma <backup.json> [--dir <status-repo>] [--dry-run] [--force]',
  ].join('\n'),
  async run(args, out) {
    const { values, positionals } = parse(
      args,
      { ...DIR_OPTION, issues: { type: 'string' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
      true,
    );
    const [from, source, ...extra] = positionals;
    if (!(PEERS as readonly string[]).includes(from ?? '')) {
      throw new UsageError(from ? `cannot import from "${from}"; supported: ${PEERS.join(', ')}` : `expected what to import from: ${PEERS.join(', ')}`);
    }
    const peer = from as Peer;
    if (!source) throw new UsageError(`expected ${WHAT[peer]}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.issues && peer !== 'upptime') throw new UsageError('--issues is an option of `cairn import upptime` only');
    const common = { source, dir: statusDir(values.dir), dryRun: values['dry-run'] === true, force: values.force === true };
    try {
      if (peer === 'upptime') {
        const result = await importUpptime({ ...common, ...(values.issues ? { issuesFile: values.issues } : {}) });
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
      }
      const result = peer === 'statuspage' ? await importStatuspage(common) : peer === 'gatus' ? await importGatus(common) : await importUptimeKuma(common);
      printPeer(result, out);
      return 0;
    } catch (err) {
      if (err instanceof ImportError) {
        out.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
  },
};
