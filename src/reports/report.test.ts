import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/types.ts';
import { loadIncidents } from '../incidents/store.ts';
import { computeModel } from '../model/model.ts';
import { computePeriod } from '../model/period.ts';
import { compactStore } from '../store/compact.ts';
import { appendRun } from '../store/samples.ts';
import { readStore } from '../store/store.ts';
import { apiLatency, writeFixtureRepo } from './fixture.ts';
import { num, share } from './format.ts';
import { buildReport, monthPeriod, reportMonth, writeReport } from './generate.ts';

const NOW = Date.parse('2026-05-10T00:00:00Z');
const APRIL = monthPeriod('2026-04');
let dir: string;
let config: ResolvedConfig;
let md: string;
let html: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-'));
  await writeFixtureRepo(dir);
  config = await loadConfig(dir, { missingEnv: 'keep' });
  ({ md, html } = await buildReport(config, '2026-04', { now: NOW, prometheus: false }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Nearest-rank percentile of the fixture's April api response times (down samples excluded). */
function exactApi(p: number, count: number): number {
  // The run index k counts every api sample, down ones too; collect the non-down ones' values.
  const values: number[] = [];
  let k = 0;
  for (let t = Date.parse('2026-03-01T00:00:00Z'); t < APRIL.to; t += 300_000, k++) {
    if (t < APRIL.from) continue;
    const down = (t >= Date.parse('2026-04-10T10:00:00Z') && t < Date.parse('2026-04-10T10:45:00Z')) || (t >= Date.parse('2026-04-22T02:00:00Z') && t < Date.parse('2026-04-22T03:00:00Z'));
    if (!down) values.push(apiLatency(k % 100));
  }
  values.sort((a, b) => a - b);
  expect(values.length).toBe(count);
  return values[Math.ceil((p / 100) * values.length) - 1] as number;
}

describe('the April fixture: every figure', () => {
  it('period, sources and the executive summary', () => {
    expect(md).toContain('# Acme Status: health report, April 2026\n');
    expect(md).toContain('**Period (UTC):** 2026-04-01 00:00 UTC to 2026-05-01 00:00 UTC\n');
    // 8640 runs: api 8640 + cert 8640 + web 8640 − 71 missing (00:05..05:55 on the 20th) = 25,849.
    expect(md).toContain('**Sources:** 25,849 samples from 30 raw days and 0 compacted days (rollups); 3 of 3 checks with data. SLO figures: the daily SLO snapshots in data/slo/history (3 for this month).');
    expect(md).toContain('- 2 of 3 components met their SLA: Web (100.00% against 99.5%) and Certificate (100.00% against 99.9%).\n- 1 component missed its SLA: API (99.89% against 99.9%).\n');
  });

  it('per component: target, availability, downtime, budget, incidents', () => {
    // api: known 30 d = 2,592,000,000 ms; maintenance 1 h; down 45 min → 2,585,700,000 / 2,588,400,000 = 99.8956…% → 99.89.
    // budget: floor(2,588,400,000 × 0.001) = 2,588,400 ms = 43.14 min; consumed 2,700,000 = 45.0; remaining −111,600 ms → −1.9;
    // consumed 104.31%, remaining −4.32% (floor of −4.311…).
    expect(md).toContain('| API | 99.9% (default) | 99.89% | 100.00% | 45.0 | 60.0 | 43.1 | 45.0 | 104.31% | -1.9 | -4.32% | ❌ missed | 1 |');
    // web: no data 00:15–06:00 on the 20th (5 h 45 min) → known 2,571,300,000 → coverage 99.2013…% → 99.20;
    // degraded 30 min counts as up → 100.00; budget floor(2,571,300,000 × 0.005) = 12,856,500 ms = 214.2 min.
    expect(md).toContain('| Web | 99.5% (SLO web-avail) | 100.00% | 99.20% | 0.0 | 0.0 | 214.2 | 0.0 | 0.00% | 214.2 | 100.00% | ✅ met | 0 |');
    // edge (check cert): degraded from the 26th, counted as available; 2,592,000 ms allowed = 43.2 min.
    expect(md).toContain('| Certificate | 99.9% (default) | 100.00% | 100.00% | 0.0 | 0.0 | 43.2 | 0.0 | 0.00% | 43.2 | 100.00% | ✅ met | 0 |');
  });

  it('the model figures behind them', () => {
    const api = computePeriodFor('api');
    expect(api.uptime).toMatchObject({ upMs: 2_592_000_000 - 3_600_000 - 2_700_000, downMs: 2_700_000, maintenanceMs: 3_600_000, degradedMs: 0, knownMs: 2_592_000_000, percent: '99.89', coverage: '100.00' });
    expect(api.downtimeMs).toBe(2_700_000);
    expect(api.sla).toEqual({ target: 99.9, targetSource: 'default', slo: null, met: false, allowedMs: 2_588_400, consumedMs: 2_700_000, remainingMs: -111_600, consumedPercent: '104.31', remainingPercent: '-4.32' });
    expect(api.incidents).toBe(1);
    expect(api.mttdMs).toBe(600_000);
    // Time to resolve counts from detection: 10:10 to 10:45.
    expect(api.mttrMs).toBe(2_100_000);
    const web = computePeriodFor('web');
    expect(web.uptime).toMatchObject({ knownMs: 2_571_300_000, degradedMs: 1_800_000, downMs: 0, percent: '100.00', coverage: '99.20' });
    expect(web.sla).toMatchObject({ target: 99.5, targetSource: 'slo', slo: 'web-avail', met: true, allowedMs: 12_856_500, consumedMs: 0 });
  });

  it('latency p50/p95/p99 against the previous month, within 1% of the exact values', () => {
    expect(md).toContain('| API | 8,619 | 100.5 | 80.6 | +24.7% | 301.9 | 80.6 | +274.6% | 907.0 | 80.6 | +1025.3% |');
    expect(md).toContain('| Web | 8,569 | 120.3 | 100.5 | +19.7% | 120.3 | 100.5 | +19.7% | 120.3 | 100.5 | +19.7% |');
    expect(md).toContain('| Certificate | 8,640 | 30.3 | 30.3 | ±0.0% | 30.3 | 30.3 | ±0.0% | 30.3 | 30.3 | ±0.0% |');
    const api = computePeriodFor('api').latency;
    expect(api.samples).toBe(8619);
    for (const [p, got] of [[50, api.p50], [95, api.p95], [99, api.p99]] as const) {
      const exact = exactApi(p, 8619);
      expect(Math.abs((got as number) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect([exactApi(50, 8619), exactApi(95, 8619), exactApi(99, 8619)]).toEqual([100, 300, 900]);
  });

  it('incident response: time to acknowledge, targets per severity, postmortems, open action items (escaped)', () => {
    expect(md).toContain('## Incident response\n');
    expect(md).toContain('| P2 | 30 min | 1 | 1 | 0 | 0 |');
    // The web incident (P3, 2 h target) was resolved 1 h 55 min after detection without an acknowledgement: met.
    expect(md).toContain('| P3 | 2 h 00 min | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| [API outage \\| errors](https://status.acme.test/incidents/2026-04-10-api/) | P2 | dana | 2026-04-10 10:25 UTC by Dana <b> (pagerduty) | 15 min | 30 min | ✅ met | 4/5 | overdue 2026-04-15 10:45 UTC |');
    expect(md).toContain('| [Slow web pages](https://status.acme.test/incidents/2026-03-31-web/) | P3 | — | — | — | 2 h 00 min | ✅ met | — | not required |');
    expect(md).toContain('**Postmortems:** 1 due, 0 done, 1 overdue.');
    expect(md).toContain('**Open action items:** 1 (1 done).');
    expect(md).toContain('| Canary <deploys> \\| first | [API outage \\| errors](https://status.acme.test/incidents/2026-04-10-api/) | ops | 2026-04-20 (overdue) |');
    expect(html).toContain('<td>dana</td><td>after 15 min, by Dana &lt;b&gt; (pagerduty)</td><td>30 min: <span class="met">met</span></td><td>4/5</td><td>overdue 2026-04-15</td>');
    expect(html).toContain('<td>Canary &lt;deploys&gt; | first</td>');
    expect(html).not.toContain('<deploys>');
    expect(html).not.toContain('Dana <b>');
  });

  it('incidents with severity, duration, time to detect and to resolve, and links', () => {
    expect(md).toContain('| [Slow web pages](https://status.acme.test/incidents/2026-03-31-web/) | P3 (minor) | Web | 2026-03-31 23:00 UTC | 2 h 00 min | 5 min | 1 h 55 min |');
    expect(md).toContain('| [API outage \\| errors](https://status.acme.test/incidents/2026-04-10-api/) | P2 (major) | API | 2026-04-10 10:00 UTC | 45 min | 10 min | 35 min |');
    expect(html).toContain('<a href="https://status.acme.test/incidents/2026-04-10-api/">API outage | errors</a>');
  });

  it('maintenance, SLO burn-down, capacity, certificates, alerts, trend, appendix', () => {
    expect(md).toContain('| Database upgrade | API | 2026-04-22 02:00 UTC | 2026-04-22 03:00 UTC | 1 h 00 min | no |');
    expect(md).toContain('Source: daily SLO snapshots (as of 2026-04-30 23:55 UTC).\nAchieved 99.90% (met); 9990 good of 10000 samples; budget allowed 216 minutes, consumed 108 minutes, remaining 50.00%.');
    expect(md).toContain('| 2026-04-01 | 100.00% | 100.00% |\n| 2026-04-10 | 90.00% | 66.67% |\n| 2026-04-20 | 60.00% | 33.34% |\n| 2026-04-30 | 50.00% | 0.01% |');
    // The line forecast is named: the daily peak (the fixture's snapshot predates `basis`: a daily peak too).
    expect(md).toContain('- **Database disk** (API): daily peak 71.5 % now, +3.5 % per week (least-squares, 30 days, as of 2026-04-30 23:55 UTC). Forecast of the daily peak (the highest value of each day), not the average, which reaches a threshold later; earliest and latest bound a 95% prediction interval of when the daily peak reaches it.\n  - warning at 90: projected; earliest 2026-05-30, likely 2026-06-06, latest 2026-06-15\n  - critical at 95: projected; earliest 2026-06-09, likely 2026-06-16, latest 2026-06-27');
    expect(html).toContain('<p class="meta" data-forecast-basis>Database disk: Forecast of the daily peak (the highest value of each day)');
    expect(md).toContain('| cert | www.acme.test | 2026-05-20 00:00 UTC | 19 | 2026-04-30 23:55 UTC |');
    expect(md).toContain('| web-avail | ticket | 2026-04-20 | 2026-04-20 | 1 |');
    expect(md).toContain('| HighErrorRate | API | critical | 2026-04-30 20:00 UTC |');
    expect(md).toContain('| Component | May | Jun | Jul | Aug | Sep | Oct | Nov | Dec | Jan | Feb | Mar | Apr |');
    expect(md).toContain('| API | — | — | — | — | — | — | — | — | — | — | 100.00 | 99.89 |');
    expect(md).toContain('- `web-avail` (good): `sum(sum_over_time(probe_success{job="web"}[30d]))` / total `sum(count_over_time(probe_success{job="web"}[30d]))`');
    // The HTML: one self-contained file, charts as inline SVG.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html.match(/<svg /g)?.length).toBe(4); // one burn-down, three trend charts
    expect(html).toContain('@page');
  });
});

function computePeriodFor(id: string) {
  return figures().components.find((c) => c.id === id) as ReturnType<typeof figures>['components'][number];
}

let cached: ReturnType<typeof computePeriod> | undefined;
function figures() {
  if (cached) return cached;
  throw new Error('call loadFigures first');
}

beforeAll(async () => {
  const { samples, rollups } = await readStore(dir);
  const { incidents } = await loadIncidents(config);
  cached = computePeriod({ config, samples, rollups, incidents, now: APRIL.to, period: APRIL });
});

describe('the report and the page agree', () => {
  it("the report's availability is the page's monthly figure for the same month", async () => {
    const { samples, rollups } = await readStore(dir);
    const { incidents } = await loadIncidents(config);
    const model = computeModel({ config, samples, rollups, incidents, now: NOW });
    for (const c of model.components) {
      const month = c.monthly.find((m) => m.month === '2026-04');
      const period = figures().components.find((p) => p.id === c.id);
      expect(month?.uptime).toEqual(period?.uptime);
      expect(month?.downtimeMs).toBe(period?.downtimeMs);
      expect(month?.incidents).toBe(period?.incidents);
      expect(md).toContain(`| ${c.name} | `);
      expect(md).toContain(`| ${month?.uptime.percent}% |`);
    }
  });
});

describe('determinism, no data, templates, compaction', () => {
  it('two runs write byte-identical files', async () => {
    const a = await writeReport(config, '2026-04', { now: NOW, prometheus: false });
    const first = [await readFile(a.files.md), await readFile(a.files.html)];
    const b = await writeReport(config, '2026-04', { now: Date.parse('2027-01-01T00:00:00Z'), prometheus: false });
    expect(await readFile(b.files.md)).toEqual(first[0]);
    expect(await readFile(b.files.html)).toEqual(first[1]);
  });

  it('a month without data says so', async () => {
    const r = await buildReport(config, '2026-01', { now: NOW, prometheus: false });
    expect(r.hasData).toBe(false);
    expect(r.md).toContain('**No data for this month**: the store holds no samples or rollups between 2026-01-01 00:00 UTC and 2026-02-01 00:00 UTC, no incident was open, and there are no SLO or capacity figures for it.');
    expect(r.html).toContain('<strong>No data for this month</strong>');
  });

  it('a month with SLO figures but no check samples keeps its SLO section (issue 14)', async () => {
    const slosOnly = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-slo-only-'));
    try {
      await writeFixtureRepo(slosOnly, { samples: false });
      await rm(path.join(slosOnly, 'incidents'), { recursive: true, force: true });
      const c = await loadConfig(slosOnly, { missingEnv: 'keep' });
      const r = await buildReport(c, '2026-04', { now: NOW, prometheus: false });
      expect(r.hasData).toBe(true);
      for (const text of [r.md, r.html]) {
        expect(text).not.toContain('No data for this month');
        expect(text).toContain('No check samples or rollups this month: no availability figures.');
        expect(text).toContain('1 of 1 SLO met its target: Web availability (99.90% against 99.5%).');
        expect(text).toContain('No check samples this month: no availability or SLA figures, only the SLO figures below.');
      }
      expect(r.md).toContain('## SLOs and error budget burn-down');
      expect(r.md).toContain('Achieved 99.90% (met)');
      expect(r.md).toContain('## Capacity forecasts');
    } finally {
      await rm(slosOnly, { recursive: true, force: true });
    }
  });

  it('lists a domain expiring soon beside the certificate, saying which is which', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-domain-'));
    try {
      await cp(dir, own, { recursive: true });
      await writeFile(path.join(own, 'checks', 'domain.yaml'), 'checks:\n  - id: acme-domain\n    kind: domain\n    domain: acme.test\n');
      // What the domain check stored inside its warning window (src/checks/rdap.ts words it).
      const error = 'domain acme.test expires in 21 days (expiration 2026-05-21T12:00:00Z), inside the warning window of 30 days (registrar Example Registrar, Inc.)';
      await appendRun(own, { v: 1, t: '2026-04-30T12:00:00.000Z', r: [{ id: 'acme-domain', s: 'degraded', t: '2026-04-30T12:00:00.000Z', ms: 80, e: error }] });
      const c = await loadConfig(own, { missingEnv: 'keep' });
      const r = await buildReport(c, '2026-04', { now: NOW, prometheus: false });
      expect(r.md).toContain('## Certificates and domains expiring within 60 days');
      expect(r.md).toContain('| cert | www.acme.test | 2026-05-20 00:00 UTC | 19 | 2026-04-30 23:55 UTC | certificate |\n| acme-domain | acme.test | 2026-05-21 12:00 UTC | 20 | 2026-04-30 12:00 UTC | domain |');
      expect(r.html).toContain('<td>acme-domain</td><td>acme.test</td><td>2026-05-21 12:00 UTC</td><td class="n">20</td><td>2026-04-30 12:00 UTC</td><td>domain</td>');
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it("a status repo's own templates replace Cairn's", async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-tpl-'));
    try {
      await cp(dir, own, { recursive: true });
      await mkdir(path.join(own, 'templates'), { recursive: true });
      await writeFile(path.join(own, 'templates', 'report.md.hbs'), 'Custom {{month}}: {{#each components}}{{name}}={{availability}} {{/each}}\n');
      const c = await loadConfig(own, { missingEnv: 'keep' });
      const r = await buildReport(c, '2026-04', { now: NOW, prometheus: false });
      expect(r.md).toBe('Custom 2026-04: API=99.89 Web=100.00 Certificate=100.00\n');
      expect(r.templates.md).toBe(path.join(own, 'templates', 'report.md.hbs'));
      expect(r.html).toBe(html); // no HTML template of its own: Cairn's
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('a fully compacted month gives identical figures', async () => {
    const compacted = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-compact-'));
    try {
      await cp(dir, compacted, { recursive: true });
      await rm(path.join(compacted, 'reports'), { recursive: true, force: true });
      const gaps = new Map(config.checks.map((c) => [c.id, c.maxGapMs]));
      const result = await compactStore(compacted, { retentionMs: 8 * 86_400_000, now: Date.parse('2026-05-20T00:00:00Z'), maxGapMs: (id) => gaps.get(id) ?? 900_000 });
      expect(result.days).toContain('2026-04-30');
      expect(result.days).toContain('2026-03-01');
      const c = await loadConfig(compacted, { missingEnv: 'keep' });
      const r = await buildReport(c, '2026-04', { now: NOW, prometheus: false });
      expect(r.md).toContain('**Sources:** 25,849 samples from 0 raw days and 30 compacted days (rollups)');
      const sourcesLine = /^\*\*Sources:\*\*.*$/m;
      expect(r.md.replace(sourcesLine, '')).toBe(md.replace(sourcesLine, ''));
      const htmlSources = /<p class="meta">Sources:.*<\/p>/;
      expect(r.html.replace(htmlSources, '')).toBe(html.replace(htmlSources, ''));
    } finally {
      await rm(compacted, { recursive: true, force: true });
    }
  });

  it('says which source the SLO figures came from when Prometheus does not answer', async () => {
    const r = await buildReport(config, '2026-04', { now: NOW, prometheus: true });
    expect(r.sloSource).toMatch(/^the daily SLO snapshots in data\/slo\/history \(3 for this month\); Prometheus did not answer: .*127\.0\.0\.1:1/);
    expect(r.md).toContain('Source: daily SLO snapshots (as of 2026-04-30 23:55 UTC).');
  });

  it('the current month is reported up to now', async () => {
    const r = await buildReport(config, '2026-05', { now: NOW, prometheus: false });
    expect(r.md).toContain('(in progress: figures up to 2026-05-10 00:00 UTC)');
  });
});

describe('SLOs on the checks in the report (no Prometheus)', () => {
  it('gives the hand-computed April figures, which are the page\'s April uptime', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'cairn-report-checkslo-'));
    try {
      await cp(dir, own, { recursive: true });
      const yaml = await readFile(path.join(own, 'cairn.yaml'), 'utf8');
      await writeFile(path.join(own, 'cairn.yaml'), yaml.replace('slos:\n', 'slos:\n  - { id: api-up, name: API up, component: api, target: 99.9, sli: { availability: {} } }\n'));
      const c = await loadConfig(own, { missingEnv: 'keep' });
      const r = await buildReport(c, '2026-04', { now: NOW, prometheus: false });
      // April: 43,200 minutes, the 60-minute maintenance excluded, 45 minutes down on the 10th.
      const achieved = 43_095 / 43_140;
      expect(r.md).toContain(`### API up (API, target 99.9%)`);
      expect(r.md).toContain(`Achieved ${share(achieved)}% (missed); ${num(43_095)} good of ${num(43_140)} minutes; budget allowed ${num(43.2)} minutes, consumed ${num((45 / 43_140) * 43_200)} minutes, remaining ${share(1 - (45 / 43_140) * 43_200 / 43.2)}%.`);
      expect(r.html).toContain(`Achieved ${share(achieved)}% (missed)`);
      expect(r.md).toContain("Source: Cairn's checks (the component's checks): available time of the known time outside maintenance");
      expect(r.md).toContain('- `api-up`: computed from the stored check results, no PromQL');
      // The page's April figure for the component is the same share.
      const { samples, rollups } = await readStore(own);
      const model = computeModel({ config: c, samples, rollups, now: NOW });
      const april = model.components.find((x) => x.id === 'api')!.monthly.find((m) => m.month === '2026-04')!;
      expect(april.uptime.availability).toBeCloseTo(achieved, 12);
      expect(model.slo?.byComponent['api']?.slos.find((x) => x.id === 'api-up')?.source).toBe('checks');
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});

describe('--month previous|current (issue 14: `date -d "last month"` gave the current month on the 29th to 31st)', () => {
  it.each([
    ['2026-03-31T23:59:59Z', 'previous', '2026-02'],
    ['2026-03-30T12:00:00Z', 'previous', '2026-02'],
    ['2026-03-29T00:00:00Z', 'previous', '2026-02'],
    ['2028-03-30T00:00:00Z', 'previous', '2028-02'],
    ['2026-05-31T04:17:00Z', 'previous', '2026-04'],
    ['2026-01-31T00:00:00Z', 'previous', '2025-12'],
    ['2026-03-01T04:17:00Z', 'previous', '2026-02'],
    ['2026-12-31T23:59:59Z', 'current', '2026-12'],
    ['2026-12-31T23:59:59Z', '2026-07', '2026-07'],
    ['2026-12-31T23:59:59Z', 'last', null],
    ['2026-12-31T23:59:59Z', '2026-13', null],
  ])('at %s, %s is %s', (now, text, want) => {
    expect(reportMonth(text, Date.parse(now))).toBe(want);
  });
});
