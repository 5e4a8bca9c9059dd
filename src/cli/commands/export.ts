/**
 * `cairn export openmetrics`: the stored history as OpenMetrics text, with the series and labels
 * remote write sends, for `promtool tsdb create-blocks-from openmetrics` (docs/remote-write.md).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { exportOpenMetrics } from '../../remote-write/openmetrics.ts';
import { SeriesBuilder, targetsOf } from '../../remote-write/series.ts';
import { REMOTE_WRITE_DEFAULTS } from '../../config/resolve-remote-write.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

const FORMATS = ['openmetrics'];

/** `2026-11-24` (the whole day: its start for --since, its end for --until) or an ISO-8601 instant. */
export function parseDateOption(name: string, value: string | undefined, end: boolean): number | null {
  if (value === undefined) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00.000Z`);
    if (!Number.isNaN(start)) return end ? start + 86_400_000 - 1 : start;
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) {
    return Date.parse(value);
  }
  throw new UsageError(`--${name}: expected a date such as 2026-11-24 or a time such as 2026-11-24T10:00:00Z, found ${JSON.stringify(value)}`);
}

function writer(stream: NodeJS.WritableStream | WriteStream): (text: string) => Promise<void> {
  return (text) => new Promise<void>((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export const exportCommand: Command = {
  summary: 'Export the stored history as OpenMetrics text (for promtool backfill)',
  usage: 'cairn export openmetrics [--dir <status-repo>] [--since YYYY-MM-DD|<ISO time>] [--until YYYY-MM-DD|<ISO time>] [--endpoint <remote-write name>] [--out <file>]',
  async run(args, out) {
    const { values, positionals } = parse(args, { ...DIR_OPTION, since: { type: 'string' }, until: { type: 'string' }, endpoint: { type: 'string' }, out: { type: 'string' } }, true);
    const [format, ...extra] = positionals;
    if (!format) throw new UsageError(`expected the format to export: ${FORMATS.join(', ')}`);
    if (!FORMATS.includes(format)) throw new UsageError(`cannot export as "${format}"; supported: ${FORMATS.join(', ')}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const sinceMs = parseDateOption('since', values.since, false);
    const untilMs = parseDateOption('until', values.until, true);
    if (sinceMs !== null && untilMs !== null && untilMs < sinceMs) throw new UsageError('--until is before --since');

    const config = await loadConfig(statusDir(values.dir), { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const endpoints = config.remoteWrite ?? [];
    const endpoint = values.endpoint === undefined ? endpoints[0] : endpoints.find((e) => e.name === values.endpoint);
    if (values.endpoint !== undefined && !endpoint) {
      throw new UsageError(`--endpoint: no remote-write endpoint named "${values.endpoint}" (known: ${endpoints.map((e) => e.name).join(', ') || 'none'})`);
    }
    // The labels of the endpoint's series (job, static labels), so the backfill joins what remote write sends.
    const builder = new SeriesBuilder({ job: endpoint?.job ?? REMOTE_WRITE_DEFAULTS.job, labels: endpoint?.labels ?? {}, targets: targetsOf(config.checks, config.redactor) });

    const file = values.out === undefined ? null : path.resolve(values.out);
    const stream = file === null ? null : createWriteStream(file);
    // Everything leaving goes through the redactor, as every other output does.
    const target = stream ?? process.stdout;
    const write = writer(target);
    const summary = await exportOpenMetrics(config.dir, builder, { sinceMs, untilMs }, (text) => write(config.redactor.redact(text)));
    if (stream) await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));

    for (const p of summary.problems.slice(0, 20)) out.warn(`skipped ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
    if (summary.problems.length > 20) out.warn(`skipped ${summary.problems.length - 20} more unreadable lines (run \`cairn verify\`)`);
    if (summary.unknown > 0) out.warn(`left out ${summary.unknown} results of checks no longer configured (their labels are unknown)`);
    const days = summary.days ? ` (days ${summary.days[0]}..${summary.days[1]})` : '';
    out.info(`Exported ${summary.samples} samples of ${summary.series} series from ${summary.runs} runs${days}${file ? ` to ${file}` : ''}.`);
    if (summary.samples > 0) out.info(`Backfill: promtool tsdb create-blocks-from openmetrics ${file ?? '<file>'} <prometheus-data-dir>`);
    return 0;
  },
};
