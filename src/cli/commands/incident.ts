import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { INCIDENTS_DIR } from '../../incidents/store.ts';
import { renderChecklist } from '../../incidents/response.ts';
import { IMPACTS, SEVERITIES, SEVERITY_OF_IMPACT, UPDATE_STATUSES, type Impact, type Severity, type UpdateStatus } from '../../incidents/types.ts';
import { renderIncident } from '../../incidents/write.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

export function slugify(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'incident'
  );
}

export const incident: Command = {
  summary: 'Scaffold a hand-written incident: cairn incident new --title "…" --component <id>',
  usage:
    'cairn incident new --title <text> --component <id> [--component <id>…] [--impact none|minor|major|critical] [--severity P1|P2|P3|P4] [--owner <name>] [--status investigating|identified|monitoring] [--message <text>] [--started <ISO time>] [--dir <status-repo>]',
  async run(args, out) {
    const { values, positionals } = parse(
      args,
      {
        ...DIR_OPTION,
        title: { type: 'string' },
        component: { type: 'string', multiple: true },
        impact: { type: 'string' },
        severity: { type: 'string' },
        owner: { type: 'string' },
        status: { type: 'string' },
        message: { type: 'string' },
        started: { type: 'string' },
      },
      true,
    );
    if (positionals[0] !== 'new' || positionals.length !== 1) throw new UsageError('expected the subcommand "new"');
    if (!values.title) throw new UsageError('--title is required');
    const impact = (values.impact ?? 'major') as Impact;
    if (!IMPACTS.includes(impact)) throw new UsageError(`--impact expects one of ${IMPACTS.join(', ')}`);
    const severity = values.severity as Severity | undefined;
    if (severity !== undefined && !SEVERITIES.includes(severity)) throw new UsageError(`--severity expects one of ${SEVERITIES.join(', ')}`);
    const status = (values.status ?? 'investigating') as UpdateStatus;
    if (!UPDATE_STATUSES.slice(0, 3).includes(status)) throw new UsageError('--status expects investigating, identified or monitoring');
    const started = values.started ? Date.parse(values.started) : Date.now();
    if (Number.isNaN(started)) throw new UsageError('--started expects a time such as 2026-11-24T10:00:00Z');

    const dir = statusDir(values.dir);
    const config = await loadConfig(dir, { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const components = values.component ?? [];
    if (components.length === 0) throw new UsageError(`--component is required (known: ${config.components.map((c) => c.id).join(', ')})`);
    const unknown = components.filter((c) => !config.components.some((k) => k.id === c));
    if (unknown.length) throw new UsageError(`unknown component ${unknown.join(', ')} (known: ${config.components.map((c) => c.id).join(', ')})`);

    const base = `${INCIDENTS_DIR}/${new Date(started).toISOString().slice(0, 10)}-${slugify(values.title)}`;
    let file = `${base}.md`;
    for (let n = 2; existsSync(path.join(dir, file)); n++) file = `${base}-${n}.md`;
    const now = Date.now();
    await writeFileAtomic(
      path.join(dir, file),
      renderIncident({
        title: values.title,
        impact,
        components,
        auto: false,
        startedAt: started,
        detectedAt: Math.max(started, now),
        updates: [{ at: now, status, text: values.message ?? 'We are investigating this issue.' }],
        body: '<!-- Details and, once resolved, the postmortem go here (markdown). -->',
        ...(severity && severity !== SEVERITY_OF_IMPACT[impact] ? { severity } : {}),
        owner: values.owner ?? null,
        checklist: renderChecklist(severity ?? SEVERITY_OF_IMPACT[impact], config.incidents.response),
      }),
    );
    out.info(`Wrote ${file}. Add updates under "updates:" and resolve it with a "resolved" update.`);
    out.data(file);
    return 0;
  },
};
