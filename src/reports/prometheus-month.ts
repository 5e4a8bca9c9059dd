/**
 * SLO figures of one exact calendar month from Prometheus: the same expressions and budget math
 * as `cairn slo` (src/prometheus/slo.ts), evaluated at the month's end over the month's whole
 * length, plus a burn-down of daily increments. Used only for a complete month, when an endpoint
 * is configured and answers; otherwise the report reads the daily snapshots.
 */
import { type PrometheusSloSpec, prometheusSlos } from '../config/resolve-prometheus.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { QUERY_LABEL, type WindowSpan, burnDownSeries, combine, promRange, sliExpressions, stepCounts, windowFigures } from '../prometheus/slo.ts';
import type { BurnDownPoint, SloWindowFigures } from '../prometheus/types.ts';

const DAY = 86_400_000;

export interface MonthSlo {
  id: string;
  figures: SloWindowFigures | null;
  burnDown: BurnDownPoint[];
  error: string | null;
}

/** The PromQL that gives an SLO's counts over [from, to) when evaluated at `to`. */
export function monthQueries(spec: PrometheusSloSpec, from: number, to: number): { counted: 'good' | 'bad'; a: string; total: string; daily: { a: string; total: string } } {
  const e = sliExpressions(spec.sli, promRange(to - from));
  const d = sliExpressions(spec.sli, promRange(DAY));
  return { counted: e.counted, a: e.a, total: e.total, daily: { a: d.a, total: d.total } };
}

export async function queryMonthSlos(config: ResolvedConfig, from: number, to: number): Promise<MonthSlo[]> {
  // Loaded here, not with the module: its HTTP stack costs a report without Prometheus 0.3 s and 20 MB.
  const { PromClient } = await import('../prometheus/client.ts');
  const clients = new Map(config.prometheus.endpoints.map((e) => [e.id, new PromClient(e)]));
  const span: WindowSpan = { label: 'month', from, windowMs: to - from, elapsedMs: to - from };
  const out: MonthSlo[] = [];
  for (const spec of prometheusSlos(config.prometheus.slos).sort((a, b) => a.id.localeCompare(b.id))) {
    const client = clients.get(spec.endpoint);
    if (!client) continue;
    const unit = spec.sli.kind === 'gauge' ? 'minutes' : 'events';
    const q = monthQueries(spec, from, to);
    try {
      const values = new Map<string, number>();
      for (const s of await client.instant(combine([{ key: 'a', expr: q.a }, { key: 't', expr: q.total }]), to)) {
        const k = s.labels[QUERY_LABEL];
        if (k !== undefined && Number.isFinite(s.value)) values.set(k, s.value);
      }
      const total = values.get('t') ?? 0;
      const a = values.get('a') ?? 0;
      const good = Math.min(total, Math.max(0, q.counted === 'good' ? a : total - a));
      const figures = windowFigures(span, unit, { good, total }, spec.target, to);
      const days = Math.floor((to - from) / DAY);
      const steps = await stepCounts(client, spec.sli, from, DAY, days);
      out.push({ id: spec.id, figures, burnDown: burnDownSeries(span, unit, spec.target, steps, { t: to, good, total }), error: null });
    } catch (err) {
      out.push({ id: spec.id, figures: null, burnDown: [], error: config.redactor.redact(err instanceof Error ? err.message : String(err)) });
    }
  }
  return out;
}
