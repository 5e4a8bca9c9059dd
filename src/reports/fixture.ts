/**
 * Test support: a status repo with a known April 2026 (and March for the comparison).
 *
 * - checks `api` (component api), `web` (component web), `cert` (tls, component edge), every 5 minutes
 *   from 2026-03-01 to 2026-05-01; max gap 15 minutes
 * - api: down 2026-04-10 10:00–10:45 (45 min); down samples 2026-04-22 02:00–02:55 inside the
 *   maintenance window `db-upgrade` 02:00–03:00 (maintenance, not downtime); response times in
 *   April: `apiLatency`; in March always 80 ms
 * - web: degraded 2026-04-15 12:00–12:30; no samples 2026-04-20 00:05–05:55 (no data from 00:15 to
 *   06:00: 5 h 45 min); response time 120 ms in April, 100 ms in March; SLO `web-avail` (99.5%)
 * - cert: up; from 2026-04-26 degraded with the stored error naming notAfter 2026-05-20
 * - incidents: `2026-04-10-api` (major, started 10:00, detected 10:10, resolved 10:45) and
 *   `2026-03-31-web` (minor, 2026-03-31 23:00 → detected 23:05 → resolved 2026-04-01 01:00);
 *   the api one acknowledged at 10:25 by "Dana <b>" via PagerDuty (15 min, P2 target 30 min: met),
 *   owner dana, checklist 4/5, postmortem not written (due 04-15 10:45: overdue), one open and one
 *   done action item
 * - SLO snapshots for 2026-04-10, -20 and -30 (a `ticket` burn-rate alert on the 20th, a firing
 *   Prometheus alert, a capacity forecast)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SloSnapshot } from '../prometheus/types.ts';
import { dayFile } from '../store/layout.ts';
import { STORE_VERSION } from '../store/samples.ts';

const STEP = 300_000;
const T = (iso: string) => Date.parse(iso);

export const FIXTURE_MONTH = '2026-04';

const CAIRN_YAML = `site:
  title: Acme Status
  baseUrl: https://status.acme.test/
prometheus:
  id: main
  url: http://127.0.0.1:1
slos:
  - id: web-avail
    name: Web availability
    component: web
    target: 99.5
    windows: [month]
    sli: { gauge: 'probe_success{job="web"}' }
`;

const CHECKS_YAML = `checks:
  - { id: api, name: API, kind: tcp, host: 127.0.0.1, port: 9, component: api }
  - { id: web, name: Web, kind: tcp, host: 127.0.0.1, port: 9, component: web }
  - { id: cert, name: Certificate, kind: tls, host: www.acme.test, component: edge }
maintenance:
  - id: db-upgrade
    title: Database upgrade
    components: [api]
    start: 2026-04-22T02:00:00Z
    end: 2026-04-22T03:00:00Z
`;

const INCIDENTS: Record<string, string> = {
  '2026-04-10-api.md': `---
title: API outage | errors
impact: major
components: [api]
started: 2026-04-10T10:00:00Z
detected: 2026-04-10T10:10:00Z
resolved: 2026-04-10T10:45:00Z
owner: dana
acknowledged: { at: 2026-04-10T10:25:00Z, by: Dana <b>, via: pagerduty }
actions:
  - { title: Canary <deploys> | first, owner: ops, due: 2026-04-20 }
  - { title: Pin the release, state: done }
---
A bad deploy.

## Response checklist

- [x] Acknowledge
- [x] Triage
- [x] Mitigate
- [x] Resolve
- [ ] Postmortem
`,
  '2026-03-31-web.md': `---
title: Slow web pages
impact: minor
components: [web]
started: 2026-03-31T23:00:00Z
detected: 2026-03-31T23:05:00Z
resolved: 2026-04-01T01:00:00Z
---
`,
};

/** April's api response times over each 100 runs: 60 × 100 ms, 34 × 150, 4 × 300, 2 × 900. */
export function apiLatency(i: number): number {
  return i < 60 ? 100 : i < 94 ? 150 : i < 98 ? 300 : 900;
}

type R = { id: string; s: string; t: string; ms: number | null; e: string | null };

function results(t: number, k: number): R[] {
  const at = new Date(t).toISOString();
  const april = t >= T('2026-04-01T00:00:00Z');
  const out: R[] = [];
  // api
  const apiDown = (t >= T('2026-04-10T10:00:00Z') && t < T('2026-04-10T10:45:00Z')) || (t >= T('2026-04-22T02:00:00Z') && t < T('2026-04-22T03:00:00Z'));
  out.push({ id: 'api', s: apiDown ? 'down' : 'up', t: at, ms: apiDown ? null : april ? apiLatency(k % 100) : 80, e: apiDown ? 'connection refused' : null });
  // web
  const gap = t > T('2026-04-20T00:00:00Z') && t < T('2026-04-20T06:00:00Z');
  if (!gap) {
    const degraded = t >= T('2026-04-15T12:00:00Z') && t < T('2026-04-15T12:30:00Z');
    out.push({ id: 'web', s: degraded ? 'degraded' : 'up', t: at, ms: april ? 120 : 100, e: degraded ? 'slow' : null });
  }
  // cert
  const expiring = t >= T('2026-04-26T00:00:00Z');
  out.push({
    id: 'cert',
    s: expiring ? 'degraded' : 'up',
    t: at,
    ms: 30,
    e: expiring ? 'TLS certificate expires in 24 days (notAfter 2026-05-20T00:00:00.000Z), inside the warning window of 30 days' : null,
  });
  return out;
}

/** Writes the raw days [from, to) of the fixture, one write per day file. */
export async function writeFixtureSamples(dir: string, from = T('2026-03-01T00:00:00Z'), to = T('2026-05-01T00:00:00Z')): Promise<number> {
  let day = '';
  let lines: string[] = [];
  let n = 0;
  const flush = async () => {
    if (!day) return;
    const file = dayFile(dir, day);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${lines.join('\n')}\n`);
    lines = [];
  };
  let k = 0;
  for (let t = from; t < to; t += STEP) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d !== day) {
      await flush();
      day = d;
    }
    const r = results(t, k);
    if (r.some((x) => x.id === 'api')) k += 1;
    lines.push(JSON.stringify({ v: STORE_VERSION, t: new Date(t).toISOString(), r }));
    n += r.length;
  }
  await flush();
  return n;
}

function snapshot(day: string, remaining: number, alertState: 'ok' | 'ticket', withExtras: boolean): SloSnapshot {
  const at = `${day}T23:55:00.000Z`;
  const from = '2026-04-01T00:00:00.000Z';
  const elapsed = Date.parse(at) - Date.parse(from);
  const allowed = 0.005 * 30 * 1440;
  return {
    version: 1,
    generatedAt: at,
    complete: true,
    endpoints: [{ id: 'main', url: 'http://127.0.0.1:1', ok: true, errors: [], warnings: [], requests: 2, points: 10 }],
    slos: [
      {
        id: 'web-avail',
        name: 'Web availability',
        description: null,
        component: 'web',
        endpoint: 'main',
        sli: 'gauge',
        target: 99.5,
        asOf: at,
        error: null,
        figures: {
          windows: [
            {
              window: 'month',
              from,
              to: at,
              windowMs: 30 * 86_400_000,
              elapsedMs: elapsed,
              good: 9990,
              total: 10000,
              achieved: 0.999,
              budget: { unit: 'minutes', allowed, consumed: allowed * (1 - remaining), remaining: allowed * remaining, remainingFraction: remaining },
              met: true,
            },
          ],
          burnRates: { '5m': null, '30m': null, '1h': null, '2h': null, '6h': null, '1d': null, '3d': null },
          alertState,
          rules: [],
          exhaustion: { burnWindow: '1h', ms: null, at: null },
          burnDown: [],
        },
      },
    ],
    capacity: withExtras
      ? [
          {
            id: 'db-disk',
            name: 'Database disk',
            component: 'api',
            endpoint: 'main',
            unit: '%',
            direction: 'up',
            method: 'least-squares',
            lookbackDays: 30,
            asOf: at,
            error: null,
            figures: {
              daily: [],
              current: 71.5,
              slopePerDay: 0.5,
              growthPerWeek: 3.5,
              fitted: 71.2,
              residualSd: 0.4,
              horizonDays: 365,
              thresholds: [
                { level: 'warning', value: 90, state: 'projected', earliest: '2026-05-30T00:00:00.000Z', likely: '2026-06-06T00:00:00.000Z', latest: '2026-06-15T00:00:00.000Z' },
                { level: 'critical', value: 95, state: 'projected', earliest: '2026-06-09T00:00:00.000Z', likely: '2026-06-16T00:00:00.000Z', latest: '2026-06-27T00:00:00.000Z' },
              ],
            },
          },
        ]
      : [],
    alerts: {
      asOf: at,
      error: null,
      firing: withExtras ? [{ component: 'api', endpoint: 'main', name: 'HighErrorRate', severity: 'critical', summary: null, activeAt: '2026-04-30T20:00:00.000Z' }] : [],
    },
  };
}

/** A complete status repo with the fixture's configuration, incidents, samples and SLO snapshots. */
export async function writeFixtureRepo(dir: string, opts: { samples?: boolean } = {}): Promise<void> {
  await mkdir(path.join(dir, 'checks'), { recursive: true });
  await mkdir(path.join(dir, 'incidents'), { recursive: true });
  await mkdir(path.join(dir, 'data', 'slo', 'history'), { recursive: true });
  await writeFile(path.join(dir, 'cairn.yaml'), CAIRN_YAML);
  await writeFile(path.join(dir, 'checks', 'fixture.yaml'), CHECKS_YAML);
  for (const [name, text] of Object.entries(INCIDENTS)) await writeFile(path.join(dir, 'incidents', name), text);
  const snaps: [string, number, 'ok' | 'ticket', boolean][] = [
    ['2026-04-10', 0.9, 'ok', false],
    ['2026-04-20', 0.6, 'ticket', false],
    ['2026-04-30', 0.5, 'ok', true],
  ];
  for (const [day, remaining, state, extras] of snaps) {
    await writeFile(path.join(dir, 'data', 'slo', 'history', `${day}.json`), `${JSON.stringify(snapshot(day, remaining, state, extras), null, 1)}\n`);
  }
  if (opts.samples !== false) await writeFixtureSamples(dir);
}
