/**
 * The SLO part of the status model: the figures of the latest SLO snapshot (data/slo/latest.json,
 * written by `cairn slo`), passed through per component, with whether they are current, and the
 * SLOs on Cairn's own checks, computed by the model itself (src/model/check-slo.ts) in the same
 * shape. The model never queries Prometheus; every Prometheus figure was computed when the
 * snapshot was taken.
 */
import type { AlertEntry, CapacityEntry, SloEntry, SloSnapshot } from '../prometheus/types.ts';

export interface ComponentSlo {
  slos: SloEntry[];
  capacity: CapacityEntry[];
  alerts: AlertEntry[];
}

export interface SloModel {
  /** When the snapshot was taken (without a snapshot: when the model was computed). */
  generatedAt: string;
  /** Whether a Prometheus snapshot was read; false when every SLO is computed from the checks. */
  snapshot: boolean;
  /** The snapshot is older than the max gap: the page says "SLO data as of …". */
  stale: boolean;
  /** Every figure of the snapshot was computed by its run (none kept from an earlier one). */
  complete: boolean;
  /** What failed in the snapshot's run, redacted. */
  failures: string[];
  /** Warnings of partial responses, redacted. */
  warnings: string[];
  /** Components with at least one SLO, capacity resource or firing alert. */
  byComponent: Record<string, ComponentSlo>;
}

/** An entry whose figures were not computed by the snapshot's own run, or not at all (check-based entries: computed with the model, never stale). */
export function isStale(entry: { asOf: string | null; error: string | null; source?: 'prometheus' | 'checks' }, generatedAt: string): boolean {
  if (entry.source === 'checks') return entry.error !== null;
  return entry.error !== null || entry.asOf !== generatedAt;
}

/** A share as a percentage truncated (never rounded up) to `decimals`: 0.99999 → "99.99" at 2. */
export function truncatedShare(fraction: number, decimals = 2): string {
  const scale = 10 ** decimals;
  // The 1e-9 guard keeps binary noise (0.9995 stored as 0.99949999…) from dropping a digit.
  const scaled = Math.floor(fraction * 100 * scale + 1e-9);
  return (scaled / scale).toFixed(decimals);
}

/**
 * A share (0..1; below 0 for an overspent error budget) as a percentage with two decimals,
 * floored: never rounded up, and an overspent budget stays negative ("-57.41"), never clamped to
 * 0. THE figure of a budget left: the page, the reports and notifications print it.
 */
export function flooredShare(fraction: number): string {
  // The 1e-7 basis point guard keeps binary noise (-0.5741 stored as -0.57410000000000001) from dropping a digit.
  const bp = Math.floor(fraction * 10_000 + 1e-7);
  const a = Math.abs(bp);
  return `${bp < 0 ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** What a capacity forecast is of, in one sentence the page and the reports both print. */
export function forecastBasis(basis: 'daily-max' | 'daily-min' | undefined): string {
  const peak = basis === 'daily-min' ? 'daily low (the lowest value of each day)' : 'daily peak (the highest value of each day)';
  return `Forecast of the ${peak}, not the average, which reaches a threshold later; earliest and latest bound a 95% prediction interval of when the ${basis === 'daily-min' ? 'daily low' : 'daily peak'} reaches it.`;
}

/** An entry's figures are not current: the snapshot is older than the max gap, or this entry kept an earlier run's figures. */
export function entryStale(slo: Pick<SloModel, 'stale' | 'generatedAt'>, entry: { asOf: string | null; error: string | null; source?: 'prometheus' | 'checks' }): boolean {
  if (entry.source === 'checks') return entry.error !== null;
  return slo.stale || isStale(entry, slo.generatedAt);
}

/**
 * The SLO model from the snapshot (if any) and the check-based SLO entries: null when there is
 * neither. SLOs are listed in `order` (the configuration's order of ids) where it names them.
 */
export function sloModel(
  snapshot: SloSnapshot | null | undefined,
  components: readonly string[],
  now: number,
  staleAfterMs: number,
  fromChecks: readonly SloEntry[] = [],
  order: readonly string[] = [],
): SloModel | null {
  if (!snapshot && fromChecks.length === 0) return null;
  const known = new Set(components);
  const byComponent: Record<string, ComponentSlo> = {};
  const slot = (id: string): ComponentSlo | null => {
    if (!known.has(id)) return null;
    return (byComponent[id] ??= { slos: [], capacity: [], alerts: [] });
  };
  const ownIds = new Set(fromChecks.map((s) => s.id));
  // A snapshot entry of an SLO that is now computed from the checks is an older configuration's.
  for (const s of snapshot?.slos ?? []) if (!ownIds.has(s.id)) slot(s.component)?.slos.push(s);
  for (const s of fromChecks) slot(s.component)?.slos.push(s);
  const rank = new Map(order.map((id, i) => [id, i]));
  for (const c of Object.values(byComponent)) c.slos.sort((a, b) => (rank.get(a.id) ?? order.length) - (rank.get(b.id) ?? order.length));
  for (const c of snapshot?.capacity ?? []) slot(c.component)?.capacity.push(c);
  for (const a of snapshot?.alerts.firing ?? []) slot(a.component)?.alerts.push(a);
  if (!snapshot) {
    return { generatedAt: new Date(now).toISOString(), snapshot: false, stale: false, complete: true, failures: [], warnings: [], byComponent };
  }
  return {
    generatedAt: snapshot.generatedAt,
    snapshot: true,
    stale: now - Date.parse(snapshot.generatedAt) > staleAfterMs,
    complete: snapshot.complete,
    failures: snapshot.endpoints.flatMap((e) => e.errors),
    warnings: snapshot.endpoints.flatMap((e) => e.warnings),
    byComponent,
  };
}
