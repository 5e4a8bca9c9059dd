/**
 * `cairn report`: one month's report from the committed data: the store (raw days and rollups),
 * incidents, maintenance, the daily SLO snapshots (or Prometheus for the exact month), the
 * notification state. Written atomically to reports/YYYY-MM.md and reports/YYYY-MM.html.
 */
import path from 'node:path';
import type { ResolvedConfig } from '../config/types.ts';
import { type Period, computePeriods } from '../model/period.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import type { CheckColumns } from '../store/month-columns.ts';
import { reportView } from './data.ts';
import { readReportInputs } from './inputs.ts';
import { queryMonthSlos, type MonthSlo } from './prometheus-month.ts';
import { loadTemplates, renderReport } from './render.ts';
import { prometheusSlos } from '../config/resolve-prometheus.ts';

export const REPORTS_DIR = 'reports';
const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const TREND_MONTHS = 12;

export function isMonth(s: string): boolean {
  return MONTH_RE.test(s);
}

/** The UTC month `YYYY-MM` shifted by `delta` months, as a period. */
export function monthPeriod(month: string, delta = 0): Period {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Error(`expected a month YYYY-MM, got ${JSON.stringify(month)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1 + delta;
  const from = Date.UTC(y, mo, 1);
  const to = Date.UTC(y, mo + 1, 1);
  const d = new Date(from);
  return { label: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`, from, to };
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/**
 * The month `--month` names: `YYYY-MM`, `previous` (the UTC month before the one `now` is in) or
 * `current`; null when the text is none of them. Computed on calendar months, never by
 * subtracting a month from a date: on 31 March, `date -d 'last month'` gives 3 March (there is
 * no 31 February), this gives February.
 */
export function reportMonth(text: string, now: number): string | null {
  if (text === 'current') return monthOf(now);
  if (text === 'previous') {
    const d = new Date(now);
    return monthOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  }
  return isMonth(text) ? text : null;
}

export interface ReportOptions {
  /** The current instant (default: the clock); a month that has not ended is reported up to it. */
  now?: number;
  /** Query Prometheus for a complete month when configured (default: `reports.prometheus`). */
  prometheus?: boolean;
}

export interface BuiltReport {
  month: string;
  md: string;
  html: string;
  hasData: boolean;
  samples: number;
  /** Where the SLO figures came from, for the command's message. */
  sloSource: string | null;
  templates: { md: string; html: string };
}

export async function buildReport(config: ResolvedConfig, month: string, opts: ReportOptions = {}): Promise<BuiltReport> {
  const now = opts.now ?? Date.now();
  const period = monthPeriod(month);
  if (period.from > now) throw new Error(`${month} has not begun yet`);
  const complete = period.to <= now;
  const trend = Array.from({ length: TREND_MONTHS }, (_, i) => monthPeriod(month, i - (TREND_MONTHS - 1)));
  const first = trend[0] as Period;
  const inputs = await readReportInputs(config, first.from, period.to, period);
  const scratch: CheckColumns = { n: 0, at: new Float64Array(0), status: new Uint8Array(0), ms: new Float32Array(0) };
  const figures = computePeriods({
    config,
    samples: (id) => inputs.samples.of(id),
    // One set of arrays for every check: computePeriods reads a check's columns before it asks for the next.
    columns: (id) => inputs.samples.columns(id, scratch),
    rollups: inputs.rollups,
    incidents: inputs.incidents,
    now: complete ? period.to : now,
    periods: trend,
  });
  const current = figures[figures.length - 1] as (typeof figures)[number];
  const previous = figures[figures.length - 2] as (typeof figures)[number];

  let prometheus: { slos: MonthSlo[]; error: string | null } | null = null;
  const usePrometheus = opts.prometheus ?? config.reports.prometheus;
  if (complete && usePrometheus && config.prometheus.endpoints.length > 0 && prometheusSlos(config.prometheus.slos).length > 0) {
    const slos = await queryMonthSlos(config, period.from, period.to);
    const failed = slos.filter((s) => s.error !== null);
    prometheus = { slos, error: failed.length === slos.length && failed[0] ? failed[0].error : null };
  }
  // Stored errors carry certificate facts: raw samples' errors, and each compacted day's last sample.
  const errors = new Map(config.checks.map((c) => [c.id, inputs.samples.errors(c.id)]));
  for (const r of inputs.rollups) {
    if (r.last.e !== null) errors.get(r.id)?.push({ at: Date.parse(r.last.t), error: r.last.e });
  }
  for (const list of errors.values()) list.sort((a, b) => a.at - b.at);
  const samplesInMonth = current.checks.reduce((a, c) => a + c.samples, 0);
  const view = reportView(config, {
    month: current,
    previous,
    trend: figures,
    history: inputs.history,
    latest: inputs.latest,
    prometheus,
    notifications: inputs.notifications,
    errors,
    stats: { samples: samplesInMonth, problems: inputs.problems.length },
    complete,
  });
  const templates = await loadTemplates(config.dir);
  const { md, html } = renderReport(view, templates);
  return { month, md, html, hasData: view.hasData, samples: samplesInMonth, sloSource: view.sources.slo, templates: templates.sources };
}

export function reportFiles(dir: string, month: string): { md: string; html: string } {
  return { md: path.join(dir, REPORTS_DIR, `${month}.md`), html: path.join(dir, REPORTS_DIR, `${month}.html`) };
}

/** Builds and writes one month's report; returns the files written. */
export async function writeReport(config: ResolvedConfig, month: string, opts: ReportOptions = {}): Promise<BuiltReport & { files: { md: string; html: string } }> {
  const built = await buildReport(config, month, opts);
  const files = reportFiles(config.dir, month);
  await writeFileAtomic(files.md, built.md);
  await writeFileAtomic(files.html, built.html);
  return { ...built, files };
}
