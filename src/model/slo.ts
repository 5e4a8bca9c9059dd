/**
 * The SLO part of the status model: the figures of the latest SLO snapshot (data/slo/latest.json,
 * written by `cairn slo`), passed through per component, with whether they are current. The
 * model never queries Prometheus; every figure was computed when the snapshot was taken.
 */
import type { AlertEntry, CapacityEntry, SloEntry, SloSnapshot } from '../prometheus/types.ts';

export interface ComponentSlo {
  slos: SloEntry[];
  capacity: CapacityEntry[];
  alerts: AlertEntry[];
}

export interface SloModel {
  /** When the snapshot was taken. */
  generatedAt: string;
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

/** An entry whose figures were not computed by the snapshot's own run, or not at all. */
export function isStale(entry: { asOf: string | null; error: string | null }, generatedAt: string): boolean {
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
export function entryStale(slo: Pick<SloModel, 'stale' | 'generatedAt'>, entry: { asOf: string | null; error: string | null }): boolean {
  return slo.stale || isStale(entry, slo.generatedAt);
}

export function sloModel(snapshot: SloSnapshot | null | undefined, components: readonly string[], now: number, staleAfterMs: number): SloModel | null {
  if (!snapshot) return null;
  const known = new Set(components);
  const byComponent: Record<string, ComponentSlo> = {};
  const slot = (id: string): ComponentSlo | null => {
    if (!known.has(id)) return null;
    return (byComponent[id] ??= { slos: [], capacity: [], alerts: [] });
  };
  for (const s of snapshot.slos) slot(s.component)?.slos.push(s);
  for (const c of snapshot.capacity) slot(c.component)?.capacity.push(c);
  for (const a of snapshot.alerts.firing) slot(a.component)?.alerts.push(a);
  const failures = snapshot.endpoints.flatMap((e) => e.errors);
  return {
    generatedAt: snapshot.generatedAt,
    stale: now - Date.parse(snapshot.generatedAt) > staleAfterMs,
    complete: snapshot.complete,
    failures,
    warnings: snapshot.endpoints.flatMap((e) => e.warnings),
    byComponent,
  };
}
