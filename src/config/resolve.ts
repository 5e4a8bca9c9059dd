/**
 * From validated files to the `ResolvedConfig` everything downstream reads: defaults applied,
 * groups and components resolved. Pure: positions come from each file's `locate`.
 */
import type { Problems } from './problems.ts';
import type { CairnFileConfig, CheckConfig, HttpCheckConfig, TcpCheckConfig } from './schema.ts';
import type {
  ResolvedCheck,
  ResolvedComponent,
  ResolvedGroup,
  ResolvedHttpCheck,
  ResolvedTcpCheck,
  RunSettings,
  SiteSettings,
  SourceLocation,
  Thresholds,
} from './types.ts';
import type { FileRole } from './validate.ts';
import { formatPath, type PathKey } from './yaml-source.ts';

/** One file that passed validation. */
export interface ValidFile {
  file: string;
  role: FileRole;
  config: CairnFileConfig;
  /** Where the value at a field path is written in this file. */
  locate(path: readonly PathKey[]): SourceLocation;
}

type DefaultsConfig = NonNullable<CairnFileConfig['defaults']>;
type SiteConfig = NonNullable<CairnFileConfig['site']>;

export const DEFAULT_RUN = {
  intervalMs: 5 * 60_000,
  timeoutMs: 10_000,
  retries: 1,
  concurrency: 20,
  deadlineMs: 5 * 60_000,
  degradedCountsAsUp: true,
} as const;

/** A sample holds for this many schedule intervals unless `defaults.maxGap` says otherwise. */
export const MAX_GAP_INTERVALS = 3;

export const DEFAULT_SITE = { title: 'Status', timeZone: 'UTC', locale: 'en-US' } as const;

/** Redirects followed when `followRedirects` is true or unset. */
export const DEFAULT_MAX_REDIRECTS = 5;

export function resolveSite(site: SiteConfig | undefined): SiteSettings {
  return {
    title: site?.title ?? DEFAULT_SITE.title,
    description: site?.description ?? null,
    timeZone: site?.timeZone ?? DEFAULT_SITE.timeZone,
    baseUrl: site?.baseUrl ?? null,
    locale: site?.locale ?? DEFAULT_SITE.locale,
  };
}

export function resolveRun(defaults: DefaultsConfig | undefined): RunSettings {
  const intervalMs = defaults?.interval ?? DEFAULT_RUN.intervalMs;
  return {
    intervalMs,
    timeoutMs: defaults?.timeout ?? DEFAULT_RUN.timeoutMs,
    retries: defaults?.retries ?? DEFAULT_RUN.retries,
    maxGapMs: defaults?.maxGap ?? MAX_GAP_INTERVALS * intervalMs,
    concurrency: defaults?.concurrency ?? DEFAULT_RUN.concurrency,
    deadlineMs: defaults?.deadline ?? DEFAULT_RUN.deadlineMs,
    degradedCountsAsUp: defaults?.degradedCountsAsUp ?? DEFAULT_RUN.degradedCountsAsUp,
  };
}

function resolveThresholds(own: CheckConfig['thresholds'], defaults: DefaultsConfig | undefined): Thresholds {
  return {
    degradedMs: own?.degraded ?? defaults?.thresholds?.degraded ?? null,
    downMs: own?.down ?? defaults?.thresholds?.down ?? null,
  };
}

export function maxRedirects(followRedirects: HttpCheckConfig['followRedirects']): number {
  if (followRedirects === undefined || followRedirects === true) return DEFAULT_MAX_REDIRECTS;
  if (followRedirects === false) return 0;
  return followRedirects;
}

interface CheckContext {
  run: RunSettings;
  defaults: DefaultsConfig | undefined;
  source: SourceLocation;
}

function resolveCommon(check: CheckConfig, ctx: CheckContext) {
  const intervalMs = check.interval ?? ctx.run.intervalMs;
  return {
    id: check.id,
    name: check.name ?? check.id,
    description: check.description ?? null,
    component: check.component ?? check.id,
    intervalMs,
    timeoutMs: check.timeout ?? ctx.run.timeoutMs,
    retries: check.retries ?? ctx.run.retries,
    maxGapMs: ctx.defaults?.maxGap ?? MAX_GAP_INTERVALS * intervalMs,
    enabled: check.enabled ?? true,
    thresholds: resolveThresholds(check.thresholds, ctx.defaults),
    source: ctx.source,
  };
}

function resolveHttp(check: HttpCheckConfig, ctx: CheckContext): ResolvedHttpCheck {
  return {
    ...resolveCommon(check, ctx),
    kind: 'http',
    url: check.url,
    method: check.method ?? 'GET',
    headers: check.headers ?? {},
    ...(check.body === undefined ? {} : { body: check.body }),
    expectStatus: check.expectStatus ?? ['2xx'],
    maxRedirects: maxRedirects(check.followRedirects),
  };
}

function resolveTcp(check: TcpCheckConfig, ctx: CheckContext): ResolvedTcpCheck {
  return { ...resolveCommon(check, ctx), kind: 'tcp', host: check.host, port: check.port };
}

export function resolveCheck(check: CheckConfig, ctx: CheckContext): ResolvedCheck {
  return check.kind === 'http' ? resolveHttp(check, ctx) : resolveTcp(check, ctx);
}

/**
 * Every check of every file, in file order then position. Ids are unique (`checkCrossFileRules`
 * reports repeats); should one repeat anyway, the first definition wins.
 */
function collectChecks(files: readonly ValidFile[], run: RunSettings, defaults: DefaultsConfig | undefined): ResolvedCheck[] {
  const seen = new Set<string>();
  const checks: ResolvedCheck[] = [];
  for (const file of files) {
    (file.config.checks ?? []).forEach((check, i) => {
      if (seen.has(check.id)) return;
      seen.add(check.id);
      checks.push(resolveCheck(check, { run, defaults, source: file.locate(['checks', i]) }));
    });
  }
  return checks;
}

interface DeclaredComponent {
  id: string;
  name: string | null;
  description: string | null;
  group: string;
  location: SourceLocation;
  path: string;
}

type GroupComponentConfig = NonNullable<CairnFileConfig['groups']>[number]['components'][number];

function declaredComponent(entry: GroupComponentConfig, group: string, location: SourceLocation, path: string): DeclaredComponent {
  if (typeof entry === 'string') return { id: entry, name: null, description: null, group, location, path };
  return { id: entry.id, name: entry.name ?? null, description: entry.description ?? null, group, location, path };
}

/** Groups in file order; as with checks, a repeated group id or component is skipped. */
function collectGroups(files: readonly ValidFile[]): { groups: ResolvedGroup[]; declared: DeclaredComponent[] } {
  const groupIds = new Set<string>();
  const declared = new Map<string, DeclaredComponent>();
  const groups: ResolvedGroup[] = [];
  for (const file of files) {
    (file.config.groups ?? []).forEach((group, gi) => {
      if (groupIds.has(group.id)) return;
      groupIds.add(group.id);
      const resolved: ResolvedGroup = { id: group.id, name: group.name, description: group.description ?? null, components: [] };
      group.components.forEach((entry, ci) => {
        const path = ['groups', gi, 'components', ci];
        const component = declaredComponent(entry, group.id, file.locate(path), formatPath(path));
        if (declared.has(component.id)) return;
        declared.set(component.id, component);
        resolved.components.push(component.id);
      });
      groups.push(resolved);
    });
  }
  return { groups, declared: [...declared.values()] };
}

/** Check ids by component id, components in order of first appearance. */
function checksByComponent(checks: readonly ResolvedCheck[]): Map<string, ResolvedCheck[]> {
  const byComponent = new Map<string, ResolvedCheck[]>();
  for (const check of checks) {
    const list = byComponent.get(check.component) ?? [];
    list.push(check);
    byComponent.set(check.component, list);
  }
  return byComponent;
}

/**
 * Components in page order: those of the declared groups first (group order, then their order in
 * the group), then the ones checks refer to outside any group, in order of first appearance.
 * A component's name defaults to the name of its first check, else its id.
 */
function buildComponents(declared: readonly DeclaredComponent[], checks: readonly ResolvedCheck[], problems: Problems): ResolvedComponent[] {
  const byComponent = checksByComponent(checks);
  const component = (id: string, group: string | null, name: string | null, description: string | null): ResolvedComponent => {
    const own = byComponent.get(id) ?? [];
    return { id, name: name ?? own[0]?.name ?? id, description, group, checks: own.map((c) => c.id) };
  };
  const components = declared.map((d) => component(d.id, d.group, d.name, d.description));
  const grouped = new Set(declared.map((d) => d.id));
  for (const id of byComponent.keys()) if (!grouped.has(id)) components.push(component(id, null, null, null));
  for (const d of declared) {
    if (!byComponent.has(d.id)) {
      problems.warn(d.location, d.path, `component "${d.id}" is listed in group "${d.group}" but no check has component: ${d.id}, so it will show no status`);
    }
  }
  return components;
}

export interface Resolution {
  site: SiteSettings;
  run: RunSettings;
  groups: ResolvedGroup[];
  components: ResolvedComponent[];
  checks: ResolvedCheck[];
}

/** Resolves the valid files (settings file first, then checks/ files in name order). */
export function resolveConfig(files: readonly ValidFile[], problems: Problems): Resolution {
  const settings = files.find((f) => f.role === 'settings')?.config;
  const run = resolveRun(settings?.defaults);
  const checks = collectChecks(files, run, settings?.defaults);
  const { groups, declared } = collectGroups(files);
  const components = buildComponents(declared, checks, problems);
  return { site: resolveSite(settings?.site), run, groups, components, checks };
}
