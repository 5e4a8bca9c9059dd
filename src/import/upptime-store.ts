/**
 * Where imported Upptime history goes in the store, so that it means what Upptime meant.
 *
 * Upptime commits a site's status when it changes (and, with its response-time workflow, about
 * once a day): each status holds until the next one. Cairn's own samples hold for at most the max
 * gap (3 intervals by default), which would cut every imported status to minutes and report most
 * of the history as no data, outages included at full length: months "missing" their SLA that
 * Upptime reported at 99.9%.
 *
 * So the imported statuses become what they are, a timeline: each holds until the site's next
 * Upptime sample, the last one until Upptime's last sign of life (its newest commit under
 * history/, never after the import). Whole UTC days of that timeline are written as daily rollups
 * (data/rollups/, the store's own format for days whose timeline is known), computed by the store's
 * `computeRollups` with the hold "until the next sample". The status model then reads them like
 * any compacted day: its one rule for Cairn's samples (the max gap) is untouched, and every output
 * (page, badges, API, reports) gets the same figures.
 *
 * Rollups must come before the raw days of the store (readers ignore the raw files of a day a
 * rollup covers, and read raw samples after the last rollup day), so only days before both today
 * and the store's first raw day become rollups; samples from then on are written as raw samples,
 * like Cairn's own. A (day, check) that already has a rollup line is left as it is, so importing
 * twice adds nothing.
 */
import { computeRollups } from '../store/compact.ts';
import { dayStart, nextDay, utcDay } from '../store/layout.ts';
import { readRollups, type RollupRecord } from '../store/rollup-format.ts';
import { listDayFiles, type Sample } from '../store/samples.ts';

export interface HistoryRollups {
  /** New rollup lines, one per check per whole day before the first raw day. */
  lines: RollupRecord[];
  /** Samples those lines hold. */
  samples: number;
  /** Samples of (day, check) lines already in the store, not written again. */
  duplicates: number;
}

/** Where imported history can be rollups: before this day it can, from it on it is raw samples. */
export interface StoreBoundary {
  /** Today, or the store's first raw day if earlier. */
  rawFromDay: string;
  /** `day\ncheck` of every rollup line the store holds. */
  existing: ReadonlySet<string>;
}

export async function storeBoundary(dir: string, now: number): Promise<StoreBoundary> {
  const [rawDays, rollups] = await Promise.all([listDayFiles(dir), readRollups(dir)]);
  const today = utcDay(now);
  const firstRaw = rawDays[0]?.day;
  return {
    rawFromDay: firstRaw !== undefined && firstRaw < today ? firstRaw : today,
    existing: new Set(rollups.rollups.map((r) => `${r.d}\n${r.id}`)),
  };
}

/**
 * Pure: the rollup lines of imported samples (all before `boundary.rawFromDay`), each status
 * holding until the next sample of its check, the last until `lastAlive`; minus the (day, check)
 * lines the store holds already.
 */
export function historyRollups(samples: readonly Sample[], lastAlive: number, boundary: StoreBoundary): HistoryRollups {
  const out: HistoryRollups = { lines: [], samples: 0, duplicates: 0 };
  if (samples.length === 0) return out;
  const limit = dayStart(boundary.rawFromDay);
  const lastDay = utcDay(Math.min(lastAlive, limit - 1));
  const days: string[] = [];
  for (let d = utcDay(Math.min(...samples.map((s) => s.at))); d <= lastDay; d = nextDay(d)) days.push(d);
  // maxGap Infinity: a status holds until the next sample; `now` ends the last one at lastAlive.
  const lines = computeRollups({ days, samples, carry: new Map(), maxGapMs: () => Infinity, now: lastAlive });
  for (const line of lines) {
    const n = line.n[0] + line.n[1] + line.n[2] + line.n[3];
    if (boundary.existing.has(`${line.d}\n${line.id}`)) {
      out.duplicates += n;
      continue;
    }
    out.lines.push(line);
    out.samples += n;
  }
  return out;
}
