/**
 * `cairn import upptime <path>`: an Upptime repository to a Cairn status repo.
 *
 * - `.upptimerc.yml` -> `checks/upptime.yaml` (one check per site) and, if there is none yet,
 *   `cairn.yaml` with the site settings. Validated with the real loader before anything is written.
 * - The git log of `history/` (one commit per status change, and one a day) -> the results store.
 *   Each status holds until the site's next one, as Upptime meant it: whole days before today
 *   (and before the store's own raw days) become daily rollups of that timeline, the rest raw
 *   samples (`upptime-store.ts`). A rollup line or a sample already in the store is not written
 *   again, so importing twice adds nothing.
 * - An exported issue list -> `incidents/upptime-<number>.md` (provisional format).
 * - Everything that could not be carried over is returned as `skipped`, with counts.
 *
 * A user file is never overwritten: a file that exists with other content stops the import
 * (nothing is written) unless `force` is set. Files with identical content are left alone.
 */
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { CheckResult } from '../checks/types.ts';
import { ConfigErrors } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { loadIncidents } from '../incidents/store.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { dayFile, dayStart, rollupFile, utcDay } from '../store/layout.ts';
import { appendRollups } from '../store/rollup-format.ts';
import { runLinesOf, toRunRecord, type RunRecord, type Sample } from '../store/samples.ts';
import { convertConfig, type ConvertedConfig, type SiteMapping } from './upptime-config.ts';
import {
  parseSubject,
  readApiBadges,
  readHistoryFiles,
  readHistoryLog,
  readSummary,
  slugOfHistoryFile,
  type HistoryFile,
  type UpptimeStatus,
} from './upptime-history.ts';
import { ImportError } from './errors.ts';
import { convertIssues, type IncidentFile } from './upptime-incidents.ts';
import type { ImportCounts, Skip } from './upptime-report.ts';
import { historyRollups, storeBoundary } from './upptime-store.ts';

export { summaryLine } from './upptime-report.ts';
export type { ImportCounts, Skip } from './upptime-report.ts';

export const CHECKS_FILE = 'checks/upptime.yaml';
const SETTINGS_FILES = ['cairn.yaml', 'cairn.yml'];
const RC_FILES = ['.upptimerc.yml', '.upptimerc.yaml'];

export interface UpptimeImportOptions {
  /** The Upptime repository (a clone, with its git history for the samples). */
  source: string;
  /** The Cairn status repo to write into. */
  dir: string;
  /** `gh issue list --state all --json number,title,body,labels,createdAt,closedAt,state,url` output. */
  issuesFile?: string;
  /** Compute and report everything, write nothing. */
  dryRun?: boolean;
  /** Replace user files that exist with other content. */
  force?: boolean;
  /** The current instant (default: the clock): today's samples stay raw, and nothing holds past it. */
  now?: number;
}

export { ImportError } from './errors.ts';

export type FileAction = 'create' | 'overwrite' | 'unchanged' | 'kept';

export interface UpptimeImportResult {
  counts: ImportCounts;
  skipped: Skip[];
  /** Facts worth telling that are not losses (slug resolution, Upptime's own figures, coverage). */
  notes: string[];
  /** Configuration and incident files, relative to the status repo. */
  files: { file: string; action: FileAction }[];
  /** Day files written (or that would be), relative to the status repo. */
  dayFiles: string[];
  /** Rollup files written (or that would be): the whole days of imported history, relative to the status repo. */
  rollupFiles: string[];
  /** Environment variables the imported checks need. */
  secrets: string[];
  dryRun: boolean;
}

/** One imported sample before it becomes part of a run record. */
export interface ImportedSample {
  id: string;
  kind: 'http' | 'tcp';
  at: number;
  status: UpptimeStatus;
  code: number | null;
  ms: number | null;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function readRc(source: string): Promise<{ file: string; value: unknown }> {
  for (const name of RC_FILES) {
    const text = await readText(path.join(source, name));
    if (text === null) continue;
    const doc = parseDocument(text, { prettyErrors: false });
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0];
      throw new ImportError(`${path.join(source, name)}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`);
    }
    return { file: name, value: doc.toJS() };
  }
  throw new ImportError(`no .upptimerc.yml in ${source}: expected the folder of an Upptime repository`);
}

/**
 * The slug Upptime used for a site: an explicit slug as written; else the slug
 * `history/summary.json` lists for the site's name or URL; else the computed slug, unless no
 * history file has it and exactly one history file has the site's URL.
 */
function slugResolver(summary: { name: string | null; slug: string; url: string | null }[] | null, history: Map<string, HistoryFile>, notes: string[]) {
  return (site: { name: string; url: string; explicit: boolean }, computed: string): string => {
    if (site.explicit) return computed;
    const fromSummary = summary?.find((e) => e.name === site.name) ?? summary?.find((e) => e.url === site.url);
    if (fromSummary && fromSummary.slug !== computed) {
      notes.push(`site "${site.name}": history/summary.json gives the slug "${fromSummary.slug}" (computed: "${computed}"); using it`);
      return fromSummary.slug;
    }
    if (fromSummary || history.size === 0 || history.has(computed)) return computed;
    const byUrl = [...history.values()].filter((h) => h.url === site.url);
    if (byUrl.length === 1) {
      const slug = (byUrl[0] as HistoryFile).slug;
      notes.push(`site "${site.name}": no history/${computed}.yml; history/${slug}.yml has its URL, using it`);
      return slug;
    }
    return computed;
  };
}

function checksYaml(converted: ConvertedConfig, rcFile: string): string {
  const head = [
    `# Imported from Upptime's ${rcFile} by \`cairn import upptime\`. Edit freely: a later import`,
    '# refuses to overwrite this file unless run with --force.',
    '# yaml-language-server: $schema=../cairn.schema.json',
  ];
  if (converted.secrets.length) head.push(`# Secrets (set them in the environment / Actions secrets): ${converted.secrets.join(', ')}`);
  return `${head.join('\n')}\n${stringify({ checks: converted.checks }, { lineWidth: 0 })}`;
}

function settingsYaml(converted: ConvertedConfig): string {
  const doc: Record<string, unknown> = { site: converted.site };
  if (converted.interval) doc['defaults'] = { interval: converted.interval };
  return `# Imported from Upptime by \`cairn import upptime\`.\n# yaml-language-server: $schema=./cairn.schema.json\n${stringify(doc, { lineWidth: 0 })}`;
}

/**
 * Runs the real loaders on the configuration and the imported incidents as they will be after
 * the import, in a scratch folder; throws `ConfigErrors` (exit 2, nothing written) if they fail.
 */
async function validateResult(dir: string, planned: Map<string, string>): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'cairn-import-'));
  try {
    await mkdir(path.join(scratch, 'checks'));
    await mkdir(path.join(scratch, 'incidents'));
    for (const name of SETTINGS_FILES) {
      if ((await readText(path.join(dir, name))) !== null) await copyFile(path.join(dir, name), path.join(scratch, name));
    }
    let existing: string[] = [];
    try {
      existing = await readdir(path.join(dir, 'checks'));
    } catch {
      // No checks folder yet.
    }
    for (const name of existing) {
      if (/\.ya?ml$/.test(name)) await copyFile(path.join(dir, 'checks', name), path.join(scratch, 'checks', name));
    }
    for (const [file, content] of planned) {
      await writeFile(path.join(scratch, file), content);
    }
    const config = await loadConfig(scratch, { missingEnv: 'keep', env: {} });
    // The imported incidents only (the repo's own ones are not this import's business).
    const { errors } = await loadIncidents(config);
    if (errors.length) throw new ConfigErrors(errors);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** An imported sample as the store reads samples back (the rollups are computed from these). */
function toStoreSample(s: ImportedSample): Sample {
  return { id: s.id, status: s.status, at: s.at, responseTimeMs: s.ms, error: errorText(s), statusCode: s.code };
}

function errorText(s: ImportedSample): string | null {
  if (s.status === 'up') return null;
  if (s.status === 'degraded') return s.ms !== null ? `degraded performance (${s.ms} ms, imported from Upptime)` : 'degraded performance (imported from Upptime)';
  if (s.code) return `HTTP ${s.code} (imported from Upptime)`;
  return 'no response (imported from Upptime)';
}

/** Samples from Upptime's git log; commits that are not status changes of a known site are skipped. */
function samplesFromCommits(
  commits: Awaited<ReturnType<typeof readHistoryLog>> & object,
  sites: readonly SiteMapping[],
  kinds: ReadonlyMap<string, 'http' | 'tcp'>,
  format: ConvertedConfig['commits'],
  skipped: Skip[],
): ImportedSample[] {
  const byName = new Map(sites.map((s) => [s.name, s]));
  const byNameLower = new Map(sites.map((s) => [s.name.toLowerCase(), s]));
  const bySlug = new Map(sites.map((s) => [s.slug, s]));
  const removed = new Map<string, number>();
  const samples: ImportedSample[] = [];
  for (const commit of commits.commits) {
    const slugs = commit.files.map(slugOfHistoryFile).filter((s): s is string => s !== null);
    if (slugs.length === 0) continue; // summary.json, README updates: not status changes.
    const parsed = parseSubject(commit.subject, format);
    let site: SiteMapping | undefined;
    if (parsed?.name) site = byName.get(parsed.name) ?? byNameLower.get(parsed.name.toLowerCase());
    if (!site && slugs.length === 1) site = bySlug.get(slugs[0] as string);
    if (!parsed) {
      skipped.push({ category: 'commit', message: `commit ${commit.sha.slice(0, 7)} "${commit.subject}": not an Upptime status message` });
      continue;
    }
    if (!site) {
      const key = slugs.length === 1 ? (slugs[0] as string) : (parsed.name ?? commit.sha.slice(0, 7));
      removed.set(key, (removed.get(key) ?? 0) + 1);
      continue;
    }
    if (!site.imported) continue; // The site itself is reported as skipped.
    const ms = parsed.ms === null || (parsed.status === 'down' && parsed.ms === 0) ? null : parsed.ms;
    const kind = kinds.get(site.id) ?? 'http';
    // Upptime writes 200 for a tcp-ping that connected: not an HTTP status, so not kept.
    samples.push({ id: site.id, kind, at: commit.at, status: parsed.status, code: kind === 'http' ? parsed.code || null : null, ms });
  }
  for (const [key, count] of removed) {
    skipped.push({ category: 'commit', message: `${count} commit${count === 1 ? '' : 's'} of "${key}", which is not a site of .upptimerc.yml`, count });
  }
  return samples;
}

/** Groups samples into run records: one Upptime workflow run checks the sites one after the other. */
export function groupRuns(samples: readonly ImportedSample[], windowMs = 60_000): RunRecord[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  const records: RunRecord[] = [];
  let group: ImportedSample[] = [];
  const flush = () => {
    if (!group.length) return;
    const start = (group[0] as ImportedSample).at;
    const results: CheckResult[] = group.map((s) => ({
      id: s.id,
      kind: s.kind,
      status: s.status,
      responseTimeMs: s.ms,
      error: errorText(s),
      checkedAt: new Date(s.at).toISOString(),
      attempts: 1,
      ...(s.code ? { statusCode: s.code } : {}),
    }));
    records.push(toRunRecord(new Date(start), results));
    group = [];
  };
  for (const s of sorted) {
    const first = group[0];
    if (first && (s.at - (group[group.length - 1] as ImportedSample).at > windowMs || utcDay(s.at) !== utcDay(first.at) || group.some((g) => g.id === s.id))) flush();
    group.push(s);
  }
  flush();
  return records;
}

/** The (id, time) pairs a day file already holds. */
async function existingKeys(file: string): Promise<{ text: string | null; keys: Set<string> }> {
  const text = await readText(file);
  const keys = new Set<string>();
  const parse = runLinesOf(text ?? '');
  for (const line of (text ?? '').split('\n')) {
    if (!line.trim()) continue;
    const rec = parse(line);
    if (typeof rec === 'string') continue;
    for (const r of rec.r) keys.add(`${r.id}\n${Date.parse(r.t)}`);
  }
  return { text, keys };
}

export async function importUpptime(opts: UpptimeImportOptions): Promise<UpptimeImportResult> {
  const source = path.resolve(opts.source);
  const dir = path.resolve(opts.dir);
  const dryRun = opts.dryRun === true;
  const notes: string[] = [];

  // 1. Read everything first.
  const rc = await readRc(source);
  const [historyFiles, summary, log] = await Promise.all([readHistoryFiles(source), readSummary(source), readHistoryLog(source)]);
  const converted = convertConfig(rc.value, slugResolver(summary, historyFiles, notes));
  const skipped = [...converted.skipped];
  if (converted.checks.length === 0) throw new ImportError(`${path.join(source, rc.file)}: no site could be imported (${converted.skipped.filter((s) => s.category === 'site').map((s) => s.message).join('; ') || 'no sites'})`);

  let incidents: IncidentFile[] = [];
  if (opts.issuesFile) {
    const text = await readText(path.resolve(opts.issuesFile));
    if (text === null) throw new ImportError(`${opts.issuesFile}: no such file`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ImportError(`${opts.issuesFile}: invalid JSON: ${(err as Error).message}`);
    }
    const out = convertIssues(value, converted.sites);
    incidents = out.incidents;
    skipped.push(...out.skipped);
  }

  // 2. Plan the user files; refuse before writing anything.
  const planned = new Map<string, string>([[CHECKS_FILE, checksYaml(converted, rc.file)]]);
  const files: { file: string; action: FileAction }[] = [];
  const settings = await Promise.all(SETTINGS_FILES.map((f) => readText(path.join(dir, f))));
  const settingsIndex = settings.findIndex((t) => t !== null);
  if (settingsIndex === -1) planned.set('cairn.yaml', settingsYaml(converted));
  else files.push({ file: SETTINGS_FILES[settingsIndex] as string, action: 'kept' });
  for (const inc of incidents) planned.set(inc.file, inc.content);
  const refused: string[] = [];
  for (const [file, content] of planned) {
    const existing = await readText(path.join(dir, file));
    const action: FileAction = existing === null ? 'create' : existing === content ? 'unchanged' : 'overwrite';
    if (action === 'overwrite' && !opts.force) refused.push(file);
    files.push({ file, action });
  }
  if (refused.length) {
    throw new ImportError(
      `refusing to overwrite ${refused.map((f) => path.join(dir, f)).join(', ')}: ${refused.length === 1 ? 'it exists' : 'they exist'} with other content; nothing was written (pass --force to replace ${refused.length === 1 ? 'it' : 'them'})`,
    );
  }
  await validateResult(dir, planned);

  // 3. Samples: the git log, else the current status files.
  const kinds = new Map(converted.checks.map((c) => [c['id'] as string, c['kind'] as 'http' | 'tcp']));
  let samples: ImportedSample[] = [];
  if (log === null) {
    notes.push(`${source} is not a git repository: only the current status of each site (history/<slug>.yml) is imported`);
  } else {
    if (log.shallow) notes.push(`${source} is a shallow clone: only the history it holds is imported (run \`git fetch --unshallow\` there for all of it)`);
    samples = samplesFromCommits(log, converted.sites, kinds, converted.commits, skipped);
  }
  for (const site of converted.sites) {
    if (!site.imported || samples.some((s) => s.id === site.id)) continue;
    const h = historyFiles.get(site.slug);
    if (h?.status && h.lastUpdated !== null) {
      const kind = kinds.get(site.id) ?? 'http';
      const ms = h.status === 'down' && !h.responseTime ? null : h.responseTime;
      samples.push({ id: site.id, kind, at: h.lastUpdated, status: h.status, code: kind === 'http' ? h.code || null : null, ms });
    } else {
      notes.push(`site "${site.name}": no history found (history/${site.slug}.yml, git log)`);
    }
  }
  // The same check at the same instant once only (two commits within one second).
  const seen = new Set<string>();
  samples = samples.filter((s) => {
    const key = `${s.id}\n${s.at}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  // 4. Whole days before today (and before the store's own raw days) become daily rollups in
  //    which each status holds until the site's next sample, as Upptime meant it
  //    (upptime-store.ts); the rest are raw samples.
  const now = opts.now ?? Date.now();
  const lastAlive = log === null || log.commits.length === 0 ? null : Math.min(now, Math.max(...log.commits.map((c) => c.at)));
  const boundary = await storeBoundary(dir, now);
  const limit = dayStart(boundary.rawFromDay);
  const held = lastAlive === null ? [] : samples.filter((s) => s.at < limit);
  const rollups = lastAlive === null ? { lines: [], samples: 0, duplicates: 0 } : historyRollups(held.map(toStoreSample), lastAlive, boundary);
  const rawSamples = lastAlive === null ? samples : samples.filter((s) => s.at >= limit);

  // One write per day file: what it holds, plus the new runs, minus what it already had.
  const byDay = new Map<string, RunRecord[]>();
  for (const rec of groupRuns(rawSamples)) {
    const day = utcDay(Date.parse(rec.t));
    byDay.set(day, [...(byDay.get(day) ?? []), rec]);
  }
  let written = rollups.samples;
  let duplicates = rollups.duplicates;
  const days = new Set<string>(rollups.lines.map((l) => l.d));
  const dayWrites: { file: string; content: string }[] = [];
  for (const [day, records] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = dayFile(dir, day);
    const { text, keys } = await existingKeys(file);
    const lines: string[] = [];
    for (const rec of records) {
      const fresh = rec.r.filter((r) => !keys.has(`${r.id}\n${Date.parse(r.t)}`));
      duplicates += rec.r.length - fresh.length;
      if (!fresh.length) continue;
      written += fresh.length;
      lines.push(JSON.stringify({ ...rec, r: fresh }));
    }
    if (!lines.length) continue;
    days.add(day);
    let prefix = text ?? '';
    if (prefix !== '' && !prefix.endsWith('\n')) prefix += '\n';
    dayWrites.push({ file, content: `${prefix}${lines.join('\n')}\n` });
  }

  // 5. Upptime's own figures, for comparison (summary only, never turned into samples).
  for (const site of converted.sites.filter((s) => s.imported)) {
    const entry = summary?.find((e) => e.slug === site.slug);
    const badges = await readApiBadges(source, site.slug);
    const uptime = entry?.uptime ?? badges.uptime;
    const time = entry?.time != null ? `${entry.time} ms` : badges.responseTime;
    if (uptime || time) notes.push(`site "${site.name}": Upptime reported${uptime ? ` uptime ${uptime}` : ''}${uptime && time ? ',' : ''}${time ? ` response time ${time}` : ''}`);
  }
  if (rollups.lines.length > 0 && lastAlive !== null) {
    notes.push(
      `Upptime committed a status when it changed (and about once a day): each imported status holds until the site's next one, as Upptime counted it, the last until Upptime's newest commit (${new Date(lastAlive).toISOString()}); those whole days are stored as daily rollups in data/rollups/`,
    );
  }
  if (rawSamples.length > 0 && written > rollups.samples) {
    notes.push(
      lastAlive === null
        ? 'without the git history, each imported status is a sample like Cairn\'s own: it holds for at most the max gap'
        : `samples from ${boundary.rawFromDay} on (${boundary.rawFromDay === utcDay(now) ? 'today' : 'where the store already has raw days'}) are stored as raw samples, like Cairn's own: each holds for at most the max gap`,
    );
  }
  if (converted.secrets.length) notes.push(`the imported checks need these environment variables (Actions secrets): ${converted.secrets.join(', ')}`);

  // 6. Write: configuration, incidents, then the samples (a re-run after a failure completes the import).
  if (!dryRun) {
    for (const [file, content] of planned) {
      const action = files.find((f) => f.file === file)?.action;
      if (action === 'unchanged') continue;
      await writeFileAtomic(path.join(dir, file), content);
    }
    for (const w of dayWrites) await writeFileAtomic(w.file, w.content);
    await appendRollups(dir, rollups.lines);
  }

  return {
    counts: { checks: converted.checks.length, samples: written, duplicates, days: days.size, incidents: incidents.length },
    skipped,
    notes,
    files,
    dayFiles: dayWrites.map((w) => path.relative(dir, w.file)),
    rollupFiles: [...new Set(rollups.lines.map((l) => path.relative(dir, rollupFile(dir, l.d.slice(0, 7)))))],
    secrets: converted.secrets,
    dryRun,
  };
}
