/**
 * Test support for Cairn's own API: an SLO snapshot whose figures come from the real SLO and
 * forecast math (src/prometheus/slo.ts, capacity.ts) with every field filled in, hostile strings,
 * and a JSON Schema validator (ajv, draft 2020-12, with formats).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { forecast } from '../prometheus/capacity.ts';
import { BURN_MS, alertState, burnDownSeries, burnRate, exhaustionMs, windowFigures, type WindowSpan } from '../prometheus/slo.ts';
import { BURN_WINDOWS, type BurnWindow, type CapacityEntry, type SloEntry, type SloFigures, type SloSnapshot } from '../prometheus/types.ts';
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import type { CairnApiDocuments } from './cairn-api-schema.ts';

const DAY = 86_400_000;

/** Names and titles that must come back out of the JSON exactly as they went in. */
export const HOSTILE = [
  '</script><script>alert(1)</script>',
  'Quote " back\\slash \' tick ` dollar ${x} {{handlebars}}',
  'Line\nbreak\r\ttab \u2028 separator \u2029 paragraph',
  'Control \u0000\u0001\u001f\u007f and BOM \ufeff',
  'Emoji 🚀 astral 𝄞, accents é ñ ß, RTL \u202eevil\u202c',
  '<img src=x onerror=alert(2)> &amp; &lt; &#x3C;',
];

/** A string with an unpaired surrogate: JSON.stringify escapes it, so it survives too. */
export const LONE_SURROGATE = 'Half a pair: \ud83d end';

/**
 * An SLO's figures as `cairn slo` computes them, from good/total counts per window: `counts(ms)`
 * gives the counts over the last `ms`, `daily(t)` the increments of the day ending at t.
 */
function figuresOf(
  now: number,
  target: number,
  unit: 'events' | 'minutes',
  windows: WindowSpan[],
  counts: (ms: number) => { good: number; total: number },
): SloFigures {
  const burnRates = Object.fromEntries(
    BURN_WINDOWS.map((w: BurnWindow) => {
      const c = counts(BURN_MS[w]);
      return [w, burnRate(c.good, c.total, target)];
    }),
  ) as Record<BurnWindow, number | null>;
  const figs = windows.map((s) => windowFigures(s, unit, counts(s.elapsedMs), target, now));
  const first = windows[0]!;
  const firstFig = figs[0]!;
  const { state, rules } = alertState(burnRates);
  const steps: { t: number; good: number; total: number }[] = [];
  // Each day's increments: the counts back to the day's start less those back to its end.
  for (let t = first.from + DAY; t < now; t += DAY) {
    const [to, from] = [counts(now - t + DAY), counts(now - t)];
    steps.push({ t, good: to.good - from.good, total: to.total - from.total });
  }
  const exhaust = exhaustionMs(firstFig.budget.remainingFraction, first.windowMs, burnRates['1h']);
  return {
    windows: figs,
    burnRates,
    alertState: state,
    rules,
    exhaustion: { burnWindow: '1h', ms: exhaust, at: exhaust === null ? null : new Date(now + exhaust).toISOString() },
    burnDown: burnDownSeries(first, unit, target, steps, { t: now, good: firstFig.good, total: firstFig.total }),
  };
}

function monthSpan(now: number): WindowSpan {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { label: 'month', from: start, windowMs: end - start, elapsedMs: now - start };
}

const rolling = (now: number, days: number): WindowSpan => ({ label: `${days}d`, from: now - days * DAY, windowMs: days * DAY, elapsedMs: days * DAY });

/**
 * A snapshot taken at `now` for components `a` and `b`:
 * - `a-errors` (ratio, 99.9, 30d + month): a fast burn over the last hour (page) with budget left;
 * - `b-probe` (gauge, 99.5, month): overspent (a negative budget left);
 * - `a-checks`: a check-based availability SLO (`source: checks`, no endpoint), minutes;
 * - `a-latency`: kept from an earlier run (asOf a day before, with the error of this run);
 * - capacity `a-disk` (rising: daily peaks), `b-free` (falling: daily lows), `b-queue` (failed, no figures);
 * - one firing Prometheus alert; the run is incomplete (an endpoint error).
 */
export function fixtureSloSnapshot(now: number, a: string, b: string, opts: { hostile?: string } = {}): SloSnapshot {
  const at = new Date(now).toISOString();
  const earlier = new Date(now - DAY).toISOString();
  const perMinute = 1000;
  // 0.05% bad over 30 days, but 3% bad in the last hour (burn rates 30 and 0.5).
  const ratio = (ms: number) => {
    const total = (ms / 60_000) * perMinute;
    const recent = Math.min(ms, 3_600_000);
    const bad = ((ms - recent) / 60_000) * perMinute * 0.0005 + (recent / 60_000) * perMinute * 0.03;
    return { good: total - bad, total };
  };
  // 1% of samples failed: twice what 99.5 allows.
  const gauge = (ms: number) => ({ good: Math.round(ms / 60_000) * 0.99, total: Math.round(ms / 60_000) });
  const checks = (ms: number) => ({ good: ms / 60_000 - Math.min(30, ms / 60_000 / 100), total: ms / 60_000 });
  const entry = (over: Partial<SloEntry> & Pick<SloEntry, 'id' | 'component' | 'sli' | 'target'>, figures: SloFigures | null): SloEntry => ({
    name: over.id,
    description: null,
    endpoint: 'main',
    asOf: at,
    error: null,
    ...over,
    figures,
  });
  const slos: SloEntry[] = [
    entry({ id: 'a-errors', name: opts.hostile ?? 'API errors', description: 'Requests answered without a 5xx', component: a, sli: 'ratio', target: 99.9 }, figuresOf(now, 99.9, 'events', [rolling(now, 30), monthSpan(now)], ratio)),
    entry({ id: 'b-probe', name: 'Probe success', component: b, sli: 'gauge', target: 99.5 }, figuresOf(now, 99.5, 'minutes', [monthSpan(now)], gauge)),
    // A check-based SLO, as the snapshot will hold it once `source` exists (src/prometheus/types.ts).
    { ...entry({ id: 'a-checks', name: 'API checks', component: a, sli: 'ratio', target: 99.9 }, figuresOf(now, 99.9, 'minutes', [rolling(now, 30)], checks)), source: 'checks', endpoint: null, sli: 'availability' } as unknown as SloEntry,
    entry({ id: 'a-latency', name: 'API latency', component: a, sli: 'latency', target: 95, asOf: earlier, error: 'query failed: connect ECONNREFUSED 127.0.0.1:9090' }, figuresOf(now - DAY, 95, 'events', [rolling(now - DAY, 30)], ratio)),
  ];
  const daily = (days: number, f: (k: number) => number): [number, number][] => Array.from({ length: days }, (_, k) => [Math.floor(now / DAY) * DAY - (days - 1 - k) * DAY, f(k)]);
  const cap = (over: Omit<CapacityEntry, 'name' | 'endpoint' | 'asOf' | 'error'> & Partial<CapacityEntry>): CapacityEntry => ({ name: over.id, endpoint: 'main', asOf: at, error: null, ...over });
  const capacity: CapacityEntry[] = [
    cap({
      id: 'a-disk',
      name: 'Database disk',
      component: a,
      unit: '%',
      direction: 'up',
      method: 'least-squares',
      lookbackDays: 30,
      figures: forecast({ direction: 'up', warning: 80, critical: 90, method: 'least-squares', horizonMs: 365 * DAY }, daily(30, (k) => 50 + 0.5 * k + Math.sin(k * 1.7)), now),
    }),
    cap({
      id: 'b-free',
      name: 'Free memory',
      component: b,
      unit: 'GiB',
      direction: 'down',
      method: 'theil-sen',
      lookbackDays: 30,
      figures: forecast({ direction: 'down', warning: 4, critical: 2, method: 'theil-sen', horizonMs: 90 * DAY }, daily(30, (k) => 16 - 0.1 * k + (k % 3) * 0.05), now),
    }),
    cap({ id: 'b-queue', name: 'Queue depth', component: b, unit: 'jobs', direction: 'up', method: 'least-squares', lookbackDays: 14, asOf: null, error: 'query failed: bad_data', figures: null }),
  ];
  return {
    version: 1,
    generatedAt: at,
    complete: false,
    endpoints: [{ id: 'main', url: 'http://127.0.0.1:9090', ok: false, errors: ['a-latency: query failed: connect ECONNREFUSED 127.0.0.1:9090'], warnings: ['partial response'], requests: 7, points: 120 }],
    slos,
    capacity,
    alerts: { asOf: at, error: null, firing: [{ component: a, endpoint: 'main', name: 'HighErrorRate', severity: 'critical', summary: opts.hostile ?? 'Errors above 1%', activeAt: new Date(now - 3_600_000).toISOString() }] },
  };
}

export type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** A draft 2020-12 validator of one schema, formats checked (`date-time`). */
export function validator(schema: Record<string, unknown>): Validate {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema) as Validate;
}

/** An SLO of the API back in the snapshot's shape: every figure must come back unchanged. */
export function sloBack(s: CairnApiDocuments['slos']['slos'][number]): SloEntry {
  const { stale: _, source, endpoint, figures, ...rest } = s;
  const back = {
    ...rest,
    ...(source === 'checks' ? { source } : {}),
    endpoint,
    figures: figures && {
      ...figures,
      windows: figures.windows.map(({ achievedPercent: _a, budget: { remainingPercent: _r, ...budget }, ...w }) => ({ ...w, budget })),
      burnDown: figures.burnDown.map((p) => ({ t: Date.parse(p.at), remaining: p.remaining })),
    },
  };
  return back as SloEntry;
}

export function capacityBack(c: CairnApiDocuments['capacity']['capacity'][number]): unknown {
  const { stale: _, figures, ...rest } = c;
  return {
    ...rest,
    figures: figures && (({ basisText: _b, daily, ...f }) => ({ ...f, daily: daily.map((d) => [Date.parse(d.at), d.value]) }))(figures),
  };
}

type Node = DefaultTreeAdapterMap['node'];
export type Element = DefaultTreeAdapterMap['element'];

/** Every element of an HTML page matching `match`, in document order. */
export function elements(html: string | Element, match: (e: Element) => boolean): Element[] {
  const out: Element[] = [];
  const walk = (n: Node): void => {
    if ('tagName' in n && match(n)) out.push(n);
    const kids = 'content' in n && n.content ? n.content.childNodes : 'childNodes' in n ? n.childNodes : [];
    for (const c of kids) walk(c);
  };
  walk(typeof html === 'string' ? parse(html) : html);
  return out;
}

export const attr = (e: Element, name: string): string | undefined => e.attrs.find((a) => a.name === name)?.value;

/** An element's text, whitespace collapsed. */
export function text(e: Node): string {
  const parts: string[] = [];
  const walk = (n: Node): void => {
    if (n.nodeName === '#text') parts.push((n as DefaultTreeAdapterMap['textNode']).value);
    if ('childNodes' in n) for (const c of n.childNodes) walk(c);
  };
  walk(e);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
