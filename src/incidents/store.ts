/**
 * Incident files on disk: `incidents/*.md` (human-editable, hand-written or opened by Cairn) and
 * the automatic incidents' memory, `data/state/incidents.json` (bot-written, committed, so it
 * holds across stateless CI runs).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { fsFault } from '../store/fault.ts';
import { EMPTY_STATE, type AutoState } from './auto.ts';
import { parseIncident } from './parse.ts';
import type { Incident } from './types.ts';

export const INCIDENTS_DIR = 'incidents';
export const STATE_FILE = path.join('data', 'state', 'incidents.json');

/** The automatic-incident state of a shard (`suffix` from stateSuffix), or of the whole repo. */
export function stateFile(suffix = ''): string {
  return suffix ? path.join('data', 'state', `incidents${suffix}.json`) : STATE_FILE;
}

export interface LoadedIncidents {
  incidents: Incident[];
  errors: ConfigError[];
}

/** Reads and validates every incident file; unknown components are errors at their line. */
export async function loadIncidents(config: Pick<ResolvedConfig, 'dir' | 'components'>): Promise<LoadedIncidents> {
  let names: string[];
  try {
    names = (await readdir(path.join(config.dir, INCIDENTS_DIR))).filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { incidents: [], errors: [] };
    throw fsFault(err, 'list the folder', path.join(config.dir, INCIDENTS_DIR));
  }
  const known = new Set(config.components.map((c) => c.id));
  const incidents: Incident[] = [];
  const errors: ConfigError[] = [];
  for (const name of names) {
    const file = `${INCIDENTS_DIR}/${name}`;
    const text = await readFile(path.join(config.dir, file), 'utf8');
    const parsed = parseIncident(file, text);
    errors.push(...parsed.errors);
    if (!parsed.incident) continue;
    const unknown = parsed.incident.components.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      const line = text.split('\n').findIndex((l) => /^components\s*:/.test(l)) + 1;
      errors.push(
        new ConfigError({
          file,
          line: Math.max(1, line),
          column: 1,
          path: 'components',
          message: `unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')} (known: ${[...known].join(', ')})`,
        }),
      );
      continue;
    }
    incidents.push(parsed.incident);
  }
  incidents.sort((a, b) => b.startedAt - a.startedAt || a.id.localeCompare(b.id));
  return { incidents, errors };
}

export async function readAutoState(dir: string, suffix = ''): Promise<AutoState> {
  const file = path.join(dir, stateFile(suffix));
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as AutoState;
    if (value && value.v === 1 && typeof value.components === 'object' && value.components !== null) return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw fsFault(err, 'read', file);
  }
  return EMPTY_STATE;
}

export async function writeAutoState(dir: string, state: AutoState, suffix = ''): Promise<void> {
  await writeFileAtomic(path.join(dir, stateFile(suffix)), `${JSON.stringify(state, null, 2)}\n`);
}
