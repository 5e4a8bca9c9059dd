/**
 * What `cairn build` and `cairn run --build` share: build every page (or those named) from the
 * one model, each into its folder, and say what was built and what was left out.
 */
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.ts';
import type { StatusModel } from '../model/model.ts';
import { buildPages, PageChoiceError, pageTargets, type PageTarget } from '../site/build.ts';
import { UsageError } from './errors.ts';
import type { Output } from './output.ts';

/** The pages to build, or a usage error (an unknown `--page`, an `--out` that clashes). */
export function chooseTargets(config: ResolvedConfig, opts: { pages?: readonly string[]; out?: string }): PageTarget[] {
  try {
    return pageTargets(config, opts);
  } catch (err) {
    if (err instanceof PageChoiceError) throw new UsageError(err.message);
    throw err;
  }
}

/** Builds `targets`; throws after building the others when one failed (exit 1). */
export async function buildAndReport(model: StatusModel, targets: readonly PageTarget[], out: Output): Promise<void> {
  const { built, failed } = await buildPages(model, targets);
  const shown = (dir: string) => path.relative(process.cwd(), dir) || '.';
  for (const b of built) {
    if (b.warning) out.warn(b.warning);
    const what = b.page.main ? 'Site built' : `Page "${b.page.id}" built`;
    out.info(`${what}: ${shown(b.outDir)}/index.html (${b.files} files, ${b.page.components === null ? 'every component' : `${b.page.components.length} component${b.page.components.length === 1 ? '' : 's'}`})`);
  }
  for (const f of failed) out.error(`page "${f.page.id}" could not be built: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
  if (failed.length > 0) throw new Error(`${failed.length} of ${targets.length} pages could not be built`);
}
