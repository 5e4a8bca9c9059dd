/**
 * Several pages from one repository: `site:` is the default page, `pages:` lists more, each with
 * its own title, address, locale, components and output folder, all built from the same data
 * (src/model/page.ts makes each one's view of the one status model).
 *
 * Checked here, with file and line: unknown component or group ids, repeated page ids, two pages
 * writing one folder, and a page folder inside another page's where that page writes its own files.
 */
import path from 'node:path';
import type { Problems } from './problems.ts';
import type { ValidFile } from './resolve.ts';
import type { CairnFileConfig } from './schema.ts';
import type { ResolvedComponent, ResolvedGroup, SiteSettings, SourceLocation } from './types.ts';
import { formatPath, type PathKey } from './yaml-source.ts';

export interface PageSettings {
  /** `default` for the page `site:` describes; the `pages:` entry's id otherwise. */
  id: string;
  /** The page `site:` describes (built into dist, or `--out`). */
  main: boolean;
  /** What the page's outputs read as `model.site`; the time zone is always `site.timeZone` (the figures are computed once). */
  site: SiteSettings;
  /** The components the page shows, in page order; null: every component. */
  components: string[] | null;
  /** Output folder relative to the status repo, posix slashes, normalized (`dist`, `dist-internal`, `dist/internal`). */
  out: string;
  /** Where the page is declared (null for a `site:` that is not written). */
  source: SourceLocation | null;
}

export const DEFAULT_PAGE_ID = 'default';
export const DEFAULT_OUT = 'dist';

/**
 * Top-level names a built site writes (pages, API, feeds, badges, client assets) or may write.
 * A page id is its path under `cairn serve`, and a page folder inside another page's must not
 * take one of these names.
 */
export const SITE_NAMES = new Set([
  DEFAULT_PAGE_ID,
  'api',
  'assets',
  'badges',
  'components',
  'incidents',
  'maintenance',
  'uptime',
  'reports',
  'feed.atom',
  'feed.rss',
  'feed.json',
  'feeds',
  'maintenance.ics',
  'index.html',
  'favicon.svg',
  'subscribe',
  'widget',
  'embed',
]);

/** Folders of the status repo itself: no page is built into them. */
const REPO_FOLDERS = new Set(['data', 'checks', 'incidents', 'reports', 'docs', 'src', 'scripts', 'node_modules', '.git', '.github']);

type SelectionConfig = { components?: string[] | undefined; groups?: string[] | undefined };

/** The components a page shows, in page order; null when it names none (every component). */
function selection(
  own: SelectionConfig,
  at: PathKey[],
  file: ValidFile,
  groups: readonly ResolvedGroup[],
  components: readonly ResolvedComponent[],
  problems: Problems,
): string[] | null {
  if (!own.components && !own.groups) return null;
  const known = new Set(components.map((c) => c.id));
  const chosen = new Set<string>();
  (own.components ?? []).forEach((id, j) => {
    const p = [...at, 'components', j];
    if (!known.has(id)) problems.error(file.locate(p), formatPath(p), `unknown component "${id}" (known: ${[...known].join(', ') || 'none'})`);
    else if (chosen.has(id)) problems.error(file.locate(p), formatPath(p), `component "${id}" is listed twice`);
    chosen.add(id);
  });
  (own.groups ?? []).forEach((id, j) => {
    const p = [...at, 'groups', j];
    const group = groups.find((g) => g.id === id);
    if (!group) {
      problems.error(file.locate(p), formatPath(p), `unknown group "${id}" (declared: ${groups.map((g) => g.id).join(', ') || 'none'})`);
      return;
    }
    for (const c of group.components) chosen.add(c);
  });
  return components.filter((c) => chosen.has(c.id)).map((c) => c.id);
}

/** `out` as a folder relative to the status repo, or why it cannot be one. */
function normalizeOut(out: string): { out: string } | { error: string } {
  if (path.isAbsolute(out) || path.win32.isAbsolute(out)) return { error: `expected a folder relative to the status repo, found the absolute path "${out}"` };
  const norm = path.posix.normalize(out.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (norm === '.' || norm === '' || norm === '..' || norm.startsWith('../')) return { error: `expected a folder inside the status repo, found "${out}"` };
  const first = norm.split('/')[0] as string;
  if (REPO_FOLDERS.has(first)) return { error: `expected a folder of its own: "${first}/" holds the status repo's ${first === 'reports' ? 'monthly reports' : 'files'}, and a build replaces its folder whole` };
  return { out: norm };
}

/** Where `inner` is inside `outer` (`internal`), or null when it is not. */
export function folderInside(outer: string, inner: string): string | null {
  return inner.startsWith(`${outer}/`) ? inner.slice(outer.length + 1) : null;
}

/** The problem with two page folders, if any: the same folder, or one inside the other where that one writes its own files. */
export function folderConflict(a: { id: string; out: string }, b: { id: string; out: string }): string | null {
  if (a.out === b.out) return `output folder "${b.out}" is also page "${a.id}"'s: each page needs its own`;
  for (const [outer, inner] of [
    [a, b],
    [b, a],
  ] as const) {
    const rel = folderInside(outer.out, inner.out);
    if (rel === null) continue;
    const first = rel.split('/')[0] as string;
    if (SITE_NAMES.has(first)) return `output folder "${inner.out}" is inside page "${outer.id}"'s folder at "${first}", where that page writes its own files; choose another name`;
  }
  return null;
}

/** The base URL a page folder inside another's has when published with it. */
function nestedUrl(outerUrl: string, rel: string): string {
  return `${outerUrl.replace(/\/?$/, '/')}${rel}/`;
}

type PagesConfig = NonNullable<CairnFileConfig['pages']>;

export function resolvePages(
  files: readonly ValidFile[],
  site: SiteSettings,
  groups: readonly ResolvedGroup[],
  components: readonly ResolvedComponent[],
  problems: Problems,
): PageSettings[] {
  const file = files.find((f) => f.role === 'settings');
  if (!file) return [{ id: DEFAULT_PAGE_ID, main: true, site, components: null, out: DEFAULT_OUT, source: null }];
  const ownSite = file.config.site;
  const main: PageSettings = {
    id: DEFAULT_PAGE_ID,
    main: true,
    site,
    components: ownSite ? selection(ownSite, ['site'], file, groups, components, problems) : null,
    out: DEFAULT_OUT,
    source: ownSite ? file.locate(['site']) : null,
  };
  const pages: PageSettings[] = [main];
  const own: PagesConfig = file.config.pages ?? [];
  const outAt = new Map<PageSettings, PathKey[]>([[main, ['site']]]);
  own.forEach((p, i) => {
    const at: PathKey[] = ['pages', i];
    const idAt = [...at, 'id'];
    if (p.id === DEFAULT_PAGE_ID || SITE_NAMES.has(p.id)) {
      problems.error(file.locate(idAt), formatPath(idAt), `expected another id: "${p.id}" is ${p.id === DEFAULT_PAGE_ID ? 'the page `site:` describes' : 'a path the status site uses'} (pages are served at /<id>/)`);
    } else if (pages.some((q) => q.id === p.id)) {
      problems.error(file.locate(idAt), formatPath(idAt), `page id "${p.id}" is used twice`);
      return;
    }
    let out = `${DEFAULT_OUT}-${p.id}`;
    if (p.out !== undefined) {
      const n = normalizeOut(p.out);
      if ('error' in n) problems.error(file.locate([...at, 'out']), formatPath([...at, 'out']), n.error);
      else out = n.out;
    }
    const page: PageSettings = {
      id: p.id,
      main: false,
      site: {
        title: p.title,
        description: p.description ?? null,
        timeZone: site.timeZone,
        baseUrl: p.baseUrl ?? null,
        locale: p.locale ?? site.locale,
      },
      components: selection(p, at, file, groups, components, problems),
      out,
      source: file.locate(at),
    };
    if (p.out !== undefined) outAt.set(page, [...at, 'out']);
    else outAt.set(page, idAt);
    pages.push(page);
  });
  // Folders: one per page; one inside another only where that one writes nothing of its own.
  for (let j = 1; j < pages.length; j++) {
    const b = pages[j] as PageSettings;
    for (let i = 0; i < j; i++) {
      const a = pages[i] as PageSettings;
      const conflict = folderConflict(a, b);
      const p = outAt.get(b) as PathKey[];
      if (conflict) {
        // One error per page: its first clash.
        problems.error(file.locate(p), formatPath(p), conflict);
        break;
      }
      const [outer, inner] = folderInside(a.out, b.out) !== null ? [a, b] : [b, a];
      const rel = folderInside(outer.out, inner.out);
      if (rel !== null && outer.site.baseUrl && inner.site.baseUrl && nestedUrl(outer.site.baseUrl, rel) !== inner.site.baseUrl.replace(/\/?$/, '/')) {
        problems.warn(
          file.locate(p),
          formatPath(p),
          `page "${inner.id}" is built inside page "${outer.id}"'s folder, so it is published at ${nestedUrl(outer.site.baseUrl, rel)} with it, but its baseUrl is ${inner.site.baseUrl}: its links, feeds and API would point elsewhere`,
        );
      }
    }
  }
  return pages;
}

/** The page folders under `mainOut` (the default page's folder, e.g. from `--out`): what building the default page keeps. */
export function nestedFolders(pages: readonly PageSettings[], page: PageSettings): string[] {
  return pages.filter((p) => p !== page && folderInside(page.out, p.out) !== null).map((p) => folderInside(page.out, p.out) as string);
}
