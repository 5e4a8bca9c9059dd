/**
 * `cairn build`: status repo -> model -> static site. The model is computed once here and handed
 * to the Astro pages as a JSON file; the pages only format it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents } from '../incidents/store.ts';
import { computeModel, type StatusModel, WINDOWS } from '../model/model.ts';
import { readSnapshot } from '../prometheus/snapshot.ts';
import { readReportPages } from '../reports/pages.ts';
import { readStore } from '../store/store.ts';
import { omittedOutputs } from './outputs.ts';

/** The Cairn package itself: where astro.config.mjs and src/pages live. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Samples older than this cannot change any figure the model shows (90 days + a day of zone slack). */
const HISTORY_MS = WINDOWS['90d'] + 2 * 86_400_000;
/** Rollups (compacted days) are small: read 13 months and a bit, for the monthly figures. */
const ROLLUP_HISTORY_MS = 400 * 86_400_000;

export async function buildModel(config: ResolvedConfig, now = Date.now()): Promise<StatusModel> {
  const { samples, rollups, problems } = await readStore(config.dir, { sinceMs: now - HISTORY_MS, rollupsSinceMs: now - ROLLUP_HISTORY_MS });
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

/** Splits a public URL into Astro's `site` (origin) and `base` (path). */
export function siteAndBase(baseUrl: string | null): { site?: string; base: string } {
  if (!baseUrl) return { base: '/' };
  const u = new URL(baseUrl);
  const base = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
  return { site: u.origin, base };
}

export interface BuildSiteOptions {
  outDir: string;
  /** Astro log level; 'warn' keeps a build quiet. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

/**
 * Builds the site into `opts.outDir`. Returns the outputs left out for lack of `site.baseUrl`
 * (src/site/outputs.ts), for the caller to say so.
 */
export async function buildSite(model: StatusModel, opts: BuildSiteOptions): Promise<{ omitted: readonly string[] }> {
  const outDir = path.resolve(opts.outDir);
  const work = await mkdtemp(path.join(os.tmpdir(), 'cairn-build-'));
  const modelFile = path.join(work, 'model.json');
  await writeFile(modelFile, JSON.stringify(model));
  // Vite reads import.meta.env's built-in keys from the environment when they are set there (test
  // runners set BASE_URL=/ and MODE=test): the site's base path must come from the settings only.
  const overrides: Record<string, string | undefined> = {
    CAIRN_MODEL: modelFile,
    ASTRO_TELEMETRY_DISABLED: '1',
    BASE_URL: undefined,
    MODE: undefined,
    DEV: undefined,
    PROD: undefined,
    SSR: undefined,
  };
  const previous = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(overrides)) restoreEnv(k, v);
  // Astro writes its intermediate server build inside the current folder when the outDir is
  // outside it, and decides "inside" by a string prefix. Building from a fresh folder of our own
  // keeps concurrent builds apart and never writes into the user's folder; bundling every
  // dependency into that server build (ssr.noExternal) lets it run from wherever it lands.
  const cwd = process.cwd();
  process.chdir(work);
  try {
    const { build } = await import('astro');
    const { site, base } = siteAndBase(model.site.baseUrl);
    await build({
      root: PACKAGE_ROOT,
      outDir,
      cacheDir: path.join(work, 'cache'),
      base,
      ...(site ? { site } : {}),
      logLevel: opts.logLevel ?? 'warn',
      vite: { cacheDir: path.join(work, 'vite'), ssr: { noExternal: true } },
    });
    await removeStrayBuildFiles(outDir);
    // Outputs whose links would be relative without a base URL are not published at all.
    const omitted = omittedOutputs(model.site);
    await Promise.all(omitted.map((f) => rm(path.join(outDir, f), { recursive: true, force: true })));
    return { omitted };
  } finally {
    process.chdir(cwd);
    for (const [k, v] of Object.entries(previous)) restoreEnv(k, v);
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Astro 5 leaves its content-layer stubs at the root of an outDir outside the project
 * (withastro/astro#14903). They are build internals, not part of the site.
 */
const STRAY_FILES = ['content-assets.mjs', 'content-modules.mjs', 'data-store.json', 'settings.json'];

async function removeStrayBuildFiles(outDir: string): Promise<void> {
  await Promise.all(STRAY_FILES.map((f) => rm(path.join(outDir, f), { force: true })));
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
