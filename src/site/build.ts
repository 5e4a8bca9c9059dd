/**
 * `cairn build`: status repo -> model -> static site. The model is computed once here and every
 * page, API document, badge and feed is rendered from it (src/site/render.ts); pages only format it.
 */
import path from 'node:path';
import { folderConflict, folderInside, type PageSettings } from '../config/resolve-pages.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents } from '../incidents/store.ts';
import { computeModel, type DayBarMemo, SERIES_MS, type StatusModel, WINDOWS } from '../model/model.ts';
import { pageModel } from '../model/page.ts';
import { checkSloHistoryMs } from '../model/check-slo.ts';
import { readSnapshot } from '../prometheus/snapshot.ts';
import { readReportPages } from '../reports/pages.ts';
import { type FoldOptions, type LiveStoreColumns, readStoreColumns } from '../store/store.ts';
import { utcDay } from '../store/layout.ts';
import { omittedOutputs, omittedWarning } from './outputs.ts';
import { exportSite, type ExportResult } from './render.ts';

/** Samples older than this cannot change any figure the model shows (90 days + a day of zone slack). */
const HISTORY_MS = WINDOWS['90d'] + 2 * 86_400_000;
/** Rollups (compacted days) are small: read 13 months and a bit, for the monthly figures. */
const ROLLUP_HISTORY_MS = 400 * 86_400_000;

/**
 * The status model of the status repo as its files are now. With `store` (`cairn serve`), the
 * samples come from columns kept between calls, only the day files that changed read again: the
 * same model as without it.
 */
export async function buildModel(config: ResolvedConfig, now = Date.now(), opts: { store?: LiveStoreColumns; bars?: DayBarMemo } = {}): Promise<StatusModel> {
  // An SLO on the checks with a window longer than the page's 90 days reads as far back as it needs.
  const history = Math.max(HISTORY_MS, checkSloHistoryMs(config, now) + 2 * 86_400_000);
  // Read into columns: 90 days of 1,000 checks are 26 million samples, too many to hold as objects.
  const range = { sinceMs: now - history, rollupsSinceMs: now - Math.max(ROLLUP_HISTORY_MS, history) };
  const { samples, rollups, problems } = await (opts.store ? opts.store.read(config.dir, { ...range, fold: foldOptions(config, now) }) : readStoreColumns(config.dir, range));
  // A broken incident file is reported and skipped: the page still renders (`cairn validate` names it).
  const { incidents, errors } = await loadIncidents(config);
  for (const e of errors) problems.push({ file: e.file, line: e.line || null, message: `${e.path ? `${e.path}: ` : ''}${e.message}` });
  // The SLO snapshot `cairn slo` wrote; the build never queries Prometheus.
  const sloSnapshot = await readSnapshot(config.dir);
  const model = computeModel({ config, samples, rollups, problems, incidents, now, sloSnapshot, ...(opts.bars ? { bars: opts.bars } : {}) });
  // The monthly reports `cairn report` wrote (reports/YYYY-MM.html): listed and shown under /reports/.
  model.reports = await readReportPages(config.dir);
  return model;
}

/**
 * What `cairn serve` keeps of the store between models (src/store/store.ts): the raw days that
 * only raw samples can give figures for (the response-time series of the last 7 days, the 24-hour
 * latency, the status now, the windows of check-based SLOs), and two days more for the site's time
 * zone; the days before are kept folded into rollups, which give every other figure the same.
 */
export function foldOptions(config: ResolvedConfig, now: number): FoldOptions {
  const gaps = new Map(config.checks.map((c) => [c.id, c.maxGapMs]));
  return {
    beforeDay: utcDay(now - Math.max(SERIES_MS, checkSloHistoryMs(config, now)) - 2 * 86_400_000),
    maxGapMs: (id) => gaps.get(id) ?? config.run.maxGapMs,
    regionRule: config.run.regionRule,
    now,
  };
}

export interface BuildSiteOptions {
  outDir: string;
  /** Folders inside `outDir` (relative) that other pages build: carried over when it is replaced. */
  keep?: readonly string[];
}

/**
 * Renders every page of the site for `model` into `opts.outDir` (replaced whole). Returns what was
 * written and the outputs left out for lack of `site.baseUrl` (src/site/outputs.ts), for the
 * caller to say so.
 */
export async function buildSite(model: StatusModel, opts: BuildSiteOptions): Promise<ExportResult & { omitted: readonly string[] }> {
  return { ...(await exportSite(model, opts.outDir, { keep: opts.keep ?? [] })), omitted: omittedOutputs(model.site) };
}

/** A page to build and where: its absolute folder, and the folders of other pages inside it (kept). */
export interface PageTarget {
  page: PageSettings;
  outDir: string;
  keep: string[];
}

/** Why pages could not be chosen to build (a usage error: an unknown id, a folder clash with `--out`). */
export class PageChoiceError extends Error {}

/**
 * The pages `cairn build` builds and their folders: every page (`pages` empty) or the ones named,
 * in configuration order. `out` replaces the folder of the one page built (the default page when
 * none is named); it must not clash with another page's folder.
 */
export function pageTargets(config: Pick<ResolvedConfig, 'dir' | 'pages'>, opts: { pages?: readonly string[]; out?: string } = {}): PageTarget[] {
  const ids = opts.pages ?? [];
  for (const id of ids) {
    if (!config.pages.some((p) => p.id === id)) throw new PageChoiceError(`--page: unknown page "${id}" (pages: ${config.pages.map((p) => p.id).join(', ')})`);
  }
  if (opts.out !== undefined && ids.length > 1) throw new PageChoiceError('--out names the folder of one page: give at most one --page with it');
  const outOf = new Map(config.pages.map((p) => [p, path.resolve(config.dir, p.out)]));
  if (opts.out !== undefined) {
    const page = ids.length === 1 ? config.pages.find((p) => p.id === ids[0])! : config.pages.find((p) => p.main)!;
    outOf.set(page, path.resolve(opts.out));
    const rel = (p: PageSettings) => ({ id: p.id, out: (outOf.get(p) as string).split(path.sep).join('/') });
    for (const other of config.pages) {
      if (other === page) continue;
      const conflict = folderConflict(rel(other), rel(page));
      if (conflict) throw new PageChoiceError(`--out: ${conflict}`);
    }
  }
  const posix = (p: PageSettings) => (outOf.get(p) as string).split(path.sep).join('/');
  return config.pages
    .filter((p) => ids.length === 0 || ids.includes(p.id))
    .map((page) => ({
      page,
      outDir: outOf.get(page) as string,
      keep: config.pages.flatMap((other) => {
        const rel = other === page ? null : folderInside(posix(page), posix(other));
        return rel === null ? [] : [rel];
      }),
    }));
}

export interface PageBuild {
  page: PageSettings;
  outDir: string;
  files: number;
  bytes: number;
  /** The warning for outputs left out for lack of a base URL, if any. */
  warning: string | null;
}

/**
 * Builds each target page from the one model (each its view: src/model/page.ts), one after the
 * other; a page that fails is reported and the others are still built.
 */
export async function buildPages(model: StatusModel, targets: readonly PageTarget[]): Promise<{ built: PageBuild[]; failed: { page: PageSettings; error: unknown }[] }> {
  const built: PageBuild[] = [];
  const failed: { page: PageSettings; error: unknown }[] = [];
  for (const t of targets) {
    try {
      const view = pageModel(model, t.page);
      const res = await buildSite(view, { outDir: t.outDir, keep: t.keep });
      const field = t.page.main ? 'site.baseUrl' : `the baseUrl of page "${t.page.id}"`;
      built.push({ page: t.page, outDir: t.outDir, files: res.files, bytes: res.bytes, warning: omittedWarning(res.omitted, field) });
    } catch (error) {
      failed.push({ page: t.page, error });
    }
  }
  return { built, failed };
}
