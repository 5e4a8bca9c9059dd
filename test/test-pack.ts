/** Packs Cairn as `npm pack` would for publishing (prepack compiles it) and installs the tarball. */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helpers.ts';

const run = promisify(execFile);

export interface PackedFile {
  path: string;
  size: number;
}

/** `npm pack` into `dest`: the tarball's path and the files it holds. */
export async function packCairn(dest: string): Promise<{ tarball: string; files: PackedFile[]; size: number }> {
  await mkdir(dest, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: cleanEnv() });
  // prepack's own output comes first; the JSON report is the last top-level array.
  const json = stdout.slice(stdout.lastIndexOf('\n[') + 1);
  const [info] = JSON.parse(json) as { filename: string; files: PackedFile[]; size: number }[];
  if (!info) throw new Error(`npm pack printed no report:\n${stdout}`);
  return { tarball: path.join(dest, info.filename), files: info.files, size: info.size };
}

/** Installs a tarball with production dependencies only into an empty folder, as a user would. */
export async function installTarball(tarball: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), '{ "name": "empty", "private": true }\n');
  await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: cleanEnv() });
  return path.join(dir, 'node_modules', '.bin', 'cairn');
}

/** The environment without what a test runner adds (Vite reads BASE_URL, MODE…; the site bundle override). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'GITHUB_ACTIONS', 'CAIRN_SITE_BUNDLE', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'NODE_OPTIONS']) delete env[k];
  return env;
}
