/**
 * Upptime's history, read back: the git log of `history/` (Upptime commits
 * `history/<slug>.yml` with a message such as `🟥 Site is down (500 in 321 ms) [skip ci] [upptime]`
 * after each status change and once a day), the current `history/<slug>.yml` files, and the
 * figures Upptime computed itself (`history/summary.json`, `api/<slug>/*.json`).
 *
 * Reading commit messages is Upptime's storage format, so the importer has to; Cairn itself
 * stores its samples as data.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);

export type UpptimeStatus = 'up' | 'down' | 'degraded';

export interface UpptimeCommit {
  sha: string;
  /** Epoch milliseconds of the author date (kept by rebases, unlike the committer date). */
  at: number;
  subject: string;
  /** Files the commit touched under history/. */
  files: string[];
}

export interface ParsedSubject {
  status: UpptimeStatus;
  name: string | null;
  url: string | null;
  code: number | null;
  ms: number | null;
}

export interface MessageFormat {
  template?: string;
  prefixUp?: string;
  prefixDown?: string;
  prefixDegraded?: string;
}

export const DEFAULT_TEMPLATE = '$PREFIX $SITE_NAME is $STATUS ($RESPONSE_CODE in $RESPONSE_TIME ms) [skip ci] [upptime]';

const PLACEHOLDERS: ReadonlyArray<readonly [string, string]> = [
  ['$PREFIX', '(?<prefix>\\S+)'],
  ['$SITE_NAME', '(?<name>.+?)'],
  ['$SITE_URL', '(?<url>\\S+?)'],
  ['$SITE_METHOD', '[A-Za-z]+'],
  ['$STATUS', '(?<status>up|down|degraded)'],
  ['$RESPONSE_CODE', '(?<code>\\d{1,3})'],
  ['$RESPONSE_TIME', '(?<ms>\\d+(?:\\.\\d+)?)'],
];

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A regex for a `commitMessages.statusChange` template. Like Upptime's `String#replace`, only the
 * first occurrence of each placeholder is substituted; later ones stay literal text.
 */
export function templateRegex(template: string): RegExp {
  let re = escapeRegex(template.trim());
  for (const [name, group] of PLACEHOLDERS) re = re.replace(escapeRegex(name), group);
  // Whitespace may have been reflowed by a squash or an editor.
  re = re.replace(/ /g, '\\s+');
  return new RegExp(`^${re}`, 'u');
}

/** Any message in the shape of Upptime's, including "has degraded performance". */
const LENIENT_RE =
  /^(?<prefix>\S+)\s+(?<name>.+?)\s+(?:is|has)\s+(?<status>up|down|degraded)(?:\s+performance)?\s*\((?<code>\d{1,3})\s+in\s+(?<ms>\d+(?:\.\d+)?)\s*ms\)/u;

/** Parses one commit subject; null when it is not an Upptime status message. */
export function parseSubject(subject: string, format: MessageFormat = {}): ParsedSubject | null {
  const prefixes: Record<string, UpptimeStatus> = {
    [format.prefixUp ?? '🟩']: 'up',
    [format.prefixDown ?? '🟥']: 'down',
    [format.prefixDegraded ?? '🟨']: 'degraded',
  };
  const candidates = [templateRegex(format.template ?? DEFAULT_TEMPLATE), LENIENT_RE];
  for (const re of candidates) {
    const g = re.exec(subject.trim())?.groups;
    if (!g) continue;
    const status = (g['status'] as UpptimeStatus | undefined) ?? (g['prefix'] ? prefixes[g['prefix']] : undefined);
    if (!status) continue;
    const code = g['code'] !== undefined ? Number(g['code']) : null;
    const ms = g['ms'] !== undefined ? Number(g['ms']) : null;
    return { status, name: g['name']?.trim() ?? null, url: g['url'] ?? null, code, ms };
  }
  return null;
}

/** Whether `source` is (inside) a git work tree. */
async function isGitRepo(source: string): Promise<boolean> {
  try {
    const { stdout } = await run('git', ['-C', source, 'rev-parse', '--is-inside-work-tree']);
    return stdout.trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * Every commit that touched `history/`, oldest first; null when `source` is not a git
 * repository. `shallow` tells whether the clone is missing older history.
 */
export async function readHistoryLog(source: string): Promise<{ commits: UpptimeCommit[]; shallow: boolean } | null> {
  if (!(await isGitRepo(source))) return null;
  const git = (args: string[]) => run('git', ['-C', source, '-c', 'core.quotePath=false', ...args], { maxBuffer: 1 << 30, encoding: 'utf8' });
  let stdout: string;
  try {
    ({ stdout } = await git(['log', '--reverse', '--no-renames', '--relative', '--format=%x1e%H%x1f%aI%x1f%s', '--name-only', '--', 'history']));
  } catch (err) {
    // A repository without any commit yet.
    if (/does not have any commits|bad default revision/i.test((err as { stderr?: string }).stderr ?? '')) return { commits: [], shallow: false };
    throw err;
  }
  const commits: UpptimeCommit[] = [];
  for (const chunk of stdout.split('\x1e')) {
    if (!chunk.trim()) continue;
    const [head = '', ...rest] = chunk.split('\n');
    const [sha = '', date = '', subject = ''] = head.split('\x1f');
    const at = Date.parse(date);
    if (!sha || Number.isNaN(at)) continue;
    commits.push({ sha, at, subject, files: rest.map((l) => l.trim()).filter((l) => l.startsWith('history/')) });
  }
  const { stdout: shallow } = await git(['rev-parse', '--is-shallow-repository']);
  return { commits, shallow: shallow.trim() === 'true' };
}

/** The slug of a `history/<slug>.yml` path, or null for other files (summary.json). */
export function slugOfHistoryFile(file: string): string | null {
  const m = /^history\/([^/]+)\.ya?ml$/.exec(file);
  return m ? (m[1] as string) : null;
}

/** The current state Upptime wrote to `history/<slug>.yml`. */
export interface HistoryFile {
  slug: string;
  url: string | null;
  status: UpptimeStatus | null;
  code: number | null;
  responseTime: number | null;
  lastUpdated: number | null;
  startTime: number | null;
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function time(v: unknown): number | null {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export function parseHistoryFile(slug: string, text: string): HistoryFile | null {
  // Early Upptime versions wrote the fields as a YAML list ("- url: ...").
  const cleaned = text
    .split('\n')
    .map((l) => (l.startsWith('- ') ? l.slice(2) : l))
    .join('\n');
  let data: unknown;
  try {
    data = parseYaml(cleaned);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  const status = d['status'] === 'up' || d['status'] === 'down' || d['status'] === 'degraded' ? d['status'] : null;
  return {
    slug,
    url: typeof d['url'] === 'string' ? d['url'] : null,
    status,
    code: num(d['code']),
    responseTime: num(d['responseTime']),
    lastUpdated: time(d['lastUpdated']),
    startTime: time(d['startTime']),
  };
}

/** Every `history/<slug>.yml` of the Upptime repository. */
export async function readHistoryFiles(source: string): Promise<Map<string, HistoryFile>> {
  const dir = path.join(source, 'history');
  const files = new Map<string, HistoryFile>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return files;
  }
  for (const name of names.sort()) {
    const slug = slugOfHistoryFile(`history/${name}`);
    if (!slug) continue;
    const parsed = parseHistoryFile(slug, await readFile(path.join(dir, name), 'utf8'));
    if (parsed) files.set(slug, parsed);
  }
  return files;
}

/** One site of `history/summary.json`, as far as the importer uses it. */
export interface SummaryEntry {
  name: string | null;
  slug: string;
  url: string | null;
  uptime: string | null;
  time: number | null;
  daysWithDowntime: number;
}

export async function readSummary(source: string): Promise<SummaryEntry[] | null> {
  let text: string;
  try {
    text = await readFile(path.join(source, 'history', 'summary.json'), 'utf8');
  } catch {
    return null;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(data)) return null;
  const entries: SummaryEntry[] = [];
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const x = item as Record<string, unknown>;
    if (typeof x['slug'] !== 'string') continue;
    const down = x['dailyMinutesDown'];
    entries.push({
      name: typeof x['name'] === 'string' ? x['name'] : null,
      slug: x['slug'],
      url: typeof x['url'] === 'string' ? x['url'] : null,
      uptime: typeof x['uptime'] === 'string' ? x['uptime'] : null,
      time: num(x['time']),
      daysWithDowntime: typeof down === 'object' && down !== null ? Object.values(down).filter((m) => Number(m) > 0).length : 0,
    });
  }
  return entries;
}

/** The `message` of Upptime's shields.io endpoints `api/<slug>/{uptime,response-time}.json`. */
export async function readApiBadges(source: string, slug: string): Promise<{ uptime: string | null; responseTime: string | null }> {
  const message = async (file: string) => {
    try {
      const data = JSON.parse(await readFile(path.join(source, 'api', slug, file), 'utf8')) as { message?: unknown };
      return typeof data.message === 'string' ? data.message : null;
    } catch {
      return null;
    }
  };
  return { uptime: await message('uptime.json'), responseTime: await message('response-time.json') };
}
