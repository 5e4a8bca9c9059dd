/** Builders of resolved configurations for the model's and outputs' tests. */
import { Redactor } from '../config/secrets.ts';
import { noNotifications } from '../config/resolve-notify.ts';
import { DEFAULT_REPORTS } from '../config/resolve-reports.ts';
import { DEFAULT_RESPONSE } from '../config/incident-response.ts';
import { TCP_CONNECT_ONLY } from '../config/resolve.ts';
import type { MaintenanceWindow } from '../maintenance/windows.ts';
import type { PartialOutageRule, ResolvedCheck, ResolvedComponent, ResolvedConfig, ResolvedGroup } from '../config/types.ts';

export interface FixtureCheck {
  id: string;
  component?: string;
  intervalMs?: number;
  maxGapMs?: number;
}

export function fixtureConfig(opts: {
  checks: FixtureCheck[];
  groups?: { id: string; name?: string; components: string[] }[];
  timeZone?: string;
  degradedCountsAsUp?: boolean;
  partialOutage?: PartialOutageRule;
  regionRule?: 'any' | 'majority';
  maintenance?: MaintenanceWindow[];
}): ResolvedConfig {
  const checks: ResolvedCheck[] = opts.checks.map((c, i) => ({
    id: c.id,
    name: c.id.toUpperCase(),
    description: null,
    component: c.component ?? c.id,
    intervalMs: c.intervalMs ?? 300_000,
    timeoutMs: 10_000,
    retries: 0,
    maxGapMs: c.maxGapMs ?? 3 * (c.intervalMs ?? 300_000),
    enabled: true,
    thresholds: { degradedMs: null, downMs: null },
    source: { file: 'checks/fixture.yaml', line: i + 2, column: 5 },
    ...TCP_CONNECT_ONLY,
    kind: 'tcp',
    host: '127.0.0.1',
    port: 1,
  }));
  const groups: ResolvedGroup[] = (opts.groups ?? []).map((g) => ({
    id: g.id,
    name: g.name ?? g.id,
    description: null,
    components: g.components,
  }));
  const components: ResolvedComponent[] = [];
  const seen = new Map<string, ResolvedComponent>();
  const ensure = (id: string, group: string | null) => {
    let comp = seen.get(id);
    if (!comp) {
      comp = { id, name: id, description: null, group, checks: [] };
      seen.set(id, comp);
      components.push(comp);
    }
    return comp;
  };
  for (const g of groups) for (const id of g.components) ensure(id, g.id);
  for (const c of checks) ensure(c.component, null).checks.push(c.id);
  const site = { title: 'Test', description: null, timeZone: opts.timeZone ?? 'UTC', baseUrl: null, locale: 'en-US' };
  return {
    dir: '/nonexistent',
    site,
    run: {
      intervalMs: 300_000,
      timeoutMs: 10_000,
      retries: 0,
      maxGapMs: 900_000,
      concurrency: 4,
      deadlineMs: 60_000,
      perHostConcurrency: 4,
      degradedCountsAsUp: opts.degradedCountsAsUp ?? true,
      partialOutage: opts.partialOutage ?? { mode: 'share' },
      regionRule: opts.regionRule ?? 'majority',
    },
    groups,
    components,
    checks,
    maintenance: opts.maintenance ?? [],
    incidents: { auto: true, resolveAfter: 2, response: structuredClone(DEFAULT_RESPONSE) },
    store: { retentionMs: 90 * 86_400_000, git: { name: 'Cairn bot', email: 'cairn-bot@users.noreply.github.com', push: true, pushAttempts: 5 } },
    prometheus: { endpoints: [], slos: [], capacity: [] },
    notifications: noNotifications(),
    reports: { ...DEFAULT_REPORTS },
    pages: [{ id: 'default', main: true, site, components: null, out: 'dist', source: null }],
    redactor: new Redactor(),
    warnings: [],
  };
}
