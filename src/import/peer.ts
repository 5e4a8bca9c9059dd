/**
 * What the Statuspage, Gatus and Uptime Kuma importers share: stable ids from hostile names,
 * secrets turned into `${ENV}` references, the report of what could not be carried over, and
 * applying a plan to a status repo.
 *
 * A plan is what an importer computed from the peer's data, before anything is written:
 * - `checks/<peer>.yaml` (groups, checks, maintenance windows): written whole; an existing file
 *   with other content stops the import (exit 2, nothing written) unless `force`.
 * - incident files: the same rule.
 * - the settings file: created with `site` and `notifications` when the repo has none; an
 *   existing one is only ever added to (missing channels, missing routes, through the YAML
 *   document so comments and layout survive), never changed: a channel of the same name with
 *   other settings is kept as it is and reported.
 * Everything is validated with the real loaders in a scratch copy first. Files with identical
 * content are left alone, so a second run writes nothing.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isMap, parseDocument, stringify } from 'yaml';
import { ConfigErrors } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { loadIncidents } from '../incidents/store.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { ImportError } from './errors.ts';
import { slugify } from './upptime-slug.ts';

export { ImportError } from './errors.ts';

/** Something that could not be carried over. `what` is its noun (singular), for the tally. */
export interface PeerSkip {
  what: string;
  message: string;
  /** How many items the message stands for (default 1). */
  count?: number;
}

export type PeerFileAction = 'create' | 'overwrite' | 'update' | 'unchanged' | 'kept';

/** A notification channel as written in cairn.yaml (`notifications.channels.<id>`). */
export type ChannelConfig = Record<string, unknown> & { type: string };
export interface RouteConfig {
  components?: string[];
  channels: string[];
}

export interface PeerPlan {
  /** "Gatus", "Statuspage", "Uptime Kuma". */
  peer: string;
  /** Relative path of the checks file, e.g. `checks/gatus.yaml`. */
  checksFile: string;
  /** Comment lines at the top of the checks file (without "# "). */
  checksHeader: string[];
  groups: Record<string, unknown>[];
  checks: Record<string, unknown>[];
  maintenance: Record<string, unknown>[];
  /** `site` of a settings file written when the repo has none. */
  site: Record<string, unknown> | null;
  channels: Record<string, ChannelConfig>;
  routes: RouteConfig[];
  incidents: { file: string; content: string }[];
  /** What was imported, in order: [singular, plural, count]. */
  counts: [string, string, number][];
  skipped: PeerSkip[];
  notes: string[];
  /** Environment variables the imported configuration needs. */
  secrets: string[];
  /** Those of them that hold a whole URL. */
  urlSecrets: string[];
}

export interface PeerImportOptions {
  /** The Cairn status repo to write into. */
  dir: string;
  /** Compute and report everything, write nothing. */
  dryRun?: boolean;
  /** Replace the checks file and incident files when they exist with other content. */
  force?: boolean;
}

export interface PeerImportResult {
  peer: string;
  counts: [string, string, number][];
  skipped: PeerSkip[];
  notes: string[];
  /** Files relative to the status repo, with what was (or would be) done. */
  files: { file: string; action: PeerFileAction; content: string | null }[];
  secrets: string[];
  dryRun: boolean;
}

const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Hands out valid, unique Cairn ids for names of any kind (emoji, quotes, markup, other scripts). */
export class IdAllocator {
  private readonly used = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const id of reserved) this.used.add(id);
  }

  /** An id for `name` (falling back to `fallback`), unique among those handed out. */
  take(name: string, fallback: string): string {
    // Lowercased first: "GraphQL" is graphql, not graph-ql.
    let base = slugify(name.toLowerCase()).slice(0, 56).replace(/-+$/, '');
    if (!ID_RE.test(base)) base = slugify(fallback.toLowerCase()).slice(0, 56).replace(/-+$/, '');
    if (!ID_RE.test(base)) base = 'item';
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.used.has(id);
  }
}

/** An environment variable name from parts: `envName('ops-slack', 'webhook url')` → OPS_SLACK_WEBHOOK_URL. */
export function envName(...parts: string[]): string {
  const name = parts
    .map((p) => p.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '_'))
    .join('_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
  return /^[A-Z_]/.test(name) ? name : `X_${name}`;
}

const ENV_ONLY_RE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Collects the secrets of an import: a value is never copied, only referenced. A value that is
 * already one `${NAME}` (Gatus expands them too) keeps its name.
 */
export class Secrets {
  readonly names: string[] = [];
  /** The variables that hold a whole URL (a webhook): validation needs a URL in them. */
  readonly urls: string[] = [];
  /** `${NAME}` for a secret value; `name` is used unless the value already names a variable. */
  ref(value: unknown, name: string, kind: 'url' | 'text' = 'text'): string {
    const m = typeof value === 'string' ? ENV_ONLY_RE.exec(value.trim()) : null;
    const chosen = m ? (m[1] as string) : name;
    if (!this.names.includes(chosen)) this.names.push(chosen);
    if (kind === 'url' && !this.urls.includes(chosen)) this.urls.push(chosen);
    return `\${${chosen}}`;
  }

  /** Any `${NAME}` already inside a kept value (Gatus and Kuma configurations may hold them). */
  note(value: string): string {
    for (const m of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) if (!this.names.includes(m[1] as string)) this.names.push(m[1] as string);
    return value;
  }
}

/** Header names whose values are credentials: copied as `${ENV}` references, never as values. */
export function isSecretHeader(name: string): boolean {
  return /^(authorization|proxy-authorization|cookie)$/i.test(name) || /(token|secret|key|pass|auth|session|signature)/i.test(name);
}

/** Replaces the password of a URL by a `${ENV}` reference (the user name too: often a token). */
export function urlWithoutCredentials(url: string, secrets: Secrets, prefix: string): { url: string; replaced: boolean } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, replaced: false };
  }
  if (!u.username && !u.password) return { url, replaced: false };
  const rest = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
  const user = u.username ? secrets.ref(decodeURIComponent(u.username), envName(prefix, 'user')) : '';
  const pass = u.password ? secrets.ref(decodeURIComponent(u.password), envName(prefix, 'password')) : '';
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rest)?.[0] ?? '';
  return { url: `${scheme}${user}${pass ? `:${pass}` : ''}@${rest.slice(scheme.length)}`, replaced: true };
}

/** Go-style durations (`1h30m`, `500ms`, `90s`) and Cairn's: milliseconds, or null. */
export function parseGoDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d))+$/.test(text)) return null;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) ms += Number(m[1]) * (unit[m[2] as string] as number);
  return Math.round(ms);
}

/**
 * The ids the repo already uses outside the importer's own checks file (checks, components,
 * groups, maintenance windows): an import next to another one must not reuse them. The
 * importer's own file is left out, so importing again gives the same ids.
 */
export async function reservedIds(dir: string, ownFile: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const files = [...SETTINGS_FILES];
  let names: string[] = [];
  try {
    names = await readdir(path.join(dir, 'checks'));
  } catch {
    // No checks folder yet.
  }
  const paths = [...files, ...names.filter((n) => /\.ya?ml$/.test(n)).map((n) => `checks/${n}`)].filter((f) => f !== ownFile);
  for (const file of paths) {
    const text = await readText(path.join(dir, file));
    if (text === null) continue;
    const doc = parseDocument(text);
    if (doc.errors.length) continue;
    const value = (doc.toJS() ?? {}) as Record<string, unknown>;
    const list = (key: string) => (Array.isArray(value[key]) ? (value[key] as Record<string, unknown>[]) : []);
    for (const c of list('checks')) for (const k of ['id', 'component']) if (typeof c?.[k] === 'string') ids.add(c[k] as string);
    for (const g of list('groups')) {
      if (typeof g?.['id'] === 'string') ids.add(g['id']);
      for (const c of Array.isArray(g?.['components']) ? (g['components'] as unknown[]) : []) {
        const id = typeof c === 'string' ? c : (c as Record<string, unknown> | null)?.['id'];
        if (typeof id === 'string') ids.add(id);
      }
    }
    for (const m of list('maintenance')) if (typeof m?.['id'] === 'string') ids.add(m['id']);
  }
  return ids;
}

/** The tally of a list of skips, in order of first appearance. */
function tally(skipped: readonly PeerSkip[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.what, (counts.get(s.what) ?? 0) + (s.count ?? 1));
  return [...counts];
}

function plural(count: number, one: string, many?: string): string {
  const regular = /(s|x|ch|sh)$/.test(one) ? `${one}es` : /[^aeiou]y$/.test(one) ? `${one.slice(0, -1)}ies` : `${one}s`;
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : (many ?? regular)}`;
}

/** "Imported 5 checks, 2 groups from Gatus; skipped: 2 conditions, 1 endpoint". */
export function peerSummaryLine(result: Pick<PeerImportResult, 'peer' | 'counts' | 'skipped' | 'dryRun' | 'files'>): string {
  const parts = result.counts.map(([one, many, n]) => plural(n, one, many));
  const skipped = tally(result.skipped).map(([what, n]) => plural(n, what));
  const same = result.files.every((f) => f.action === 'unchanged' || f.action === 'kept') ? ' (already in place: nothing to write)' : '';
  return `${result.dryRun ? 'Dry run: would import' : 'Imported'} ${parts.join(', ')} from ${result.peer}${same}; not carried over: ${skipped.length ? skipped.join(', ') : 'nothing'}`;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const SETTINGS_FILES = ['cairn.yaml', 'cairn.yml'] as const;

function checksYaml(plan: PeerPlan): string {
  const head = [...plan.checksHeader, 'yaml-language-server: $schema=../cairn.schema.json'];
  if (plan.secrets.length) head.push(`Secrets (set them in the environment / Actions secrets): ${plan.secrets.join(', ')}`);
  const doc: Record<string, unknown> = {};
  if (plan.groups.length) doc['groups'] = plan.groups;
  if (plan.checks.length) doc['checks'] = plan.checks;
  if (plan.maintenance.length) doc['maintenance'] = plan.maintenance;
  return `${head.map((l) => `# ${l}`).join('\n')}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

function notificationsSection(channels: Record<string, ChannelConfig>, routes: readonly RouteConfig[]): Record<string, unknown> {
  return { channels, ...(routes.length ? { routes } : {}) };
}

/**
 * The settings file after the import: created when there is none; otherwise only the missing
 * channels and routes are added. Returns the new text (null: nothing to write) and what was kept.
 */
function mergeSettings(
  plan: PeerPlan,
  existing: { file: string; text: string } | null,
): { file: string; content: string | null; action: PeerFileAction; skipped: PeerSkip[]; notes: string[] } {
  const hasChannels = Object.keys(plan.channels).length > 0;
  if (!existing) {
    if (!plan.site && !hasChannels) return { file: 'cairn.yaml', content: null, action: 'unchanged', skipped: [], notes: [] };
    const doc: Record<string, unknown> = {};
    if (plan.site) doc['site'] = plan.site;
    if (hasChannels) doc['notifications'] = notificationsSection(plan.channels, plan.routes);
    const text = `# Imported from ${plan.peer} by \`cairn import\`.\n# yaml-language-server: $schema=./cairn.schema.json\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
    return { file: 'cairn.yaml', content: text, action: 'create', skipped: [], notes: [] };
  }
  const notes: string[] = [];
  const skipped: PeerSkip[] = [];
  const doc = parseDocument(existing.text);
  if (doc.errors.length) throw new ImportError(`${existing.file}: invalid YAML (${doc.errors[0]?.message.split('\n')[0]}); fix it before importing`);
  const current = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (plan.site && !isDeepStrictEqual(current['site'], plan.site)) notes.push(`${existing.file} exists: its site settings are kept (${plan.peer} had: ${JSON.stringify(plan.site)})`);
  if (!hasChannels) return { file: existing.file, content: null, action: 'kept', skipped, notes };
  const notifications = current['notifications'] as { channels?: Record<string, unknown>; routes?: unknown[] } | undefined;
  if (!notifications || typeof notifications !== 'object') {
    doc.set('notifications', doc.createNode(notificationsSection(plan.channels, plan.routes), { aliasDuplicateObjects: false }));
  } else {
    const conflicted = new Set<string>();
    for (const [id, channel] of Object.entries(plan.channels)) {
      const mine = notifications.channels?.[id];
      if (mine === undefined) doc.setIn(['notifications', 'channels', id], doc.createNode(channel, { aliasDuplicateObjects: false }));
      else if (!isDeepStrictEqual(mine, channel)) {
        conflicted.add(id);
        skipped.push({ what: 'channel', message: `channel "${id}": ${existing.file} already has a channel of that name with other settings; yours is kept, ${plan.peer}'s not added` });
      }
    }
    const have = Array.isArray(notifications.routes) ? notifications.routes : [];
    const fresh = plan.routes.filter((r) => !r.channels.some((c) => conflicted.has(c)) && !have.some((h) => isDeepStrictEqual(h, r)));
    if (fresh.length) {
      if (!Array.isArray(notifications.routes)) doc.setIn(['notifications', 'routes'], doc.createNode([]));
      for (const r of fresh) doc.addIn(['notifications', 'routes'], doc.createNode(r, { aliasDuplicateObjects: false }));
      if (!Array.isArray(notifications.routes) && have.length === 0) {
        notes.push(`${existing.file} had no routes (every channel took every event); it now has ${plan.peer}'s routes, which send only the events they match`);
      }
    }
  }
  if (!isMap(doc.contents)) throw new ImportError(`${existing.file}: expected a mapping at the top level`);
  const text = doc.toString({ lineWidth: 0 });
  return text === existing.text
    ? { file: existing.file, content: null, action: 'unchanged', skipped, notes }
    : { file: existing.file, content: text, action: 'update', skipped, notes };
}

/** Runs the real loaders on the repo as it will be after the import, in a scratch folder. */
async function validateResult(dir: string, planned: ReadonlyMap<string, string>, env: Record<string, string>): Promise<void> {
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
    for (const [file, content] of planned) await writeFile(path.join(scratch, file), content);
    // The repo's own secrets are not set here either: the value from the environment when it is
    // set, else a URL (what most secrets of a status repo are: webhooks).
    const own: Record<string, string> = {};
    for (const name of [...SETTINGS_FILES.map((f) => f as string), ...existing.map((f) => path.join('checks', f))]) {
      const text = await readText(path.join(scratch, name));
      for (const m of (text ?? '').matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
        const v = m[1] as string;
        if (!(v in env)) own[v] = process.env[v] ?? 'https://example.invalid/';
      }
    }
    const config = await loadConfig(scratch, { missingEnv: 'keep', env: { ...own, ...env } });
    const { errors } = await loadIncidents(config);
    if (errors.length) throw new ConfigErrors(errors);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Validates a plan against the status repo, then writes it (unless a dry run). */
export async function applyPlan(plan: PeerPlan, opts: PeerImportOptions): Promise<PeerImportResult> {
  const dir = path.resolve(opts.dir);
  const dryRun = opts.dryRun === true;
  const skipped = [...plan.skipped];
  const notes = [...plan.notes];
  const files: PeerImportResult['files'] = [];
  const planned = new Map<string, string>();

  const owned = new Map<string, string>();
  if (plan.groups.length || plan.checks.length || plan.maintenance.length) owned.set(plan.checksFile, checksYaml(plan));
  for (const inc of plan.incidents) owned.set(inc.file, inc.content);
  const refused: string[] = [];
  for (const [file, content] of owned) {
    const existing = await readText(path.join(dir, file));
    const action: PeerFileAction = existing === null ? 'create' : existing === content ? 'unchanged' : 'overwrite';
    if (action === 'overwrite' && !opts.force) refused.push(file);
    files.push({ file, action, content: action === 'unchanged' ? null : content });
    if (action !== 'unchanged') planned.set(file, content);
  }
  if (refused.length) {
    throw new ImportError(
      `refusing to overwrite ${refused.map((f) => path.join(dir, f)).join(', ')}: ${refused.length === 1 ? 'it exists' : 'they exist'} with other content; nothing was written (pass --force to replace ${refused.length === 1 ? 'it' : 'them'})`,
    );
  }

  const texts = await Promise.all(SETTINGS_FILES.map((f) => readText(path.join(dir, f))));
  const index = texts.findIndex((t) => t !== null);
  const settings = mergeSettings(plan, index === -1 ? null : { file: SETTINGS_FILES[index] as string, text: texts[index] as string });
  skipped.push(...settings.skipped);
  notes.push(...settings.notes);
  if (settings.content !== null) {
    planned.set(settings.file, settings.content);
    files.unshift({ file: settings.file, action: settings.action, content: settings.content });
  } else if (index !== -1) {
    files.unshift({ file: settings.file, action: settings.action, content: null });
  }

  // The secrets are not here: validate with stand-ins of the right shape (a URL where a whole URL goes).
  const env = Object.fromEntries(plan.secrets.map((n) => [n, plan.urlSecrets.includes(n) ? 'https://example.invalid/' : 'placeholder']));
  await validateResult(dir, new Map([...owned, ...planned]), env);
  if (plan.secrets.length) notes.push(`the imported configuration needs these environment variables (Actions secrets): ${plan.secrets.join(', ')}`);

  if (!dryRun) {
    for (const [file, content] of planned) await writeFileAtomic(path.join(dir, file), content);
  }
  return { peer: plan.peer, counts: plan.counts, skipped, notes, files, secrets: plan.secrets, dryRun };
}
