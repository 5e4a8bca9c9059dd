import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { buildModel, buildSite } from '../../site/build.ts';
import { omittedWarning } from '../../site/outputs.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

export const build: Command = {
  summary: 'Build the static status site from the committed data (into <dir>/dist)',
  usage: 'cairn build [--dir <status-repo>] [--out <folder>]',
  async run(args, out) {
    const { values } = parse(args, { ...DIR_OPTION, out: { type: 'string' } });
    const dir = statusDir(values.dir);
    // Secrets are not needed to build the page: an unset ${VAR} stays as it is.
    const config = await loadConfig(dir, { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const outDir = path.resolve(values.out ?? path.join(dir, 'dist'));
    const model = await buildModel(config);
    for (const p of model.problems) out.warn(`skipped ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
    out.info(`Building the site for ${model.components.length} components…`);
    const started = performance.now();
    const { omitted } = await buildSite(model, { outDir });
    const warning = omittedWarning(omitted);
    if (warning) out.warn(warning);
    out.info(`Site built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path.relative(process.cwd(), outDir) || '.'}/index.html`);
    return 0;
  },
};
