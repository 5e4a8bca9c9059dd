import { loadConfig } from '../../config/load.ts';
import { buildModel } from '../../site/build.ts';
import { dataStamp, tryWriteModelCache } from '../../site/model-cache.ts';
import { buildAndReport, chooseTargets } from '../build-pages.ts';
import { DIR_OPTION, parse, statusDir } from '../args.ts';
import type { Command } from '../command.ts';
import { warnConfig } from '../output.ts';

export const build: Command = {
  summary: 'Build the static status site from the committed data (into <dir>/dist, and each of `pages:` into its folder)',
  usage: 'cairn build [--dir <status-repo>] [--page <id>]... [--out <folder>]',
  async run(args, out) {
    const { values } = parse(args, { ...DIR_OPTION, out: { type: 'string' }, page: { type: 'string', multiple: true } });
    const dir = statusDir(values.dir);
    // Secrets are not needed to build the page: an unset ${VAR} stays as it is.
    const config = await loadConfig(dir, { missingEnv: 'keep' });
    out.protect(config.redactor);
    warnConfig(out, config.warnings);
    const targets = chooseTargets(config, { pages: values.page ?? [], ...(values.out !== undefined ? { out: values.out } : {}) });
    const stamp = await dataStamp(config.dir);
    const model = await buildModel(config);
    for (const p of model.problems) out.warn(`skipped ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, { file: p.file, ...(p.line ? { line: p.line } : {}) });
    out.info(`Building ${targets.length === 1 ? 'the site' : `${targets.length} pages`} for ${model.components.length} components…`);
    const started = performance.now();
    await buildAndReport(model, targets, out);
    // `cairn serve` starts from this model (src/site/model-cache.ts); not part of the site, never committed.
    await tryWriteModelCache(config.dir, model, stamp);
    out.info(`Built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  },
};
