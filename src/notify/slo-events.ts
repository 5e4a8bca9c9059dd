/**
 * Events from the SLO and capacity snapshot (`data/slo/latest.json`, written by `cairn slo`).
 *
 * The snapshot's full format belongs to src/prometheus; notifications read only the small view
 * below, parsed leniently: unknown fields are ignored, an entry without the fields it needs is
 * skipped, and a missing or unreadable file means "no SLO data this run" — the previous alert
 * states are then kept as they were, never resolved for lack of data.
 *
 * It reads the snapshot `cairn slo` writes (`SloSnapshot` in src/prometheus/types.ts: per SLO
 * `figures.alertState`, `rules`, `burnRates`, `target` in percent; per resource
 * `figures.thresholds` with `state` breached | projected | not-within), and also this minimal
 * shape, the contract in its smallest form:
 *
 * ```jsonc
 * {
 *   "generatedAt": "2026-11-24T10:00:00Z",
 *   "slos": [{
 *     "id": "checkout-availability", "name": "Checkout availability", "component": "api",
 *     "labels": { "team": "payments" },
 *     "objective": 0.999,                       // target as a ratio
 *     "budgetRemaining": 0.42,                  // share of the error budget left, or null
 *     "alert": { "state": "page" | "ticket" | null, "burnRate": 14.9, "window": "1h/5m" }
 *   }],
 *   "capacity": [{
 *     "id": "db-disk", "name": "Database disk", "component": "db", "labels": {},
 *     "crossings": [{ "level": "critical", "threshold": 95,
 *                     "likely": "2026-12-01T00:00:00Z", "earliest": "...", "latest": "..." }]
 *   }]
 * }
 * ```
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ResolvedConfig } from '../config/types.ts';
import { labelsOf, siteLink, type NotificationEvent, type Observations } from './events.ts';
import { flooredShare } from '../model/slo.ts';

export const SLO_SNAPSHOT_FILE = path.join('data', 'slo', 'latest.json');

const Labels = z.record(z.string(), z.string()).catch({});
const Instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)));

const SloEntry = z.object({
  id: z.string().min(1),
  name: z.string().optional().catch(undefined),
  component: z.string().nullable().optional().catch(undefined),
  labels: Labels.optional(),
  objective: z.number().nullable().optional().catch(undefined),
  budgetRemaining: z.number().nullable().optional().catch(undefined),
  /** The figures are from an earlier run (this one failed): keep the previous alert state. */
  stale: z.boolean().optional().catch(false),
  alert: z
    .object({
      state: z.enum(['page', 'ticket']).nullable().optional().catch(null),
      burnRate: z.number().nullable().optional().catch(null),
      window: z.string().nullable().optional().catch(null),
    })
    .nullable()
    .optional(),
});

const Crossing = z.object({
  level: z.enum(['warning', 'critical']),
  threshold: z.number().nullable().optional().catch(null),
  likely: Instant.nullable(),
  earliest: Instant.nullable().optional().catch(null),
  latest: Instant.nullable().optional().catch(null),
});

const CapacityEntry = z.object({
  id: z.string().min(1),
  name: z.string().optional().catch(undefined),
  component: z.string().nullable().optional().catch(undefined),
  labels: Labels.optional(),
  stale: z.boolean().optional().catch(false),
  crossings: z.array(z.unknown()).catch([]),
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An SLO entry of src/prometheus's snapshot (has `figures`) in the minimal shape. */
function fromSnapshotSlo(e: Obj): unknown {
  const f = e['figures'];
  if (!isObj(f)) return { ...e, stale: true };
  const state = f['alertState'] === 'page' || f['alertState'] === 'ticket' ? f['alertState'] : null;
  const rules = Array.isArray(f['rules']) ? f['rules'].filter(isObj) : [];
  const rule = rules.find((r) => r['firing'] === true && r['severity'] === state);
  const burnRates = isObj(f['burnRates']) ? f['burnRates'] : {};
  const windows = Array.isArray(f['windows']) ? f['windows'].filter(isObj) : [];
  const budget = windows[0] && isObj(windows[0]['budget']) ? windows[0]['budget'] : {};
  return {
    id: e['id'],
    name: e['name'],
    component: e['component'],
    objective: num(e['target']) === null ? null : Number(((e['target'] as number) / 100).toPrecision(12)),
    budgetRemaining: num(budget['remainingFraction']),
    alert: { state, burnRate: rule ? num(burnRates[String(rule['long'])]) : null, window: rule ? `${String(rule['long'])}/${String(rule['short'])}` : null },
    stale: e['error'] !== null && e['error'] !== undefined,
  };
}

/** A capacity entry of src/prometheus's snapshot (has `figures.thresholds`) in the minimal shape. */
function fromSnapshotCapacity(e: Obj): unknown {
  const f = e['figures'];
  if (!isObj(f)) return { ...e, crossings: [], stale: true };
  const thresholds = Array.isArray(f['thresholds']) ? f['thresholds'].filter(isObj) : [];
  return {
    id: e['id'],
    name: e['name'],
    component: e['component'],
    crossings: thresholds
      .filter((t) => t['state'] === 'breached' || t['state'] === 'projected')
      .map((t) => ({ level: t['level'], threshold: num(t['value']), likely: typeof t['likely'] === 'string' ? t['likely'] : t['state'] === 'breached' ? new Date(0).toISOString() : null, earliest: t['earliest'] ?? null, latest: t['latest'] ?? null })),
    stale: e['error'] !== null && e['error'] !== undefined,
  };
}

/** What notifications read of the snapshot. */
export interface SloView {
  generatedAt: number | null;
  slos: z.infer<typeof SloEntry>[];
  capacity: (Omit<z.infer<typeof CapacityEntry>, 'crossings'> & { crossings: z.infer<typeof Crossing>[] })[];
}

/** Reads the view leniently from parsed JSON; null when it is not a snapshot at all. */
export function sloViewOf(json: unknown): SloView | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const generated = typeof o['generatedAt'] === 'string' ? Date.parse(o['generatedAt']) : NaN;
  return {
    generatedAt: Number.isNaN(generated) ? null : generated,
    slos: list(o['slos']).flatMap((e) => {
      const r = SloEntry.safeParse(isObj(e) && 'figures' in e ? fromSnapshotSlo(e) : e);
      return r.success ? [r.data] : [];
    }),
    capacity: list(o['capacity']).flatMap((e) => {
      const r = CapacityEntry.safeParse(isObj(e) && 'figures' in e ? fromSnapshotCapacity(e) : e);
      if (!r.success) return [];
      const crossings = r.data.crossings.flatMap((c) => {
        const p = Crossing.safeParse(c);
        return p.success ? [p.data] : [];
      });
      return [{ ...r.data, crossings }];
    }),
  };
}

/** The snapshot of the status repo, or null when there is none (or it is unreadable). */
export async function readSloView(dir: string): Promise<SloView | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, SLO_SNAPSHOT_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    return sloViewOf(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * The view with the SLOs computed from the checks (entries in the snapshot's shape) put in: they
 * replace a snapshot entry of the same id. Without a snapshot, the other SLOs and capacity
 * resources remembered from earlier runs are carried as stale, so they keep their alert state.
 */
export function withCheckSlos(view: SloView | null, entries: readonly unknown[], previous: Pick<Observations, 'slo' | 'capacity'>): SloView | null {
  if (entries.length === 0) return view;
  const own = sloViewOf({ slos: entries })?.slos ?? [];
  const ids = new Set(own.map((s) => s.id));
  if (view) return { ...view, slos: [...view.slos.filter((s) => !ids.has(s.id)), ...own] };
  return {
    generatedAt: null,
    slos: [...own, ...Object.keys(previous.slo).filter((id) => !ids.has(id)).map((id) => ({ id, stale: true }))],
    capacity: Object.keys(previous.capacity).map((id) => ({ id, stale: true, crossings: [] })),
  };
}

const pct = (ratio: number) => `${(Math.floor(ratio * 100_000) / 1000).toString()}%`;

type SloConfig = Pick<ResolvedConfig, 'components' | 'site' | 'notifications'>;

/**
 * SLO burn-rate alerts (page: critical, ticket: warning) and capacity forecasts crossing a
 * threshold within `notifications.forecastWithin` (critical threshold: warning, warning
 * threshold: info: a forecast is a ticket, never a page), as transitions from `previous`.
 */
export function deriveSloEvents(config: SloConfig, view: SloView | null, previous: Observations, now: number): { events: NotificationEvent[]; observations: Observations } {
  if (!view) return { events: [], observations: previous };
  const known = new Set(config.components.map((c) => c.id));
  const compsOf = (c: string | null | undefined) => (c && known.has(c) ? [c] : []);
  const events: NotificationEvent[] = [];

  const slo: Record<string, 'page' | 'ticket'> = {};
  for (const s of view.slos) {
    const before = previous.slo[s.id] ?? null;
    if (s.stale) {
      if (before) slo[s.id] = before;
      continue;
    }
    const state = s.alert?.state ?? null;
    if (state) slo[s.id] = state;
    if (state === before) continue;
    const name = s.name ?? s.id;
    const components = compsOf(s.component);
    const details = {
      kind: 'slo' as const,
      slo: s.id,
      alert: state,
      burnRate: s.alert?.burnRate ?? null,
      window: s.alert?.window ?? null,
      objective: s.objective ?? null,
      budgetRemaining: s.budgetRemaining ?? null,
    };
    const facts = [
      ...(details.objective !== null ? [{ name: 'Objective', value: pct(details.objective) }] : []),
      ...(details.burnRate !== null ? [{ name: 'Burn rate', value: `${details.burnRate.toFixed(1)}x${details.window ? ` over ${details.window}` : ''}` }] : []),
      ...(details.budgetRemaining !== null ? [{ name: 'Budget left', value: `${flooredShare(details.budgetRemaining)}%` }] : []),
    ];
    const base = { key: `slo:${s.id}`, components, labels: labelsOf(config, components, s.labels ?? {}), at: now, url: siteLink(config), facts, details };
    if (state === null) {
      events.push({ ...base, type: 'slo.recovered', action: 'resolve', severity: before === 'page' ? 'critical' : 'warning', title: `${name}: error budget burn back to normal`, text: `The burn-rate alert of ${name} is no longer firing.` });
    } else {
      events.push({
        ...base,
        type: 'slo.burn_rate',
        action: 'trigger',
        severity: state === 'page' ? 'critical' : 'warning',
        title: `${name}: error budget burning ${details.burnRate !== null ? `${details.burnRate.toFixed(1)}x` : 'too fast'}`,
        text: `${name} is burning its error budget fast enough to ${state === 'page' ? 'page' : 'open a ticket'}${details.window ? ` (windows ${details.window})` : ''}.`,
      });
    }
  }

  const capacity: Record<string, 'warning' | 'critical'> = {};
  for (const c of view.capacity) {
    if (c.stale) {
      const kept = previous.capacity[c.id];
      if (kept) capacity[c.id] = kept;
      continue;
    }
    const within = c.crossings
      .filter((x) => x.likely !== null && Date.parse(x.likely) - now <= config.notifications.forecastWithinMs)
      .sort((a, b) => (a.level === b.level ? 0 : a.level === 'critical' ? -1 : 1));
    const worst = within[0] ?? null;
    const before = previous.capacity[c.id] ?? null;
    if (worst) capacity[c.id] = worst.level;
    if ((worst?.level ?? null) === before) continue;
    const name = c.name ?? c.id;
    const components = compsOf(c.component);
    const base = { key: `capacity:${c.id}`, components, labels: labelsOf(config, components, c.labels ?? {}), at: now, url: siteLink(config) };
    if (!worst) {
      events.push({
        ...base,
        type: 'capacity.cleared',
        action: 'resolve',
        severity: before === 'critical' ? 'warning' : 'info',
        title: `${name}: no threshold crossing forecast any more`,
        text: `${name} is no longer forecast to cross a threshold within ${Math.round(config.notifications.forecastWithinMs / 86_400_000)} days.`,
        facts: [],
        details: { kind: 'capacity', resource: c.id, level: before ?? 'warning', threshold: null, crossingAt: '', earliestAt: null, latestAt: null },
      });
      continue;
    }
    const crossingAt = worst.likely as string;
    const days = Math.max(0, Math.floor((Date.parse(crossingAt) - now) / 86_400_000));
    events.push({
      ...base,
      type: 'capacity.forecast',
      action: 'trigger',
      severity: worst.level === 'critical' ? 'warning' : 'info',
      title: `${name} forecast to reach its ${worst.level} threshold in ${days} day${days === 1 ? '' : 's'}`,
      text: `${name} is forecast to cross ${worst.threshold ?? `its ${worst.level} threshold`} around ${crossingAt.slice(0, 10)}${worst.earliest && worst.latest ? ` (between ${worst.earliest.slice(0, 10)} and ${worst.latest.slice(0, 10)})` : ''}.`,
      facts: [
        { name: 'Level', value: worst.level },
        ...(worst.threshold !== null && worst.threshold !== undefined ? [{ name: 'Threshold', value: String(worst.threshold) }] : []),
        { name: 'Likely', value: crossingAt.slice(0, 10) },
      ],
      details: { kind: 'capacity', resource: c.id, level: worst.level, threshold: worst.threshold ?? null, crossingAt, earliestAt: worst.earliest ?? null, latestAt: worst.latest ?? null },
    });
  }
  return { events, observations: { ...previous, slo, capacity } };
}
