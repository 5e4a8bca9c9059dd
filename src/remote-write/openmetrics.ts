/**
 * The stored history as OpenMetrics text, with the series remote write sends (src/remote-write/
 * series.ts), for `promtool tsdb create-blocks-from openmetrics`: the backfill of what is older
 * than a receiver accepts by remote write.
 *
 * What the store keeps is what is exported: status, duration and status code of the raw days
 * (days already compacted into daily rollups hold no samples). Families are written one after
 * the other (`# TYPE` once each), a series' samples in time order, timestamps in seconds, and the
 * text ends with `# EOF`, as promtool requires.
 */
import { coveredDays } from '../store/rollup-format.ts';
import { dayOfFile } from '../store/layout.ts';
import { type DayFile, type RunRecord, type StoreProblem, listDayFiles, runLinesOf } from '../store/samples.ts';
import { forEachRecord } from '../store/ndjson.ts';
import { type Label, METRICS, type MetricName, type SeriesBuilder } from './series.ts';

export interface ExportRange {
  /** First instant exported (epoch ms), inclusive; null: from the oldest raw day. */
  sinceMs: number | null;
  /** Last instant exported (epoch ms), inclusive; null: to the newest sample. */
  untilMs: number | null;
}

export interface ExportSummary {
  samples: number;
  series: number;
  runs: number;
  /** Results of checks no longer configured: left out (their labels are unknown). */
  unknown: number;
  /** First and last day read, or null when none was. */
  days: [string, string] | null;
  problems: StoreProblem[];
}

interface SeriesData {
  labels: Label[];
  t: number[];
  v: number[];
}

/** A label value in the exposition: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function seriesLine(labels: readonly Label[]): string {
  const name = labels.find((l) => l.name === '__name__')?.value ?? '';
  const rest = labels.filter((l) => l.name !== '__name__').map((l) => `${l.name}="${escapeLabelValue(l.value)}"`);
  return `${name}{${rest.join(',')}}`;
}

/** `1732442700.123`: epoch milliseconds as seconds, exactly. */
export function formatTimestamp(ms: number): string {
  const s = Math.floor(ms / 1000);
  const frac = ms - s * 1000;
  return frac === 0 ? String(s) : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

function inRange(day: string, range: ExportRange): boolean {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  const end = start + 86_400_000 - 1;
  return (range.sinceMs === null || end >= range.sinceMs) && (range.untilMs === null || start <= range.untilMs);
}

/**
 * Writes the raw history in `range` as OpenMetrics through `write` (which may wait: the output is
 * written family by family, series by series). Holds the selected samples in memory, about 16
 * bytes each: export a long history of many checks in slices with --since and --until.
 */
export async function exportOpenMetrics(dir: string, builder: SeriesBuilder, range: ExportRange, write: (text: string) => Promise<void>): Promise<ExportSummary> {
  const covered = await coveredDays(dir);
  const files: DayFile[] = (await listDayFiles(dir)).filter((f) => !covered.has(f.day) && inRange(f.day, range));
  const families = new Map<MetricName, Map<string, SeriesData>>();
  const summary: ExportSummary = { samples: 0, series: 0, runs: 0, unknown: 0, days: null, problems: [] };
  const add = (rec: RunRecord) => {
    let any = false;
    for (const r of rec.r) {
      const t = Date.parse(r.t);
      if ((range.sinceMs !== null && t < range.sinceMs) || (range.untilMs !== null && t > range.untilMs)) continue;
      if (!builder.knows(r.id)) {
        summary.unknown++;
        continue;
      }
      any = true;
      for (const p of builder.points(r)) {
        const name = p.labels.find((l) => l.name === '__name__')?.value as MetricName;
        let family = families.get(name);
        if (!family) families.set(name, (family = new Map()));
        let s = family.get(p.key);
        if (!s) family.set(p.key, (s = { labels: p.labels, t: [], v: [] }));
        s.t.push(p.t);
        s.v.push(p.value);
      }
    }
    if (any) summary.runs++;
  };
  for (const f of files) await forEachRecord(dir, f.file, runLinesOf, add, summary.problems);
  const days = files.map((f) => dayOfFile(f.file) as string).sort();
  if (days.length > 0) summary.days = [days[0] as string, days[days.length - 1] as string];

  // Families in the order of the METRICS table; series by their labels; samples in time order.
  for (const name of Object.keys(METRICS) as MetricName[]) {
    const family = families.get(name);
    if (!family) continue;
    let chunk = `# HELP ${name} ${METRICS[name]}\n# TYPE ${name} gauge\n`;
    for (const key of [...family.keys()].sort()) {
      const s = family.get(key) as SeriesData;
      const order = s.t.map((_, i) => i).sort((a, b) => (s.t[a] as number) - (s.t[b] as number));
      const head = seriesLine(s.labels);
      let last = -Infinity;
      summary.series++;
      for (const i of order) {
        const t = s.t[i] as number;
        // Two samples of a series at one instant (a run stored twice): the first counts.
        if (t === last) continue;
        last = t;
        chunk += `${head} ${s.v[i]} ${formatTimestamp(t)}\n`;
        summary.samples++;
        if (chunk.length > 1 << 16) {
          await write(chunk);
          chunk = '';
        }
      }
    }
    await write(chunk);
  }
  await write('# EOF\n');
  return summary;
}
