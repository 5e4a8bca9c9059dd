/**
 * npm run bench:site — builds the site of a generated status repo: `components` components (one
 * check each) with `days` days of 5-minute history, then measures the build and the pages.
 *
 *   npm run bench:site -- [--components 200] [--days 90] [--home-components 50] [--line-version 1|2|4]
 *
 * Prints progress to stderr and one JSON object on the last line of stdout:
 * components, samples, build_ms, peak_rss_mb (of the build process), home_gzip_bytes (HTML + CSS
 * of the home page of a `home-components`-component site built from the same data),
 * largest_page_gzip_bytes, max_js_gzip_bytes_per_page.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { log, timedBuild, writeHistory, writeRepo } from './status-repo.ts';

const { values } = parseArgs({
  options: { components: { type: 'string' }, days: { type: 'string' }, 'home-components': { type: 'string' }, 'line-version': { type: 'string' } },
});
const COMPONENTS = Number(values.components ?? 200);
const DAYS = Number(values.days ?? 90);
const HOME_COMPONENTS = Number(values['home-components'] ?? 50);
// The verbose lines an older Cairn wrote (this benchmark's figures so far); 2 for the compact ones.
const LINE_VERSION = values['line-version'] === '2' ? 2 : values['line-version'] === '4' ? 4 : 1;

const build = (dir: string) => timedBuild(dir, { nodeArgs: ['--expose-gc'] });

async function htmlFiles(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true });
  return all.filter((f) => f.endsWith('.html')).map((f) => path.join(dir, f));
}

const gz = (buf: Buffer | string) => gzipSync(buf, { level: 9 }).length;

/** Gzipped bytes of a page's HTML plus its stylesheets, and of its scripts. */
async function pageWeight(dist: string, file: string): Promise<{ html: number; css: number; js: number }> {
  const html = await readFile(file, 'utf8');
  const refs = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1] as string).filter((u) => u.startsWith('/'));
  let css = 0;
  for (const href of refs(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)) css += gz(await readFile(path.join(dist, href)));
  let js = 0;
  for (const src of refs(/<script[^>]+src="([^"]+)"/g)) js += gz(await readFile(path.join(dist, src)));
  // Module scripts import chunks: count every JS file under _astro a page's entry imports.
  for (const src of refs(/<script[^>]+src="([^"]+)"/g)) {
    const code = await readFile(path.join(dist, src), 'utf8');
    for (const m of code.matchAll(/from\s*"\.\/([^"]+\.js)"/g)) js += gz(await readFile(path.join(dist, path.dirname(src), m[1] as string)));
  }
  return { html: gz(html), css, js };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'cairn-bench-site-'));
try {
  const now = Date.now();
  log(`Generating ${COMPONENTS} components × ${DAYS} days of 5-minute history in ${work}…`);
  const big = path.join(work, 'big');
  const samples = await writeHistory(big, await writeRepo(big, COMPONENTS, { groups: 10 }), DAYS, now, { lineVersion: LINE_VERSION });
  log(`Building (${samples.toLocaleString('en')} samples)…`);
  const { ms, peakRssMb } = await build(big);
  log(`  built in ${ms} ms, peak RSS ${peakRssMb} MB`);
  const dist = path.join(big, 'dist');
  let largest = 0;
  let maxJs = 0;
  for (const f of await htmlFiles(dist)) {
    const w = await pageWeight(dist, f);
    largest = Math.max(largest, w.html + w.css);
    maxJs = Math.max(maxJs, w.js);
  }
  log(`Building the home page of a ${HOME_COMPONENTS}-component site…`);
  const small = path.join(work, 'small');
  await writeHistory(small, await writeRepo(small, HOME_COMPONENTS, { groups: 5 }), DAYS, now, { lineVersion: LINE_VERSION });
  await build(small);
  const home = await pageWeight(path.join(small, 'dist'), path.join(small, 'dist', 'index.html'));
  console.log(
    JSON.stringify({
      bench: 'site',
      components: COMPONENTS,
      days: DAYS,
      samples,
      line_version: LINE_VERSION,
      build_ms: ms,
      peak_rss_mb: peakRssMb,
      home_components: HOME_COMPONENTS,
      home_gzip_bytes: home.html + home.css,
      largest_page_gzip_bytes: largest,
      max_js_gzip_bytes_per_page: maxJs,
      node: process.version,
    }),
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
