/**
 * `cairn slo` end to end: with Prometheus down it still exits 0, records the failure in the
 * snapshot and keeps the last good figures with their time; secrets never reach the snapshot,
 * stderr or the page; the built page says "SLO data as of …". A config error exits 2.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/prometheus/testing.ts';
import type { SloSnapshot } from '../src/prometheus/types.ts';
import { cairn } from './helpers.ts';

const TOKEN = 'tok-9f8e7d6c5b4a';
const PASSWORD = 'pw-1a2b3c4d5e';
const OLD = '2026-11-20T10:00:00.000Z';

function previous(): SloSnapshot {
  return {
    version: 1,
    generatedAt: OLD,
    complete: true,
    endpoints: [{ id: 'main', url: 'http://127.0.0.1', ok: true, errors: [], warnings: [], requests: 2, points: 40 }],
    slos: [
      {
        id: 'api-avail',
        name: 'API availability',
        description: null,
        component: 'api',
        endpoint: 'main',
        sli: 'ratio',
        target: 99.9,
        asOf: OLD,
        error: null,
        figures: {
          windows: [
            {
              window: '30d',
              from: '2026-10-21T10:00:00.000Z',
              to: OLD,
              windowMs: 30 * 86_400_000,
              elapsedMs: 30 * 86_400_000,
              good: 4_317_840,
              total: 4_320_000,
              achieved: 0.998457,
              // Overspent: the page shows the report's figure, "-57.41%", never "0.0% left".
              budget: { unit: 'events', allowed: 4320, consumed: 6800.112, remaining: -2480.112, remainingFraction: -0.5741 },
              met: false,
            },
          ],
          burnRates: { '5m': 0, '30m': 0.33, '1h': 0.5, '2h': 0.5, '6h': 0.5, '1d': 0.5, '3d': 0.5 },
          alertState: 'ok',
          rules: [],
          exhaustion: { burnWindow: '1h', ms: 30 * 86_400_000, at: '2026-12-20T10:00:00.000Z' },
          burnDown: [
            { t: Date.parse('2026-10-21T10:00:00.000Z'), remaining: 1 },
            { t: Date.parse(OLD), remaining: 0.5 },
          ],
        },
      },
    ],
    capacity: [],
    alerts: { asOf: OLD, error: null, firing: [] },
  };
}

describe('cairn slo', () => {
  let dir: string;
  let port: number;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-slo-cli-'));
    port = await freePort();
    await writeFile(
      path.join(dir, 'cairn.yaml'),
      `site: { title: SLO test }
prometheus:
  id: main
  url: http://cairn:\${PROM_PASSWORD}@127.0.0.1:${port}/prometheus
  bearerToken: \${PROM_TOKEN}
  timeout: 2s
slos:
  - id: api-avail
    name: API availability
    component: api
    target: 99.9
    sli: { ratio: { errors: 'http_requests_total{code=~"5.."}', total: http_requests_total } }
checks:
  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }
`,
    );
    await mkdir(path.join(dir, 'data', 'slo'), { recursive: true });
    await writeFile(path.join(dir, 'data', 'slo', 'latest.json'), JSON.stringify(previous()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const env = { PROM_TOKEN: TOKEN, PROM_PASSWORD: PASSWORD };

  it('exits 0 with Prometheus down, records the failure and keeps the last good figures', async () => {
    const r = await cairn(['slo', '--dir', dir], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('connection refused');
    expect(r.stderr).toContain('last good figures kept');
    const text = await readFile(path.join(dir, 'data', 'slo', 'latest.json'), 'utf8');
    const snap = JSON.parse(text) as SloSnapshot;
    expect(snap.complete).toBe(false);
    expect(snap.endpoints[0]!.ok).toBe(false);
    const s = snap.slos[0]!;
    expect(s.error).toContain(`connection refused by 127.0.0.1:${port}`);
    expect(s.asOf).toBe(OLD);
    expect(s.figures?.windows[0]!.achieved).toBe(0.998457);
    expect(snap.alerts.error).toContain('connection refused');
    expect(snap.alerts.asOf).toBe(OLD);
    for (const secret of [TOKEN, PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
    const history = await readFile(path.join(dir, 'data', 'slo', 'history', `${snap.generatedAt.slice(0, 10)}.json`), 'utf8');
    expect(history).toBe(text);
  });

  it('builds a page that shows the kept figures and "SLO data as of"', async () => {
    const out = path.join(dir, 'dist');
    const r = await cairn(['build', '--dir', dir, '--out', out], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(path.join(out, 'components', 'api', 'index.html'), 'utf8');
    expect(html).toContain('SLO data as of');
    expect(html).toContain('99.845%');
    expect(html).toMatch(/<dd data-budget[^>]*>-57\.41% \(overspent\)/);
    expect(html).toContain('<svg');
    expect(html).not.toContain(TOKEN);
    const home = await readFile(path.join(out, 'index.html'), 'utf8');
    // The home page gives the same figure and says, as the component page does, that it is not current.
    expect(home).toContain('API availability: 99.845% of 99.9% (30d), -57.41% budget left (SLO data as of Nov 20, 2026, 10:00 AM UTC)');
  });

  it('exits 2 on a config error, naming file, line and field', async () => {
    const bad = await mkdtemp(path.join(os.tmpdir(), 'cairn-slo-bad-'));
    try {
      await writeFile(
        path.join(bad, 'cairn.yaml'),
        `prometheus: { id: main, url: http://127.0.0.1:9 }
slos:
  - { id: x, component: nope, target: 99.9, sli: { gauge: probe_success } }
checks:
  - { id: api, kind: tcp, host: 127.0.0.1, port: 1 }
`,
      );
      const r = await cairn(['slo', '--dir', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cairn\.yaml:3:\d+: slos\[0\]\.component: unknown component "nope"/);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
