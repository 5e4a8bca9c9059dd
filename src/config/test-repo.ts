/** Test helpers of the configuration tests: status repos in temporary folders, loaded for real. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ConfigErrors } from './errors.ts';
import { loadConfig, type LoadOptions } from './load.ts';
import type { ResolvedConfig } from './types.ts';

const created: string[] = [];

afterAll(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Lines of a YAML file; line N of the file is argument N. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A status repo in a fresh temporary folder holding `files` (relative path -> content). */
export async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-config-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

export async function load(files: Record<string, string>, opts: LoadOptions = {}): Promise<ResolvedConfig> {
  return loadConfig(await repo(files), { env: {}, ...opts });
}

/** The error lines (`file:line:col: path: message`) of loading `dir`; [] when it loads. */
export async function errorLines(dir: string, opts: LoadOptions = {}): Promise<string[]> {
  try {
    await loadConfig(dir, { env: {}, ...opts });
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map((e) => e.toString());
    throw err;
  }
  return [];
}

/** The warning lines (`file:line:col: path: message`) of a configuration that loads. */
export function warningLines(config: ResolvedConfig): string[] {
  return config.warnings.map((w) => `${w.location.line > 0 ? `${w.location.file}:${w.location.line}:${w.location.column}` : w.location.file}: ${w.path ? `${w.path}: ` : ''}${w.message}`);
}
