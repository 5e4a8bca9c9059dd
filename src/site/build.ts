/**
 * `cairn build`: status repo -> model -> static site. The model is computed once here and every
 * page, API document, badge and feed is rendered from it (src/site/render.ts); pages only format it.
 */
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents } from '../incidents/store.ts';
import { computeModel, type StatusModel, WINDOWS } from '../model/model.ts';
import { checkSloHistoryMs } from '../model/check-slo.ts';
import { readSnapshot } from '../prometheus/snapshot.ts';
import { readReportPages } from '../reports/pages.ts';
import { readStore } from '../store/store.ts';
import { omittedOutputs } from './outputs.ts';
import { exportSite, type ExportResult } from './render.ts';

/** Samples older than this cannot change any figure the model shows (90 days + a day of zone slack). */
const HISTORY_MS = WINDOWS['90d'] + 2 * 86_400_000;
/** Rollups (compacted days) are small: read 13 months and a bit, for the monthly figures. */
const ROLLUP_HISTORY_MS = 400 * 86_400_000;

export async function buildModel(config: ResolvedConfig, now = Date.now()): Promise<StatusModel> {
  // An SLO on the checks with a window longer than the page's 90 days reads as far back as it needs.
  const history = Math.max(HISTORY_MS, checkSloHistoryMs(config, now) + 2 * 86_400_000);
  const { samples, rollups, problems } = await readStore(config.dir, { sinceMs: now - history, rollupsSinceMs: now - Math.max(ROLLUP_HISTORY_MS, history) });
  // A broken incident file is reported and skipped: the page still renders (`cairn validate` names it).
  const { incidents, errors } = await loadIncidents(config);
  for (const e of errors) problems.push({ file: e.file, line: e.line || null, message: `${e.path ? `${e.path}: ` : ''}${e.message}` });
  // The SLO snapshot `cairn slo` wrote; the build never queries Prometheus.
  const sloSnapshot = await readSnapshot(config.dir);
  const model = computeModel({ config, samples, rollups, problems, incidents, now, sloSnapshot });
  // The monthly reports `cairn report` wrote (reports/YYYY-MM.html): listed and shown under /reports/.
  model.reports = await readReportPages(config.dir);
  return model;
}

export interface BuildSiteOptions {
  outDir: string;
}

/**
 * Renders every page of the site for `model` into `opts.outDir` (replaced whole). Returns what was
 * written and the outputs left out for lack of `site.baseUrl` (src/site/outputs.ts), for the
 * caller to say so.
 */
export async function buildSite(model: StatusModel, opts: BuildSiteOptions): Promise<ExportResult & { omitted: readonly string[] }> {
  return { ...(await exportSite(model, opts.outDir)), omitted: omittedOutputs(model.site) };
}
