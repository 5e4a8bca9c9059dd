/**
 * `cairn slo`: query every configured endpoint once and write the SLO snapshot the site reads.
 *
 *   data/slo/latest.json               the latest snapshot (what the status model reads)
 *   data/slo/history/YYYY-MM-DD.json   the last snapshot of each UTC day (overwritten during the day; 400 days kept)
 *
 * A failure never loses data: an SLO, resource or alert list that could not be computed this run
 * keeps the last good figures of the previous snapshot with their time (`asOf`) and records the
 * error. Every text is redacted of secrets before it is written.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { ResolvedConfig } from '../config/types.ts';
import { prometheusSlos } from '../config/resolve-prometheus.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { fetchAlerts } from './alerts.ts';
import { computeCapacity } from './capacity.ts';
import type { PromClient } from './client.ts';
import { computeSlo } from './slo.ts';
import { type AlertEntry, type CapacityEntry, type EndpointReport, SNAPSHOT_VERSION, type SloEntry, type SloSnapshot } from './types.ts';

export const SLO_DIR = path.join('data', 'slo');
export const LATEST_FILE = path.join(SLO_DIR, 'latest.json');
export const HISTORY_DIR = path.join(SLO_DIR, 'history');
export const HISTORY_DAYS = 400;
const DAY = 86_400_000;

export interface SnapshotOptions {
  now?: number;
  /** The previous snapshot: its figures stand in for anything that fails now. */
  previous?: SloSnapshot | null;
  /** Requests in flight at once per endpoint (default 8). */
  concurrency?: number;
  maxPoints?: number;
}

export interface SnapshotOutcome {
  snapshot: SloSnapshot;
  /** Redacted failure messages, one per failed item. */
  failures: string[];
  warnings: string[];
  stats: { requests: number; points: number };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function takeSnapshot(config: ResolvedConfig, opts: SnapshotOptions = {}): Promise<SnapshotOutcome> {
  const now = opts.now ?? Date.now();
  const nowIso = new Date(now).toISOString();
  const { endpoints, capacity } = config.prometheus;
  const slos = prometheusSlos(config.prometheus.slos);
  const redact = (s: string) => config.redactor.redact(s);
  // Loaded here, not with the module: readers of snapshots (the report, the site) need no HTTP stack.
  const { PromClient } = await import('./client.ts');
  const clients = new Map(endpoints.map((e) => [e.id, new PromClient(e, opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {})]));
  const limits = new Map(endpoints.map((e) => [e.id, pLimit(opts.concurrency ?? 8)]));
  const errorsBy = new Map<string, string[]>(endpoints.map((e) => [e.id, []]));
  const failures: string[] = [];
  const prevSlo = new Map((opts.previous?.slos ?? []).map((s) => [s.id, s]));
  const prevCap = new Map((opts.previous?.capacity ?? []).map((c) => [c.id, c]));
  const fail = (endpoint: string, what: string, err: unknown): string => {
    const text = redact(message(err));
    errorsBy.get(endpoint)?.push(text);
    failures.push(`${what}: ${text}`);
    return text;
  };
  const run = <T>(endpoint: string, task: () => Promise<T>): Promise<T> => (limits.get(endpoint) as ReturnType<typeof pLimit>)(task);

  const sloTasks = slos.map((spec) =>
    run(spec.endpoint, async (): Promise<SloEntry> => {
      const head = { id: spec.id, name: spec.name, description: spec.description, component: spec.component, source: 'prometheus' as const, endpoint: spec.endpoint, sli: spec.sli.kind, target: spec.target };
      try {
        const figures = await computeSlo(clients.get(spec.endpoint) as PromClient, spec, now);
        return { ...head, asOf: nowIso, error: null, figures };
      } catch (err) {
        const error = fail(spec.endpoint, `SLO ${spec.id}`, err);
        const last = prevSlo.get(spec.id);
        return { ...head, asOf: last?.figures ? last.asOf : null, error, figures: last?.figures ?? null };
      }
    }),
  );
  const capTasks = capacity.map((spec) =>
    run(spec.endpoint, async (): Promise<CapacityEntry> => {
      const head = { id: spec.id, name: spec.name, component: spec.component, endpoint: spec.endpoint, unit: spec.unit, direction: spec.direction, method: spec.method, lookbackDays: Math.round(spec.lookbackMs / DAY) };
      try {
        const figures = await computeCapacity(clients.get(spec.endpoint) as PromClient, spec, now);
        return { ...head, asOf: nowIso, error: null, figures };
      } catch (err) {
        const error = fail(spec.endpoint, `capacity ${spec.id}`, err);
        const last = prevCap.get(spec.id);
        return { ...head, asOf: last?.figures ? last.asOf : null, error, figures: last?.figures ?? null };
      }
    }),
  );
  const components = new Set(config.components.map((c) => c.id));
  const alertEndpoints = endpoints.filter((e) => e.alerts);
  const alertErrors: string[] = [];
  const alertTasks = alertEndpoints.map((e) =>
    run(e.id, async (): Promise<AlertEntry[] | null> => {
      try {
        return await fetchAlerts(clients.get(e.id) as PromClient, components);
      } catch (err) {
        alertErrors.push(fail(e.id, `alerts of ${e.id}`, err));
        return null;
      }
    }),
  );
  const [sloEntries, capEntries, alertLists] = await Promise.all([Promise.all(sloTasks), Promise.all(capTasks), Promise.all(alertTasks)]);

  // Alerts of an endpoint that failed keep the previous list of that endpoint.
  const firing: AlertEntry[] = [];
  alertLists.forEach((list, i) => {
    const id = (alertEndpoints[i] as (typeof alertEndpoints)[number]).id;
    firing.push(...(list ?? (opts.previous?.alerts.firing ?? []).filter((a) => a.endpoint === id)));
  });
  const alertsFailed = alertLists.some((l) => l === null);

  const endpointReports: EndpointReport[] = endpoints.map((e) => {
    const c = clients.get(e.id) as PromClient;
    const errors = errorsBy.get(e.id) ?? [];
    return { id: e.id, url: redact(e.url), ok: errors.length === 0, errors, warnings: c.warnings.map(redact), requests: c.stats.requests, points: c.stats.points };
  });
  const snapshot: SloSnapshot = config.redactor.redactDeep({
    version: SNAPSHOT_VERSION,
    generatedAt: nowIso,
    complete: failures.length === 0,
    endpoints: endpointReports,
    slos: sloEntries,
    capacity: capEntries,
    alerts: {
      asOf: alertsFailed ? (opts.previous?.alerts.asOf ?? null) : alertEndpoints.length > 0 ? nowIso : null,
      error: alertErrors.length > 0 ? alertErrors.join('; ') : null,
      firing,
    },
  });
  const stats = endpointReports.reduce((a, e) => ({ requests: a.requests + e.requests, points: a.points + e.points }), { requests: 0, points: 0 });
  return { snapshot, failures, warnings: endpointReports.flatMap((e) => e.warnings), stats };
}

export async function readSnapshot(dir: string): Promise<SloSnapshot | null> {
  try {
    const data = JSON.parse(await readFile(path.join(dir, LATEST_FILE), 'utf8')) as SloSnapshot;
    return data && data.version === SNAPSHOT_VERSION && Array.isArray(data.slos) ? data : null;
  } catch {
    return null;
  }
}

/** Writes latest.json and the day's history file atomically; drops history older than 400 days. */
export async function writeSnapshot(dir: string, snapshot: SloSnapshot): Promise<string[]> {
  const text = `${JSON.stringify(snapshot, null, 1)}\n`;
  const day = snapshot.generatedAt.slice(0, 10);
  const historyFile = path.join(HISTORY_DIR, `${day}.json`);
  await writeFileAtomic(path.join(dir, LATEST_FILE), text);
  await writeFileAtomic(path.join(dir, historyFile), text);
  const cutoff = new Date(Date.parse(snapshot.generatedAt) - HISTORY_DAYS * DAY).toISOString().slice(0, 10);
  const names = await readdir(path.join(dir, HISTORY_DIR)).catch(() => [] as string[]);
  await Promise.all(
    names.filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n) && n.slice(0, 10) < cutoff).map((n) => rm(path.join(dir, HISTORY_DIR, n), { force: true })),
  );
  return [LATEST_FILE, historyFile];
}
